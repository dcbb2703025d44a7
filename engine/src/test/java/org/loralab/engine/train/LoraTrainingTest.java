package org.loralab.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.io.SafetensorsFile;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.lora.PeftNames;
import org.loralab.engine.model.TinyCheckpoint;

class LoraTrainingTest {

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() throws Exception {
        model = new TinyCheckpoint().seed(3).write(dir.resolve("base"));
    }

    private static final LoraConfig LORA = LoraConfig.of(4, 8, LoraConfig.ALL_LINEAR);

    private static Map<String, float[]> weights(Path adapter) throws Exception {
        var f = SafetensorsFile.open(adapter.resolve(PeftNames.WEIGHTS_FILE));
        var out = new java.util.TreeMap<String, float[]>();
        try (var m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
            for (String n : f.tensors().keySet()) {
                out.put(n, f.load(m, n).toFloatArray());
            }
        }
        return out;
    }

    @Test
    void lossDecreasesAndTheAdapterIsWrittenWithItsSidecar() throws Exception {
        List<double[]> steps = new ArrayList<>();
        TrainLoraJob.Result r = TrainLoraJob.run(TrainingFixtures.spec(model, dir.resolve("a1"), TrainingFixtures.config(6), LORA),
                TrainingFixtures.rows(), TrainingFixtures.rows().subList(0, 2), new TrainingListener() {
                    @Override
                    public void onStep(StepReport s) {
                        steps.add(new double[] {s.loss(), s.tokensPerSecond()});
                    }
                });
        List<TrainingResult.EpochLoss> epochs = r.training().epochs();
        assertEquals(6, epochs.size());
        assertEquals(18, steps.size()); // 6 rows / batch 2 = 3 steps per epoch
        assertTrue(epochs.get(5).trainLoss() < 0.65 * epochs.get(0).trainLoss(), "losses " + epochs);
        for (int e = 1; e < epochs.size(); e++) {
            assertTrue(epochs.get(e).trainLoss() < epochs.get(e - 1).trainLoss(), "losses " + epochs);
        }
        assertTrue(epochs.get(5).validationLoss() < epochs.get(0).validationLoss());
        assertTrue(steps.stream().allMatch(s -> s[1] > 0));
        assertTrue(Files.exists(dir.resolve("a1/adapter_config.json")));
        AdapterMetadata meta = AdapterMetadata.load(dir.resolve("a1"));
        assertEquals("lora", meta.method);
        assertEquals(TrainingExample.hash(TrainingFixtures.rows()), meta.trainingDataHash);
        assertEquals(epochs.get(5).trainLoss(), meta.metrics.get("train_loss"), 1e-12);
        // 2 layers x (q,k,v,o: 64->64/32 ...) counted from shapes: r*(in+out) per module
        long expected = 2L * 4 * ((64 + 64) + (64 + 32) + (64 + 32) + (64 + 64) + (64 + 128) + (64 + 128) + (128 + 64));
        assertEquals(expected, r.trainableParameters());
    }

    @Test
    void sameSeedSameAdapter() throws Exception {
        TrainingConfig cfg = TrainingFixtures.config(2);
        TrainLoraJob.run(TrainingFixtures.spec(model, dir.resolve("s1"), cfg, LORA.withDropout(0.1)), TrainingFixtures.rows(), List.of(), TrainingListener.NONE);
        TrainLoraJob.run(TrainingFixtures.spec(model, dir.resolve("s2"), cfg, LORA.withDropout(0.1)), TrainingFixtures.rows(), List.of(), TrainingListener.NONE);
        TrainLoraJob.run(TrainingFixtures.spec(model, dir.resolve("s3"), cfg.withSeed(12), LORA.withDropout(0.1)), TrainingFixtures.rows(), List.of(), TrainingListener.NONE);
        Map<String, float[]> a = weights(dir.resolve("s1"));
        Map<String, float[]> b = weights(dir.resolve("s2"));
        Map<String, float[]> c = weights(dir.resolve("s3"));
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k);
        }
        assertFalse(java.util.Arrays.equals(a.get(a.keySet().iterator().next()), c.get(a.keySet().iterator().next())));
    }

    @Test
    void resumeAfterInterruptionReproducesTheUninterruptedRun() throws Exception {
        TrainingConfig cfg = TrainingFixtures.config(3).withBatch(2, 1).withSchedule(LrSchedule.COSINE, 0.2)
                .withSaveEverySteps(2);
        LoraConfig lora = LORA.withDropout(0.1);
        TrainingResult full = TrainLoraJob.run(TrainingFixtures.spec(model, dir.resolve("full"), cfg, lora), TrainingFixtures.rows(),
                List.of(), TrainingListener.NONE).training();

        Path ckpt = dir.resolve("ckpt");
        TrainLoraJob.Spec interrupted = TrainLoraJob.Spec.builder().baseModel(model).lora(lora).training(cfg)
                .prompt(TrainingFixtures.PROMPT).output(dir.resolve("resumed")).checkpointDir(ckpt).resume(true)
                .device(new org.loralab.engine.model.ModelOptions("cpu", "auto")).build();
        int[] seen = {0};
        assertThrows(CancellationException.class, () -> TrainLoraJob.run(interrupted, TrainingFixtures.rows(), List.of(),
                new TrainingListener() {
                    @Override
                    public void onStep(StepReport s) {
                        seen[0] = s.step();
                    }

                    @Override
                    public boolean isCancelled() {
                        return seen[0] >= 5; // stop mid-epoch 2, after the step-4 checkpoint
                    }
                }));
        assertFalse(Files.exists(dir.resolve("resumed")), "an interrupted run writes no adapter");
        // and a kill while the checkpoint, a plain folder, was being replaced: set aside, the new one not yet in place
        Path checkpoint = ckpt.resolve(TrainerCheckpoint.FOLDER);
        org.loralab.engine.io.AtomicFolders.makePlain(checkpoint);
        Files.move(checkpoint, ckpt.resolve("." + TrainerCheckpoint.FOLDER + ".old-" + java.util.UUID.randomUUID()));
        List<String> said = new ArrayList<>();
        TrainLoraJob.Result resumed = TrainLoraJob.run(interrupted, TrainingFixtures.rows(), List.of(), new TrainingListener() {
            @Override
            public void onProgress(long done, long total, String message) {
                said.add(message);
            }
        });
        assertTrue(said.stream().anyMatch(m -> m.contains("a replacement of this folder was interrupted")), String.valueOf(said));
        assertTrue(said.contains("resumed at step 4 of the restored checkpoint"), String.valueOf(said));
        assertEquals(9, resumed.training().steps());
        assertEquals(1, resumed.training().resumes());
        // the totals count the run before the resume too, as the uninterrupted run counts them
        assertEquals(full.trainedTokens(), resumed.training().trainedTokens());
        assertEquals(full.trainedExamples(), resumed.training().trainedExamples());
        assertEquals(3L * TrainingFixtures.rows().size(), resumed.training().trainedExamples());
        assertEquals((double) full.trainedTokens(), AdapterMetadata.load(dir.resolve("resumed")).metrics.get("trained_tokens"));
        // every metric training records has its bank column before any adapter is read (the KNIME node declares them)
        java.util.Set<String> recorded = AdapterMetadata.load(dir.resolve("resumed")).metrics.keySet();
        assertTrue(org.loralab.engine.bank.BankTable.STANDARD_METRICS.containsAll(recorded), String.valueOf(recorded));
        Map<String, float[]> a = weights(dir.resolve("full"));
        Map<String, float[]> b = weights(dir.resolve("resumed"));
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), 1e-7f, k);
        }
    }

    @Test
    void resumingWithOtherSettingsIsRefused() throws Exception {
        Path ckpt = dir.resolve("ckpt2");
        TrainingConfig cfg = TrainingFixtures.config(1);
        TrainLoraJob.run(TrainLoraJob.Spec.builder().baseModel(model).lora(LORA).training(cfg).prompt(TrainingFixtures.PROMPT)
                .output(dir.resolve("c1")).checkpointDir(ckpt).resume(true)
                .device(new org.loralab.engine.model.ModelOptions("cpu", "auto")).build(), TrainingFixtures.rows(), List.of(), TrainingListener.NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainLoraJob.run(
                TrainLoraJob.Spec.builder().baseModel(model).lora(LORA).training(cfg.withLearningRate(1e-3))
                        .prompt(TrainingFixtures.PROMPT).output(dir.resolve("c2")).checkpointDir(ckpt).resume(true)
                        .device(new org.loralab.engine.model.ModelOptions("cpu", "auto")).build(),
                TrainingFixtures.rows(), List.of(), TrainingListener.NONE));
        assertTrue(e.getMessage().contains("other training settings"), e.getMessage());
    }

    @Test
    void badRowsAreReportedWithTheirRowNumbers() {
        List<TrainingExample> rows = new ArrayList<>(TrainingFixtures.rows());
        rows.add(new TrainingExample(6, "  ", "fine"));
        rows.add(new TrainingExample(7, "A document.", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainLoraJob.run(
                TrainingFixtures.spec(model, dir.resolve("bad"), TrainingFixtures.config(1), LORA), rows, List.of(), TrainingListener.NONE));
        assertEquals("2 bad row(s) in the training data: row 6: the document is empty; row 7: the summary is missing", e.getMessage());
        assertFalse(Files.exists(dir.resolve("bad")));
    }

    @Test
    void anExistingOutputIsNotOverwritten() throws Exception {
        Files.createDirectories(dir.resolve("taken"));
        Files.writeString(dir.resolve("taken/keep.txt"), "mine");
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> TrainLoraJob.run(
                TrainingFixtures.spec(model, dir.resolve("taken"), TrainingFixtures.config(1), LORA), TrainingFixtures.rows(), List.of(), TrainingListener.NONE));
        assertEquals("mine", Files.readString(dir.resolve("taken/keep.txt")));
    }

    @Test
    void continuedTuningStartsFromTheGivenAdapter() throws Exception {
        TrainLoraJob.run(TrainingFixtures.spec(model, dir.resolve("first"), TrainingFixtures.config(3), LORA), TrainingFixtures.rows(), List.of(), TrainingListener.NONE);
        TrainingConfig one = TrainingFixtures.config(1);
        TrainLoraJob.Spec cont = TrainLoraJob.Spec.builder().baseModel(model).initAdapter(dir.resolve("first")).training(one)
                .prompt(TrainingFixtures.PROMPT).output(dir.resolve("second"))
                .device(new org.loralab.engine.model.ModelOptions("cpu", "auto")).build();
        TrainLoraJob.Result continued = TrainLoraJob.run(cont, TrainingFixtures.rows(), List.of(), TrainingListener.NONE);
        TrainLoraJob.Result fresh = TrainLoraJob.run(TrainingFixtures.spec(model, dir.resolve("fresh1"), one, LORA), TrainingFixtures.rows(), List.of(), TrainingListener.NONE);
        assertTrue(continued.training().finalTrainLoss() < fresh.training().finalTrainLoss());
        AdapterMetadata meta = AdapterMetadata.load(dir.resolve("second"));
        assertEquals("continued", meta.method);
        assertEquals(List.of(dir.resolve("first").toString()), meta.sources);
    }

    @Test
    void earlyStoppingKeepsTheBestEpoch() throws Exception {
        // A learning rate this high overfits/diverges on the validation rows quickly.
        TrainingConfig cfg = TrainingFixtures.config(12).withLearningRate(5e-2).withEarlyStopping(1);
        List<TrainingExample> val = List.of(new TrainingExample(0, "Thunder over Kyoto.", "Thunder in Kyoto."));
        TrainLoraJob.Result r = TrainLoraJob.run(TrainingFixtures.spec(model, dir.resolve("es"), cfg, LORA),
                TrainingFixtures.rows(), val, TrainingListener.NONE);
        var epochs = r.training().epochs();
        double best = r.training().bestValidationLoss();
        assertEquals(best, epochs.get(r.training().bestEpoch() - 1).validationLoss());
        if (r.training().stoppedEarly()) {
            assertTrue(epochs.get(epochs.size() - 1).validationLoss() >= best);
            assertTrue(epochs.size() < 12);
        }
    }
}
