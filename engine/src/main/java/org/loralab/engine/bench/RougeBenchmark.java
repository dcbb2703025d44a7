package org.loralab.engine.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.rouge.RougeOptions;
import org.loralab.engine.rouge.RougeTableScorer;
import org.loralab.engine.table.TableBuilder;
import org.loralab.engine.table.Tables;

/**
 * Scored pairs per second for news-length pairs through the ROUGE table scorer (all four types,
 * stemming, bootstrap summary), with the JVM's peak heap. Prints figures; asserts nothing.
 */
public final class RougeBenchmark {

    private RougeBenchmark() {
    }

    /** Synthetic English news text: Zipf-distributed words from a 5,000-word vocabulary, sentences on lines. */
    static String newsText(Random r, List<String> vocab, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            double u = r.nextDouble();
            int rank = (int) Math.min(vocab.size() - 1, Math.floor(Math.pow(vocab.size(), u)) - 1);
            sb.append(vocab.get(Math.max(rank, 0)));
            sb.append(i % 20 == 19 ? ".\n" : (r.nextInt(12) == 0 ? ", " : " "));
        }
        return sb.toString();
    }

    static List<String> vocabulary(Random r, int size) {
        String[] suffixes = {"", "s", "ed", "ing", "ation", "ly", "er", "ness"};
        List<String> v = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            StringBuilder w = new StringBuilder();
            int len = 3 + r.nextInt(6);
            for (int k = 0; k < len; k++) {
                w.append((char) ('a' + r.nextInt(26)));
            }
            v.add(w + suffixes[r.nextInt(suffixes.length)]);
        }
        return v;
    }

    public static void run(int pairs, int words, int repeats) {
        Random r = new Random(1);
        List<String> vocab = vocabulary(r, 5000);
        List<String> predictions = new ArrayList<>();
        List<String> references = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            predictions.add(newsText(r, vocab, words));
            references.add(newsText(r, vocab, words));
        }
        System.out.printf("ROUGE benchmark: %d pairs of %d-word texts, rouge1/2/L/Lsum, Porter stemming, 1000 bootstrap resamples, %d cores%n",
                pairs, words, Runtime.getRuntime().availableProcessors());
        RougeTableScorer scorer = new RougeTableScorer(RougeOptions.defaults());
        try (BufferAllocator alloc = Tables.newAllocator("bench");
                VectorSchemaRoot table = new TableBuilder(alloc).strings("prediction", predictions)
                        .strings("reference", references).build()) {
            for (int rep = 0; rep < repeats; rep++) {
                long t0 = System.nanoTime();
                try (RougeTableScorer.Result res = scorer.score(table, "prediction", List.of("reference"), null, alloc,
                        ProgressListener.NONE)) {
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("  run %d: %.2f s, %.0f pairs/s (mean rouge1 F1 %.4f)%n", rep + 1, s, pairs / s,
                            Tables.doubles(res.summary(), "mean")[2]);
                }
            }
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("  peak heap (sum of pool peaks): %.0f MiB%n", peak / 1048576.0);
    }
}
