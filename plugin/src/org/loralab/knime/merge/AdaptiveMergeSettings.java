package org.loralab.knime.merge;

import java.util.Arrays;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.defaultnodesettings.SettingsModelBoolean;
import org.knime.core.node.defaultnodesettings.SettingsModelDouble;
import org.knime.core.node.defaultnodesettings.SettingsModelIntegerBounded;
import org.knime.core.node.defaultnodesettings.SettingsModelLong;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.loralab.engine.merge.MergeJob;
import org.loralab.engine.merge.MergeMethod;
import org.loralab.engine.merge.MergeSettings;
import org.loralab.engine.merge.PruneSettings;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.knime.SettingsGroup;
import org.loralab.knime.SharedOptions;

/** Settings of the Adaptive Merge &amp; Prune node; defaults are those of the recorded experiment. */
final class AdaptiveMergeSettings extends SettingsGroup {

    final SettingsModelString baseModel = string("base_model", "demo");
    final SettingsModelString pathColumn = string("path_column", "path");
    final SettingsModelBoolean onlyValid = bool("only_valid", true);
    final SettingsModelString method = string("method", "adaptive");
    final SettingsModelString weights = string("weights", "");

    final SettingsModelString documentColumn = string("document_column", "document");
    final SettingsModelString summaryColumn = string("summary_column", "summary");

    final SettingsModelDouble pruneRatio = number("prune_ratio", 0.5, 0, 0.99);
    final SettingsModelString importance = string("importance", "saliency");
    final SettingsModelString granularity = string("granularity", "rank");
    final SettingsModelString pruneSchedule = string("prune_schedule", "iterative");
    final SettingsModelIntegerBounded epochs = integer("epochs", 8, 1, 100_000);
    final SettingsModelDouble learningRate = number("learning_rate", 3e-3, 1e-9, 10);
    final SettingsModelIntegerBounded batchSize = integer("batch_size", 4, 1, 4096);

    final SettingsModelDouble density = number("density", 0.5, 0.001, 1);
    final SettingsModelIntegerBounded svdRank = integer("svd_rank", 0, 0, 4096);
    final SettingsModelIntegerBounded loraHubBudget = integer("lorahub_budget", 40, 1, 100_000);
    final SettingsModelString taskDescription = string("task_description", "");
    final SettingsModelIntegerBounded topK = integer("top_k", 2, 1, 1000);
    final SettingsModelDouble temperature = number("temperature", 0.05, 1e-6, 100);
    final SettingsModelLong seed = seed("seed", 42);

    final SettingsModelString output = string("output_folder", "");
    final SettingsModelBoolean overwrite = bool("overwrite", false);
    final SettingsModelBoolean keepInWorkflow = bool("keep_in_workflow", false);
    final SettingsModelBoolean exportModel = bool("export_merged_model", false);
    final SharedOptions.Prompt prompt = new SharedOptions.Prompt(string("prompt_template", PromptFormat.DEFAULT_TEMPLATE),
        string("prompt_language", ""), bool("prompt_chat", false));
    final SettingsModelString device = string("device", "auto");

    MergeJob.Method mergeMethod() throws InvalidSettingsException {
        return checked(() -> MergeJob.Method.parse(method.getStringValue()));
    }

    /** Weights typed as "0.5, 0.3, 0.2"; null (uniform) when empty. */
    double[] weightList() throws InvalidSettingsException {
        String w = weights.getStringValue().trim();
        if (w.isEmpty()) {
            return null;
        }
        try {
            return Arrays.stream(w.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new InvalidSettingsException("Weights must be numbers separated by commas, not '" + w + "'.", e);
        }
    }

    PruneSettings prune() throws InvalidSettingsException {
        return checked(() -> new PruneSettings(PruneSettings.parse(PruneSettings.Importance.class, importance.getStringValue()),
                PruneSettings.parse(PruneSettings.Granularity.class, granularity.getStringValue()),
                PruneSettings.parse(PruneSettings.Schedule.class, pruneSchedule.getStringValue()), pruneRatio.getDoubleValue()));
    }

    MergeSettings classic() {
        return MergeSettings.of(MergeMethod.LINEAR).withDensity(density.getDoubleValue()).withSvdRank(svdRank.getIntValue())
            .withDare(true, seed.getLongValue());
    }

    TrainingConfig tune() throws InvalidSettingsException {
        return checked(() -> TrainingConfig.defaults().withEpochs(epochs.getIntValue()).withLearningRate(learningRate.getDoubleValue())
                .withBatch(batchSize.getIntValue(), 1).withSchedule(LrSchedule.LINEAR, 0.1).withSeed(seed.getLongValue()));
    }

    boolean needsExamples() throws InvalidSettingsException {
        return mergeMethod().needsExamples();
    }

    @Override
    protected void check() throws InvalidSettingsException {
        mergeMethod();
        weightList();
        prune();
        tune();
        prompt.format();
        SharedOptions.checkDevice(device);
        if (mergeMethod() == MergeJob.Method.DESCRIPTION && taskDescription.getStringValue().isBlank()) {
            throw new InvalidSettingsException("The description-conditioned merge needs a task description.");
        }
    }
}
