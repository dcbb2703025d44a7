package org.loralab.engine.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

/** The parts of a HF {@code tokenizer.json} for a BPE model, as the tokenizers library writes them. */
public final class HfTokenizerJson {

    private HfTokenizerJson() {
    }

    /** An entry of {@code added_tokens}: a special token that is never split or normalized. */
    public static JsonObject specialToken(int id, String content) {
        JsonObject t = new JsonObject();
        t.addProperty("id", id);
        t.addProperty("content", content);
        t.addProperty("single_word", false);
        t.addProperty("lstrip", false);
        t.addProperty("rstrip", false);
        t.addProperty("normalized", false);
        t.addProperty("special", true);
        return t;
    }

    /**
     * The whole document for a BPE model without byte fallback.
     *
     * @param unkToken the token for what the vocabulary lacks, or null where nothing can be missing
     */
    public static String bpe(JsonArray addedTokens, JsonElement preTokenizer, JsonElement postProcessor, JsonElement decoder,
            JsonObject vocab, JsonArray merges, String unkToken) {
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.addProperty("unk_token", unkToken);
        model.add("continuing_subword_prefix", JsonNull.INSTANCE);
        model.add("end_of_word_suffix", JsonNull.INSTANCE);
        model.addProperty("fuse_unk", unkToken != null);
        model.addProperty("byte_fallback", false);
        model.add("vocab", vocab);
        model.add("merges", merges);

        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        root.add("added_tokens", addedTokens);
        root.add("normalizer", JsonNull.INSTANCE);
        root.add("pre_tokenizer", preTokenizer);
        root.add("post_processor", postProcessor);
        root.add("decoder", decoder);
        root.add("model", model);
        return root.toString();
    }
}
