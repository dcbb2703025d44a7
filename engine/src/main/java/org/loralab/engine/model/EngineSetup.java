package org.loralab.engine.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Platform;
import ai.djl.util.cuda.CudaUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which PyTorch the engine runs on, and how that is chosen. The jar ships libtorch 2.7.1 for the
 * CPU (Linux x86-64); a GPU needs a local CUDA libtorch 2.7.1, named by {@code PYTORCH_LIBRARY_PATH}
 * with {@code PYTORCH_VERSION=2.7.1} and {@code PYTORCH_FLAVOR=cu128} (environment variables or
 * system properties), for which DJL's JNI ships inside pytorch-jni. DJL is kept offline only when
 * the shipped natives fit this machine and nothing says otherwise: a setting of {@code ai.djl.offline} always wins, and a flavor or version
 * asked for without a local library path leaves DJL free to fetch it.
 */
public final class EngineSetup {

    static final String OFFLINE = "ai.djl.offline";

    private EngineSetup() {
    }

    /**
     * Everything that must precede libtorch's loading: DJL's offline default where the bundled natives
     * fit, and the native libraries' environment ({@link NativeSettings}: OpenMP's wait policy,
     * reproducible mode). Call once, before the engine loads.
     */
    public static void prepare(boolean offlineDefault) {
        if (offlineDefault) {
            defaultOffline();
        }
        NativeSettings.apply();
    }

    /** Sets DJL's offline mode unless the user configured it or asked for natives the jar lacks; call before the engine loads. */
    public static void defaultOffline() {
        if (offlineByDefault(System.getProperty(OFFLINE), setting("PYTORCH_LIBRARY_PATH"), setting("PYTORCH_FLAVOR"),
                setting("PYTORCH_VERSION"), nativesBundledForThisMachine())) {
            System.setProperty(OFFLINE, "true");
        }
    }

    static boolean offlineByDefault(String offlineSetting, String libraryPath, String flavor, String version, boolean bundledHere) {
        if (offlineSetting != null) {
            return false; // the user's word
        }
        if (libraryPath != null) {
            return true; // a local libtorch: nothing to download
        }
        // the bundled CPU natives, where they fit this machine; elsewhere (Windows, macOS) DJL downloads them once,
        // and another flavor or version may need fetching too
        return bundledHere && flavor == null && version == null;
    }

    /** Whether a PyTorch natives jar for this OS and CPU is on the class path (the build ships Linux x86-64's). */
    static boolean nativesBundledForThisMachine() {
        try {
            Platform bundled = Platform.detectPlatform("pytorch");
            return !bundled.isPlaceholder() && bundled.getClassifier().equals(Platform.fromSystem("pytorch").getClassifier());
        } catch (RuntimeException e) {
            return false; // none, or none for this machine
        }
    }

    /** An environment variable or, if absent, the system property of that name (as DJL reads them). */
    static String setting(String name) {
        String v = System.getenv(name);
        return v != null && !v.isBlank() ? v : System.getProperty(name);
    }

    /** One line for logs and node messages: device, PyTorch and where its library came from. */
    public static String describe(Device device) {
        Engine engine = Engine.getEngine("PyTorch");
        List<String> parts = new ArrayList<>();
        parts.add(device.isGpu() ? "GPU " + device.getDeviceId() + " (compute capability "
                + CudaUtils.getComputeCapability(device.getDeviceId()) + ", CUDA " + CudaUtils.getCudaVersionString() + ")"
                : "CPU (" + PyTorchInternals.numThreads() + " threads)");
        parts.add(NativeSettings.describe());
        parts.add("PyTorch " + engine.getVersion() + " via DJL");
        String path = LibUtils.getLibtorchPath();
        String flavor = setting("PYTORCH_FLAVOR");
        parts.add("libtorch " + (path == null ? "(not loaded)" : path));
        if (flavor != null && path != null && !path.contains(flavor) && setting("PYTORCH_LIBRARY_PATH") == null) {
            parts.add("PYTORCH_FLAVOR=" + flavor + " was asked for, but this library is not that flavor");
        }
        if (!device.isGpu()) {
            // What --dtype auto does with a bf16 checkpoint here, and why (ModelOptions.resolveDtype).
            parts.add(NativeSettings.reproducible() ? "bf16 checkpoints widen to float32 (reproducible mode)"
                    : CpuFeatures.computesBf16() ? "bf16 checkpoints stay bf16 (this CPU has " + CpuFeatures.bf16Instructions() + ")"
                    : "bf16 checkpoints widen to float32 (no AVX512-BF16/AMX: bf16 would be emulated)");
        }
        int gpus = engine.getGpuCount();
        parts.add(gpus == 0 ? "no GPU visible" : gpus + " GPU(s) visible");
        return String.join("; ", parts);
    }

    /** The settings that decide the engine, as the user gave them (for `loralab info`). */
    public static String configuration() {
        StringBuilder sb = new StringBuilder();
        for (String name : new String[] {"PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR"}) {
            sb.append(String.format(Locale.ROOT, "%s=%s%n", name, setting(name) == null ? "(not set)" : setting(name)));
        }
        sb.append(NativeSettings.REPRODUCIBLE).append('=').append(NativeSettings.reproducible()).append('\n');
        return sb.append(OFFLINE).append('=').append(System.getProperty(OFFLINE)).append('\n').toString();
    }
}
