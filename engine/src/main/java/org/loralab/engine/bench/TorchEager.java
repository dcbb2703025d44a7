package org.loralab.engine.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one of the benchmark's PyTorch eager scripts (a resource beside this class) and returns the
 * JSON line it prints, or null (with the reason printed) when python or torch is missing.
 * Debian's python3-torch calls whatever libblas.so.3 the alternatives system picks, by default the
 * single-threaded reference BLAS: a straw man. OpenBLAS's OpenMP build is loaded instead when
 * installed ({@code apt-get install libopenblas0-openmp}), with the Java side's thread count.
 */
final class TorchEager {

    private static final Path OPENBLAS_OPENMP = Path.of("/usr/lib/x86_64-linux-gnu/openblas-openmp");

    private TorchEager() {
    }

    /** The variables a PyTorch eager process gets: OpenBLAS's OpenMP build first when installed, and the thread count. */
    static java.util.Map<String, String> environment(int threads) {
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
        if (Files.isDirectory(OPENBLAS_OPENMP)) {
            String old = System.getenv("LD_LIBRARY_PATH");
            env.put("LD_LIBRARY_PATH", OPENBLAS_OPENMP + (old == null || old.isEmpty() ? "" : ":" + old));
        }
        env.put("OMP_NUM_THREADS", "" + threads);
        env.put("OPENBLAS_NUM_THREADS", "" + threads);
        return env;
    }

    static JsonObject run(String python, String scriptName, Path dir, int threads, List<String> args)
            throws IOException, InterruptedException {
        Path script = dir.resolve(scriptName);
        if (!Files.exists(script)) {
            try (InputStream in = TorchEager.class.getResourceAsStream(scriptName)) {
                Files.copy(in, script);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(args);
        cmd.addAll(List.of("--threads", "" + threads));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(environment(threads));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            System.out.println("  PyTorch eager: not measured (" + python + " cannot run: " + e.getMessage() + ")");
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            System.out.println("  PyTorch eager: not measured (install Debian's python3-torch): " + out.lines().reduce((x, y) -> y).orElse(""));
            return null;
        }
        return JsonParser.parseString(out.lines().reduce((x, y) -> y).orElseThrow()).getAsJsonObject();
    }
}
