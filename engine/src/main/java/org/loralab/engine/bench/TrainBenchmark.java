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
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.train.EncodedExample;
import org.loralab.engine.train.LoraTrainer;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.engine.train.TrainingListener;

/**
 * LoRA training throughput on a small Llama-shaped model, beside the same step written directly in
 * PyTorch eager (python3 with torch), in one run: tokens/s, the ratio, peak memory, and achieved
 * FLOP/s against each side's measured matmul FLOP/s. Prints figures; asserts nothing.
 */
public final class TrainBenchmark {

    /** Shape of the benchmark model and batch. */
    public record Setup(int hidden, int layers, int heads, int kvHeads, int ff, int batch, int seq, int rank, int steps) {
    }

    private TrainBenchmark() {
    }

    public static void run(Setup s, String python, int requestedThreads) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("loralab-bench-train");
        Path modelDir = new TinyCheckpoint().hiddenSize(s.hidden()).layers(s.layers()).heads(s.heads(), s.kvHeads())
                .intermediateSize(s.ff()).weightStd(0.02).seed(1).write(dir.resolve("model"));
        ai.djl.engine.Engine.getEngine("PyTorch");
        if (requestedThreads > 0) {
            org.loralab.engine.model.PyTorchInternals.setNumThreads(requestedThreads);
        }
        int javaThreads = org.loralab.engine.model.PyTorchInternals.numThreads();
        int threads = javaThreads;
        System.out.printf("LoRA training benchmark: Llama-shaped, hidden %d, %d layers, %d/%d heads, MLP %d, vocab %d; "
                + "LoRA r=%d on all 7 linear modules; batch %d x %d tokens (loss on the second half); float32, %d threads%n",
                s.hidden(), s.layers(), s.heads(), s.kvHeads(), s.ff(), TinyCheckpoint.VOCAB_SIZE, s.rank(), s.batch(), s.seq(), threads);

        double javaStep;
        String breakdown;
        long javaPeak;
        double javaMatmul;
        long loraParams;
        long frozenParams;
        try (CausalLM model = CausalLM.load(modelDir, new ModelOptions("cpu", "auto").forTraining());
                LoraAdapter adapter = LoraAdapter.create(model, LoraConfig.of(s.rank(), 2.0 * s.rank(), LoraConfig.ALL_LINEAR), false, 1)) {
            loraParams = adapter.parameterCount();
            frozenParams = frozenParameters(model.config());
            javaStep = stepSeconds(model, adapter, s);
            javaPeak = peakRssKiB(); // before the profiler's run, whose trace takes memory of its own
            breakdown = breakdown(model, adapter, s, dir);
            javaMatmul = matmulFlops(model.manager());
        }
        long tokens = (long) s.batch() * s.seq();
        double flopsPerStep = 4.0 * frozenParams * tokens + 6.0 * loraParams * tokens
                + 12.0 * s.seq() * s.seq() * s.hidden() * s.layers() * s.batch();
        System.out.printf("  model: %.1f M frozen parameters, %.2f M LoRA parameters; ~%.1f GFLOP per step "
                + "(4·N·tokens frozen fwd+input-grad, 6·N_lora·tokens, 12·T²·d·L·B attention)%n",
                frozenParams / 1e6, loraParams / 1e6, flopsPerStep / 1e9);
        report("LoRA Lab (DJL " + ai.djl.engine.Engine.getInstance().getVersion() + ")", javaStep, tokens, flopsPerStep, javaMatmul,
                javaPeak / 1024.0);

        System.out.println("  LoRA Lab step breakdown (PyTorch profiler, forward, backward and update): " + breakdown);

        JsonObject torch = runTorch(python, s, threads, dir);
        if (torch != null) {
            double torchStep = torch.get("step_seconds").getAsDouble();
            report("PyTorch eager " + torch.get("torch").getAsString(), torchStep, tokens, flopsPerStep,
                    torch.get("matmul_flops").getAsDouble(), torch.get("peak_rss_mib").getAsDouble());
            System.out.printf("  ratio LoRA Lab / PyTorch tokens/s: %.2f%n", torchStep / javaStep);
            System.out.printf("  threads: LoRA Lab %d (libtorch intra-op, MKL), PyTorch %d; PyTorch's BLAS: %s%n",
                    javaThreads, torch.get("threads").getAsInt(), torch.get("blas").getAsString());
        }
    }

    /** Median seconds per training step (the first two left out) of random data shaped by {@code s}. */
    static double stepSeconds(CausalLM model, LoraAdapter adapter, Setup s) throws IOException {
        Random r = new Random(0);
        List<EncodedExample> data = new ArrayList<>();
        for (int i = 0; i < s.batch() * s.steps(); i++) {
            long[] ids = new long[s.seq()];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = r.nextInt(TinyCheckpoint.VOCAB_SIZE);
            }
            data.add(new EncodedExample(i, ids, s.seq() / 2, 0));
        }
        TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withLearningRate(1e-4).withBatch(s.batch(), 1)
                .withSchedule(LrSchedule.CONSTANT, 0).withRegularisation(0, 0).withMaxSeqLength(s.seq());
        List<Double> times = new ArrayList<>();
        long[] last = {System.nanoTime()};
        new LoraTrainer(model, adapter, cfg, 256).train(data, List.of(), null, false, null, new TrainingListener() {
            @Override
            public void onStep(StepReport report) {
                long now = System.nanoTime();
                times.add((now - last[0]) / 1e9);
                last[0] = now;
            }
        });
        return median(times.subList(Math.min(2, times.size() - 1), times.size()));
    }

    /** Where a training step's time goes: {@link StepProfile} over a few steps (the profiler slows them). */
    private static String breakdown(CausalLM model, LoraAdapter adapter, Setup s, Path dir) throws IOException {
        int steps = 3;
        long[] wall = new long[1];
        StepProfile profile = StepProfile.of(() -> {
            long t0 = System.nanoTime();
            try {
                stepSeconds(model, adapter, new Setup(s.hidden(), s.layers(), s.heads(), s.kvHeads(), s.ff(), s.batch(), s.seq(),
                        s.rank(), steps));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            wall[0] = System.nanoTime() - t0;
        }, dir);
        return profile.summary(wall[0] / 1e3, steps, 8);
    }

    private static void report(String who, double step, long tokens, double flopsPerStep, double matmul, double peakMiB) {
        double achieved = flopsPerStep / step;
        System.out.printf("  %-28s %7.3f s/step  %8.0f tokens/s  %6.1f GFLOP/s = %4.1f%% of its measured matmul %6.1f GFLOP/s  peak RSS %6.0f MiB%n",
                who, step, tokens / step, achieved / 1e9, 100 * achieved / matmul, matmul / 1e9, peakMiB);
    }

    static long frozenParameters(ModelConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long perLayer = h * q + 2 * h * kv + q * h + 3 * h * c.intermediateSize();
        return perLayer * c.numLayers() + (long) c.vocabSize() * h; // LM head; the embedding lookup is no matmul
    }

    /** fp32 1024x1024 matmul FLOP/s through DJL. */
    static double matmulFlops(NDManager parent) {
        int n = 1024;
        try (NDManager m = parent.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            for (int i = 0; i < 3; i++) {
                a.matMul(b).close();
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                a.matMul(b).close();
            }
            return 20 * 2.0 * n * n * n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static JsonObject runTorch(String python, Setup s, int threads, Path dir) throws IOException, InterruptedException {
        return TorchEager.run(python, "torch_lora_step.py", dir, threads, List.of(
                "--hidden", "" + s.hidden(), "--layers", "" + s.layers(), "--heads", "" + s.heads(), "--kv_heads", "" + s.kvHeads(),
                "--ff", "" + s.ff(), "--vocab", "" + TinyCheckpoint.VOCAB_SIZE, "--batch", "" + s.batch(), "--seq", "" + s.seq(),
                "--rank", "" + s.rank(), "--steps", "" + s.steps()));
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    /** Peak resident set size of this process (VmHWM), KiB; 0 where /proc is missing. */
    static long peakRssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
