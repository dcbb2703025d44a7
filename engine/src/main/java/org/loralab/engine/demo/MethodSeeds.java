package org.loralab.engine.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.rouge.RougeType;

/**
 * The demo's protocol repeated over seeds (training seeds and the draw of settings tried; the bank
 * and the splits stay fixed), so that which method is best rests on more than one run: per method,
 * mean ± sample standard deviation of the dev and test ROUGE-L F1 of its dev-chosen setting.
 */
public final class MethodSeeds {

    /**
     * The methods that learn from the target examples, the default selection. The others depend on the
     * seed too (which settings are drawn, DARE's masks): {@code --all} includes them.
     */
    public static final Predicate<String> LEARNED = label -> label.startsWith("LoRA") || label.startsWith("continued")
            || label.equals("LoraHub") || label.startsWith("Adaptive");

    private MethodSeeds() {
    }

    public static String run(Path work, Path baseModel, DemoSettings s, int seeds, Predicate<String> include) throws IOException {
        Map<String, List<double[]>> byMethod = new LinkedHashMap<>();
        for (int seed = 1; seed <= seeds; seed++) {
            long start = System.nanoTime();
            DemoRunner.Result r = new DemoRunner(s.withSeed(seed), work, baseModel, ProgressListener.NONE)
                    .run(msg -> System.out.println("  " + msg), include);
            for (DemoRunner.Row row : r.rows()) {
                byMethod.computeIfAbsent(row.method(), k -> new ArrayList<>())
                        .add(new double[] {row.devRougeL(), DemoRunner.f1(row, RougeType.ROUGE_L)});
            }
            System.out.printf(Locale.ROOT, "seed %d done in %.0f s%n", seed, (System.nanoTime() - start) / 1e9);
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "| method | dev ROUGE-L F1 (mean ± sd, %d seeds) | test ROUGE-L F1 (mean ± sd) | test per seed |%n|---|---|---|---|%n", seeds));
        byMethod.forEach((method, runs) -> {
            StringBuilder perSeed = new StringBuilder();
            for (double[] run : runs) {
                perSeed.append(perSeed.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", run[1]));
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", method, meanSd(runs, 0), meanSd(runs, 1), perSeed));
        });
        return sb.toString();
    }

    static String meanSd(List<double[]> runs, int column) {
        double mean = runs.stream().mapToDouble(r -> r[column]).average().orElse(Double.NaN);
        double ss = runs.stream().mapToDouble(r -> (r[column] - mean) * (r[column] - mean)).sum();
        double sd = runs.size() > 1 ? Math.sqrt(ss / (runs.size() - 1)) : 0;
        return String.format(Locale.ROOT, "%.3f ± %.3f", mean, sd);
    }
}
