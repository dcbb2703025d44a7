package org.loralab.engine.model;

import org.loralab.engine.io.BoundedFiles;
import org.loralab.engine.io.StrictJson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a Hugging Face {@code config.json} that the forward pass needs, with the same
 * defaults as transformers' LlamaConfig / Qwen2Config / Qwen3Config.
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        double rmsNormEps,
        RopeConfig rope,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        boolean mlpBias,
        String torchDtype,
        List<Long> eosTokenIds,
        Long bosTokenId,
        Long padTokenId,
        JsonObject raw) {

    public ModelConfig {
        require(hiddenSize > 0, "hidden_size must be positive");
        require(numHeads > 0 && numKvHeads > 0, "num_attention_heads and num_key_value_heads must be positive");
        require(numHeads % numKvHeads == 0, "num_attention_heads (" + numHeads
                + ") must be a multiple of num_key_value_heads (" + numKvHeads + ")");
        require(headDim > 0 && headDim % 2 == 0, "head_dim must be positive and even, got " + headDim);
        require(numLayers > 0 && vocabSize > 0 && intermediateSize > 0,
                "num_hidden_layers, vocab_size and intermediate_size must be positive");
        // Real models use 1e-5 or 1e-6; a negative eps makes NaN, a huge one erases the activations.
        require(rmsNormEps >= 0 && rmsNormEps <= 1, "'rms_norm_eps' is " + rmsNormEps + "; it must lie in [0, 1]");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("config.json: " + message);
        }
    }

    /** Whether the q, k, v projections have a bias tensor. */
    public boolean qkvBias() {
        return architecture.alwaysQkvBias() || attentionBias;
    }

    /** Whether the o projection has a bias tensor (Qwen2 never, Llama/Qwen3 when attention_bias). */
    public boolean outputBias() {
        return architecture != Architecture.QWEN2 && attentionBias;
    }

    public static ModelConfig load(Path modelDir) throws IOException {
        Path file = modelDir.resolve("config.json");
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "the model folder has no config.json");
        }
        try {
            return parse(StrictJson.parseObject(BoundedFiles.readText(file, BoundedFiles.CONFIG_LIMIT)));
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    public static ModelConfig parse(JsonObject c) {
        Architecture arch = architectureOf(c);
        int hidden = requiredInt(c, "hidden_size");
        int heads = requiredInt(c, "num_attention_heads");
        int kvHeads = optInt(c, "num_key_value_heads", heads);
        // Qwen3Config's head_dim defaults to 128, not hidden_size / heads as Llama's and Qwen2's.
        int headDim = optInt(c, "head_dim", arch == Architecture.QWEN3 ? 128 : heads > 0 ? hidden / heads : 0);
        String act = optString(c, "hidden_act", "silu");
        if (!"silu".equals(act)) {
            throw new IllegalArgumentException("hidden_act '" + act + "' is not supported (only silu)");
        }
        int maxPos = optInt(c, "max_position_embeddings", 2048);
        RopeConfig rope = RopeParameters.fromConfig(c, headDim);
        String dtype = optString(c, "torch_dtype", optString(c, "dtype", "float32"));
        return new ModelConfig(arch,
                requiredInt(c, "vocab_size"),
                hidden,
                requiredInt(c, "intermediate_size"),
                requiredInt(c, "num_hidden_layers"),
                heads,
                kvHeads,
                headDim,
                optDouble(c, "rms_norm_eps", 1e-6),
                rope,
                maxPos,
                optBool(c, "tie_word_embeddings", false),
                optBool(c, "attention_bias", false),
                optBool(c, "mlp_bias", false),
                dtype,
                tokenIds(c.get("eos_token_id")),
                optLong(c, "bos_token_id"),
                optLong(c, "pad_token_id"),
                c);
    }

    private static Architecture architectureOf(JsonObject c) {
        if (!c.has("architectures") || !c.get("architectures").isJsonArray() || c.getAsJsonArray("architectures").isEmpty()) {
            throw new IllegalArgumentException("missing 'architectures' (e.g. [\"LlamaForCausalLM\"])");
        }
        return Architecture.fromHfName(c.getAsJsonArray("architectures").get(0).getAsString());
    }

    static List<Long> tokenIds(JsonElement e) {
        List<Long> ids = new ArrayList<>();
        if (e == null || e.isJsonNull()) {
            return ids;
        }
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            a.forEach(x -> ids.add(StrictJson.wholeLong(x, "eos_token_id")));
        } else {
            ids.add(StrictJson.wholeLong(e, "eos_token_id"));
        }
        return ids;
    }

    private static int requiredInt(JsonObject c, String key) {
        if (!c.has(key) || c.get(key).isJsonNull()) {
            throw new IllegalArgumentException("missing required key '" + key + "'");
        }
        return StrictJson.wholeInt(c.get(key), key);
    }

    private static int optInt(JsonObject c, String key, int def) {
        return c.has(key) && !c.get(key).isJsonNull() ? StrictJson.wholeInt(c.get(key), key) : def;
    }

    private static double optDouble(JsonObject c, String key, double def) {
        return c.has(key) && !c.get(key).isJsonNull() ? StrictJson.finite(c.get(key), key) : def;
    }

    private static boolean optBool(JsonObject c, String key, boolean def) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsBoolean() : def;
    }

    private static String optString(JsonObject c, String key, String def) {
        return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsString() : def;
    }

    private static Long optLong(JsonObject c, String key) {
        return c.has(key) && !c.get(key).isJsonNull() ? StrictJson.wholeLong(c.get(key), key) : null;
    }
}
