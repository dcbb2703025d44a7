package org.loralab.engine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.lora.AdapterWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.lora.RandomB;
import org.loralab.engine.lora.RowAdapters;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.PyTorchInternals;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.summarize.AdapterTable;
import org.loralab.engine.summarize.SummarizeOptions;
import org.loralab.engine.summarize.Summarizer;
import org.loralab.engine.summarize.SummaryResult;

/**
 * Summarize rows/s for a table whose rows name four adapters of different ranks: all rows in mixed
 * batches (both ways of {@link RowAdapters.Mode}), against the four groups summarized one after
 * another (each group's batches hold one adapter only). One model load serves all runs; every
 * row generates exactly the same number of tokens (no EOS). Prints figures; asserts nothing.
 */
public final class RowAdapterBenchmark {

    /** Four adapters as a bank could hold them: different ranks, alphas and target modules. */
    static final List<LoraConfig> ADAPTERS = List.of(LoraConfig.of(8, 16, LoraConfig.ALL_LINEAR),
            LoraConfig.of(16, 16, LoraConfig.ALL_LINEAR), LoraConfig.of(4, 8, List.of("q_proj", "v_proj")),
            LoraConfig.of(8, 8, List.of("q_proj", "k_proj", "v_proj", "o_proj")));

    private RowAdapterBenchmark() {
    }

    public static void run(Path modelDir, String label, Path work, int rows, int batch, int promptWords, int newTokens, int repeats)
            throws IOException {
        Path bank = work.resolve("bank-" + label);
        Map<String, Path> folders = new LinkedHashMap<>();
        try (CausalLM model = CausalLM.load(modelDir, new ModelOptions("cpu", "auto"))) {
            for (int k = 0; k < ADAPTERS.size(); k++) {
                Path to = bank.resolve("adapter" + k);
                if (!Files.exists(to)) {
                    write(model, ADAPTERS.get(k), k, to);
                }
                folders.put("adapter" + k, to);
            }
        }
        List<String> docs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Random r = new Random(1);
        String[] words = {"rain", "market", "city", "river", "train", "price", "school", "bridge", "storm", "festival"};
        for (int i = 0; i < rows; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < promptWords; w++) {
                sb.append(words[r.nextInt(words.length)]).append(' ');
            }
            docs.add(sb.toString().strip());
            names.add("adapter" + (i % ADAPTERS.size()));
        }
        SummarizeOptions options = new SummarizeOptions(modelDir, null, false, PromptFormat.defaults(), 4096, batch,
                new ModelOptions("cpu", "auto"));
        System.out.printf(Locale.ROOT, "Per-row adapters on %s: %d rows over 4 adapters (ranks 8/16/4/8, all-linear and attention-only),"
                + " batch %d, %d-word documents, %d new tokens each, greedy, %d libtorch threads; best of %d%n", label, rows, batch,
                promptWords, newTokens, PyTorchInternals.numThreads(), repeats);
        // Repeats interleave the ways (model reloaded each time, one copy at a time), so a busy machine's drift hits all alike.
        Map<RowAdapters.Mode, double[]> best = new LinkedHashMap<>();
        for (int rep = 0; rep < repeats; rep++) {
            for (RowAdapters.Mode mode : RowAdapters.Mode.values()) {
                try (Summarizer s = Summarizer.open(options, new AdapterTable(folders, false), mode)) {
                    GenerationConfig cfg = s.defaults().maxNewTokens(newTokens).eosTokenIds(List.of());
                    double mixed = time(() -> s.summarize(docs, names, cfg, ProgressListener.NONE, 0));
                    double groups = time(() -> {
                        for (String name : folders.keySet()) {
                            List<String> groupDocs = new ArrayList<>();
                            for (int i = 0; i < rows; i++) {
                                if (names.get(i).equals(name)) {
                                    groupDocs.add(docs.get(i));
                                }
                            }
                            check(s.summarize(groupDocs, java.util.Collections.nCopies(groupDocs.size(), name), cfg,
                                    ProgressListener.NONE, 0));
                        }
                        return List.of();
                    });
                    double[] b = best.computeIfAbsent(mode, m -> new double[] {Double.MAX_VALUE, Double.MAX_VALUE});
                    b[0] = Math.min(b[0], mixed);
                    b[1] = Math.min(b[1], groups);
                }
            }
        }
        best.forEach((mode, b) -> System.out.printf(Locale.ROOT, "  %-8s mixed batches %6.2f rows/s (%.2f s) | four groups one after"
                + " another %6.2f rows/s (%.2f s) | mixed/groups %.2fx%n", mode.name().toLowerCase(Locale.ROOT), rows / b[0], b[0],
                rows / b[1], b[1], b[1] / b[0]));
    }

    private interface Job {
        List<SummaryResult> run();
    }

    private static double time(Job job) {
        long t0 = System.nanoTime();
        check(job.run());
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void check(List<SummaryResult> results) {
        for (SummaryResult r : results) {
            if (r.error() != null) {
                throw new IllegalStateException(r.error());
            }
        }
    }

    /** An adapter with random B (LoRA starts B at zero, which would make every adapter the base model). */
    private static void write(CausalLM model, LoraConfig config, long seed, Path to) throws IOException {
        try (LoraAdapter a = LoraAdapter.create(model, config, false, seed)) {
            RandomB.fill(a, seed, 0.01);
            AdapterWriter.write(a, null, to, false);
        }
    }
}
