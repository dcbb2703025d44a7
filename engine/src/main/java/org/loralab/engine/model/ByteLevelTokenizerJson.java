package org.loralab.engine.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import org.loralab.engine.tokenizer.HfTokenizerJson;

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
            added.add(HfTokenizerJson.specialToken(256 + i, specialTokens.get(i)));
        }
        return HfTokenizerJson.bpe(added, byteLevel(), byteLevel(), byteLevel(), vocab, new JsonArray(), null);
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
