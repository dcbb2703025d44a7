package org.loralab.engine.params;

import java.nio.file.Path;
import java.util.List;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.summarize.SummarizeOptions;

/**
 * The Summarize node's parameters (the CLI's {@code summarize}). A decoding value of 0 means "the
 * model's generation_config.json", on the command line as in the node.
 */
public record SummarizeParams(
        @Param(key = "base_model", label = "Base model folder, demo, or empty for the adapter's", tab = MODEL, value = "",
                widget = Widget.FOLDER_IN, help = "The base model. Empty uses the base model the connected adapter was made with.")
        String baseModel,
        @Param(key = "document_column", cli = "--document-col", label = "Document column", tab = MODEL, port = 1,
                widget = Widget.COLUMN, value = "document", help = "String column with the documents.")
        String documentColumn,
        @Param(key = "adapter_column", cli = "--adapter-col", label = "Adapter column (with an adapter table)", tab = MODEL, port = 1,
                widget = Widget.OPTIONAL_COLUMN_OR_NONE, value = "", addedLater = true,
                help = "With an adapter table connected (third input; on the command line --adapters): the column naming each row's "
                        + "adapter by its <i>name</i> in that table; an empty or missing cell uses the base model alone. Rows with "
                        + "different adapters are decoded in the same batch, nothing is merged into the base weights. A name the table "
                        + "lacks is that row's error; adapters made for another base model stop the node before any work; an "
                        + "invalid adapter of the table (the Bank Reader's invalid rows) is left out, and only the rows naming it fail, "
                        + "with its reason. Each adapter's rows use its recorded prompt when \"Use the adapter's prompt\" is on.")
        String adapterColumn,
        @Param(key = "merge_adapter", cli = "--merge", label = "Merge the adapter into the weights first (faster)", tab = MODEL,
                value = "false", help = "Adds the adapter into the base weights once instead of at every step (not for LoRA-TRF "
                        + "adapters). A base model shared through the model cache (KNIME's default) is never changed: there the "
                        + "adapter is attached unmerged instead (same summaries up to float rounding, about 10 % slower).")
        boolean mergeAdapter,
        @Param(key = "max_input_tokens", cli = "--max-input-tokens", label = "Maximum prompt tokens", tab = MODEL, value = "1024",
                min = 8, max = 1 << 20, step = 64, help = "Longer documents are shortened; the template never is.")
        int maxInputTokens,
        @Param(key = "batch_size", cli = "--batch", label = "Documents per batch", tab = MODEL, value = "8", min = 1, max = 4096,
                help = "Documents generated together (sorted by length to limit padding).")
        int batchSize,
        @Param(key = "dtype", cli = "--dtype", label = "Compute type", tab = MODEL, value = "auto",
                choices = {"auto", "float32", "bfloat16", "float16"},
                help = "auto (the checkpoint's type on a GPU; on the CPU a bf16 checkpoint stays bf16 where the CPU has AVX512-BF16 or "
                        + "AMX, float32 otherwise and in reproducible mode), float32, bfloat16 or float16.")
        String dtype,
        @Nested(tab = MODEL) DeviceParams device,

        @Param(key = "max_new_tokens", cli = "--max-new-tokens", label = "Maximum new tokens (0: model default)", tab = DECODING,
                value = "0", min = 0, max = 1 << 16, step = 16,
                help = "Length limit of a summary; the model default is generation_config.json's, else 128.")
        int maxNewTokens,
        @Param(key = "beams", cli = "--beams", label = "Beams (0: model default)", tab = DECODING, value = "0", min = 0, max = 64,
                help = "Beam search with this many beams.")
        int beams,
        @Param(key = "sample", cli = "--sample", label = "Sample instead of greedy decoding", tab = DECODING, value = "false",
                help = "Draw tokens at random.")
        boolean sample,
        @Param(key = "temperature", cli = "--temperature", label = "Temperature (0: model default)", tab = DECODING, value = "0",
                min = 0, max = 100, widget = Widget.NUMBER_EDIT, help = "Sampling temperature.")
        double temperature,
        @Param(key = "top_k", cli = "--top-k", label = "Top-k (0: model default)", tab = DECODING, value = "0", min = 0,
                max = 1 << 20, help = "Sample among the k most likely tokens (model default: generation_config.json's, else 50).")
        int topK,
        @Param(key = "top_p", cli = "--top-p", label = "Top-p (0: model default)", tab = DECODING, value = "0", min = 0, max = 1,
                widget = Widget.NUMBER_EDIT, help = "Sample among the most likely tokens that reach probability p.")
        double topP,
        @Param(key = "repetition_penalty", cli = "--repetition-penalty", label = "Repetition penalty (0: model default)",
                tab = DECODING, value = "0", min = -100, max = 100, widget = Widget.NUMBER_EDIT, addedLater = true,
                help = "Divide (multiply if negative) the score of tokens already in the prompt or output by this, as transformers "
                        + "(1: off; model default: generation_config.json's, else 1).")
        double repetitionPenalty,
        @Param(key = "seed", cli = "--seed", label = "Seed", tab = DECODING, value = "42", widget = Widget.NUMBER_EDIT,
                help = "Seed of sampling.")
        long seed,

        @Param(key = "prompt_from_adapter", label = "Use the adapter's prompt", tab = PROMPT, value = "true", addedLater = true,
                help = "On (the default): the template, language hint and chat choice the adapter recorded in its loralab.json "
                        + "(training and merging record them), so it sees the prompt it was trained on; the options below apply "
                        + "only when the adapter records none or no adapter is connected. The node's log says which template was "
                        + "used. Off: the options below. Settings saved before this option existed use the adapter's prompt unless "
                        + "the node's prompt had been changed.")
        Boolean promptFromAdapter,
        @Nested(tab = PROMPT) PromptParams prompt) {

    static final String MODEL = "Model and input";
    static final String DECODING = "Decoding";
    static final String PROMPT = "Prompt";

    public static final ParamSchema<SummarizeParams> SCHEMA = ParamSchema.of(SummarizeParams.class);

    public SummarizeParams {
        if (promptFromAdapter == null) {
            // saved before the option existed: the adapter's prompt unless the user had changed the node's (then theirs, as before)
            promptFromAdapter = prompt.isDefault();
        }
        if (!List.of("auto", "float32", "bfloat16", "float16").contains(dtype)) {
            throw new IllegalArgumentException("Compute type '" + dtype + "' is unknown: use auto, float32, bfloat16 or float16.");
        }
    }

    /** The column naming each row's adapter, or null for none. */
    public String adapterColumnOrNull() {
        return adapterColumn == null || adapterColumn.isBlank() ? null : adapterColumn;
    }

    public static SummarizeParams defaults() {
        return SCHEMA.defaults();
    }

    /** The model's defaults with the values set here (non-zero) on top. */
    public GenerationConfig apply(GenerationConfig cfg) {
        if (maxNewTokens > 0) {
            cfg.maxNewTokens(maxNewTokens);
        }
        if (sample) {
            cfg.doSample(true);
        }
        if (temperature > 0) {
            cfg.temperature(temperature);
        }
        if (topK > 0) {
            cfg.topK(topK);
        }
        if (topP > 0) {
            cfg.topP(topP);
        }
        if (repetitionPenalty != 0) {
            cfg.repetitionPenalty(repetitionPenalty);
        }
        if (beams > 0) {
            cfg.numBeams(beams);
        }
        cfg.seed(seed);
        cfg.validate();
        return cfg;
    }

    /** The summarizer's options with the base model, adapter and prompt the caller resolved. */
    public SummarizeOptions options(Path baseModel, Path adapter, PromptFormat resolvedPrompt) {
        return new SummarizeOptions(baseModel, adapter, mergeAdapter, resolvedPrompt, maxInputTokens, batchSize, device.options(dtype));
    }
}
