package org.loralab.engine.train;

import org.loralab.engine.model.ModelConfig;

/**
 * Whether training recomputes each decoder layer's activations in the backward pass instead of
 * keeping them ({@link TrainingPass}): about one more forward pass of time for memory that no
 * longer grows with the number of layers. The gradients are the same either way.
 */
public enum ActivationCheckpointing {
    /** On when the activations a batch would keep are estimated above {@link #AUTO_THRESHOLD_BYTES}. */
    AUTO,
    ON,
    OFF;

    /**
     * The default of every trainer: the system property {@code loralab.activationCheckpointing}
     * (auto, on, off; how the CLI and KNIME reach it, e.g. {@code java -Dloralab.activationCheckpointing=on}), else AUTO.
     */
    public static ActivationCheckpointing fromSystemProperty() {
        String v = System.getProperty("loralab.activationCheckpointing", "auto");
        try {
            return valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("loralab.activationCheckpointing is '" + v + "'; use auto, on or off");
        }
    }

    /** 1 GiB: beside a 0.5-1 B model's weights, the point past which activations dominate a laptop's memory. */
    static final long AUTO_THRESHOLD_BYTES = 1L << 30;

    /** Whether a batch of {@code batch} sequences of {@code seq} tokens is checkpointed. */
    boolean appliesTo(ModelConfig c, long batch, long seq, int dtypeBytes) {
        return switch (this) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> keptActivationBytes(c, batch, seq, dtypeBytes) > AUTO_THRESHOLD_BYTES;
        };
    }

    /**
     * Estimated bytes autograd keeps for backward over all layers: per token and layer about 8
     * hidden-wide and 5 intermediate-wide tensors, plus the float32 attention probabilities and
     * their compute-dtype copy (heads x seq each).
     */
    static long keptActivationBytes(ModelConfig c, long batch, long seq, int dtypeBytes) {
        long perToken = dtypeBytes * (8L * c.hiddenSize() + 5L * c.intermediateSize()) + (4L + dtypeBytes) * c.numHeads() * seq;
        return perToken * batch * seq * c.numLayers();
    }
}
