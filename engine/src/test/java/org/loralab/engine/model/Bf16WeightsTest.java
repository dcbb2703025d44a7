package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bf16 checkpoint loads as bf16 weights on the CPU, costs bf16's memory, and decodes consistently. */
class Bf16WeightsTest {

    @TempDir
    Path dir;

    @Test
    void everyWeightIsNativeBf16AndHoldsTwoBytesPerParameter() throws IOException {
        Path ckpt = new TinyCheckpoint().seed(4).dtype("bfloat16").write(dir.resolve("bf16"));
        try (CausalLM model = CausalLM.load(ckpt, new ModelOptions("cpu", "bfloat16"))) {
            assertEquals(DataType.BFLOAT16, model.dtype());
            for (Map.Entry<String, NDArray> e : model.namedWeights().entrySet()) {
                NDArray w = e.getValue();
                assertTrue(Bf16.isNativeBf16(w), e.getKey() + " is not bf16 in PyTorch");
                // the part weights of q/k/v and gate/up are views of a stack, so ask for the view's bytes
                long bytes = JniUtils.getByteBuffer((PtNDArray) w.duplicate(), true).capacity();
                assertEquals(w.getShape().size() * 2, bytes, e.getKey());
            }
        }
    }

    /**
     * Loading a bf16 model grows the process by about its bf16 size, not by a float32 copy: the
     * tensors are read from the file straight into PyTorch's bf16 memory (no mapping, no heap).
     * Measured in a child JVM whose heap is fixed and resident from the start, so only native
     * memory moves.
     */
    @Test
    void loadingCostsTheBf16SizeInResidentMemory() throws Exception {
        // ~48 M parameters: 96 MB in bf16, 192 MB in float32.
        Path big = new TinyCheckpoint().seed(2).dtype("bfloat16").vocabSize(32000).hiddenSize(512).intermediateSize(2048)
                .layers(4).heads(8, 2).weightStd(0.02).write(dir.resolve("big"));
        Path warm = new TinyCheckpoint().seed(1).dtype("bfloat16").write(dir.resolve("warm"));
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-Xms96m", "-Xmx96m", "-XX:+AlwaysPreTouch", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), LoadProbe.class.getName(), warm.toString(), big.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        String[] last = out.strip().lines().reduce((a, b) -> b).orElseThrow().split(" ");
        long grown = Long.parseLong(last[1]);
        long parameters = Long.parseLong(last[2]);
        System.out.printf("loading %,d bf16 parameters grew RSS by %.1f MB (bf16 size %.1f MB)%n", parameters, grown / 1e6,
                parameters * 2 / 1e6);
        assertTrue(parameters > 40_000_000, out);
        assertTrue(grown < parameters * 2 * 1.3, "RSS grew " + grown + " bytes for " + parameters * 2 + " bytes of bf16 weights");
    }

    /** The child of {@link #loadingCostsTheBf16SizeInResidentMemory}: prints "grown BYTES PARAMETERS". */
    static final class LoadProbe {
        public static void main(String[] args) throws Exception {
            try (CausalLM model = CausalLM.load(Path.of(args[0]), new ModelOptions("cpu", "bfloat16"))) {
                model.dtype(); // engine, TorchScript helper and classes loaded
            }
            long before = residentBytes();
            try (CausalLM model = CausalLM.load(Path.of(args[1]), new ModelOptions("cpu", "bfloat16"))) {
                long grown = residentBytes() - before;
                long parameters = 0;
                for (NDArray w : model.namedWeights().values()) {
                    parameters += w.getShape().size();
                }
                System.out.println("grown " + grown + " " + parameters);
            }
        }
    }

    /** Prefill then one step per token equals one pass over the whole sequence, within bf16 precision. */
    @Test
    void cachedDecodingMatchesTheFullPassInBf16() throws IOException {
        Path ckpt = new TinyCheckpoint().seed(6).dtype("bfloat16").write(dir.resolve("bf16"));
        try (CausalLM model = CausalLM.load(ckpt, new ModelOptions("cpu", "bfloat16"));
                NDManager m = model.manager().newSubManager();
                Autograd.Scope inference = Autograd.inference()) {
            long[] ids = {5, 17, 99, 3, 42, 8, 200, 11};
            int t = ids.length;
            float[] full = model.forward(m.create(ids).reshape(1, t), m.arange(0L, (long) t).reshape(1, t), null, null, false)
                    .toFloatArray();
            int v = model.config().vocabSize();
            try (KvCache cache = model.newCache(2)) { // small capacity: the bf16 cache must grow
                int prompt = 3;
                long[] head = java.util.Arrays.copyOf(ids, prompt);
                float[] last = model.forward(m.create(head).reshape(1, prompt), m.arange(0L, (long) prompt).reshape(1, prompt),
                        null, cache, true).toFloatArray();
                assertClose(full, (prompt - 1) * v, last, "prefill");
                for (int i = prompt; i < t; i++) {
                    last = model.forward(m.create(new long[] {ids[i]}).reshape(1, 1), m.create(new long[] {i}).reshape(1, 1),
                            null, cache, true).toFloatArray();
                    assertClose(full, i * v, last, "step " + i);
                }
                assertTrue(cache.capacity() >= t);
            }
        }
    }

    private static void assertClose(float[] full, int offset, float[] row, String what) {
        double worst = 0;
        double scale = 0;
        for (int j = 0; j < row.length; j++) {
            worst = Math.max(worst, Math.abs(full[offset + j] - row[j]));
            scale = Math.max(scale, Math.abs(full[offset + j]));
        }
        assertTrue(scale > 0.1, what + ": logits too small to compare");
        assertTrue(worst <= 0.02 * scale, what + ": max |cached - full| " + worst + " of largest logit " + scale);
    }

    /** VmRSS of this process (Linux). */
    static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
