package org.loralab.engine.lora;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;

/**
 * PEFT LoRA variants that compute something other than plain LoRA at inference. Their adapters
 * load without error as plain LoRA tensors, so we must refuse them by name rather than run them
 * as something else.
 */
final class PeftVariants {

    /** adapter_config.json key -> what it does that we do not. */
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "alora_invocation_tokens", "Activated LoRA (aLoRA) applies the adapter only after the invocation tokens",
            "layer_replication", "layer_replication duplicates base layers, each copy with its own adapter",
            "arrow_config", "Arrow routing mixes several LoRA experts per token",
            "use_qalora", "QA-LoRA feeds the adapter a pooled input",
            "use_bdlora", "BD-LoRA uses block-diagonal LoRA factors",
            "kasa_config", "KaSA truncates the base weight's SVD and scales B A by a learned diagonal",
            "target_parameters", "target_parameters adapts raw parameters (e.g. MoE experts), not linear modules",
            "trainable_token_indices", "trainable_token_indices retrains token embeddings");

    private PeftVariants() {}

    static void refuseUnsupported(JsonObject o) {
        for (Map.Entry<String, String> e : UNSUPPORTED.entrySet()) {
            if (set(o.get(e.getKey()))) {
                throw new IllegalArgumentException(e.getKey() + " is set: " + e.getValue()
                        + ", which LoRA Lab does not implement; refusing rather than running it as plain LoRA");
            }
        }
    }

    /** Set as PEFT would act on it: not null, false, empty or {}. */
    private static boolean set(JsonElement v) {
        if (v == null || v.isJsonNull()) {
            return false;
        }
        if (v.isJsonPrimitive()) {
            return v.getAsJsonPrimitive().isBoolean() ? v.getAsBoolean() : true;
        }
        return v.isJsonArray() ? !v.getAsJsonArray().isEmpty() : !v.getAsJsonObject().isEmpty();
    }
}
