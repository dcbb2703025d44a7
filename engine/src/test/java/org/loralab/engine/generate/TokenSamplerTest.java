package org.loralab.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {

    // softmax([ln 0.5, ln 0.3, ln 0.15, ln 0.05]) = [0.5, 0.3, 0.15, 0.05]
    static final float[] LOGITS = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};

    private static int[] counts(GenerationConfig cfg, int draws) {
        Random r = new Random(1);
        int[] c = new int[LOGITS.length];
        for (int i = 0; i < draws; i++) {
            c[TokenSampler.sample(LOGITS, cfg, r)]++;
        }
        return c;
    }

    @Test
    void plainSamplingFollowsTheSoftmax() {
        int[] c = counts(GenerationConfig.greedy().doSample(true), 100_000);
        assertEquals(0.5, c[0] / 100_000.0, 0.01);
        assertEquals(0.3, c[1] / 100_000.0, 0.01);
        assertEquals(0.15, c[2] / 100_000.0, 0.01);
        assertEquals(0.05, c[3] / 100_000.0, 0.01);
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingP() {
        // 0.5 + 0.3 = 0.8 >= 0.75: tokens 0 and 1 remain, renormalised to 0.625 / 0.375.
        int[] c = counts(GenerationConfig.greedy().doSample(true).topP(0.75), 100_000);
        assertEquals(0, c[2] + c[3]);
        assertEquals(0.625, c[0] / 100_000.0, 0.01);
    }

    @Test
    void topKKeepsKTokens() {
        int[] c = counts(GenerationConfig.greedy().doSample(true).topK(3), 50_000);
        assertEquals(0, c[3]);
        assertTrue(c[2] > 0);
    }

    @Test
    void lowTemperatureSharpens() {
        int[] c = counts(GenerationConfig.greedy().doSample(true).temperature(0.05), 10_000);
        assertTrue(c[0] > 9_990, "temperature 0.05 should almost always pick the top token: " + c[0]);
    }
}
