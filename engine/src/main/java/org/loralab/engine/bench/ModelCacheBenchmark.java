package org.loralab.engine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.loralab.engine.lora.AdapterWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.lora.RandomB;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelCache;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.summarize.SummarizeOptions;
import org.loralab.engine.summarize.Summarizer;
import org.loralab.engine.summarize.SummaryResult;

/**
 * What the model cache saves and what sharing costs: a cold load against a lease of the cached
 * copy, and Summarize with an adapter on the two paths a merged Summarize can take, the adapter
 * attached to the shared weights (unmerged, what the cache does) or merged into a private copy
 * (what Summarize does without the cache), in generated tokens/s.
 */
public final class ModelCacheBenchmark {

    private ModelCacheBenchmark() {
    }

    public static void run(Path model, int hidden, int layers, int docs, int newTokens, int[] batches, int rounds) throws IOException {
        Path dir = Files.createTempDirectory("loralab-bench-cache");
        if (model == null) {
            model = new TinyCheckpoint().hiddenSize(hidden).layers(layers).heads(8, 4).intermediateSize(hidden * 11 / 4)
                    .weightStd(0.02).seed(1).write(dir.resolve("model"));
        }
        ModelOptions options = new ModelOptions("cpu", "auto");
        long t0 = System.nanoTime();
        long bytes;
        Path adapter = dir.resolve("adapter");
        try (CausalLM m = CausalLM.load(model, options)) {
            double coldLoad = (System.nanoTime() - t0) / 1e9;
            bytes = m.weightBytes();
            System.out.printf(Locale.ROOT, "model %s: %.1f MiB of weights, %s; cold load %.3f s%n", model, bytes / 1048576.0,
                    m.dtypeChoice(), coldLoad);
            try (LoraAdapter a = LoraAdapter.create(m, LoraConfig.of(8, 16, LoraConfig.ALL_LINEAR), false, 1)) {
                RandomB.fill(a, 2, 0.02);
                AdapterWriter.write(a, null, adapter, false);
            }
        }
        ModelCache cache = new ModelCache(Long.MAX_VALUE);
        t0 = System.nanoTime();
        try (ModelCache.Lease first = cache.lease(model, options)) {
            double load = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            try (ModelCache.Lease second = cache.lease(model, options)) {
                System.out.printf(Locale.ROOT, "cache: first lease (loads) %.3f s, second lease (shared view) %.4f s%n", load,
                        (System.nanoTime() - t0) / 1e9);
            }
        }
        cache.releaseIdle();

        List<String> documents = new ArrayList<>();
        for (int i = 0; i < docs; i++) {
            documents.add("Document " + i + ": rain and wind over the coast, markets steady, trains delayed in the north.");
        }
        PromptFormat prompt = new PromptFormat("{document}\nSummary:", "", false);
        ModelCache shared = ModelCache.shared();
        long budget = shared.budget();
        try {
            for (int batch : batches) {
                for (int round = 0; round < rounds; round++) {
                    for (boolean cached : new boolean[] {true, false}) {
                        shared.setBudget(cached ? Long.MAX_VALUE : 0);
                        // warm the cache outside the timing: the comparison is of decoding, not loading
                        try (ModelCache.Lease warm = cached ? shared.lease(model, options) : null) {
                            long start = System.nanoTime();
                            long tokens = 0;
                            try (Summarizer s = Summarizer.open(new SummarizeOptions(model, adapter, true, prompt, 256, batch, options))) {
                                double open = (System.nanoTime() - start) / 1e9;
                                long g0 = System.nanoTime();
                                for (SummaryResult res : s.summarize(documents, s.defaults().maxNewTokens(newTokens).eosTokenIds(List.of()),
                                        ProgressListener.NONE)) {
                                    tokens += res.generatedTokens();
                                }
                                double gen = (System.nanoTime() - g0) / 1e9;
                                System.out.printf(Locale.ROOT, "batch %d round %d: %-44s open %.3f s, %5.1f tokens/s (%d tokens)%n", batch, round,
                                        cached ? "shared weights, adapter attached (unmerged)" : "private model, adapter merged in place",
                                        open, tokens / gen, tokens);
                            }
                        }
                    }
                }
            }
        } finally {
            shared.setBudget(budget);
        }
        System.out.printf(Locale.ROOT, "a private merged copy beside the shared one would hold %.1f MiB more%n", bytes / 1048576.0);
    }
}
