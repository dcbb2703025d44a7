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
        JsonObject vocab = new JsonObject();
        JsonArray added = new JsonArray();
        for (String s : specialTokens) {
            added.add(HfTokenizerJson.specialToken(vocab.size(), s));
            vocab.addProperty(s, vocab.size());
        }
        for (String c : v.alphabet()) {
            if (!vocab.has(c)) {
                vocab.addProperty(c, vocab.size());
            }
        }
        JsonArray merges = new JsonArray();
        for (String[] m : v.merges()) {
            merges.add(m[0] + " " + m[1]);
            if (!vocab.has(m[0] + m[1])) {
                vocab.addProperty(m[0] + m[1], vocab.size());
            }
        }
        return HfTokenizerJson.bpe(added, metaspace(), JsonNull.INSTANCE, metaspace(), vocab, merges, unkToken);
    }

    /** Size of the vocabulary {@link #build} writes. */
    public static int vocabSize(BpeTrainer.Vocabulary v, List<String> specialTokens) {
        java.util.Set<String> all = new java.util.HashSet<>(specialTokens);
        all.addAll(v.alphabet());
        v.merges().forEach(m -> all.add(m[0] + m[1]));
        return all.size();
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
