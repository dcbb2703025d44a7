package org.loralab.engine.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A standard HF {@code tokenizer.json} for a character-level BPE ({@link BpeTrainer}): the
 * Metaspace pre-tokenizer and decoder (spaces become "▁" and start a new word, as in Llama 2 and
 * T5), no byte fallback, and an unknown-character token that decoding skips. Every token is one or
 * more whole characters, so any id sequence decodes to valid text.
 */
public final class BpeTokenizerJson {

    public static final String SPACE = "\u2581";

    private BpeTokenizerJson() {
    }

    /** Words as the Metaspace pre-tokenizer (prepend_scheme never, split) cuts them: each "▁" starts a new word. */
    public static List<String> preTokenize(String text) {
        String replaced = text.replace(" ", SPACE);
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < replaced.length(); i++) {
            if (replaced.startsWith(SPACE, i)) {
                words.add(replaced.substring(start, i));
                start = i;
            }
        }
        if (!replaced.isEmpty()) {
            words.add(replaced.substring(start));
        }
        return words;
    }

    /**
     * @param specialTokens ids 0.. in this order; the one named {@code unkToken} stands for characters outside the alphabet
     */
    public static String build(BpeTrainer.Vocabulary v, List<String> specialTokens, String unkToken) {
        if (!specialTokens.contains(unkToken)) {
            throw new IllegalArgumentException("the unknown token " + unkToken + " must be one of the special tokens");
        }
        JsonArray added = new JsonArray();
        for (int id = 0; id < specialTokens.size(); id++) {
            added.add(HfTokenizerJson.specialToken(id, specialTokens.get(id)));
        }
        JsonArray merges = new JsonArray();
        v.merges().forEach(m -> merges.add(m[0] + " " + m[1]));
        return HfTokenizerJson.bpe(added, metaspace(), JsonNull.INSTANCE, metaspace(), vocab(v, specialTokens), merges, unkToken);
    }

    /** Size of the vocabulary {@link #build} writes. */
    public static int vocabSize(BpeTrainer.Vocabulary v, List<String> specialTokens) {
        return vocab(v, specialTokens).size();
    }

    /** Token ids: the special tokens, then the alphabet, then each merge's result, each string once. */
    private static JsonObject vocab(BpeTrainer.Vocabulary v, List<String> specialTokens) {
        JsonObject vocab = new JsonObject();
        List<String> tokens = new java.util.ArrayList<>(specialTokens);
        tokens.addAll(v.alphabet());
        v.merges().forEach(m -> tokens.add(m[0] + m[1]));
        for (String t : tokens) {
            if (!vocab.has(t)) {
                vocab.addProperty(t, vocab.size());
            }
        }
        return vocab;
    }

    private static JsonObject metaspace() {
        JsonObject o = new JsonObject();
        o.addProperty("type", "Metaspace");
        o.addProperty("replacement", SPACE);
        o.addProperty("prepend_scheme", "never");
        o.addProperty("split", true);
        return o;
    }
}
