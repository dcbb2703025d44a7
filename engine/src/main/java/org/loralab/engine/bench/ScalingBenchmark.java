package org.loralab.engine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;

/**
 * How decoding and LoRA training time grow with the hidden size (3 points) and the sequence length
 * (3 points), on Llama-shaped models with random weights, so that a real model's time can be
 * estimated: decode time per step is about weight bytes / achieved bandwidth plus a per-layer
 * overhead, training time per token about FLOPs / achieved FLOP/s. Prints figures; asserts nothing.
 */
public final class ScalingBenchmark {

    private static final int LAYERS = 4;

    private ScalingBenchmark() {
    }

    public static void run(int threads) throws IOException {
        if (threads > 0) {
            ai.djl.engine.Engine.getEngine("PyTorch");
            org.loralab.engine.model.PyTorchInternals.setNumThreads(threads);
        }
        Path dir = Files.createTempDirectory("loralab-bench-scaling");
        System.out.printf("Scaling on %d threads: Llama-shaped, %d layers, 8/4 heads, MLP 2.75 x hidden, float32, random weights%n",
                org.loralab.engine.model.PyTorchInternals.numThreads(), LAYERS);
        System.out.println("  decode, batch 1 (ms per step; weight MB read per step; achieved GB/s):");
        for (int hidden : new int[] {256, 512, 1024}) {
            decode(dir, hidden, 64);
        }
        for (int context : new int[] {256, 1024}) {
            decode(dir, 512, context);
        }
        System.out.println("  LoRA training step, r 8 on all 7 modules, batch 1 (s per step; tokens/s; achieved GFLOP/s):");
        for (int hidden : new int[] {256, 512, 1024}) {
            train(dir, hidden, 256);
        }
        for (int seq : new int[] {128, 512}) {
            train(dir, 512, seq);
        }
    }

    private static Path model(Path dir, int hidden) throws IOException {
        Path m = dir.resolve("h" + hidden);
        if (!Files.exists(m)) {
            new TinyCheckpoint().hiddenSize(hidden).layers(LAYERS).heads(8, 4).intermediateSize(hidden * 11 / 4)
                    .weightStd(0.02).seed(1).write(m);
        }
        return m;
    }

    private static void decode(Path dir, int hidden, int context) throws IOException {
        try (CausalLM model = CausalLM.load(model(dir, hidden), new ModelOptions("cpu", "auto"))) {
            long bytes = TrainBenchmark.frozenParameters(model.config()) * model.dtype().getNumOfBytes();
            double ms = GenerateBenchmark.msPerStep(model, 1, context, 32);
            System.out.printf("    hidden %4d, context %4d: %6.2f ms/step  %6.1f MB  %5.1f GB/s%n",
                    hidden, context, ms, bytes / 1e6, bytes / ms / 1e6);
        }
    }

    private static void train(Path dir, int hidden, int seq) throws IOException {
        TrainBenchmark.Setup s = new TrainBenchmark.Setup(hidden, LAYERS, 8, 4, hidden * 11 / 4, 1, seq, 8, 5);
        try (CausalLM model = CausalLM.load(model(dir, hidden), new ModelOptions("cpu", "auto"));
                LoraAdapter adapter = LoraAdapter.create(model, LoraConfig.of(8, 16, LoraConfig.ALL_LINEAR), false, 1)) {
            double step = TrainBenchmark.stepSeconds(model, adapter, s);
            double flops = 4.0 * TrainBenchmark.frozenParameters(model.config()) * seq + 6.0 * adapter.parameterCount() * seq
                    + 12.0 * seq * seq * hidden * LAYERS;
            System.out.printf("    hidden %4d, seq %4d: %6.3f s/step  %7.0f tokens/s  %5.1f GFLOP/s%n",
                    hidden, seq, step, seq / step, flops / step / 1e9);
        }
    }
}
