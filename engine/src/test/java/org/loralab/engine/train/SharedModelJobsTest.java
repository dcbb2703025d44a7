package org.loralab.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralab.engine.train.KnimeWorkers.assertSameWeights;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.AdapterWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.merge.MergeJob;
import org.loralab.engine.merge.MergeMethod;
import org.loralab.engine.merge.MergeSettings;
import org.loralab.engine.merge.PruneSettings;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelCache;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.summarize.SummarizeOptions;
import org.loralab.engine.summarize.Summarizer;

/**
 * Jobs on the JVM's shared model cache, as KNIME runs them: parallel branches on worker threads
 * read one loaded copy, each gives exactly what it gives alone with a model of its own, and
 * nothing a job does (merging, failing) reaches the shared weights or the next job.
 */
class SharedModelJobsTest {

    @TempDir
    static Path dir;
    static Path model;
    static KnimeWorkers workers;

    private static final LoraConfig LORA = LoraConfig.of(4, 8, LoraConfig.ALL_LINEAR).withDropout(0.1);
    private static final ModelOptions CPU = new ModelOptions("cpu", "auto");
    private static final List<String> DOCS = List.of("Rain in Osaka today.", "Snow fell across Hokkaido overnight.", "Sun.");

    @BeforeAll
    static void setUp() throws Exception {
        Engine.getEngine("PyTorch");
        model = new TinyCheckpoint().seed(5).write(dir.resolve("base"));
        workers = new KnimeWorkers();
    }

    @AfterAll
    static void tearDown() {
        workers.close();
    }

    /** Back to the test suite's setting (no caching), which also frees every idle model. */
    @AfterEach
    void cacheOff() {
        ModelCache.shared().setBudget(0);
    }

    private static ModelCache cacheOn() {
        ModelCache.shared().setBudget(1L << 30);
        return ModelCache.shared();
    }

    private static Callable<Path> training(String name, long seed, TrainingListener listener) {
        return () -> TrainLoraJob.run(TrainingFixtures.spec(model, dir.resolve(name),
                TrainingFixtures.config(2).withSeed(seed).withRegularisation(0.01, 1.0), LORA),
                TrainingFixtures.rows(), List.of(), listener).adapter();
    }

    private static Callable<Path> training(String name, long seed) {
        return training(name, seed, TrainingListener.NONE);
    }

    private static Callable<Path> adaptiveMerge(String name, List<Path> bank) {
        return () -> MergeJob.run(MergeJob.Spec.builder().baseModel(model).adapters(bank).method(MergeMethod.ADAPTIVE)
                .classic(MergeSettings.of(MergeMethod.LINEAR)).loraHubBudget(8).prune(PruneSettings.defaults())
                .tune(TrainingFixtures.config(1).withSeed(3)).prompt(TrainingFixtures.PROMPT).topK(1).temperature(1)
                .output(dir.resolve(name)).device(CPU).build(), TrainingFixtures.rows().subList(0, 4), TrainingListener.NONE).adapter();
    }



    private static List<String> summaries(Path adapter, boolean merge) throws Exception {
        try (Summarizer s = Summarizer.open(new SummarizeOptions(model, adapter, merge, TrainingFixtures.PROMPT, 256, 2, CPU))) {
            return s.summarize(DOCS, s.defaults().maxNewTokens(8), ProgressListener.NONE).stream()
                    .map(r -> r.summary() == null ? "<" + r.error() + ">" : r.summary()).toList();
        }
    }

    private static Map<String, byte[]> bytesOf(CausalLM m) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : m.namedWeights().entrySet()) {
            out.put(e.getKey(), e.getValue().toByteArray());
        }
        return out;
    }

    @Test
    void twoTrainingsAndAMergeOnWorkerThreadsShareOneLoadAndEachEqualsItsSoloRun() throws Exception {
        Path soloA = training("solo-a", 31).call(); // budget 0: each with a model of its own, as before the cache
        Path soloB = training("solo-b", 32).call();
        List<Path> bank = List.of(soloA, soloB);
        Path soloMerge = adaptiveMerge("solo-merge", bank).call();
        ModelCache cache = cacheOn();
        long loads = cache.loads();
        List<Path> both = workers.atOnce(training("both-a", 31), training("both-b", 32));
        assertEquals(1, cache.loads() - loads, "the two trainings share one load");
        assertSameWeights(soloA, both.get(0));
        assertSameWeights(soloB, both.get(1));
        List<Path> next = workers.atOnce(adaptiveMerge("cached-merge", bank), training("cached-c", 31));
        assertEquals(1, cache.loads() - loads, "the next node reads the model already loaded");
        assertSameWeights(soloMerge, next.get(0));
        assertSameWeights(soloA, next.get(1));
    }

    @Test
    void aMergedSummarizeLeavesTheSharedWeightsBitIdentical() throws Exception {
        Path adapter = training("for-summary", 51).call();
        List<String> ownModel = summaries(adapter, true); // budget 0: merged into a model of its own
        ModelCache cache = cacheOn();
        try (ModelCache.Lease held = cache.lease(model, CPU.forTraining())) {
            Map<String, byte[]> before = bytesOf(held.model());
            long loads = cache.loads();
            List<String> shared = summaries(adapter, true);
            assertEquals(loads, cache.loads(), "Summarize read the shared copy");
            assertEquals(ownModel, shared);
            assertTrue(!shared.equals(summaries(null, false)), "the adapter matters");
            Map<String, byte[]> after = bytesOf(held.model());
            assertEquals(before.keySet(), after.keySet());
            for (String name : before.keySet()) {
                assertArrayEquals(before.get(name), after.get(name), name + " changed");
            }
        }
    }

    @Test
    void aFailedJobLeavesNothingBehindInTheSharedModel() throws Exception {
        Path solo = training("solo-f", 61).call();
        ModelCache cache = cacheOn();
        long loads = cache.loads();
        TrainingListener failing = new TrainingListener() {
            @Override
            public void onStep(StepReport report) {
                throw new IllegalStateException("failed on purpose after step " + report.step());
            }
        };
        // fails mid-training, its adapter attached to its view and gradients recorded
        Exception e = assertThrows(Exception.class, () -> workers.atOnce(training("failing", 61, failing)));
        assertTrue(String.valueOf(e.getCause()).contains("failed on purpose"), String.valueOf(e.getCause()));
        // a Summarize that fails after its lease: an adapter made for another base model
        Path otherBase = new TinyCheckpoint().seed(9).hiddenSize(48).write(dir.resolve("other-base"));
        Path foreign = dir.resolve("foreign-adapter");
        try (CausalLM other = CausalLM.load(otherBase, CPU); LoraAdapter a = LoraAdapter.create(other, LORA, false, 1)) {
            AdapterWriter.write(a, null, foreign, false);
        }
        assertThrows(Exception.class, () -> summaries(foreign, true));
        Path after = workers.atOnce(training("after-failures", 61)).get(0);
        assertEquals(1, cache.loads() - loads, "still the one load");
        assertSameWeights(solo, after);
        cache.releaseIdle(); // every lease came back: nothing stays loaded
        assertEquals(0, cache.size());
    }

    private static Path linearMergeExported(String name, List<Path> bank) throws Exception {
        return MergeJob.run(MergeJob.Spec.builder().baseModel(model).adapters(bank).method(MergeMethod.LINEAR)
                .classic(MergeSettings.of(MergeMethod.LINEAR)).loraHubBudget(8).prune(PruneSettings.defaults())
                .tune(TrainingFixtures.config(1).withSeed(3)).prompt(TrainingFixtures.PROMPT).topK(1).temperature(1)
                .exportModel(true).output(dir.resolve(name)).device(CPU).build(), List.of(), TrainingListener.NONE).adapter();
    }

    /** "Export the merged model" on the cached model (KNIME's default) writes what it writes on a model of its own. */
    @Test
    void aMergeExportsItsModelFromTheCachedWeights() throws Exception {
        List<Path> bank = List.of(training("export-a", 11).call(), training("export-b", 12).call());
        Path solo = linearMergeExported("export-solo", bank);
        cacheOn();
        Path cached = linearMergeExported("export-cached", bank);
        assertArrayEquals(Files.readAllBytes(solo.resolveSibling("export-solo-model").resolve("model.safetensors")),
                Files.readAllBytes(cached.resolveSibling("export-cached-model").resolve("model.safetensors")));
    }
}
