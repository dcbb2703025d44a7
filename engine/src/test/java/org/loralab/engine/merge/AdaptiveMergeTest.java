package org.loralab.engine.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.prompt.PromptEncoder;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.tokenizer.TextTokenizer;
import org.loralab.engine.train.EncodedExample;
import org.loralab.engine.train.LoraTrainer;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.engine.train.TrainingExample;
import org.loralab.engine.train.TrainingListener;

/** The merges that need a model: LoraHub, Adaptive Merge & Prune, description-conditioned, export. */
class AdaptiveMergeTest {

    @TempDir
    static Path dir;
    static Path modelDir;
    static CausalLM model;
    static TextTokenizer tokenizer;
    static PromptEncoder prompts;
    static List<Map<String, LowRank>> bank = new ArrayList<>();
    static List<EncodedExample> target;
    static List<EncodedExample> heldOut;

    static final TrainingConfig QUICK = TrainingConfig.defaults().withEpochs(5).withLearningRate(1e-2).withBatch(2, 1)
            .withSchedule(LrSchedule.CONSTANT, 0).withMaxSeqLength(64).withSeed(3);

    static List<EncodedExample> encode(String... pairs) {
        List<TrainingExample> rows = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            rows.add(new TrainingExample(i / 2, pairs[i], pairs[i + 1]));
        }
        return EncodedExample.encode(rows, prompts, 258, 64);
    }

    @BeforeAll
    static void trainBank() throws Exception {
        modelDir = new TinyCheckpoint().seed(6).write(dir.resolve("base"));
        model = CausalLM.load(modelDir, new ModelOptions("cpu", "auto"));
        tokenizer = TextTokenizer.load(modelDir);
        prompts = new PromptEncoder(tokenizer, new PromptFormat("{document}\n=", "", false));
        List<List<EncodedExample>> tasks = List.of(
                encode("rain osaka", "wet osaka", "rain kobe", "wet kobe", "rain nara", "wet nara", "rain kyoto", "wet kyoto"),
                encode("goal tokyo", "win tokyo", "goal chiba", "win chiba", "goal gifu", "win gifu", "goal mito", "win mito"));
        for (int t = 0; t < tasks.size(); t++) {
            try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(4, 8, List.of("q_proj", "v_proj", "down_proj")), false, t)) {
                new LoraTrainer(model, a, QUICK, 256).train(tasks.get(t), List.of(), null, false, null, TrainingListener.NONE);
                a.detach(model);
                bank.add(AdapterMath.lowRanks(a));
            }
        }
        target = encode("rain sendai", "wet sendai", "rain akita", "wet akita", "rain aomori", "wet aomori", "rain iwate", "wet iwate");
        heldOut = encode("rain fukui", "wet fukui", "rain toyama", "wet toyama");
    }

    @AfterAll
    static void close() {
        model.close();
        tokenizer.close();
    }

    static double loss(Map<String, LowRank> merged, List<EncodedExample> data) {
        try (LoraAdapter a = AdapterMath.toAdapter(model, merged, null)) {
            double l = new LoraTrainer(model, a, QUICK, 256).validationLoss(data);
            a.detach(model);
            return l;
        }
    }

    @Test
    void adaptiveMergeAndPruneBeatsEveryFrozenMergeOnHeldOutRowsAtTheRequestedRatio() throws Exception {
        // Compared on rows AMP never trained on: on its own training rows it would win by fitting them.
        double bestFrozen = Double.POSITIVE_INFINITY;
        for (MergeMethod m : MergeMethod.classic()) {
            bestFrozen = Math.min(bestFrozen, loss(ClassicMerge.merge(bank, MergeSettings.of(m, 0.5, 0.5).withSvdRank(4)), heldOut));
        }
        PruneSettings prune = new PruneSettings(PruneSettings.Importance.SALIENCY, PruneSettings.Granularity.ELEMENT,
                PruneSettings.Schedule.ITERATIVE, 0.5);
        TrainingConfig tune = QUICK.withEpochs(6).withLearningRate(5e-3);
        AdaptiveMergePrune.Result r = AdaptiveMergePrune.run(model, bank, new double[] {0.5, 0.5}, prune, tune, target,
                List.of(), 256, TrainingListener.NONE);
        try (LoraAdapter adapter = r.adapter()) {
            long total = adapter.parameterCount();
            assertEquals(Math.floor(0.5 * total) / total, r.achievedRatio(), 1e-12);
            assertTrue(Pruner.zeroShare(adapter.parameters()) >= r.achievedRatio());
            double heldOutLoss = new LoraTrainer(model, adapter, tune, 256).validationLoss(heldOut);
            adapter.detach(model);
            assertTrue(heldOutLoss < bestFrozen, "AMP " + heldOutLoss + " vs best frozen merge " + bestFrozen + " on held-out rows");
            // Same seed, same result.
            AdaptiveMergePrune.Result again = AdaptiveMergePrune.run(model, bank, new double[] {0.5, 0.5}, prune, tune, target,
                    List.of(), 256, TrainingListener.NONE);
            try (LoraAdapter second = again.adapter()) {
                String first = adapter.parameters().keySet().iterator().next();
                assertArrayEquals(adapter.parameters().get(first).toFloatArray(), second.parameters().get(first).toFloatArray());
            }
        }
    }

    @Test
    void everyGranularityAndScheduleReachesItsRatio() throws Exception {
        for (PruneSettings.Granularity g : PruneSettings.Granularity.values()) {
            for (PruneSettings.Importance imp : PruneSettings.Importance.values()) {
                PruneSettings p = new PruneSettings(imp, g, g == PruneSettings.Granularity.MODULE ? PruneSettings.Schedule.ONE_SHOT
                        : PruneSettings.Schedule.ITERATIVE, 0.3);
                AdaptiveMergePrune.Result r = AdaptiveMergePrune.run(model, bank, new double[] {1, 0.2}, p,
                        QUICK.withEpochs(2), target, List.of(), 256, TrainingListener.NONE);
                try (LoraAdapter a = r.adapter()) {
                    double floor = Math.floor(0.3 * a.parameterCount()) / a.parameterCount();
                    assertTrue(r.achievedRatio() >= floor - 1e-12, g + "/" + imp + " reached " + r.achievedRatio());
                    double slack = g == PruneSettings.Granularity.ELEMENT ? 1e-9 : g == PruneSettings.Granularity.RANK ? 0.05 : 0.2;
                    assertTrue(r.achievedRatio() <= 0.3 + slack, g + "/" + imp + " overshot to " + r.achievedRatio());
                }
            }
        }
    }

    @Test
    void loraHubSearchesWeightsWithinItsBudgetAndIsSeeded() {
        LoraHub hub = new LoraHub(model, bank, 256);
        try {
            double atZero = hub.loss(new double[] {0, 0}, target);
            LoraHub.Result r = hub.search(target, 20, 4, org.loralab.engine.progress.ProgressListener.NONE);
            assertTrue(r.evaluations() <= 20, "evaluations " + r.evaluations());
            // The search keeps w = 0 when nothing beats it, so "no worse than w = 0" would hold by
            // construction: require a real improvement, the reported loss to be the weights' loss,
            // and the gain to carry over to rows the search never saw.
            assertEquals(hub.loss(r.weights(), target), r.loss(), 1e-6);
            assertTrue(r.loss() < atZero - 0.05, "LoraHub " + r.loss() + " vs w = 0 " + atZero);
            assertTrue(hub.loss(r.weights(), heldOut) < hub.loss(new double[] {0, 0}, heldOut) - 0.05);
            for (double w : r.weights()) {
                assertTrue(w >= -1.5 && w <= 1.5);
            }
            LoraHub.Result again = hub.search(target, 20, 4, org.loralab.engine.progress.ProgressListener.NONE);
            assertArrayEquals(r.weights(), again.weights(), 0);
            // LoraHub's product (Σ w B)(Σ w A) is even in a lone adapter's weight, so compare magnitudes.
            assertTrue(Math.abs(r.weights()[0]) > Math.abs(r.weights()[1]), "the rain adapter should weigh more: "
                    + java.util.Arrays.toString(r.weights()));
        } finally {
            hub.close();
        }
    }

    @Test
    void descriptionMergePicksTheMatchingAdapterPerLayer() {
        DescriptionMerge.Result r = DescriptionMerge.merge(model, tokenizer, "weather: rain reports",
                List.of("weather: rain reports", "sports: goals and wins"), bank, 1, 0.1);
        for (double[] layer : r.layerWeights()) {
            assertArrayEquals(new double[] {1, 0}, layer, 1e-12); // identical description: cosine 1, top-1
        }
        double[] expected = ClassicMerge.merge(List.of(bank.get(0)), MergeSettings.of(MergeMethod.CAT, 1)).values().iterator().next().delta();
        assertArrayEquals(expected, r.merged().values().iterator().next().delta(), 1e-9);
        DescriptionMerge.Result both = DescriptionMerge.merge(model, tokenizer, "weather and sports", List.of("weather", "sports"), bank, 2, 1.0);
        for (double[] layer : both.layerWeights()) {
            assertEquals(1.0, layer[0] + layer[1], 1e-12);
            assertTrue(layer[0] > 0 && layer[1] > 0);
        }
    }

    @Test
    void mergedCheckpointEqualsBasePlusAdapter() throws Exception {
        try (LoraAdapter a = AdapterMath.toAdapter(model, bank.get(0), null)) {
            double withAdapter = new LoraTrainer(model, a, QUICK, 256).validationLoss(target);
            a.detach(model);
            Path out = dir.resolve("merged-model");
            MergedModelWriter.write(model, a, modelDir, out, false);
            try (CausalLM merged = CausalLM.load(out, new ModelOptions("cpu", "auto"));
                    LoraAdapter none = LoraAdapter.create(merged, LoraConfig.of(1, 1, List.of("q_proj")), false, 0)) {
                double plain = new LoraTrainer(merged, none, QUICK, 256).validationLoss(target); // B = 0: no change
                assertEquals(withAdapter, plain, 1e-4);
            }
        }
    }
}
