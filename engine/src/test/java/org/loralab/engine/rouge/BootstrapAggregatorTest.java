package org.loralab.engine.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BootstrapAggregatorTest {

    private static BootstrapAggregator filled(long seed, int rows, long dataSeed) {
        BootstrapAggregator agg = new BootstrapAggregator(0.95, 1000, seed);
        Random r = new Random(dataSeed);
        for (int i = 0; i < rows; i++) {
            agg.add(Map.of(RougeType.ROUGE_1, Score.of(r.nextDouble(), r.nextDouble())));
        }
        return agg;
    }

    @Test
    void percentileInterpolatesLinearlyAsNumpy() {
        double[] v = {4, 1, 3, 2};
        assertEquals(1.75, BootstrapAggregator.percentile(v, 0.25), 1e-12); // numpy.percentile([1,2,3,4], 25)
        assertEquals(2.5, BootstrapAggregator.percentile(v, 0.5), 1e-12);
        assertEquals(3.925, BootstrapAggregator.percentile(v, 0.975), 1e-12);
    }

    @Test
    void constantScoresGiveADegenerateInterval() {
        BootstrapAggregator agg = new BootstrapAggregator(0.95, 200, 1);
        for (int i = 0; i < 10; i++) {
            agg.add(Map.of(RougeType.ROUGE_L, Score.of(0.5, 0.25)));
        }
        BootstrapAggregator.Interval iv = agg.aggregate().get(RougeType.ROUGE_L);
        assertEquals(0.5, iv.low().precision(), 1e-12);
        assertEquals(0.5, iv.high().precision(), 1e-12);
        assertEquals(Score.fmeasure(0.5, 0.25), iv.mid().fmeasure(), 1e-12);
    }

    @Test
    void seededAndOrderedAndNarrowingWithMoreRows() {
        BootstrapAggregator.Interval a = filled(5, 50, 9).aggregate().get(RougeType.ROUGE_1);
        BootstrapAggregator.Interval b = filled(5, 50, 9).aggregate().get(RougeType.ROUGE_1);
        BootstrapAggregator.Interval c = filled(6, 50, 9).aggregate().get(RougeType.ROUGE_1);
        assertEquals(a, b);
        assertNotEquals(a.low(), c.low());
        assertTrue(a.low().fmeasure() < a.mid().fmeasure() && a.mid().fmeasure() < a.high().fmeasure());
        assertTrue(a.low().fmeasure() < a.mean().fmeasure() && a.mean().fmeasure() < a.high().fmeasure());
        BootstrapAggregator.Interval wide = filled(5, 2000, 9).aggregate().get(RougeType.ROUGE_1);
        assertTrue(wide.high().fmeasure() - wide.low().fmeasure() < (a.high().fmeasure() - a.low().fmeasure()) / 3);
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new BootstrapAggregator(1.0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new BootstrapAggregator(0.9, 0, 0));
    }
}
