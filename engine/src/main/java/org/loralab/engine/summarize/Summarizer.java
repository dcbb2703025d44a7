package org.loralab.engine.summarize;

import org.loralab.engine.io.OutOfMemoryInJob;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.generate.NonFiniteLogitsException;
import org.loralab.engine.generate.Generator;
import org.loralab.engine.generate.TextGenerator;
import java.nio.file.Path;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.RowAdapters;
import org.loralab.engine.model.ModelCache;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.model.Jobs;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.prompt.PromptEncoder;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.prompt.TemplateArgs;
import org.loralab.engine.lora.AdapterMetadata;
import com.google.gson.JsonElement;

/**
 * Generates summaries for many documents with a base model and at most one adapter. Documents are
 * sorted by prompt length and batched so little padding is computed; results come back in input
 * order. A bad row (empty document, prompt over budget) gets an error and the others go on.
 * Output does not depend on the batch size: batched decoding equals one-by-one decoding, and a
 * sampled row draws from the random stream of its row number.
 */
public final class Summarizer implements AutoCloseable {

    /** Generates one batch; replaceable in tests to inject failures. */
    @FunctionalInterface
    interface BatchGenerator {
        List<long[]> generate(List<long[]> prompts, GenerationConfig cfg, long[] streams);
    }

    private final TextGenerator generator;
    private final LoraAdapter adapter;
    private final PromptEncoder prompts;
    private final SummarizeOptions options;
    private final RowAdapters rowAdapters; // null unless per-row adapters
    private final List<String> tableNames; // every adapter of the table, usable or not, for messages
    private final Map<String, String> unusable; // adapters of the table left out, with the reason
    private final PromptEncoder[] adapterPrompts; // per row adapter, its rows' prompt
    private int[] batchAdapters = new int[0]; // per prompt of the batch being generated, its adapter index or -1
    private BatchGenerator batchGenerator;

    private Summarizer(TextGenerator generator, LoraAdapter adapter, SummarizeOptions options, RowAdapters rowAdapters,
            AdapterTable table, Map<String, String> unusable) throws IOException {
        this.generator = generator;
        this.adapter = adapter;
        this.options = options;
        this.rowAdapters = rowAdapters;
        this.tableNames = table == null ? List.of() : List.copyOf(table.folders().keySet());
        this.unusable = unusable;
        this.prompts = new PromptEncoder(generator.tokenizer(), promptFormat(options));
        this.adapterPrompts = new PromptEncoder[rowAdapters == null ? 0 : rowAdapters.names().size()];
        for (int k = 0; k < adapterPrompts.length; k++) {
            Path folder = table.folders().get(rowAdapters.names().get(k));
            PromptFormat format = PromptChoice.resolve(options.prompt(), table.recordedPrompts(), folder).format();
            adapterPrompts[k] = new PromptEncoder(generator.tokenizer(), format);
        }
        Generator gen = new Generator(generator.model());
        Generator.RowRouting routing = rowAdapters == null ? null : promptOfRow -> {
            int[] of = new int[promptOfRow.length];
            for (int r = 0; r < of.length; r++) {
                of[r] = batchAdapters[promptOfRow[r]];
            }
            rowAdapters.useRows(of);
        };
        this.batchGenerator = (ids, cfg, streams) -> gen.generate(ids, cfg, ProgressListener.NONE, streams, routing);
    }

    /** For tests: generate batches with {@code g} instead of the model. */
    void useBatchGenerator(BatchGenerator g) {
        this.batchGenerator = g;
    }

    /**
     * The prompt format to use: the options', with the chat template arguments the adapter was
     * trained with (its loralab.json) when the options give none, so the prompt is the training one.
     */
    static PromptFormat promptFormat(SummarizeOptions options) throws IOException {
        PromptFormat asked = options.prompt();
        if (!asked.templateArgs().isEmpty() || options.adapter() == null) {
            return asked;
        }
        AdapterMetadata meta = AdapterMetadata.load(options.adapter());
        JsonElement prompt = meta == null || meta.settings == null ? null : meta.settings.get("prompt");
        if (prompt == null || !prompt.isJsonObject()) {
            return asked;
        }
        return asked.withTemplateArgs(TemplateArgs.fromJson(prompt.getAsJsonObject().get("templateArgs")));
    }

    public static Summarizer open(SummarizeOptions options) throws IOException {
        return open(options, null);
    }

    /**
     * With {@code adapters} (or null): each row may name one of them (see
     * {@link #summarize(List, List, GenerationConfig, ProgressListener, long)}); rows with different
     * adapters share a batch. Adapters made for another base model are refused here, before the
     * model loads; invalid ones are left out, and the rows naming one get its reason as their error.
     */
    public static Summarizer open(SummarizeOptions options, AdapterTable adapters) throws IOException {
        return open(options, adapters, rowAdapterMode());
    }

    /** With the given way of applying per-row adapters (for benchmarks and tests). */
    public static Summarizer open(SummarizeOptions options, AdapterTable adapters, RowAdapters.Mode mode) throws IOException {
        return open(options, adapters, mode, ModelCache.shared());
    }

    /**
     * As {@link #open(SummarizeOptions)}, the base model leased from {@code cache}: {@link ModelCache#uncached()} gives a
     * model of its own, into which a {@code mergeAdapter} adapter is merged (a shared model only attaches it).
     */
    public static Summarizer openFrom(ModelCache cache, SummarizeOptions options) throws IOException {
        return open(options, null, rowAdapterMode(), cache);
    }

    private static Summarizer open(SummarizeOptions options, AdapterTable adapters, RowAdapters.Mode mode, ModelCache cache)
            throws IOException {
        if (adapters != null) {
            if (options.adapter() != null) {
                throw new IllegalArgumentException("give either one adapter or an adapter table with an adapter column, not both");
            }
        }
        AdapterTable.Checked checked = adapters == null ? null : adapters.checkWith(ModelConfig.load(options.baseModel()));
        try {
            return Jobs.run(() -> openWithoutRecording(options, adapters, checked, mode, cache));
        } catch (OutOfMemoryError e) {
            throw OutOfMemoryInJob.of("Loading for Summarize", "the base model " + options.baseModel()
                    + (options.adapter() == null ? "" : " with the adapter " + options.adapter()), e);
        }
    }

    private static Summarizer openWithoutRecording(SummarizeOptions options, AdapterTable table, AdapterTable.Checked checked,
            RowAdapters.Mode mode, ModelCache cache) throws IOException {
        TextGenerator g = TextGenerator.load(options.baseModel(), options.device(), cache);
        try {
            if (table != null) {
                RowAdapters rows = RowAdapters.attach(checked.usable(), g.model(), mode);
                try {
                    return new Summarizer(g, null, options, rows, table, checked.unusable());
                } catch (IOException | RuntimeException e) {
                    rows.close();
                    throw e;
                }
            }
            LoraAdapter a = null;
            if (options.adapter() != null) {
                a = LoraAdapter.load(options.adapter(), g.model());
                // A cached model's weights are shared with other jobs: there the adapter attaches (unmerged) instead.
                if (options.mergeAdapter() && !a.hasTaskFilter() && !g.model().isShared()) {
                    a.mergeInto(g.model()); // in place: the model keeps the merged weights, nothing else
                } else {
                    a.attach(g.model());
                }
            }
            return new Summarizer(g, a, options, null, null, Map.of());
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            g.close();
            throw e;
        }
    }

    /** The model folder's generation defaults (EOS, pad), to adjust and pass to {@link #summarize}. */
    public GenerationConfig defaults() throws IOException {
        return generator.defaults();
    }

    /** The prompt may use the model's context less the tokens to generate, and never more than asked. */
    static int promptBudget(int maxInputTokens, int contextLength, int maxNewTokens) {
        return Math.max(1, Math.min(maxInputTokens, contextLength - maxNewTokens));
    }

    public CausalLM model() {
        return generator.model();
    }

    /** The prompt text {@code document} becomes (before tokenizing), to show or check which prompt is used. */
    public String promptText(String document) {
        return prompts.promptText(document);
    }

    /**
     * @param documents the documents; null or blank ones get an error
     */
    public List<SummaryResult> summarize(List<String> documents, GenerationConfig cfg, ProgressListener progress) {
        return summarize(documents, cfg, progress, 0);
    }

    /**
     * One chunk of a longer table whose first document is row {@code firstRow} of the table: errors
     * name table rows, and each row samples from the stream of its table row, so chunking changes nothing.
     */
    public List<SummaryResult> summarize(List<String> documents, GenerationConfig cfg, ProgressListener progress, long firstRow) {
        return summarize(documents, null, cfg, progress, firstRow);
    }

    /** The mode of per-row adapters: system property {@value #MODE_PROPERTY} (grouped or padded), else the default. */
    static RowAdapters.Mode rowAdapterMode() {
        String m = System.getProperty(MODE_PROPERTY);
        return m == null || m.isBlank() ? RowAdapters.DEFAULT_MODE : RowAdapters.Mode.valueOf(m.strip().toUpperCase(java.util.Locale.ROOT));
    }

    public static final String MODE_PROPERTY = "loralab.rowAdapters";

    /**
     * As {@link #summarize(List, GenerationConfig, ProgressListener, long)}, each row with the adapter
     * its entry of {@code adapterNames} names (null or blank: the base model). A name the adapter
     * table lacks is that row's error.
     *
     * @param adapterNames per document; null when the rows name no adapters
     */
    public List<SummaryResult> summarize(List<String> documents, List<String> adapterNames, GenerationConfig cfg,
            ProgressListener progress, long firstRow) {
        long[] rows = new long[documents.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = firstRow + i;
        }
        return summarize(documents, adapterNames, rows, cfg, progress);
    }

    /**
     * Documents from anywhere in a table, {@code tableRows[i]} the table row of {@code documents.get(i)}
     * (a Spark partition, or one adapter's rows of it): errors name those rows and each row samples
     * from the stream of its table row, so the output equals the whole table's in one run.
     */
    public List<SummaryResult> summarize(List<String> documents, long[] tableRows, GenerationConfig cfg, ProgressListener progress) {
        return summarize(documents, null, tableRows, cfg, progress);
    }

    /** The general form: per-row adapter names (or null) and table row numbers. */
    public List<SummaryResult> summarize(List<String> documents, List<String> adapterNames, long[] tableRows, GenerationConfig cfg,
            ProgressListener progress) {
        return Jobs.run(() -> summarizeRows(documents, adapterNames, tableRows, cfg, progress));
    }

    private List<SummaryResult> summarizeRows(List<String> documents, List<String> adapterNames, long[] tableRows, GenerationConfig cfg,
            ProgressListener progress) {
        if (tableRows.length != documents.size()) {
            throw new IllegalArgumentException(documents.size() + " documents but " + tableRows.length + " row numbers");
        }
        cfg.validate();
        if (adapterNames != null && rowAdapters == null) {
            throw new IllegalArgumentException("rows name adapters, but no adapter table was given");
        }
        SummaryResult[] results = new SummaryResult[documents.size()];
        record Prepared(int row, PromptEncoder.Encoded prompt, int adapter) {
        }
        List<Prepared> ready = new ArrayList<>();
        int budget = promptBudget(options.maxInputTokens(), generator.model().config().maxPositionEmbeddings(), cfg.maxNewTokens());
        for (int i = 0; i < documents.size(); i++) {
            String doc = documents.get(i);
            if (doc == null || doc.isBlank()) {
                results[i] = SummaryResult.failed(i, "row " + tableRows[i] + ": the document is " + (doc == null ? "missing" : "empty"));
                continue;
            }
            try {
                int a = adapterIndex(adapterNames == null ? null : adapterNames.get(i));
                PromptEncoder.Encoded encoded = (a < 0 ? prompts : adapterPrompts[a]).encode(doc, budget);
                requireInVocabulary(encoded.ids());
                ready.add(new Prepared(i, encoded, a));
            } catch (IllegalArgumentException e) {
                results[i] = SummaryResult.failed(i, "row " + tableRows[i] + ": " + e.getMessage());
            }
        }
        ready.sort(Comparator.comparingInt((Prepared p) -> p.prompt().ids().length).thenComparingInt(Prepared::row));
        int done = documents.size() - ready.size();
        long tokens = 0;
        long start = System.nanoTime();
        for (int b = 0; b < ready.size(); b += options.batchSize()) {
            progress.checkCancelled();
            List<Prepared> batch = ready.subList(b, Math.min(b + options.batchSize(), ready.size()));
            List<Prepared> pending = batch;
            while (!pending.isEmpty()) {
                List<Prepared> part = pending;
                pending = List.of();
                List<long[]> ids = part.stream().map(p -> p.prompt().ids()).toList();
                try {
                    // Each row samples from its own stream (its row number), whatever batch it lands in.
                    long[] streams = part.stream().mapToLong(p -> tableRows[p.row()]).toArray();
                    batchAdapters = part.stream().mapToInt(Prepared::adapter).toArray();
                    List<long[]> out = batchGenerator.generate(ids, cfg, streams);
                    for (int k = 0; k < part.size(); k++) {
                        Prepared p = part.get(k);
                        tokens += out.get(k).length;
                        results[p.row()] = new SummaryResult(p.row(), generator.tokenizer().decode(out.get(k), true).strip(), null,
                                p.prompt().ids().length, p.prompt().droppedTokens(), out.get(k).length);
                    }
                } catch (NonFiniteLogitsException e) {
                    // Garbage scores are those rows' error, not a summary; the rest of the batch runs again without them.
                    java.util.Set<Integer> bad = new java.util.HashSet<>();
                    for (int k : e.prompts()) {
                        bad.add(k);
                    }
                    List<Prepared> rest = new ArrayList<>();
                    for (int k = 0; k < part.size(); k++) {
                        Prepared p = part.get(k);
                        if (bad.contains(k)) {
                            results[p.row()] = SummaryResult.failed(p.row(), "row " + (tableRows[p.row()]) + ": " + e.reason());
                        } else {
                            rest.add(p);
                        }
                    }
                    pending = rest;
                } catch (CancellationException e) {
                    throw e;
                } catch (RuntimeException | OutOfMemoryError e) {
                    // Every input problem of one row was found above; a failure here is the job's, not the rows'.
                    throw failure(e, part.size(), ids.stream().mapToInt(p -> p.length).max().orElse(0), tableRows[part.get(0).row()], cfg);
                }
            }
            done += batch.size();
            double seconds = (System.nanoTime() - start) / 1e9;
            progress.onProgress(done, documents.size(), String.format("%d of %d documents, %.1f tokens/s", done,
                    documents.size(), tokens / Math.max(seconds, 1e-9)));
        }
        return List.of(results);
    }

    /** The adapter index a row's name selects; -1 (base model) for none. */
    private int adapterIndex(String name) {
        if (name == null || name.isBlank()) {
            return -1;
        }
        String stripped = name.strip();
        if (unusable.containsKey(stripped)) {
            throw new IllegalArgumentException("adapter '" + stripped + "' is not usable: " + unusable.get(stripped));
        }
        int k = rowAdapters.indexOf(stripped);
        if (k < 0) {
            throw new IllegalArgumentException("unknown adapter '" + stripped + "'; the adapter table has " + tableNames);
        }
        return k;
    }

    /** The adapters rows may name, for logs; null without an adapter table. */
    public String rowAdapters() {
        if (rowAdapters == null) {
            return null;
        }
        String loaded = rowAdapters.names().isEmpty() ? "none usable" : rowAdapters.toString();
        return unusable.isEmpty() ? loaded : loaded + "; left out as not usable (their rows fail): " + String.join(", ", unusable.keySet());
    }

    /** Token ids the model has no embedding for: the tokenizer does not belong to this model (named per row). */
    private void requireInVocabulary(long[] ids) {
        int vocab = generator.model().config().vocabSize();
        for (long id : ids) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("the prompt has token id " + id + ", outside the model's vocabulary of " + vocab);
            }
        }
    }

    /** The job's failure, with what to change when it is a matter of memory. */
    private SummarizeFailedException failure(Throwable e, int batchSize, int longestPrompt, long row, GenerationConfig cfg) {
        String where = "generating a batch of " + batchSize + " document(s) from row " + row + " (prompts up to " + longestPrompt
                + " tokens, up to " + cfg.maxNewTokens() + " new tokens, " + generator.model().dtypeChoice() + ")";
        String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        if (ResourceErrors.isOutOfMemory(e)) {
            return new SummarizeFailedException("Summarize ran out of memory " + where + ". Lower the batch size (now "
                    + options.batchSize() + "), the maximum new tokens (now " + cfg.maxNewTokens() + ") or the maximum input tokens"
                    + " (now " + options.maxInputTokens() + "), or load a bf16 checkpoint in bfloat16 (--dtype bfloat16); cause: "
                    + cause, e);
        }
        String kind = ResourceErrors.isNative(e) ? "a native error" : "an error";
        return new SummarizeFailedException("Summarize stopped on " + kind + " " + where + ": " + cause
                + ". If it names memory or the device, lower the batch size (now " + options.batchSize() + ") or the maximum new"
                + " tokens; otherwise it is a bug to report", e);
    }

    @Override
    public void close() {
        if (rowAdapters != null) {
            rowAdapters.close();
        }
        if (adapter != null) {
            adapter.close();
        }
        generator.close();
    }
}
