package org.loralab.engine.model;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What an adapter must agree on with its base model: architecture, hidden size, layer count and a
 * hash of the shape-defining config values. The hash ignores formatting and fields that do not
 * change weights' meaning (dtype, token ids), so a bf16 and an fp32 copy of a model match.
 */
public record ModelFingerprint(String architecture, int hiddenSize, int numLayers, String configHash) {

    public static ModelFingerprint of(ModelConfig c) {
        String canonical = String.join("|", c.architecture().hfName(), "vocab=" + c.vocabSize(),
                "hidden=" + c.hiddenSize(), "ff=" + c.intermediateSize(), "layers=" + c.numLayers(),
                "heads=" + c.numHeads(), "kv=" + c.numKvHeads(), "head_dim=" + c.headDim(),
                "rope_theta=" + c.rope().theta(), "tie=" + c.tieWordEmbeddings());
        return new ModelFingerprint(c.architecture().hfName(), c.hiddenSize(), c.numLayers(), sha256(canonical).substring(0, 16));
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Why {@code other} does not fit this base model, or an empty list when it does. */
    public List<String> differences(ModelFingerprint other) {
        List<String> d = new ArrayList<>();
        if (!Objects.equals(architecture, other.architecture)) {
            d.add("architecture " + other.architecture + " ≠ " + architecture);
        }
        if (hiddenSize != other.hiddenSize) {
            d.add("hidden size " + other.hiddenSize + " ≠ " + hiddenSize);
        }
        if (numLayers != other.numLayers) {
            d.add("layer count " + other.numLayers + " ≠ " + numLayers);
        }
        if (d.isEmpty() && !Objects.equals(configHash, other.configHash)) {
            d.add("config hash " + other.configHash + " ≠ " + configHash + " (another vocabulary, MLP size, head layout or RoPE)");
        }
        return d;
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("architecture", architecture);
        o.addProperty("hidden_size", hiddenSize);
        o.addProperty("num_layers", numLayers);
        o.addProperty("config_hash", configHash);
        return o;
    }

    public static ModelFingerprint fromJson(JsonObject o) {
        return new ModelFingerprint(o.get("architecture").getAsString(), org.loralab.engine.io.StrictJson.wholeInt(o.get("hidden_size"), "hidden_size"),
                org.loralab.engine.io.StrictJson.wholeInt(o.get("num_layers"), "num_layers"), o.get("config_hash").getAsString());
    }
}
