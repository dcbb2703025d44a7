package org.loralab.engine.merge;

/**
 * One module's LoRA pair as plain doubles, row-major: A is (r, in), B is (out, r); the update it
 * adds is {@code scaling * B A}.
 */
public record LowRank(int r, int in, int out, double[] a, double[] b, double scaling) {

    public LowRank {
        if (a.length != r * in || b.length != out * r) {
            throw new IllegalArgumentException("A must hold r*in and B out*r values");
        }
    }

    public static LowRank zeros(int r, int in, int out) {
        return new LowRank(r, in, out, new double[r * in], new double[out * r], 1.0);
    }

    /** The dense update scaling * B A, row-major (out, in). */
    public double[] delta() {
        double[] d = new double[out * in];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < r; k++) {
                double bv = b[o * r + k] * scaling;
                if (bv == 0) {
                    continue;
                }
                for (int i = 0; i < in; i++) {
                    d[o * in + i] += bv * a[k * in + i];
                }
            }
        }
        return d;
    }
}
