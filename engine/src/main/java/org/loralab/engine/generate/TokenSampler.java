package org.loralab.engine.generate;

import java.util.Arrays;
import java.util.Random;

/**
 * Picks the next token from one row of logits: temperature, then top-k, then top-p (nucleus), as
 * HF's logits warpers apply them, then a draw from the row's own seeded random stream, so a prompt's
 * sample does not depend on which other prompts share its batch.
 */
final class TokenSampler {

    private TokenSampler() {}

    static int sample(float[] logits, GenerationConfig cfg, Random random) {
        int v = logits.length;
        double[] scaled = new double[v];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            scaled[i] = logits[i] / cfg.temperature();
            max = Math.max(max, scaled[i]);
        }
        Integer[] order = null;
        boolean[] keep = new boolean[v];
        Arrays.fill(keep, true);
        if (cfg.topK() > 0 && cfg.topK() < v) {
            order = byDescendingLogit(scaled);
            for (int r = cfg.topK(); r < v; r++) {
                keep[order[r]] = false;
            }
        }
        double[] probs = new double[v];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            probs[i] = keep[i] ? Math.exp(scaled[i] - max) : 0;
            sum += probs[i];
        }
        for (int i = 0; i < v; i++) {
            probs[i] /= sum;
        }
        if (cfg.topP() < 1.0) {
            if (order == null) {
                order = byDescendingLogit(scaled);
            }
            // Keep the smallest prefix whose mass reaches top_p (always at least one token).
            double cumulative = 0;
            double kept = 0;
            boolean reached = false;
            for (int r = 0; r < v; r++) {
                int tok = order[r];
                if (reached) {
                    probs[tok] = 0;
                    continue;
                }
                cumulative += probs[tok];
                kept += probs[tok];
                reached = cumulative >= cfg.topP();
            }
            for (int i = 0; i < v; i++) {
                probs[i] /= kept;
            }
        }
        double u = random.nextDouble();
        double acc = 0;
        int last = -1;
        for (int i = 0; i < v; i++) {
            if (probs[i] > 0) {
                acc += probs[i];
                last = i;
                if (u < acc) {
                    return i;
                }
            }
        }
        return last;
    }

    private static Integer[] byDescendingLogit(double[] scaled) {
        Integer[] order = new Integer[scaled.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Stable sort: ties keep the lower id first, so results are deterministic.
        Arrays.sort(order, (a, b) -> Double.compare(scaled[b], scaled[a]));
        return order;
    }
}
