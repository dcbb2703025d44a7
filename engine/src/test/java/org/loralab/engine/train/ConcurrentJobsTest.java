package org.loralab.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralab.engine.train.KnimeWorkers.assertSameWeights;

import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.merge.MergeJob;
import org.loralab.engine.merge.MergeMethod;
import org.loralab.engine.merge.MergeSettings;
import org.loralab.engine.merge.PruneSettings;
import org.loralab.engine.model.Autograd;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.summarize.SummarizeOptions;
import org.loralab.engine.summarize.Summarizer;

/**
 * KNIME runs each node on a worker thread (grad mode on, as on any thread PyTorch did not start
 * on) and parallel branches at the same time. Every job must succeed there and give exactly the
 * adapter it gives alone.
 */
class ConcurrentJobsTest {

    @TempDir
    static Path dir;
    static Path model;
    static KnimeWorkers workers;

    private static final LoraConfig LORA = LoraConfig.of(4, 8, LoraConfig.ALL_LINEAR).withDropout(0.1);

    @BeforeAll
    static void setUp() throws Exception {
        Engine.getEngine("PyTorch"); // initialised here, on the test's thread
        model = new TinyCheckpoint().seed(5).write(dir.resolve("base"));
        workers = new KnimeWorkers();
    }

    @AfterAll
    static void tearDown() {
        workers.close();
    }

    private static TrainingConfig config(long seed) {
        return TrainingFixtures.config(2).withSeed(seed).withRegularisation(0.01, 1.0);
    }

    private static Callable<Path> training(String name, long seed) {
        return () -> TrainLoraJob.run(TrainingFixtures.spec(model, dir.resolve(name), config(seed), LORA),
                TrainingFixtures.rows(), List.of(), TrainingListener.NONE).adapter();
    }

    private static Callable<Path> adaptiveMerge(String name, List<Path> bank) {
        return () -> MergeJob.run(MergeJob.Spec.builder().baseModel(model).adapters(bank).method(MergeMethod.ADAPTIVE)
                .classic(MergeSettings.of(MergeMethod.LINEAR)).loraHubBudget(8).prune(PruneSettings.defaults())
                .tune(config(3).withEpochs(1)).prompt(TrainingFixtures.PROMPT).topK(1).temperature(1).output(dir.resolve(name))
                .device(new ModelOptions("cpu", "auto")).build(), TrainingFixtures.rows().subList(0, 4), TrainingListener.NONE).adapter();
    }



    @Test
    void aTrainingOnAnotherThreadEqualsTheSameTrainingHere() throws Exception {
        Path here = training("here", 21).call();
        Path there = workers.atOnce(training("there", 21)).get(0);
        assertSameWeights(here, there);
    }

    @Test
    void twoTrainingsAtOnceEachEqualTheirSoloRuns() throws Exception {
        Path soloA = training("solo-a", 31).call();
        Path soloB = training("solo-b", 32).call();
        List<Path> both = workers.atOnce(training("both-a", 31), training("both-b", 32));
        assertSameWeights(soloA, both.get(0));
        assertSameWeights(soloB, both.get(1));
    }

    @Test
    void aMergeBesideATrainingEqualsItsSoloRun() throws Exception {
        List<Path> bank = List.of(training("bank-a", 41).call(), training("bank-b", 42).call());
        Path soloMerge = adaptiveMerge("solo-merge", bank).call();
        Path soloTraining = training("solo-c", 43).call();
        List<Path> both = workers.atOnce(adaptiveMerge("both-merge", bank), training("both-c", 43));
        assertSameWeights(soloMerge, both.get(0));
        assertSameWeights(soloTraining, both.get(1));
        assertEquals(2, bank.size());
    }

    /** What a summarize job gave, whether grad mode was ever on while it reported progress, and the thread's mode after it. */
    private record Observed(List<String> summaries, boolean recordedInside, boolean gradModeAfter) {
    }

    private static Callable<Observed> summarizing() {
        return () -> {
            boolean[] recorded = {false};
            ProgressListener watch = new ProgressListener() {
                @Override
                public void onProgress(long done, long total, String message) {
                    recorded[0] |= Autograd.isRecording();
                }
            };
            List<String> out = new ArrayList<>();
            try (Summarizer s = Summarizer.open(new SummarizeOptions(model, null, false, TrainingFixtures.PROMPT, 256, 2,
                    new ModelOptions("cpu", "auto")))) {
                s.summarize(List.of("the cat sat on the mat", "a dog ran in the park"), s.defaults().maxNewTokens(6), watch)
                        .forEach(r -> out.add(r.summary() == null ? "<" + r.error() + ">" : r.summary()));
            }
            return new Observed(out, recorded[0], Autograd.isRecording());
        };
    }

    @Test
    void jobsRunWithoutGradModeAndLeaveTheThreadsModeAsTheyFoundIt() throws Exception {
        Observed here = summarizing().call();
        assertFalse(here.gradModeAfter(), "the engine's own thread keeps grad mode off");
        Observed there = workers.submit(summarizing()).get();
        assertEquals(here.summaries(), there.summaries());
        assertFalse(there.recordedInside(), "the summarize job ran with grad mode on");
        assertTrue(there.gradModeAfter(), "the job left the worker thread's grad mode off");
        // a training job too: same adapter, and the worker thread's mode back on afterwards
        Path trainedHere = training("mode-here", 51).call();
        Path trainedThere = workers.submit(() -> {
            Path p = training("mode-there", 51).call();
            assertTrue(Autograd.isRecording(), "the training job left the worker thread's grad mode off");
            return p;
        }).get();
        assertSameWeights(trainedHere, trainedThere);
    }
}
