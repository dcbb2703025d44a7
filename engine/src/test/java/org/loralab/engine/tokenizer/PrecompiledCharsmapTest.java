package org.loralab.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The charsmap check follows spm_precompiled 0.1.4's lookups: real maps pass, maps it would index outside are refused. */
class PrecompiledCharsmapTest {

    /** SentencePiece's nmt_nfkc map (from huggingface/spm_precompiled's tests), the one T5, ALBERT and XLM-R carry. */
    @Test
    void sentencePiecesOwnMapPasses() throws Exception {
        byte[] map;
        try (InputStream in = new GZIPInputStream(getClass().getResourceAsStream("/spm/nmt_nfkc.bin.gz"))) {
            map = in.readAllBytes();
        }
        assertTrue(map.length > 200_000);
        assertDoesNotThrow(() -> PrecompiledCharsmap.check(Base64.getEncoder().encodeToString(map)));
    }

    @Test
    void aHandBuiltMapPasses() {
        assertDoesNotThrow(() -> PrecompiledCharsmap.check(map(512, 0, "b\0")));
    }

    /** The review's repro: a one-unit trie whose root points at itself; the crate reads unit 97 of 1. */
    @Test
    void aTrieTooSmallForItsLookupsIsRefused() {
        ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4).putInt(0).put((byte) 'a').put((byte) 0);
        String repro = Base64.getEncoder().encodeToString(b.array());
        assertTrue(refused(repro).contains("trie unit"), refused(repro));
    }

    @Test
    void offsetsOutsideTheStringsOrInsideACharacterAreRefused() {
        assertTrue(refused(map(512, 3, "b\0")).contains("byte 3"));
        assertDoesNotThrow(() -> PrecompiledCharsmap.check(map(512, 2, "b\0"))); // the end: an empty replacement
        assertTrue(refused(map(512, 1, "é\0")).contains("byte 1"));
        assertDoesNotThrow(() -> PrecompiledCharsmap.check(map(512, 0, "é\0")));
    }

    @Test
    void malformedLayoutsAreRefused() {
        assertTrue(refused(map(511, 0, "b\0")).contains("trie unit"), "a trie cut short of the child's block");
        byte[] ok = Base64.getDecoder().decode(map(512, 0, "b\0"));
        ByteBuffer.wrap(ok).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 512 * 4 + 2);
        assertTrue(refused(Base64.getEncoder().encodeToString(ok)).contains("multiple of 4"));
        ByteBuffer.wrap(ok).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 512 * 4 + 8);
        assertTrue(refused(Base64.getEncoder().encodeToString(ok)).contains("within"));
        byte[] bad = Base64.getDecoder().decode(map(512, 0, "b\0"));
        bad[bad.length - 2] = (byte) 0xC3; // a lead byte with no continuation
        assertTrue(refused(Base64.getEncoder().encodeToString(bad)).contains("UTF-8"));
        assertTrue(refused("not base64!").contains("base64"));
        assertTrue(refused("").contains("too few"));
    }

    @Test
    void aLeafWhoseValueLiesOutsideTheTrieIsRefused() {
        byte[] m = Base64.getDecoder().decode(map(512, 0, "b\0"));
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        // The child's offset sends the value read to unit 353 ^ (1024 << 0) = 1377, past 512.
        b.putInt(4 + 4 * 0x161, 0x61 | 0x100 | (1024 << 10));
        assertTrue(refused(Base64.getEncoder().encodeToString(m)).contains("value at trie unit"));
    }

    /** Lookups read at most 5 bytes (a grapheme under 6 bytes, or one character): bad values deeper are never read. */
    @Test
    void valuesAreCheckedAlongEveryKeyTheCrateCanLookUp() {
        assertDoesNotThrow(() -> PrecompiledCharsmap.check(chain("ab", 0)));
        assertTrue(refused(chain("ab", 9)).contains("byte 9"));
        assertTrue(refused(chain("abcde", 9)).contains("byte 9"));
        assertDoesNotThrow(() -> PrecompiledCharsmap.check(chain("abcdef", 9)));
    }

    private static String refused(String base64) {
        return assertThrows(IllegalArgumentException.class, () -> PrecompiledCharsmap.check(base64)).getMessage();
    }

    /**
     * A double-array trie of {@code units} units mapping the byte 'a' to the replacement at
     * {@code value} in {@code strings}: the root (unit 0) has offset 256, so 'a' lands on unit
     * 256 ^ 0x61; that unit has label 'a', a leaf and offset 256, so its value sits in unit 0x61.
     */
    /**
     * A trie mapping the bytes of {@code key} to the replacement at {@code value} in "b\0": one
     * block of 256 units per level; the unit of byte k at level j (256j ^ k) sends the walk on to
     * block j+1, and the last one has a leaf whose value sits at the start of the block after it.
     */
    static String chain(String key, int value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int units = 256 * (k.length + 2);
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * units + 2).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4 * units);
        int[] trie = new int[units];
        trie[0] = 256 << 10;
        for (int j = 1; j <= k.length; j++) {
            int c = k[j - 1] & 0xFF;
            int at = 256 * j ^ c;
            int leaf = j == k.length ? 0x100 : 0;
            trie[at] = c | leaf | ((at ^ 256 * (j + 1)) << 10);
        }
        trie[256 * (k.length + 1)] = 0x8000_0000 | value;
        for (int u : trie) {
            b.putInt(u);
        }
        b.put((byte) 'b').put((byte) 0);
        return Base64.getEncoder().encodeToString(b.array());
    }

    static String map(int units, int value, String strings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * units).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4 * units);
        int[] trie = new int[units];
        trie[0] = 256 << 10;
        if (0x161 < units) {
            trie[0x161] = 0x61 | 0x100 | (256 << 10);
        }
        trie[0x61] = 0x8000_0000 | value;
        for (int u : trie) {
            b.putInt(u);
        }
        out.writeBytes(b.array());
        out.writeBytes(strings.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
