package org.loralab.engine.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The Llama-family decoder architectures we run. They share one forward pass and differ only in
 * these switches, as in HF transformers' modeling_llama / modeling_qwen2 / modeling_qwen3.
 */
public enum Architecture {
    /** Llama 1-3: optional bias on all attention projections ({@code attention_bias}). */
    LLAMA("LlamaForCausalLM", false, false),
    /** Qwen2 / Qwen2.5: bias on q, k, v (not o). */
    QWEN2("Qwen2ForCausalLM", true, false),
    /** Qwen3 dense: RMSNorm on each head of q and k before rotary embedding. */
    QWEN3("Qwen3ForCausalLM", false, true);

    private final String hfName;
    private final boolean qkvBias;
    private final boolean qkNorm;

    Architecture(String hfName, boolean qkvBias, boolean qkNorm) {
        this.hfName = hfName;
        this.qkvBias = qkvBias;
        this.qkNorm = qkNorm;
    }

    /** The class name in config.json's {@code architectures}. */
    public String hfName() {
        return hfName;
    }

    /** Whether q, k and v projections always carry a bias (Qwen2). */
    public boolean alwaysQkvBias() {
        return qkvBias;
    }

    /** Whether q and k get a per-head RMSNorm (Qwen3). */
    public boolean qkNorm() {
        return qkNorm;
    }

    public static Architecture fromHfName(String name) {
        for (Architecture a : values()) {
            if (a.hfName.equals(name)) {
                return a;
            }
        }
        throw new UnsupportedArchitectureException("Unsupported architecture '" + name + "'; supported: "
                + Arrays.stream(values()).map(Architecture::hfName).collect(Collectors.joining(", ")));
    }

    /** Thrown for a checkpoint whose architecture we do not implement. */
    public static final class UnsupportedArchitectureException extends IllegalArgumentException {
        public UnsupportedArchitectureException(String message) {
            super(message);
        }
    }
}
