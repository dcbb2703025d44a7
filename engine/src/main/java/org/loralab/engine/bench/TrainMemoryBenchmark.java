package org.loralab.engine.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.loralab.engine.io.AtomicFiles;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.Architecture;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.train.ActivationCheckpointing;
import org.loralab.engine.train.EncodedExample;
import org.loralab.engine.train.LoraTrainer;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.engine.train.TrainingListener;

/**
 * Peak memory of LoRA training at a real model's shape: writes (once) a random-weight checkpoint
 * with Qwen2.5-0.5B's config, then trains a rank-16 LoRA on all linear layers for a few steps of
 * random tokens (loss on the second half of each sequence) and prints the process's peak RSS. One
 * configuration per process, so that the peak is that configuration's: run it under
 * {@code /usr/bin/time -v} for an outside view of the same figure.
 */
public final class TrainMemoryBenchmark {

    private TrainMemoryBenchmark() {
    }

    /** Writes a float32 random-weight checkpoint with Qwen2.5-0.5B's exact config into {@code dir}; returns it. */
    public static Path writeQwen05b(Path dir, int vocab) throws IOException {
        new TinyCheckpoint().architecture(Architecture.QWEN2).vocabSize(vocab).hiddenSize(896).layers(24).heads(14, 2)
                .intermediateSize(4864).tieEmbeddings(true).weightStd(0.02).seed(1).write(dir);
        // TinyCheckpoint writes rope_theta 1e4 and 2,048 positions; Qwen2.5-0.5B has 1e6 and 32,768 (no effect on memory)
        Path config = dir.resolve("config.json");
        JsonObject c = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        c.addProperty("rope_theta", 1_000_000.0);
        c.addProperty("max_position_embeddings", 32768);
        AtomicFiles.writeString(config, c.toString());
        return dir;
    }

    public static void run(Path modelDir, int batch, int seq, int rank, int steps, ActivationCheckpointing checkpointing)
            throws IOException {
        long t0 = System.nanoTime();
        try (CausalLM model = CausalLM.load(modelDir, new ModelOptions("cpu", "auto"));
                LoraAdapter adapter = LoraAdapter.create(model, LoraConfig.of(rank, 2.0 * rank, LoraConfig.ALL_LINEAR), false, 1)) {
            long loaded = TrainBenchmark.peakRssKiB();
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            int vocab = model.config().vocabSize();
            Random r = new Random(0);
            List<EncodedExample> data = new ArrayList<>();
            for (int i = 0; i < batch * steps; i++) {
                long[] ids = new long[seq];
                for (int k = 0; k < seq; k++) {
                    ids[k] = r.nextInt(vocab);
                }
                data.add(new EncodedExample(i, ids, seq / 2, 0));
            }
            TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withLearningRate(1e-4).withBatch(batch, 1)
                    .withSchedule(LrSchedule.CONSTANT, 0).withRegularisation(0, 0).withMaxSeqLength(seq);
            List<Double> stepSeconds = new ArrayList<>();
            long[] last = {System.nanoTime()};
            new LoraTrainer(model, adapter, cfg, 0).withActivationCheckpointing(checkpointing)
                    .train(data, List.of(), null, false, null, new TrainingListener() {
                        @Override
                        public void onStep(StepReport report) {
                            long now = System.nanoTime();
                            stepSeconds.add((now - last[0]) / 1e9);
                            last[0] = now;
                            System.out.printf("  step %d: loss %.4f, %.1f s%n", report.step(), report.loss(), stepSeconds.get(stepSeconds.size() - 1));
                        }
                    });
            System.out.printf("train-memory: %s, vocab %d, batch %d x %d tokens, LoRA r=%d on all linear layers, checkpointing %s, "
                    + "float32: peak RSS after load %.0f MiB (%.1f s), after %d steps %.0f MiB; last step %.1f s%n",
                    modelDir.getFileName(), vocab, batch, seq, rank, checkpointing, loaded / 1024.0, loadSeconds, steps,
                    TrainBenchmark.peakRssKiB() / 1024.0, stepSeconds.get(stepSeconds.size() - 1));
        }
    }
}
