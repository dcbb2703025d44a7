package org.loralab.engine.merge;

/**
 * @param density fraction of values kept by ties, dare_* and magnitude_prune (PEFT's density)
 * @param signByFrequency TIES sign election by count of signs instead of total mass (PEFT "frequency")
 * @param svdRank rank of the svd result; 0 = the largest input rank (PEFT's default)
 * @param dareRescale divide DARE survivors by density, as the DARE paper and PEFT >= 0.19.0 do (PEFT
 *     before 0.19.0 discarded the division, fixed in huggingface/peft#3152; set false to reproduce those)
 * @param seed DARE's random drop mask
 */
public record MergeSettings(MergeMethod method, double[] weights, double density, boolean signByFrequency, int svdRank,
        boolean dareRescale, long seed) {

    public MergeSettings {
        if (!method.isClassic()) {
            throw new IllegalArgumentException(method.peftName() + " is not a classic merge");
        }
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("density must lie in (0, 1], got " + density);
        }
        if (svdRank < 0) {
            throw new IllegalArgumentException("svd rank must not be negative");
        }
    }

    public static MergeSettings of(MergeMethod method, double... weights) {
        return new MergeSettings(method, weights, 0.5, false, 0, true, 0);
    }

    public MergeSettings withDensity(double d) {
        return new MergeSettings(method, weights, d, signByFrequency, svdRank, dareRescale, seed);
    }

    public MergeSettings withSvdRank(int r) {
        return new MergeSettings(method, weights, density, signByFrequency, r, dareRescale, seed);
    }

    public MergeSettings withDare(boolean rescale, long s) {
        return new MergeSettings(method, weights, density, signByFrequency, svdRank, rescale, s);
    }

    public MergeSettings withSignByFrequency(boolean f) {
        return new MergeSettings(method, weights, density, f, svdRank, dareRescale, seed);
    }
}
