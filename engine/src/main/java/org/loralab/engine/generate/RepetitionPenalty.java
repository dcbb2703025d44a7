package org.loralab.engine.generate;

import java.util.BitSet;
import java.util.List;

/**
 * transformers' RepetitionPenaltyLogitsProcessor (CTRL, Keskar et al. 2019): the score of every
 * token already in a row's sequence, prompt included, is divided by the penalty when positive and
 * multiplied by it when negative, once per distinct token, before temperature, top-k and top-p.
 * Each row's set is its own prompt and output: transformers' batched input also penalises the
 * left padding's pad id, which would make a row's output depend on its batch.
 */
final class RepetitionPenalty {

    private final float penalty;
    private BitSet[] seen;

    /** @param sequences each row's tokens so far (its prompt) */
    RepetitionPenalty(double penalty, List<long[]> sequences) {
        this.penalty = (float) penalty;
        this.seen = new BitSet[sequences.size()];
        for (int r = 0; r < seen.length; r++) {
            seen[r] = new BitSet();
            for (long id : sequences.get(r)) {
                seen[r].set((int) id);
            }
        }
    }

    /** Null when the settings ask for no penalty (1.0), as transformers then adds no processor. */
    static RepetitionPenalty of(GenerationConfig cfg, List<long[]> sequences) {
        return cfg.repetitionPenalty() == 1.0 ? null : new RepetitionPenalty(cfg.repetitionPenalty(), sequences);
    }

    /** Row {@code row} now also holds {@code token}. */
    void add(int row, long token) {
        seen[row].set((int) token);
    }

    /** Beam search: row i continues old row {@code source[i]}. */
    void selectRows(int[] source) {
        BitSet[] next = new BitSet[source.length];
        for (int i = 0; i < source.length; i++) {
            next[i] = (BitSet) seen[source[i]].clone();
        }
        seen = next;
    }

    /** Applies the penalty to row {@code row}'s scores, {@code scores[offset .. offset + vocab)}, in place. */
    void apply(int row, float[] scores, int offset, int vocab) {
        BitSet s = seen[row];
        for (int t = s.nextSetBit(0); t >= 0 && t < vocab; t = s.nextSetBit(t + 1)) {
            float x = scores[offset + t];
            scores[offset + t] = x < 0 ? x * penalty : x / penalty;
        }
    }
}
