package org.loralab.engine.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.progress.ProgressListener;

/**
 * llama.cpp decoding the same weights, for the generation benchmark: the model is written as a
 * float32 GGUF and timed by {@code llama_cpp_decode.mjs} with the llama.cpp binaries that the npm
 * package node-llama-cpp ships ({@code npm install node-llama-cpp} in a folder, given as that folder).
 */
final class LlamaCpp {

    private LlamaCpp() {
    }

    /**
     * Whether llama.cpp decodes the GGUF as LoRA Lab decodes the checkpoint: a small model with large
     * random weights (so attention and its rotary layout decide the tokens) must give the same
     * greedy tokens on both.
     */
    static String conversionCheck(Path npmFolder, Path work) throws IOException, InterruptedException {
        Path dir = new TinyCheckpoint().hiddenSize(64).layers(2).heads(4, 2).intermediateSize(128).weightStd(0.5).seed(9)
                .write(work.resolve("check-model"));
        long[] prompt = new java.util.Random(5).longs(24, 0, 256).toArray();
        int n = 24;
        try (CausalLM small = CausalLM.load(dir, new ModelOptions("cpu", "float32"))) {
            long[] ours = GenerateBenchmark.decode(small, List.of(prompt), n, ProgressListener.NONE).get(0);
            JsonObject r = decode(npmFolder, small, dir, work, 1, prompt, n);
            if (r == null) {
                return "GGUF conversion check: not run";
            }
            JsonArray theirs = r.getAsJsonArray("tokens");
            int same = 0;
            while (same < Math.min(ours.length, theirs.size()) && ours[same] == theirs.get(same).getAsLong()) {
                same++;
            }
            return String.format("GGUF conversion check (hidden 64, weights of std 0.5): llama.cpp's greedy tokens equal LoRA Lab's "
                    + "for the first %d of %d", same, Math.min(ours.length, theirs.size()));
        }
    }

    /** Milliseconds per batch-1 greedy step, or null (with the reason printed) when it cannot run. */
    static JsonObject decode(Path npmFolder, CausalLM model, Path modelDir, Path work, int threads, long[] prompt, int newTokens)
            throws IOException, InterruptedException {
        if (!Files.isDirectory(npmFolder.resolve("node_modules/node-llama-cpp"))) {
            System.out.println("  llama.cpp: not measured (" + npmFolder + " has no node_modules/node-llama-cpp; "
                    + "run `npm install node-llama-cpp` there)");
            return null;
        }
        Path gguf = work.resolve("model-f32.gguf");
        GgufWriter.write(model, modelDir, gguf);
        // The script must sit beside node_modules for Node to resolve the package.
        Path script = npmFolder.resolve("loralab_llama_cpp_decode.mjs");
        try (InputStream in = LlamaCpp.class.getResourceAsStream("llama_cpp_decode.mjs")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        String ids = java.util.Arrays.stream(prompt).mapToObj(Long::toString).collect(java.util.stream.Collectors.joining(","));
        Process p = new ProcessBuilder("node", script.toString(), gguf.toString(), "" + threads, "" + newTokens, ids)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            System.out.println("  llama.cpp: not measured: " + out.lines().reduce((x, y) -> y).orElse(""));
            return null;
        }
        return JsonParser.parseString(out.lines().reduce((x, y) -> y).orElseThrow()).getAsJsonObject();
    }
}
