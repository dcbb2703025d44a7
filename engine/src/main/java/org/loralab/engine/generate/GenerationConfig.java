package org.loralab.engine.generate;

import org.loralab.engine.io.BoundedFiles;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoding settings, named as in HF {@code generation_config.json}. Defaults: greedy, 128 new
 * tokens, one beam. {@link #fromModelFolder} starts from the checkpoint's own file when present.
 */
public final class GenerationConfig {

    private int maxNewTokens = 128;
    private boolean doSample;
    private double temperature = 1.0;
    private int topK; // 0 = off
    private double topP = 1.0;
    private long seed = 42;
    private int numBeams = 1;
    private double lengthPenalty = 1.0;
    private boolean earlyStopping;
    private List<Long> eosTokenIds = new ArrayList<>();
    private Long padTokenId;

    public static GenerationConfig greedy() {
        return new GenerationConfig();
    }

    /** Reads {@code generation_config.json} of a model folder; absent file means defaults. */
    public static GenerationConfig fromModelFolder(Path dir) throws IOException {
        GenerationConfig g = new GenerationConfig();
        Path file = dir.resolve("generation_config.json");
        if (!Files.isRegularFile(file)) {
            return g;
        }
        JsonObject o;
        try {
            o = JsonParser.parseString(BoundedFiles.readText(file, BoundedFiles.CONFIG_LIMIT)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        if (o.has("max_new_tokens")) {
            g.maxNewTokens = o.get("max_new_tokens").getAsInt();
        }
        if (o.has("do_sample")) {
            g.doSample = o.get("do_sample").getAsBoolean();
        }
        if (o.has("temperature")) {
            g.temperature = o.get("temperature").getAsDouble();
        }
        if (o.has("top_k")) {
            g.topK = o.get("top_k").getAsInt();
        }
        if (o.has("top_p")) {
            g.topP = o.get("top_p").getAsDouble();
        }
        if (o.has("num_beams")) {
            g.numBeams = o.get("num_beams").getAsInt();
        }
        if (o.has("length_penalty")) {
            g.lengthPenalty = o.get("length_penalty").getAsDouble();
        }
        if (o.has("eos_token_id") && !o.get("eos_token_id").isJsonNull()) {
            var e = o.get("eos_token_id");
            if (e.isJsonArray()) {
                e.getAsJsonArray().forEach(x -> g.eosTokenIds.add(x.getAsLong()));
            } else {
                g.eosTokenIds.add(e.getAsLong());
            }
        }
        if (o.has("pad_token_id") && !o.get("pad_token_id").isJsonNull()) {
            g.padTokenId = o.get("pad_token_id").getAsLong();
        }
        return g;
    }

    /** Checks the settings together; called before generating. */
    public void validate() {
        check(maxNewTokens >= 0, "max new tokens must be >= 0, got " + maxNewTokens);
        check(temperature > 0, "temperature must be > 0, got " + temperature);
        check(topK >= 0, "top-k must be >= 0 (0 turns it off), got " + topK);
        check(topP > 0 && topP <= 1, "top-p must be in (0, 1], got " + topP);
        check(numBeams >= 1, "number of beams must be >= 1, got " + numBeams);
        check(!(doSample && numBeams > 1), "beam search with sampling is not supported: use one or the other");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public int maxNewTokens() {
        return maxNewTokens;
    }

    public GenerationConfig maxNewTokens(int v) {
        maxNewTokens = v;
        return this;
    }

    public boolean doSample() {
        return doSample;
    }

    public GenerationConfig doSample(boolean v) {
        doSample = v;
        return this;
    }

    public double temperature() {
        return temperature;
    }

    public GenerationConfig temperature(double v) {
        temperature = v;
        return this;
    }

    public int topK() {
        return topK;
    }

    public GenerationConfig topK(int v) {
        topK = v;
        return this;
    }

    public double topP() {
        return topP;
    }

    public GenerationConfig topP(double v) {
        topP = v;
        return this;
    }

    public long seed() {
        return seed;
    }

    public GenerationConfig seed(long v) {
        seed = v;
        return this;
    }

    public int numBeams() {
        return numBeams;
    }

    public GenerationConfig numBeams(int v) {
        numBeams = v;
        return this;
    }

    public double lengthPenalty() {
        return lengthPenalty;
    }

    public GenerationConfig lengthPenalty(double v) {
        lengthPenalty = v;
        return this;
    }

    public boolean earlyStopping() {
        return earlyStopping;
    }

    public GenerationConfig earlyStopping(boolean v) {
        earlyStopping = v;
        return this;
    }

    public List<Long> eosTokenIds() {
        return eosTokenIds;
    }

    public GenerationConfig eosTokenIds(List<Long> v) {
        eosTokenIds = new ArrayList<>(v);
        return this;
    }

    public Long padTokenId() {
        return padTokenId;
    }

    public GenerationConfig padTokenId(Long v) {
        padTokenId = v;
        return this;
    }
}
