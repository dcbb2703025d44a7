package org.loralab.engine.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.generate.Generator;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.Jobs;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.progress.ProgressListener;

/**
 * Generated tokens/s at batch 1 and batch 16 for a small Llama-shaped model, against the bound
 * set by memory bandwidth: every decoding step reads all weights once, so batch 1 cannot beat
 * bandwidth / weight bytes. Prints figures; asserts nothing.
 */
public final class GenerateBenchmark {

    private GenerateBenchmark() {
    }

    public static void run(int hidden, int layers, int promptTokens, int newTokens, String device, int threads, String python,
            Path llamaCpp) throws IOException, InterruptedException {
        if (threads > 0) {
            ai.djl.engine.Engine.getEngine("PyTorch");
            org.loralab.engine.model.PyTorchInternals.setNumThreads(threads);
        }
        Path dir = Files.createTempDirectory("loralab-bench-generate");
        Path modelDir = new TinyCheckpoint().hiddenSize(hidden).layers(layers).heads(8, 4).intermediateSize(hidden * 11 / 4)
                .weightStd(0.02).seed(1).write(dir.resolve("model"));
        try (CausalLM model = CausalLM.load(modelDir, new ModelOptions(device, "auto"))) {
            long weightBytes = TrainBenchmark.frozenParameters(model.config()) * model.dtype().getNumOfBytes();
            double bandwidth = memoryBandwidth(model.manager());
            System.out.printf("Generation benchmark on %s: Llama-shaped, hidden %d, %d layers, %.1f M parameters "
                    + "(%.0f MB of %s weights read per step); prompts of %d tokens, %d new tokens, greedy, %d threads%n",
                    model.device(), hidden, layers, weightBytes / (double) model.dtype().getNumOfBytes() / 1e6, weightBytes / 1e6,
                    model.dtype(), promptTokens, newTokens, org.loralab.engine.model.PyTorchInternals.numThreads());
            System.out.printf("  measured memory bandwidth (streaming sum of 1 GiB): %.1f GB/s -> batch-1 bound %.0f tokens/s%n",
                    bandwidth / 1e9, bandwidth / weightBytes);
            int threadsUsed = org.loralab.engine.model.PyTorchInternals.numThreads();
            com.google.gson.JsonObject torch = python == null ? null : TorchEager.run(python, "torch_decode.py", dir, threadsUsed,
                    List.of("--hidden", "" + hidden, "--layers", "" + layers, "--heads", "8", "--kv_heads", "4",
                            "--ff", "" + hidden * 11 / 4, "--vocab", "" + TinyCheckpoint.VOCAB_SIZE, "--prompt", "" + promptTokens,
                            "--new", "" + newTokens));
            long[] prompt = prompts(1, promptTokens).get(0);
            JsonObject llama = llamaCpp == null ? null : LlamaCpp.decode(llamaCpp, model, modelDir, dir, threadsUsed, prompt, newTokens);
            if (llama != null) {
                System.out.println("  " + LlamaCpp.conversionCheck(llamaCpp, dir));
            }
            MatmulCeiling.Result ceiling = MatmulCeiling.decodeStep(model.config(), model.manager(), model.dtype());
            for (int batch : new int[] {1, 16}) {
                double msPerStep = msPerStep(model, batch, promptTokens, newTokens);
                double perSecond = batch * 1000 / msPerStep;
                double bound = bandwidth / weightBytes * batch;
                System.out.printf("  batch %2d: %6.0f generated tokens/s (%5.1f ms per step) = %4.1f%% of the bandwidth bound %.0f tokens/s%n",
                        batch, perSecond, msPerStep, 100 * perSecond / bound, bound);
                if (torch != null) {
                    double torchMs = torch.getAsJsonObject("ms_per_step").get("" + batch).getAsDouble();
                    System.out.printf("            PyTorch eager %s: %6.0f tokens/s (%5.1f ms per step); LoRA Lab / PyTorch %.2f%n",
                            torch.get("torch").getAsString(), batch * 1000 / torchMs, torchMs, torchMs / msPerStep);
                }
                if (batch == 1) {
                    System.out.printf("            libtorch's weight matmuls alone (same shapes, one token): %5.1f ms per step = %.1f GB/s"
                            + " (%.0f%% of the measured bandwidth): the floor for this BLAS; the rest of LoRA Lab's step: %.1f ms%n",
                            ceiling.msPerStep(), ceiling.bytesPerSecond() / 1e9, 100 * ceiling.bytesPerSecond() / bandwidth,
                            msPerStep - ceiling.msPerStep());
                }
                if (llama != null && batch == 1) {
                    double llamaMs = llama.get("ms_per_step").getAsDouble();
                    System.out.printf("            llama.cpp (node-llama-cpp, f32 GGUF of the same weights, %d threads): %6.0f tokens/s "
                            + "(%5.1f ms per step); LoRA Lab / llama.cpp %.2f%n", llama.get("threads").getAsInt(), 1000 / llamaMs, llamaMs,
                            llamaMs / msPerStep);
                }
            }
            if (torch != null) {
                System.out.printf("  threads: LoRA Lab %d, PyTorch %d; PyTorch's BLAS: %s%n", threadsUsed,
                        torch.get("threads").getAsInt(), torch.get("blas").getAsString());
            }
            int steps = Math.min(newTokens, 16);
            long[] wall = new long[1];
            StepProfile profile = StepProfile.of(() -> {
                long t0 = System.nanoTime();
                decode(model, prompts(1, promptTokens), steps, ProgressListener.NONE);
                wall[0] = System.nanoTime() - t0;
            }, dir);
            System.out.println("  batch 1 breakdown (PyTorch profiler, prefill included, " + steps + " steps): "
                    + profile.summary(wall[0] / 1e3, steps, 5));
        }
        System.out.printf("  peak RSS %.0f MiB%n", TrainBenchmark.peakRssKiB() / 1024.0);
    }

    /**
     * Milliseconds per greedy decoding step of {@code batch} random prompts after a warm-up, from the
     * first generated token to the last (the prefill, which yields the first, is left out).
     */
    static double msPerStep(CausalLM model, int batch, int promptTokens, int newTokens) {
        List<long[]> prompts = prompts(batch, promptTokens);
        decode(model, prompts, 4, ProgressListener.NONE); // warm-up
        long[] firstAndLast = new long[2];
        decode(model, prompts, newTokens, new ProgressListener() {
            @Override
            public void onProgress(long done, long total, String message) {
                firstAndLast[done == 1 ? 0 : 1] = System.nanoTime();
            }
        });
        return (firstAndLast[1] - firstAndLast[0]) / 1e6 / Math.max(1, newTokens - 1);
    }

    /** Greedy tokens of every prompt, never stopping early (no end-of-sequence token). */
    static List<long[]> decode(CausalLM model, List<long[]> prompts, int newTokens, ProgressListener listener) {
        return Jobs.run(() -> new Generator(model).generate(prompts, GenerationConfig.greedy().maxNewTokens(newTokens).eosTokenIds(List.of())
                .padTokenId(256L), listener));
    }

    private static List<long[]> prompts(int batch, int promptTokens) {
        Random r = new Random(3);
        List<long[]> prompts = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            long[] p = new long[promptTokens];
            for (int k = 0; k < p.length; k++) {
                p[k] = r.nextInt(256);
            }
            prompts.add(p);
        }
        return prompts;
    }

    /** Bytes per second of a full read of a 1 GiB float32 array (the best case for reading weights). */
    static double memoryBandwidth(NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            NDArray a = m.ones(new Shape(256L * 1024 * 1024));
            a.sum().close();
            long t0 = System.nanoTime();
            int reps = 5;
            for (int i = 0; i < reps; i++) {
                a.sum().close();
            }
            return reps * a.size() * 4.0 / ((System.nanoTime() - t0) / 1e9);
        }
    }
}
