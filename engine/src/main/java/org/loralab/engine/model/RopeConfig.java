package org.loralab.engine.model;

import com.google.gson.JsonObject;
import org.loralab.engine.io.StrictJson;

/**
 * Rotary embedding frequencies: {@code rope_theta} plus the {@code rope_scaling} variants we
 * support, computed exactly as transformers' {@code modeling_rope_utils} does.
 */
public record RopeConfig(double theta, String type, double factor, double lowFreqFactor, double highFreqFactor,
        int originalMaxPositions, int dim) {

    /** Bounds that real checkpoints sit far inside (theta 1e4 to 1e7, factors up to 64); outside them frequencies overflow or vanish. */
    static final double MAX_THETA = 1e12;
    static final double MAX_FACTOR = 1e6;

    public RopeConfig {
        bounded("rope_theta", theta, 1, MAX_THETA);
        bounded("rope_scaling.factor", factor, 0, MAX_FACTOR);
        bounded("rope_scaling.low_freq_factor", lowFreqFactor, 0, MAX_FACTOR);
        bounded("rope_scaling.high_freq_factor", highFreqFactor, 0, MAX_FACTOR);
        if (type.equals("llama3") && (originalMaxPositions <= 0 || highFreqFactor == lowFreqFactor)) {
            throw new IllegalArgumentException("rope_scaling: original_max_position_embeddings must be positive and"
                    + " high_freq_factor differ from low_freq_factor, found " + originalMaxPositions + ", "
                    + highFreqFactor + ", " + lowFreqFactor);
        }
    }

    /** {@code low < value <= high}, else an error naming the key. */
    private static void bounded(String key, double value, double low, double high) {
        if (!(value > low && value <= high)) {
            throw new IllegalArgumentException("'" + key + "' is " + value + "; it must lie in (" + low + ", " + high + "]");
        }
    }

    public static RopeConfig parse(double theta, JsonObject scaling, int headDim) {
        if (scaling == null) {
            return new RopeConfig(theta, "default", 1, 1, 1, 0, headDim);
        }
        String type = scaling.has("rope_type") ? scaling.get("rope_type").getAsString()
                : scaling.has("type") ? scaling.get("type").getAsString() : "default";
        double factor = scaling.has("factor") ? StrictJson.finite(scaling.get("factor"), "rope_scaling.factor") : 1.0;
        switch (type) {
            case "default":
                return new RopeConfig(theta, "default", 1, 1, 1, 0, headDim);
            case "linear":
                return new RopeConfig(theta, type, factor, 1, 1, 0, headDim);
            case "llama3":
                return new RopeConfig(theta, type, factor,
                        StrictJson.finite(scaling.get("low_freq_factor"), "rope_scaling.low_freq_factor"),
                        StrictJson.finite(scaling.get("high_freq_factor"), "rope_scaling.high_freq_factor"),
                        StrictJson.wholeInt(scaling.get("original_max_position_embeddings"), "rope_scaling.original_max_position_embeddings"), headDim);
            default:
                throw new IllegalArgumentException("rope_scaling type '" + type
                        + "' is not supported (supported: default, linear, llama3)");
        }
    }

    /** The inverse frequencies, one per pair of rotated dimensions. */
    public float[] inverseFrequencies() {
        int half = dim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            // transformers computes base ** (arange(0, dim, 2) / dim) in float32 then inverts.
            double f = 1.0 / Math.pow(theta, (2.0 * i) / dim);
            if ("linear".equals(type)) {
                f /= factor;
            } else if ("llama3".equals(type)) {
                f = llama3(f);
            }
            inv[i] = (float) f;
        }
        return inv;
    }

    private double llama3(double invFreq) {
        double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
        double highFreqWavelen = originalMaxPositions / highFreqFactor;
        double wavelen = 2 * Math.PI / invFreq;
        if (wavelen < highFreqWavelen) {
            return invFreq;
        }
        if (wavelen > lowFreqWavelen) {
            return invFreq / factor;
        }
        double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * invFreq / factor + smooth * invFreq;
    }
}
