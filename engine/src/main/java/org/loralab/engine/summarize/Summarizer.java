package org.loralab.engine.summarize;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.generate.Generator;
import org.loralab.engine.generate.TextGenerator;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.model.Autograd;
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

    private final TextGenerator generator;
    private final LoraAdapter adapter;
    private final PromptEncoder prompts;
    private final SummarizeOptions options;

    private Summarizer(TextGenerator generator, LoraAdapter adapter, SummarizeOptions options) throws IOException {
        this.generator = generator;
        this.adapter = adapter;
        this.options = options;
        this.prompts = new PromptEncoder(generator.tokenizer(), promptFormat(options));
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
        try (Autograd.Scope inference = Autograd.inference()) {
            return openWithoutRecording(options);
        }
    }

    private static Summarizer openWithoutRecording(SummarizeOptions options) throws IOException {
        TextGenerator g = TextGenerator.load(options.baseModel(), options.device());
        try {
            LoraAdapter a = null;
            if (options.adapter() != null) {
                a = LoraAdapter.load(options.adapter(), g.model());
                if (options.mergeAdapter() && !a.hasTaskFilter()) {
                    Map<String, ai.djl.ndarray.NDArray> replaced = a.mergeInto(g.model());
                    replaced.values().forEach(ai.djl.ndarray.NDArray::close); // the model keeps the merged weights
                } else {
                    a.attach(g.model());
                }
            }
            return new Summarizer(g, a, options);
        } catch (IOException | RuntimeException e) {
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
        cfg.validate();
        SummaryResult[] results = new SummaryResult[documents.size()];
        record Prepared(int row, PromptEncoder.Encoded prompt) {
        }
        List<Prepared> ready = new ArrayList<>();
        int budget = promptBudget(options.maxInputTokens(), generator.model().config().maxPositionEmbeddings(), cfg.maxNewTokens());
        for (int i = 0; i < documents.size(); i++) {
            String doc = documents.get(i);
            if (doc == null || doc.isBlank()) {
                results[i] = SummaryResult.failed(i, "row " + (firstRow + i) + ": the document is " + (doc == null ? "missing" : "empty"));
                continue;
            }
            try {
                ready.add(new Prepared(i, prompts.encode(doc, budget)));
            } catch (IllegalArgumentException e) {
                results[i] = SummaryResult.failed(i, "row " + (firstRow + i) + ": " + e.getMessage());
            }
        }
        ready.sort(Comparator.comparingInt((Prepared p) -> p.prompt().ids().length).thenComparingInt(Prepared::row));
        Generator gen = new Generator(generator.model());
        int done = documents.size() - ready.size();
        long tokens = 0;
        long start = System.nanoTime();
        for (int b = 0; b < ready.size(); b += options.batchSize()) {
            progress.checkCancelled();
            List<Prepared> batch = ready.subList(b, Math.min(b + options.batchSize(), ready.size()));
            List<long[]> ids = batch.stream().map(p -> p.prompt().ids()).toList();
            try {
                // Each row samples from its own stream (its row number), whatever batch it lands in.
                long[] streams = batch.stream().mapToLong(p -> firstRow + p.row()).toArray();
                List<long[]> out = gen.generate(ids, cfg, ProgressListener.NONE, streams);
                for (int k = 0; k < batch.size(); k++) {
                    Prepared p = batch.get(k);
                    tokens += out.get(k).length;
                    results[p.row()] = new SummaryResult(p.row(), generator.tokenizer().decode(out.get(k), true).strip(), null,
                            p.prompt().ids().length, p.prompt().droppedTokens(), out.get(k).length);
                }
            } catch (CancellationException e) {
                throw e;
            } catch (RuntimeException e) {
                for (Prepared p : batch) {
                    results[p.row()] = SummaryResult.failed(p.row(), "row " + (firstRow + p.row()) + ": generation failed: " + e.getMessage());
                }
            }
            done += batch.size();
            double seconds = (System.nanoTime() - start) / 1e9;
            progress.onProgress(done, documents.size(), String.format("%d of %d documents, %.1f tokens/s", done,
                    documents.size(), tokens / Math.max(seconds, 1e-9)));
        }
        return List.of(results);
    }

    @Override
    public void close() {
        if (adapter != null) {
            adapter.close();
        }
        generator.close();
    }
}
