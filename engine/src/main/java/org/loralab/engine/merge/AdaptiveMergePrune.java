package org.loralab.engine.merge;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraModule;
import org.loralab.engine.lora.PeftNames;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.train.EncodedExample;
import org.loralab.engine.train.LoraTrainer;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.engine.train.TrainingListener;
import org.loralab.engine.train.TrainingResult;

/**
 * Adaptive Merge &amp; Prune after Miyano &amp; Arase (ACL Findings 2025): merge the bank adapters
 * (exactly, by rank concatenation with the given weights), then fine-tune the merged LoRA
 * parameters themselves on the few target examples while pruning them by the chosen
 * {@link PruneSettings}. The result is an ordinary PEFT adapter whose pruned entries are zero.
 */
public final class AdaptiveMergePrune {

    /**
     * @param adapter the tuned, pruned adapter (the caller closes it)
     * @param achievedRatio share of the adapter's parameters that are exactly zero at the end
     * @param mergedLoss target loss of the frozen starting merge
     */
    public record Result(LoraAdapter adapter, TrainingResult training, double achievedRatio, double mergedLoss,
            double finalLoss) {
    }

    private AdaptiveMergePrune() {
    }

    public static Result run(CausalLM model, List<Map<String, LowRank>> adapters, double[] weights, PruneSettings prune,
            TrainingConfig cfg, List<EncodedExample> train, List<EncodedExample> validation, long padId,
            TrainingListener listener) throws IOException {
        return runWithoutRecording(model, adapters, weights, prune, cfg, train, validation, padId, listener);
    }

    private static Result runWithoutRecording(CausalLM model, List<Map<String, LowRank>> adapters, double[] weights, PruneSettings prune,
            TrainingConfig cfg, List<EncodedExample> train, List<EncodedExample> validation, long padId,
            TrainingListener listener) throws IOException {
        Map<String, LowRank> merged = ClassicMerge.merge(adapters, MergeSettings.of(MergeMethod.CAT, weights));
        LoraAdapter adapter = AdapterMath.toAdapter(model, merged, null);
        try {
            Map<String, Integer> ranks = new LinkedHashMap<>();
            for (LoraModule m : adapter.modules().values()) {
                ranks.put(PeftNames.loraA(m.modulePath()), m.rank());
                ranks.put(PeftNames.loraB(m.modulePath()), m.rank());
            }
            LoraTrainer trainer = new LoraTrainer(model, adapter, cfg, padId);
            List<EncodedExample> scored = validation.isEmpty() ? train : validation;
            double before = trainer.validationLoss(scored);
            Pruner pruner = new Pruner(prune, adapter.parameters(), ranks);
            TrainingResult result = trainer.withStepHook(pruner).train(train, validation, null, false, null, listener);
            double after = trainer.validationLoss(scored);
            adapter.detach(model);
            return new Result(adapter, result, pruner.achievedRatio(), before, after);
        } catch (IOException | RuntimeException e) {
            adapter.close();
            throw e;
        }
    }
}
