package org.loralab.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class RepetitionPenaltyTest {

    @Test
    void divisesPositiveAndMultipliesNegativeScoresOfSeenTokensOnce() {
        // By hand, p = 2: seen {0, 1, 4} (1 twice, penalised once); 2.0 -> 1.0, -2.0 -> -4.0, 0.5 -> 0.25; others unchanged.
        RepetitionPenalty rp = new RepetitionPenalty(2.0, List.of(new long[] {1, 0, 1}, new long[] {3}));
        rp.add(0, 4);
        float[] scores = {2f, -2f, 1f, -1f, 0.5f, 9f, 2f, -2f, 1f, -1f, 0.5f, 9f};
        rp.apply(0, scores, 0, 6);
        rp.apply(1, scores, 6, 6);
        assertArrayEquals(new float[] {1f, -4f, 1f, -1f, 0.25f, 9f, 2f, -2f, 1f, -2f, 0.5f, 9f}, scores);
    }

    @Test
    void beamRowsTakeTheirSourceRowsSet() {
        RepetitionPenalty rp = new RepetitionPenalty(2.0, List.of(new long[] {0}, new long[] {1}));
        rp.selectRows(new int[] {1, 1});
        rp.add(0, 2);
        float[] scores = {4f, 4f, 4f, 4f, 4f, 4f};
        rp.apply(0, scores, 0, 3);
        rp.apply(1, scores, 3, 3);
        assertArrayEquals(new float[] {4f, 2f, 2f, 4f, 2f, 4f}, scores);
    }

    @Test
    void penaltyOneAddsNoProcessor() {
        assertNull(RepetitionPenalty.of(GenerationConfig.greedy(), List.of(new long[] {1})));
    }
}
