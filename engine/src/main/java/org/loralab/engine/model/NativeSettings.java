package org.loralab.engine.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings that libtorch's native libraries read from the process environment, written into it
 * before libtorch loads. The shipped libtorch runs its threads on GNU OpenMP, which reads
 * {@code OMP_WAIT_POLICY} once, when it is loaded; MKL, oneDNN and ATen read theirs at first use.
 * Java cannot change its own environment, so the C library's {@code setenv} is called through JNA
 * (which DJL already brings).
 *
 * <p><b>Wait policy.</b> By default an OpenMP worker spins for about 3 ms after each parallel
 * region. On a busy machine those spinning workers take the cores that another process's (or
 * another job's, or the JIT's) threads need, and every parallel region then waits a scheduler time
 * slice: a small training ran 10 to 100 times slower instead of in proportion to the load. So
 * {@code OMP_WAIT_POLICY=PASSIVE} is set unless the user set it (or {@code GOMP_SPINCOUNT}).
 *
 * <p><b>Reproducible mode</b> ({@code -Dloralab.reproducible=true} or {@code LORALAB_REPRODUCIBLE=true}):
 * one thread (reductions and MKL's blocking depend on the thread count) and instruction sets fixed
 * below what the CPU offers (ATen's AVX2 kernels, oneDNN up to AVX2, MKL's conditional numerical
 * reproducibility at AVX2), and {@code --dtype auto} computes bf16 checkpoints in float32 on any
 * CPU; see README ("Same seed, same result").
 *
 * <p>Each variable may also be given as a system property of the same name (knime.ini has no
 * environment): an environment variable wins, then the system property, then LoRA Lab's default.
 */
public final class NativeSettings {

    /** System property (or, upper-case, environment variable) that turns on reproducible mode. */
    public static final String REPRODUCIBLE = "loralab.reproducible";

    private static final String WAIT_POLICY = "OMP_WAIT_POLICY";
    private static final String SPIN_COUNT = "GOMP_SPINCOUNT";

    private static String report = "native settings not applied (engine loaded without LoRA Lab's set-up)";
    private static boolean applied;

    private NativeSettings() {
    }

    /** Whether reproducible mode was asked for, by system property or environment variable. */
    public static boolean reproducible() {
        String v = System.getProperty(REPRODUCIBLE);
        if (v == null || v.isBlank()) {
            v = System.getenv("LORALAB_REPRODUCIBLE");
        }
        return v != null && (v.trim().equalsIgnoreCase("true") || v.trim().equals("1"));
    }

    /**
     * Writes the variables into the process environment; call before the PyTorch engine loads. Later
     * calls do nothing. Never throws: without JNA or after libtorch loaded, it says so in
     * {@link #describe()} and the libraries keep their defaults.
     */
    public static synchronized void apply() {
        if (applied) {
            return;
        }
        applied = true;
        Map<String, String> wanted = wanted(reproducible());
        if (reproducible()) {
            // DJL sets at::set_num_threads from this at engine start: every thread then starts with one
            System.setProperty("ai.djl.pytorch.num_threads", "1");
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        String loaded = libtorchAlreadyLoaded();
        if (loaded != null) {
            report = "native settings not applied: " + loaded + " was loaded before LoRA Lab's set-up";
            return;
        }
        List<String> set = new ArrayList<>();
        try {
            CLibrary c = Native.load("c", CLibrary.class);
            for (Map.Entry<String, String> e : wanted.entrySet()) {
                if (c.setenv(e.getKey(), e.getValue(), 1) != 0) {
                    throw new IllegalStateException("setenv " + e.getKey() + " failed");
                }
                set.add(e.getKey() + "=" + e.getValue());
            }
            report = set.isEmpty() ? "native settings: as given" : "native settings: " + String.join(" ", set);
        } catch (LinkageError | RuntimeException e) {
            report = "native settings not applied (" + e + ")";
        }
        if (reproducible()) {
            report += "; reproducible mode";
        }
    }

    /** One phrase for the engine line: what was set, or why nothing was. */
    public static synchronized String describe() {
        return report;
    }

    /**
     * The variables to write: LoRA Lab's defaults where neither the environment nor a system property
     * of that name says otherwise; in reproducible mode its values win over the user's.
     */
    static Map<String, String> wanted(boolean reproducible) {
        Map<String, String> out = new LinkedHashMap<>();
        if (System.getenv(WAIT_POLICY) == null && System.getenv(SPIN_COUNT) == null) {
            out.put(WAIT_POLICY, orProperty(WAIT_POLICY, "PASSIVE"));
        }
        for (String name : new String[] {SPIN_COUNT, "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "MKL_CBWR",
                "OMP_NUM_THREADS", "MKL_NUM_THREADS"}) {
            String p = System.getProperty(name);
            if (System.getenv(name) == null && p != null && !p.isBlank()) {
                out.put(name, p.trim());
            }
        }
        if (reproducible) {
            // one thread: sums split over threads round differently with another count
            out.put("OMP_NUM_THREADS", "1");
            out.put("MKL_NUM_THREADS", "1");
            // kernels every x86-64 CPU since 2013 has, instead of the widest this one offers
            out.put("ATEN_CPU_CAPABILITY", "avx2");
            out.put("ONEDNN_MAX_CPU_ISA", "AVX2");
            out.put("MKL_CBWR", "AVX2,STRICT");
        }
        return out;
    }

    private static String orProperty(String name, String fallback) {
        String p = System.getProperty(name);
        return p == null || p.isBlank() ? fallback : p.trim().toUpperCase(Locale.ROOT);
    }

    /** The name of a libtorch or OpenMP library already mapped into this process (Linux), or null. */
    static String libtorchAlreadyLoaded() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                if (line.contains("libtorch_cpu") || line.matches(".*/libgomp-[0-9a-f]+\\.so.*")) { // torch's own copy
                    return line.substring(line.lastIndexOf('/') + 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: nothing known
        }
        return null;
    }

    /** The C library's setenv (POSIX). */
    interface CLibrary extends Library {
        int setenv(String name, String value, int overwrite);
    }
}
