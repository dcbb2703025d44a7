package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The native libraries' environment is in the process before libtorch loads (checked in a fresh
 * child JVM, as this one may have loaded libtorch already), and reproducible mode fixes the thread
 * count, the kernels and the dtype.
 */
class NativeSettingsTest {

    @Test
    void waitPolicyIsPassiveInTheEnvironmentLibtorchLoadsWith() throws Exception {
        String out = probe();
        assertTrue(out.contains("env:OMP_WAIT_POLICY=PASSIVE"), out);
        assertTrue(out.contains("native settings: OMP_WAIT_POLICY=PASSIVE"), out);
        assertTrue(out.contains("env:ATEN_CPU_CAPABILITY=null"), out); // not reproducible mode: the widest kernels stay
    }

    @Test
    void aSystemPropertyOfTheSameNameChoosesAnotherPolicy() throws Exception {
        String out = probe("-DOMP_WAIT_POLICY=active");
        assertTrue(out.contains("env:OMP_WAIT_POLICY=ACTIVE"), out);
    }

    @Test
    void reproducibleModeRunsOneThreadWithFixedKernels() throws Exception {
        String out = probe("-D" + NativeSettings.REPRODUCIBLE + "=true");
        assertTrue(out.contains("threads=1 "), out);
        assertTrue(out.contains("env:OMP_NUM_THREADS=1"), out);
        assertTrue(out.contains("env:ATEN_CPU_CAPABILITY=avx2"), out);
        assertTrue(out.contains("env:ONEDNN_MAX_CPU_ISA=AVX2"), out);
        assertTrue(out.contains("env:MKL_CBWR=AVX2,STRICT"), out);
        assertTrue(out.contains("reproducible mode"), out);
    }

    @Test
    void reproducibleModeComputesBf16CheckpointsInFloat32() {
        assumeTrue(CpuFeatures.computesBf16(), "only a CPU with bf16 instructions keeps bf16 otherwise");
        ModelOptions auto = new ModelOptions("cpu", "auto");
        assertEquals(DataType.BFLOAT16, auto.resolveDtype(Device.cpu(), "bfloat16"));
        System.setProperty(NativeSettings.REPRODUCIBLE, "true");
        try {
            assertEquals(DataType.FLOAT32, auto.resolveDtype(Device.cpu(), "bfloat16"));
        } finally {
            System.clearProperty(NativeSettings.REPRODUCIBLE);
        }
    }

    private static String probe(String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-Dai.djl.offline=true");
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // the child starts from an environment without the variables (the test JVM's own has OMP_WAIT_POLICY, see pom.xml)
        for (String name : new String[] {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "MKL_CBWR", "LORALAB_REPRODUCIBLE"}) {
            pb.environment().remove(name);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** The child: LoRA Lab's set-up, libtorch loaded by an operation, then what the C library's environment holds. */
    static final class Probe {
        interface C extends Library {
            String getenv(String name);
        }

        public static void main(String[] args) {
            EngineSetup.prepare(false);
            Engine.getEngine("PyTorch");
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray a = m.ones(new ai.djl.ndarray.types.Shape(64, 64));
                a.matMul(a).sum().getFloat();
            }
            C c = Native.load("c", C.class);
            StringBuilder sb = new StringBuilder("threads=" + JniUtils.getNumThreads() + " ");
            for (String name : new String[] {"OMP_WAIT_POLICY", "OMP_NUM_THREADS", "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "MKL_CBWR"}) {
                sb.append("env:").append(name).append('=').append(c.getenv(name)).append(' ');
            }
            System.out.println(sb);
            System.out.println(NativeSettings.describe());
        }
    }
}
