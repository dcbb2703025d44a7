package org.loralab.engine.params;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.loralab.engine.merge.MergeJob;
import org.loralab.engine.merge.MergeMethod;
import org.loralab.engine.merge.MergeSettings;
import org.loralab.engine.merge.PruneSettings;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainingConfig;

/** The Adaptive Merge &amp; Prune node's parameters (the CLI's {@code merge}); defaults are those of the recorded experiment. */
public record MergeParams(
        @Param(key = "base_model", label = "Base model folder (or demo)", tab = MERGE, widget = Widget.FOLDER_IN, value = "demo",
                help = "The base model all adapters were made for, as a path or a <tt>knime://</tt> URL; <tt>demo</tt> for the "
                        + "shipped demo model.")
        String baseModel,
        @Param(key = "path_column", label = "Adapter path column", tab = MERGE, widget = Widget.COLUMN, value = "path",
                help = "Column with the adapter folders.")
        String pathColumn,
        @Param(key = "only_valid", label = "Skip adapters whose status is not 'valid'", tab = MERGE, value = "true",
                help = "When the table has a <i>status</i> column (as the bank reader's), only valid adapters are merged.")
        boolean onlyValid,
        @Param(key = "method", cli = "--method", label = "Method", tab = MERGE, value = "adaptive",
                choices = {"adaptive", "linear", "cat", "svd", "ties", "dare_linear", "dare_ties", "magnitude_prune", "lorahub",
                    "description"},
                help = "adaptive, linear, cat, svd, ties, dare_linear, dare_ties, magnitude_prune, lorahub or description.")
        MergeMethod method,
        @Param(key = "weights", cli = "--weights", label = "Weights, one per adapter (empty: uniform)", tab = MERGE, width = 30,
                value = "", help = "Comma-separated weights, in the adapters' order; the adaptive merge starts from them.")
        String weights,
        @Nested(tab = MERGE) OutputParams output,
        @Param(key = "export_merged_model", cli = "--export-model", label = "Also write base + merged adapter as one model", tab = MERGE,
                value = "false", help = "Also writes the base model with the adapter merged in, as a full checkpoint beside the "
                        + "adapter (folder name + <tt>-model</tt>).")
        boolean exportModel,
        @Nested(tab = MERGE) DeviceParams device,

        @Param(key = "document_column", cli = "--document-col", label = "Target document column", tab = AMP, port = 1,
                widget = Widget.OPTIONAL_COLUMN, value = "document", help = "Document column of the target examples (second input).")
        String documentColumn,
        @Param(key = "summary_column", cli = "--summary-col", label = "Target summary column", tab = AMP, port = 1,
                widget = Widget.OPTIONAL_COLUMN, value = "summary", help = "Summary column of the target examples.")
        String summaryColumn,
        @Param(key = "prune_ratio", cli = "--prune-ratio", label = "Prune ratio", tab = AMP, value = "0.5", min = 0, max = 0.99,
                step = 0.05, help = "Share of the LoRA parameters pruned by the end of the fine-tune.")
        double pruneRatio,
        @Param(key = "importance", cli = "--importance", label = "Importance", tab = AMP, value = "saliency",
                choices = {"saliency", "magnitude", "update"},
                help = "How parameters are ranked for pruning: saliency (|w · grad|), magnitude or update.")
        PruneSettings.Importance importance,
        @Param(key = "granularity", cli = "--granularity", label = "Granularity", tab = AMP, value = "rank",
                choices = {"rank", "element", "module"}, help = "Prune whole ranks, single elements or whole modules.")
        PruneSettings.Granularity granularity,
        @Param(key = "prune_schedule", cli = "--prune-schedule", label = "Pruning schedule", tab = AMP, value = "iterative",
                choices = {"iterative", "one_shot"}, help = "iterative (a little each epoch) or one_shot.")
        PruneSettings.Schedule pruneSchedule,
        @Param(key = "epochs", cli = "--epochs", label = "Fine-tune epochs", tab = AMP, value = "20", min = 1, max = 100_000,
                help = "Epochs over the target examples.")
        int epochs,
        @Param(key = "learning_rate", cli = "--lr", label = "Learning rate", tab = AMP, value = "3e-3", min = 1e-9, max = 10,
                widget = Widget.NUMBER_EDIT, help = "Peak learning rate of the fine-tune.")
        double learningRate,
        @Param(key = "batch_size", cli = "--batch", label = "Batch size", tab = AMP, value = "4", min = 1, max = 4096,
                help = "Target examples per step.")
        int batchSize,

        @Param(key = "density", cli = "--density", label = "Density (TIES, DARE, magnitude prune)", tab = CLASSIC, value = "0.5",
                min = 0.001, max = 1, step = 0.05, help = "Share of parameters kept.")
        double density,
        @Param(key = "svd_rank", cli = "--svd-rank", label = "SVD rank (0: sum of ranks)", tab = CLASSIC, value = "0", min = 0,
                max = 4096, help = "Rank of the svd merge's result.")
        int svdRank,
        @Param(key = "lorahub_budget", cli = "--budget", label = "LoraHub loss evaluations", tab = CLASSIC, value = "40", min = 1,
                max = 100_000, step = 5, help = "Budget of the CMA-ES search.")
        int loraHubBudget,
        @Param(key = "task_description", cli = "--task-description", label = "Task description (description merge)", tab = CLASSIC,
                width = 40, value = "", help = "What the target task is; compared with the adapters' descriptions.")
        String taskDescription,
        @Param(key = "top_k", cli = "--top-k", label = "Description merge: adapters used", tab = CLASSIC, value = "2", min = 1,
                max = 1000, help = "How many of the closest adapters are merged.")
        int topK,
        @Param(key = "temperature", cli = "--temperature", label = "Description merge: softmax temperature", tab = CLASSIC,
                value = "0.05", min = 1e-6, max = 100, widget = Widget.NUMBER_EDIT,
                help = "Sharpness of the weights from similarities.")
        double temperature,
        @Param(key = "seed", cli = "--seed", label = "Seed", tab = CLASSIC, value = "42", widget = Widget.NUMBER_EDIT,
                help = "Seed of DARE's random drop, LoraHub and the fine-tune.")
        long seed,

        @Nested(tab = "Prompt") PromptParams prompt) {

    static final String MERGE = "Merge";
    static final String AMP = "Adaptive Merge & Prune";
    static final String CLASSIC = "Classic merges";

    public static final ParamSchema<MergeParams> SCHEMA = ParamSchema.of(MergeParams.class);

    public MergeParams {
        weightList(weights);
        new PruneSettings(importance, granularity, pruneSchedule, pruneRatio);
        tune(epochs, learningRate, batchSize, seed);
        if (method == MergeMethod.DESCRIPTION && taskDescription.isBlank()) {
            throw new IllegalArgumentException("The description-conditioned merge needs a task description.");
        }
    }

    public static MergeParams defaults() {
        return SCHEMA.defaults();
    }

    /** The weights typed as "0.5, 0.3, 0.2"; null (uniform) when empty. */
    public double[] weightList() {
        return weightList(weights);
    }

    private static double[] weightList(String weights) {
        String w = weights.trim();
        if (w.isEmpty()) {
            return null;
        }
        try {
            return Arrays.stream(w.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Weights must be numbers separated by commas, not '" + w + "'.", e);
        }
    }

    public PruneSettings prune() {
        return new PruneSettings(importance, granularity, pruneSchedule, pruneRatio);
    }

    /** Adaptive Merge &amp; Prune's fine-tune: linear schedule, 10% warm-up. */
    public TrainingConfig tune() {
        return tune(epochs, learningRate, batchSize, seed);
    }

    private static TrainingConfig tune(int epochs, double lr, int batch, long seed) {
        return new TrainingConfig(epochs, lr, batch, 1, 0.1, LrSchedule.LINEAR, 0.0, 1.0, 512, seed, 0, 0);
    }

    /** Density, SVD rank and seed of the classic merges (DARE rescales as PEFT >= 0.19). */
    public MergeSettings classic() {
        return MergeSettings.of(MergeMethod.LINEAR).withDensity(density).withSvdRank(svdRank).withDare(true, seed);
    }

    /** The job: these parameters with the adapters and folders the caller resolved. */
    public MergeJob.Spec spec(Path baseModel, List<Path> adapters, Path output, boolean overwrite) {
        return spec(baseModel, adapters, output, overwrite, Map.of());
    }

    /** As {@link #spec(Path, List, Path, boolean)}, with variables for the chat template (the CLI's --chat-template-arg). */
    public MergeJob.Spec spec(Path baseModel, List<Path> adapters, Path output, boolean overwrite, Map<String, Object> templateArgs) {
        return MergeJob.Spec.builder().baseModel(baseModel).adapters(adapters).method(method).weights(weightList())
                .classic(classic()).loraHubBudget(loraHubBudget).prune(prune()).tune(tune()).prompt(prompt.format(templateArgs))
                .taskDescription(TrainParams.blankToNull(taskDescription)).topK(topK).temperature(temperature).output(output)
                .overwrite(overwrite).exportModel(exportModel).device(device.options("auto")).build();
    }
}
