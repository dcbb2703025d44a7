package org.loralab.engine.rouge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Corpus-level ROUGE with bootstrap confidence intervals, as rouge-score's
 * {@code scoring.BootstrapAggregator}: resample the rows with replacement {@code samples} times,
 * average precision, recall and F1 in each resample, and report the percentiles
 * (1-c)/2, 50 and (1+c)/2 with numpy's default linear interpolation. Seeded, so the same rows
 * and seed always give the same interval (numpy's generator differs, so exact draws do not).
 */
public final class BootstrapAggregator {

    /** Low, mid and high of the bootstrap distribution, plus the plain mean over rows. */
    public record Interval(Score low, Score mid, Score high, Score mean) {
    }

    private final double confidence;
    /** rouge-score uses 1,000; 100,000 resamples already pin a 95% interval far below ROUGE's own noise. */
    public static final int MAX_SAMPLES = 100_000;

    private final int samples;
    private final long seed;
    private final Map<RougeType, List<Score>> scores = new LinkedHashMap<>();

    public BootstrapAggregator(double confidence, int samples, long seed) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must lie strictly between 0 and 1, got " + confidence);
        }
        if (samples > MAX_SAMPLES) {
            // each resample keeps a score per type and measure: two billion end in OutOfMemoryError
            throw new IllegalArgumentException("bootstrap samples must be at most " + MAX_SAMPLES + ", got " + samples);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("bootstrap samples must be at least 1, got " + samples);
        }
        this.confidence = confidence;
        this.samples = samples;
        this.seed = seed;
    }

    /** rouge-score's defaults: 95% confidence, 1000 resamples. */
    public static BootstrapAggregator withDefaults(long seed) {
        return new BootstrapAggregator(0.95, 1000, seed);
    }

    public void add(Map<RougeType, Score> rowScores) {
        rowScores.forEach((type, s) -> scores.computeIfAbsent(type, t -> new ArrayList<>()).add(s));
    }

    public int size() {
        return scores.isEmpty() ? 0 : scores.values().iterator().next().size();
    }

    /** One interval per ROUGE type; empty when no rows were added. */
    public Map<RougeType, Interval> aggregate() {
        Map<RougeType, Interval> out = new LinkedHashMap<>();
        for (Map.Entry<RougeType, List<Score>> e : scores.entrySet()) {
            out.put(e.getKey(), interval(e.getValue()));
        }
        return out;
    }

    private Interval interval(List<Score> rows) {
        int n = rows.size();
        double[][] byMeasure = new double[3][n];
        for (int i = 0; i < n; i++) {
            byMeasure[0][i] = rows.get(i).precision();
            byMeasure[1][i] = rows.get(i).recall();
            byMeasure[2][i] = rows.get(i).fmeasure();
        }
        double[][] means = new double[3][samples];
        SplittableRandom random = new SplittableRandom(seed);
        int[] pick = new int[n];
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < n; i++) {
                pick[i] = random.nextInt(n);
            }
            for (int m = 0; m < 3; m++) {
                double sum = 0;
                for (int i : pick) {
                    sum += byMeasure[m][i];
                }
                means[m][s] = sum / n;
            }
        }
        double delta = (1 - confidence) / 2;
        Score[] q = new Score[3];
        double[] quantiles = {delta, 0.5, 1 - delta};
        for (int k = 0; k < 3; k++) {
            double[] v = new double[3];
            for (int m = 0; m < 3; m++) {
                v[m] = percentile(means[m], quantiles[k]);
            }
            q[k] = new Score(v[0], v[1], v[2]);
        }
        Score mean = new Score(Arrays.stream(byMeasure[0]).average().orElse(0),
                Arrays.stream(byMeasure[1]).average().orElse(0), Arrays.stream(byMeasure[2]).average().orElse(0));
        return new Interval(q[0], q[1], q[2], mean);
    }

    /** numpy.percentile's default ("linear") interpolation at fraction {@code q} of the sorted values. */
    static double percentile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
