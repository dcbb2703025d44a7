package org.loralab.engine.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * A HF {@code tokenizer.json} for a byte-level BPE with no merges: every byte is one token (ids
 * 0-255, GPT-2's byte-to-unicode alphabet), special tokens follow. Lossless for any UTF-8 text.
 */
final class ByteLevelTokenizerJson {

    private ByteLevelTokenizerJson() {}

    static String build(List<String> specialTokens) {
        JsonObject vocab = new JsonObject();
        int[] unicodeOfByte = bytesToUnicode();
        for (int b = 0; b < 256; b++) {
            vocab.addProperty(new String(Character.toChars(unicodeOfByte[b])), b);
        }
        JsonArray added = new JsonArray();
        for (int i = 0; i < specialTokens.size(); i++) {
            vocab.addProperty(specialTokens.get(i), 256 + i);
            JsonObject t = new JsonObject();
            t.addProperty("id", 256 + i);
            t.addProperty("content", specialTokens.get(i));
            t.addProperty("single_word", false);
            t.addProperty("lstrip", false);
            t.addProperty("rstrip", false);
            t.addProperty("normalized", false);
            t.addProperty("special", true);
            added.add(t);
        }
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.add("unk_token", JsonNull.INSTANCE);
        model.add("continuing_subword_prefix", JsonNull.INSTANCE);
        model.add("end_of_word_suffix", JsonNull.INSTANCE);
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.add("vocab", vocab);
        model.add("merges", new JsonArray());

        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        root.add("added_tokens", added);
        root.add("normalizer", JsonNull.INSTANCE);
        root.add("pre_tokenizer", byteLevel());
        root.add("post_processor", byteLevel());
        root.add("decoder", byteLevel());
        root.add("model", model);
        return root.toString();
    }

    private static JsonObject byteLevel() {
        JsonObject o = new JsonObject();
        o.addProperty("type", "ByteLevel");
        o.addProperty("add_prefix_space", false);
        o.addProperty("trim_offsets", false);
        o.addProperty("use_regex", true);
        return o;
    }

    /** GPT-2's reversible byte to printable-unicode map. */
    static int[] bytesToUnicode() {
        int[] map = new int[256];
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            printable[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            printable[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            printable[b] = true;
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            map[b] = printable[b] ? b : 256 + n++;
        }
        return map;
    }
}
