package org.loralab.engine.params;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainLoraJob;
import org.loralab.engine.train.TrainingConfig;

/** The Train LoRA node's parameters (the CLI's {@code train}). */
public record TrainParams(
        @Param(key = "base_model", label = "Base model folder (or demo)", tab = DATA, widget = Widget.FOLDER_IN, value = "demo",
                help = "Folder of the base model, as a path or a <tt>knime://</tt> URL. <tt>demo</tt> selects the small model shipped "
                        + "with the extension, for trying workflows out.")
        String baseModel,
        @Param(key = "document_column", cli = "--document-col", label = "Document column", tab = DATA, widget = Widget.COLUMN,
                help = "String column with the documents.", value = "document")
        String documentColumn,
        @Param(key = "summary_column", cli = "--summary-col", label = "Summary column", tab = DATA, widget = Widget.COLUMN,
                help = "String column with the reference summaries.", value = "summary")
        String summaryColumn,
        @Nested(tab = DATA) OutputParams output,
        @Nested(tab = DATA) DeviceParams device,

        @Param(key = "rank", cli = "--rank", label = "Rank r", tab = LORA, help = "Rank of the low-rank update BA.", value = "8",
                min = 1, max = 4096)
        int rank,
        @Param(key = "alpha", cli = "--alpha", label = "Alpha", tab = LORA, help = "Scaling numerator: the update is (alpha / r) BA.",
                value = "16", min = 1e-6, max = 1e6)
        double alpha,
        @Param(key = "dropout", cli = "--dropout", label = "Dropout", tab = LORA, help = "Dropout on the adapter's input during training.",
                value = "0.05", min = 0, max = 0.99, step = 0.01)
        double dropout,
        @Param(key = "target_modules", cli = "--targets", label = "Target modules (comma-separated)", tab = LORA, width = 40,
                help = "Linear layers that get an adapter, for example <tt>q_proj,v_proj</tt>; the default is all seven projections "
                        + "(<tt>all-linear</tt>, PEFT's shorthand, says the same).",
                value = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj")
        String targetModules,
        @Param(key = "rslora", cli = "--rslora", label = "rsLoRA scaling (alpha / sqrt r)", tab = LORA, value = "false",
                help = "Rank-stabilised scaling.")
        boolean rslora,
        @Param(key = "lora_trf", cli = "--trf", label = "LoRA-TRF: add the task-aware filter", tab = LORA, value = "false",
                help = "Adds a learned gate on the adapter's hidden representation (r² + r parameters per module). Starts as plain "
                        + "LoRA; the PEFT files still load in PEFT as plain LoRA. Not for an adapter trained further.")
        boolean taskFilter,

        @Param(key = "epochs", cli = "--epochs", label = "Epochs", tab = TRAINING, help = "Passes over the training rows.", value = "3",
                min = 1, max = 100_000)
        int epochs,
        @Param(key = "learning_rate", cli = "--lr", label = "Learning rate", tab = TRAINING, help = "Peak learning rate of AdamW.",
                value = "2e-4", min = 1e-9, max = 10, widget = Widget.NUMBER_EDIT)
        double learningRate,
        @Param(key = "batch_size", cli = "--batch", label = "Batch size", tab = TRAINING, help = "Rows per step.", value = "4",
                min = 1, max = 4096)
        int batchSize,
        @Param(key = "gradient_accumulation", cli = "--accumulate", label = "Gradient accumulation steps", tab = TRAINING,
                help = "Steps whose gradients are summed before an update.", value = "1", min = 1, max = 4096)
        int gradientAccumulation,
        @Param(key = "lr_schedule", cli = "--schedule", label = "Learning-rate schedule", tab = TRAINING,
                help = "linear, cosine or constant after warm-up.", value = "linear", choices = {"linear", "cosine", "constant"})
        LrSchedule schedule,
        @Param(key = "warmup_ratio", cli = "--warmup", label = "Warm-up ratio", tab = TRAINING,
                help = "Share of the steps spent warming up the learning rate.", value = "0", min = 0, max = 1, step = 0.01)
        double warmupRatio,
        @Param(key = "weight_decay", cli = "--weight-decay", label = "Weight decay", tab = TRAINING,
                help = "AdamW's decoupled weight decay.", value = "0", min = 0, max = 10, widget = Widget.NUMBER_EDIT)
        double weightDecay,
        @Param(key = "max_grad_norm", cli = "--clip", label = "Gradient clipping norm (0: off)", tab = TRAINING,
                help = "Global gradient norm clipping.", value = "1.0", min = 0, max = 1e6, widget = Widget.NUMBER_EDIT)
        double maxGradNorm,
        @Param(key = "max_length", cli = "--max-length", label = "Maximum tokens per example", tab = TRAINING,
                help = "Prompt plus summary; longer documents are shortened (the summary never is).", value = "512", min = 8,
                max = 1 << 20, step = 64)
        int maxLength,
        @Param(key = "seed", cli = "--seed", label = "Seed", tab = TRAINING, help = "Seed of initialisation, dropout and data order.",
                value = "42", widget = Widget.NUMBER_EDIT)
        long seed,
        @Param(key = "early_stopping_patience", cli = "--patience", label = "Early-stopping patience in epochs (0: off)",
                tab = TRAINING, value = "0", min = 0, max = 1000,
                help = "With validation rows: stop after this many epochs without improvement and keep the best epoch's adapter.")
        int patience,
        @Param(key = "checkpoint_folder", label = "Checkpoint folder (empty: none)", tab = TRAINING, group = CHECKPOINTS,
                help = "Where to save checkpoints (adapter, optimizer state, progress).", value = "", widget = Widget.FOLDER_OUT)
        String checkpointFolder,
        @Param(key = "checkpoint_every_steps", cli = "--save-steps", label = "Also every N steps (0: each epoch)", tab = TRAINING,
                group = CHECKPOINTS, help = "Checkpoint interval in optimizer steps.", value = "0", min = 0,
                max = Integer.MAX_VALUE, step = 100)
        int saveEverySteps,
        @Param(key = "resume", cli = "--resume", label = "Resume from the checkpoint", tab = TRAINING, group = CHECKPOINTS,
                help = "Continue the run saved in the checkpoint folder. A checkpoint made with other settings or data is refused.",
                value = "false")
        boolean resume,

        @Param(key = "language", cli = "--language", label = "Language (e.g. en, ja)", tab = META, value = "",
                help = "Recorded in loralab.json; the bank reader lists it.")
        String language,
        @Param(key = "domain", cli = "--domain", label = "Domain", tab = META, help = "Recorded in loralab.json.", value = "")
        String domain,
        @Param(key = "task", cli = "--task", label = "Task", tab = META, help = "Recorded in loralab.json.", value = "summarization")
        String task,
        @Param(key = "description", cli = "--description", label = "Description", tab = META, width = 40, value = "",
                help = "What the adapter is for; the description-conditioned merge reads it.")
        String description,
        @Nested(tab = META) PromptParams prompt) {

    static final String DATA = "Data and output";
    static final String LORA = "LoRA";
    static final String TRAINING = "Training";
    static final String CHECKPOINTS = "Checkpoints";
    static final String META = "Metadata and prompt";

    public static final ParamSchema<TrainParams> SCHEMA = ParamSchema.of(TrainParams.class);

    public TrainParams {
        if (targetModules.split(",").length == 0 || targetModules.isBlank()) {
            throw new IllegalArgumentException("Name at least one target module (for example q_proj,v_proj).");
        }
        training(epochs, learningRate, batchSize, gradientAccumulation, schedule, warmupRatio, weightDecay, maxGradNorm, maxLength,
                seed, patience, saveEverySteps); // checks the combination
    }

    public static TrainParams defaults() {
        return SCHEMA.defaults();
    }

    public List<String> targetList() {
        return Arrays.stream(targetModules.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public LoraConfig lora() {
        List<String> targets = targetList();
        if (targets.size() == 1 && targets.get(0).toLowerCase(Locale.ROOT).equals(LoraConfig.ALL_LINEAR_SHORTHAND)) {
            targets = LoraConfig.ALL_LINEAR; // PEFT's shorthand, written out as the seven names it stands for
        }
        return LoraConfig.of(rank, alpha, targets).withDropout(dropout).withRslora(rslora);
    }

    public TrainingConfig training() {
        return training(epochs, learningRate, batchSize, gradientAccumulation, schedule, warmupRatio, weightDecay, maxGradNorm, maxLength,
                seed, patience, saveEverySteps);
    }

    private static TrainingConfig training(int epochs, double lr, int batch, int accumulation, LrSchedule schedule, double warmup,
            double weightDecay, double clip, int maxLength, long seed, int patience, int saveSteps) {
        return new TrainingConfig(epochs, lr, batch, accumulation, warmup, schedule, weightDecay, clip, maxLength, seed, patience,
                saveSteps);
    }

    /** language, domain, task and description to record; blank ones are left out. */
    public AdapterMetadata metadata() {
        AdapterMetadata meta = AdapterMetadata.create(null);
        meta.language = blankToNull(language);
        meta.domain = blankToNull(domain);
        meta.task = blankToNull(task);
        meta.description = blankToNull(description);
        return meta;
    }

    /**
     * The job: these parameters with the folders the caller resolved (KNIME from its settings and
     * ports, the CLI from its file arguments).
     *
     * @param initAdapter adapter to continue, or null
     * @param checkpoint checkpoint folder, or null
     * @param overwrite whether an existing output may be replaced (KNIME's file store is always new)
     */
    public TrainLoraJob.Spec spec(Path baseModel, Path initAdapter, Path output, boolean overwrite, Path checkpoint) {
        return spec(baseModel, initAdapter, output, overwrite, checkpoint, Map.of());
    }

    /** As {@link #spec(Path, Path, Path, boolean, Path)}, with variables for the chat template (the CLI's --chat-template-arg). */
    public TrainLoraJob.Spec spec(Path baseModel, Path initAdapter, Path output, boolean overwrite, Path checkpoint,
            Map<String, Object> templateArgs) {
        if (resume && checkpoint == null) {
            throw new IllegalArgumentException("Resuming needs a checkpoint folder.");
        }
        if (initAdapter != null && taskFilter) {
            throw new IllegalArgumentException("LoRA-TRF applies to a fresh adapter; an adapter to continue keeps its own form.");
        }
        return TrainLoraJob.Spec.builder().baseModel(baseModel).initAdapter(initAdapter).lora(lora()).taskFilter(taskFilter)
                .training(training()).prompt(prompt.format(templateArgs)).output(output).overwrite(overwrite)
                .checkpointDir(checkpoint).resume(resume).metadata(metadata()).device(device.options("auto")).build();
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
