package org.loralab.engine.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Finds a config.json's RoPE settings wherever the transformers version that wrote it put them,
 * following transformers 5's {@code convert_rope_params_to_dict}: a non-empty legacy
 * {@code rope_scaling} wins, else {@code rope_parameters}; {@code rope_theta} and
 * {@code partial_rotary_factor} inside that dict win over the top-level keys, which win over the
 * default theta of 10000.
 */
final class RopeParameters {

    static final double DEFAULT_THETA = 10000.0;

    private RopeParameters() {}

    static RopeConfig fromConfig(JsonObject config, int headDim) {
        JsonObject params = firstNonEmpty(config.get("rope_scaling"), config.get("rope_parameters"));
        params = single(config, params);
        double theta = number(params, "rope_theta", number(config, "rope_theta", DEFAULT_THETA));
        double partial = number(params, "partial_rotary_factor", number(config, "partial_rotary_factor", 1.0));
        if (partial != 1.0) {
            throw new IllegalArgumentException("partial_rotary_factor " + partial + " is not supported (only 1.0)");
        }
        return RopeConfig.parse(theta, params.size() == 0 ? null : params, headDim);
    }

    private static JsonObject firstNonEmpty(JsonElement... candidates) {
        for (JsonElement e : candidates) {
            if (e != null && e.isJsonObject() && e.getAsJsonObject().size() > 0) {
                return e.getAsJsonObject().deepCopy();
            }
        }
        return new JsonObject();
    }

    /**
     * transformers also accepts one dict per layer type (e.g. full_attention, sliding_attention).
     * Our layers all share one rotary embedding, so that form is honoured only when every layer
     * type's parameters are the same.
     */
    private static JsonObject single(JsonObject config, JsonObject params) {
        if (!perLayerType(config, params)) {
            return params;
        }
        Set<JsonObject> distinct = new LinkedHashSet<>();
        for (Map.Entry<String, JsonElement> e : params.entrySet()) {
            JsonObject p = e.getValue().getAsJsonObject().deepCopy();
            if (!p.has("rope_theta") && config.has("rope_theta")) {
                p.add("rope_theta", config.get("rope_theta"));
            }
            distinct.add(p);
        }
        if (distinct.size() > 1) {
            throw new IllegalArgumentException("rope_parameters differ per layer type " + params.keySet()
                    + "; LoRA Lab applies one rotary embedding to every layer and cannot honour them");
        }
        return distinct.iterator().next();
    }

    private static boolean perLayerType(JsonObject config, JsonObject params) {
        if (params.size() == 0 || !params.entrySet().stream().allMatch(e -> e.getValue().isJsonObject())) {
            return false;
        }
        if (!config.has("layer_types") || !config.get("layer_types").isJsonArray()) {
            return true;
        }
        Set<String> types = new HashSet<>();
        config.getAsJsonArray("layer_types").forEach(t -> types.add(t.getAsString()));
        return types.containsAll(params.keySet());
    }

    private static double number(JsonObject o, String key, double fallback) {
        return o.has(key) && !o.get(key).isJsonNull() ? org.loralab.engine.io.StrictJson.finite(o.get(key), key) : fallback;
    }
}
