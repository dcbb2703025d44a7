package org.loralab.engine.generate;

import org.loralab.engine.io.BoundedFiles;
import org.loralab.engine.io.StrictJson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoding settings, named as in HF {@code generation_config.json}. Defaults: greedy, 128 new
 * tokens, one beam, and transformers' sampling defaults (top-k 50, top-p 1, temperature 1, no
 * repetition penalty). {@link #fromModelFolder} starts from the checkpoint's own file when present.
 */
public final class GenerationConfig {

    private int maxNewTokens = 128;
    private boolean doSample;
    private double temperature = 1.0;
    private int topK = DEFAULT_TOP_K; // 0 = off
    private double topP = 1.0;
    private long seed = 42;
    private int numBeams = 1;
    private double lengthPenalty = 1.0;
    private double repetitionPenalty = 1.0;
    private boolean earlyStopping;
    private List<Long> eosTokenIds = new ArrayList<>();
    private Long padTokenId;

    /** transformers' GenerationConfig default: sampling keeps the 50 most likely tokens unless top_k says otherwise. */
    public static final int DEFAULT_TOP_K = 50;

    public static GenerationConfig greedy() {
        return new GenerationConfig();
    }

    /**
     * Reads {@code generation_config.json} of a model folder; absent file means defaults. Read
     * strictly: a wrong type or a number out of range is an error naming the file and the key,
     * never silently converted or wrapped (max_new_tokens 2^32+3 is not 3). A null is an absent key.
     */
    public static GenerationConfig fromModelFolder(Path dir) throws IOException {
        Path file = dir.resolve("generation_config.json");
        if (!Files.isRegularFile(file)) {
            return new GenerationConfig();
        }
        try {
            return parse(StrictJson.parseObject(BoundedFiles.readText(file, BoundedFiles.CONFIG_LIMIT)));
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The settings of one generation_config.json object; unknown keys are ignored, as transformers keeps them. */
    public static GenerationConfig parse(JsonObject o) {
        GenerationConfig g = new GenerationConfig();
        if (present(o, "max_new_tokens")) {
            g.maxNewTokens = StrictJson.wholeInt(o.get("max_new_tokens"), "max_new_tokens");
        }
        if (present(o, "do_sample")) {
            g.doSample = bool(o.get("do_sample"), "do_sample");
        }
        if (present(o, "temperature")) {
            g.temperature = StrictJson.finite(o.get("temperature"), "temperature");
        }
        if (present(o, "top_k")) {
            g.topK = StrictJson.wholeInt(o.get("top_k"), "top_k");
        }
        if (present(o, "top_p")) {
            g.topP = StrictJson.finite(o.get("top_p"), "top_p");
        }
        if (present(o, "num_beams")) {
            g.numBeams = StrictJson.wholeInt(o.get("num_beams"), "num_beams");
        }
        if (present(o, "length_penalty")) {
            g.lengthPenalty = StrictJson.finite(o.get("length_penalty"), "length_penalty");
        }
        if (present(o, "repetition_penalty")) {
            g.repetitionPenalty = StrictJson.finite(o.get("repetition_penalty"), "repetition_penalty");
        }
        if (present(o, "eos_token_id")) {
            // transformers accepts one id or a list of ids
            JsonElement e = o.get("eos_token_id");
            if (e.isJsonArray()) {
                e.getAsJsonArray().forEach(x -> g.eosTokenIds.add(tokenId(x, "eos_token_id")));
            } else {
                g.eosTokenIds.add(tokenId(e, "eos_token_id"));
            }
        }
        if (present(o, "pad_token_id")) {
            // transformers only warns about a negative pad id (old Llama configs carry -1): treated as unset
            long pad = StrictJson.wholeLong(o.get("pad_token_id"), "pad_token_id");
            g.padTokenId = pad >= 0 ? pad : null;
        }
        return g;
    }

    private static boolean present(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull();
    }

    private static boolean bool(JsonElement e, String key) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new IllegalArgumentException("'" + key + "' must be true or false, found " + e);
        }
        return e.getAsBoolean();
    }

    private static long tokenId(JsonElement e, String key) {
        long id = StrictJson.wholeLong(e, key);
        if (id < 0) {
            throw new IllegalArgumentException("'" + key + "' must be a token id (>= 0), found " + e);
        }
        return id;
    }

    /** Bounds of the temperature and the repetition penalty, by which scores are divided. */
    static final double MIN_DIVISOR = 1e-4;
    static final double MAX_DIVISOR = 1e4;

    /** Checks the settings together; called before generating. */
    public void validate() {
        check(maxNewTokens >= 0, "max new tokens must be >= 0, got " + maxNewTokens);
        // Scores are divided by both: below 1e-4 a logit of ~100 can overflow float32 (a summary of garbage, not an error).
        check(temperature >= MIN_DIVISOR && temperature <= MAX_DIVISOR,
                "temperature must lie in [" + MIN_DIVISOR + ", " + MAX_DIVISOR + "], got " + temperature);
        check(topK >= 0, "top-k must be >= 0 (0 turns it off), got " + topK);
        check(topP > 0 && topP <= 1, "top-p must be in (0, 1], got " + topP);
        check(numBeams >= 1, "number of beams must be >= 1, got " + numBeams);
        // transformers' RepetitionPenaltyLogitsProcessor takes any positive float; bounded as the temperature is
        check(repetitionPenalty >= MIN_DIVISOR && repetitionPenalty <= MAX_DIVISOR, "repetition penalty must lie in ["
                + MIN_DIVISOR + ", " + MAX_DIVISOR + "] (1 turns it off), got " + repetitionPenalty);
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

    public double repetitionPenalty() {
        return repetitionPenalty;
    }

    public GenerationConfig repetitionPenalty(double v) {
        repetitionPenalty = v;
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
