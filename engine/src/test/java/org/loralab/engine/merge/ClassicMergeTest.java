package org.loralab.engine.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

/** Each merge on 2x2 examples worked out by hand (see the comments), and the PEFT rules around them. */
class ClassicMergeTest {

    // Adapter 1: A=[1 2], B=[1;0], scaling 2.  Adapter 2: A=[3 -1], B=[0;1], scaling 1.  Weights 0.5, 1.
    static final LowRank ONE = new LowRank(1, 2, 2, new double[] {1, 2}, new double[] {1, 0}, 2.0);
    static final LowRank TWO = new LowRank(1, 2, 2, new double[] {3, -1}, new double[] {0, 1}, 1.0);
    static final List<Map<String, LowRank>> BOTH = List.of(Map.of("m", ONE), Map.of("m", TWO));

    private static LowRank merge(MergeSettings s) {
        return ClassicMerge.merge(BOTH, s).get("m");
    }

    @Test
    void catIsTheExactWeightedSum() {
        LowRank r = merge(MergeSettings.of(MergeMethod.CAT, 0.5, 1));
        assertEquals(2, r.r());
        assertArrayEquals(new double[] {1, 2, 3, -1}, r.a(), 1e-12); // rows w_i s_i A_i
        assertArrayEquals(new double[] {1, 0, 0, 1}, r.b(), 1e-12);
        // 0.5*2*[1 2; 0 0] + 1*1*[0 0; 3 -1]
        assertArrayEquals(new double[] {1, 2, 3, -1}, r.delta(), 1e-12);
    }

    @Test
    void linearCombinesFactorsWithSquareRootWeightsAsPeft() {
        LowRank r = merge(MergeSettings.of(MergeMethod.LINEAR, 0.5, 1));
        // v = sqrt(0.5*2) = 1, sqrt(1*1) = 1: A = [4 1], B = [1;1]; cross terms appear in B A.
        assertArrayEquals(new double[] {4, 1}, r.a(), 1e-12);
        assertArrayEquals(new double[] {1, 1}, r.b(), 1e-12);
        assertArrayEquals(new double[] {4, 1, 4, 1}, r.delta(), 1e-12);
        assertEquals(1.0, r.scaling());
    }

    @Test
    void factorWeightsAreSqrtOfWeightTimesScalingWhenThatIsNotOne() {
        // Weights 2 and 0.25: v = sqrt(2*2) = 2 and sqrt(0.25*1) = 0.5 (PEFT add_weighted_adapter).
        LowRank r = merge(MergeSettings.of(MergeMethod.LINEAR, 2, 0.25));
        assertArrayEquals(new double[] {2 * 1 + 0.5 * 3, 2 * 2 + 0.5 * -1}, r.a(), 1e-12);
        assertArrayEquals(new double[] {2, 0.5}, r.b(), 1e-12);
        // TIES elects signs on the unweighted sums, then averages the weighted agreeing entries:
        // A entry 0: (2*1 + 0.5*3)/2; entry 1: total 2 - 1 > 0, so only 2*2 agrees. B: zeros never agree.
        LowRank t = merge(MergeSettings.of(MergeMethod.TIES, 2, 0.25).withDensity(1.0));
        assertArrayEquals(new double[] {1.75, 4}, t.a(), 1e-12);
        assertArrayEquals(new double[] {2, 0.5}, t.b(), 1e-12);
        // magnitude_prune at density 0.5: A1 -> [0 2], A2 -> [3 0]; B unchanged.
        LowRank p = merge(MergeSettings.of(MergeMethod.MAGNITUDE_PRUNE, 2, 0.25).withDensity(0.5));
        assertArrayEquals(new double[] {0.5 * 3, 2 * 2}, p.a(), 1e-12);
    }

    @Test
    void magnitudePruneKeepsTheLargestHalf() {
        LowRank r = merge(MergeSettings.of(MergeMethod.MAGNITUDE_PRUNE, 0.5, 1).withDensity(0.5));
        // A1 -> [0 2], A2 -> [3 0]; B1 -> [1 0], B2 -> [0 1].
        assertArrayEquals(new double[] {3, 2}, r.a(), 1e-12);
        assertArrayEquals(new double[] {1, 1}, r.b(), 1e-12);
    }

    @Test
    void tiesElectsSignsAndAveragesTheAgreeingEntries() {
        LowRank r = merge(MergeSettings.of(MergeMethod.TIES, 0.5, 1).withDensity(1.0));
        // A entry 0: 1 and 3, both positive -> (1*1 + 1*3)/2 = 2; entry 1: 2 and -1, total +1 -> only 2 -> 2.
        assertArrayEquals(new double[] {2, 2}, r.a(), 1e-12);
        // B entries: a zero has no sign and never agrees -> 1 and 1.
        assertArrayEquals(new double[] {1, 1}, r.b(), 1e-12);
        // Sign by frequency: entry 1 has one + and one - -> tie goes to + as PEFT (>= 0).
        LowRank f = merge(MergeSettings.of(MergeMethod.TIES, 0.5, 1).withDensity(1.0).withSignByFrequency(true));
        assertArrayEquals(new double[] {2, 2}, f.a(), 1e-12);
        // A second adapter with A=[3 -5]: the total of entry 1 (2 - 5) is negative, so only -5 survives.
        LowRank g = ClassicMerge.merge(List.of(Map.of("m", ONE), Map.of("m", new LowRank(1, 2, 2, new double[] {3, -5}, new double[] {0, 1}, 1.0))),
                MergeSettings.of(MergeMethod.TIES, 0.5, 1).withDensity(1.0)).get("m");
        assertArrayEquals(new double[] {2, -5}, g.a(), 1e-12); // entry 1: 2 - 5 < 0 -> only -5 (v=1)
    }

    @Test
    void dareIsSeededAndRescales() {
        MergeSettings s = MergeSettings.of(MergeMethod.DARE_LINEAR, 0.5, 1).withDensity(1.0).withDare(true, 7);
        assertArrayEquals(merge(MergeSettings.of(MergeMethod.LINEAR, 0.5, 1)).a(), merge(s).a(), 1e-12); // density 1 keeps all
        Random r = new Random(1);
        double[] big = new double[20_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = 1 + r.nextDouble();
        }
        LowRank wide = new LowRank(1, 20_000, 1, big, new double[] {1}, 1.0);
        MergeSettings dare = MergeSettings.of(MergeMethod.DARE_LINEAR, 1.0).withDensity(0.3).withDare(true, 3);
        LowRank d1 = ClassicMerge.merge(List.of(Map.of("m", wide)), dare).get("m");
        LowRank d2 = ClassicMerge.merge(List.of(Map.of("m", wide)), dare).get("m");
        assertArrayEquals(d1.a(), d2.a());
        long kept = java.util.Arrays.stream(d1.a()).filter(x -> x != 0).count();
        assertEquals(0.3, kept / 20_000.0, 0.02);
        double sum = java.util.Arrays.stream(big).sum();
        double rescaled = java.util.Arrays.stream(d1.a()).sum();
        assertEquals(1.0, rescaled / sum, 0.03); // expectation preserved
        LowRank peftLike = ClassicMerge.merge(List.of(Map.of("m", wide)), dare.withDare(false, 3)).get("m");
        assertEquals(0.3, java.util.Arrays.stream(peftLike.a()).sum() / sum, 0.03);
    }

    @Test
    void svdMatchesTheBestLowRankApproximation() {
        LowRank full = merge(MergeSettings.of(MergeMethod.SVD, 0.5, 1).withSvdRank(2));
        assertArrayEquals(new double[] {1, 2, 3, -1}, full.delta(), 1e-10); // rank 2 is exact
        LowRank one = merge(MergeSettings.of(MergeMethod.SVD, 0.5, 1).withSvdRank(1));
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(new double[][] {{1, 2}, {3, -1}}));
        double s0 = svd.getSingularValues()[0];
        double[] expected = new double[4];
        for (int o = 0; o < 2; o++) {
            for (int i = 0; i < 2; i++) {
                expected[o * 2 + i] = s0 * svd.getU().getEntry(o, 0) * svd.getV().getEntry(i, 0);
            }
        }
        assertArrayEquals(expected, one.delta(), 1e-10);
        // Default rank: the largest input rank (1).
        assertEquals(1, merge(MergeSettings.of(MergeMethod.SVD, 0.5, 1)).r());
    }

    @Test
    void svdOfRandomAdaptersEqualsCatWhenTheRankSuffices() {
        Random r = new Random(5);
        LowRank x = new LowRank(3, 7, 5, gaussian(r, 21), gaussian(r, 15), 2.0);
        LowRank y = new LowRank(2, 7, 5, gaussian(r, 14), gaussian(r, 10), 0.5);
        List<Map<String, LowRank>> xy = List.of(Map.of("m", x), Map.of("m", y));
        double[] cat = ClassicMerge.merge(xy, MergeSettings.of(MergeMethod.CAT, 0.7, -1.2)).get("m").delta();
        double[] svd = ClassicMerge.merge(xy, MergeSettings.of(MergeMethod.SVD, 0.7, -1.2).withSvdRank(5)).get("m").delta();
        assertArrayEquals(cat, svd, 1e-9);
    }

    @Test
    void pefRulesAreEnforcedWithClearMessages() {
        LowRank rank2 = new LowRank(2, 2, 2, new double[4], new double[4], 1.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassicMerge.merge(
                List.of(Map.of("m", ONE), Map.of("m", rank2)), MergeSettings.of(MergeMethod.LINEAR, 1, 1)));
        assertTrue(e.getMessage().contains("one rank"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> merge(MergeSettings.of(MergeMethod.TIES, -1, 1)));
        assertTrue(e.getMessage().contains("must not be negative"), e.getMessage());
        LowRank otherShape = new LowRank(1, 3, 2, new double[3], new double[2], 1.0);
        e = assertThrows(IllegalArgumentException.class, () -> ClassicMerge.merge(
                List.of(Map.of("m", ONE), Map.of("m", otherShape)), MergeSettings.of(MergeMethod.CAT, 1, 1)));
        assertTrue(e.getMessage().contains("different base models"), e.getMessage());
        // A module only one adapter has contributes zero from the other.
        Map<String, LowRank> r = ClassicMerge.merge(List.of(Map.of("m", ONE), Map.of("n", TWO)), MergeSettings.of(MergeMethod.CAT, 0.5, 1));
        assertArrayEquals(new double[] {1, 2, 0, 0}, r.get("m").delta(), 1e-12);
    }

    static double[] gaussian(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }
}
