package org.loralab.engine.tokenizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.BitSet;
import java.util.Deque;

/**
 * Checks the {@code precompiled_charsmap} of a SentencePiece {@code Precompiled} normalizer before the
 * native tokenizer loads it. The Rust crate spm_precompiled 0.1.4 reads it as a little-endian u32 byte
 * size, a Darts double-array trie of that many bytes (u32 units) and the UTF-8 replacement strings,
 * each ended by a 0 byte; it then indexes the trie and the strings without bounds checks, so a
 * malformed map panics inside JNI on the first document and the JVM aborts. This walks every trie
 * node a lookup can reach with the keys the crate looks up (one grapheme of at most 5 UTF-8 bytes, or
 * one character) and refuses the map unless every unit read lies in the trie and every replacement
 * offset starts a character inside the strings.
 */
final class PrecompiledCharsmap {

    /** Larger maps are refused: SentencePiece's own (nmt_nfkc) is 237 KB, and the walk visits each unit 255 times. */
    static final int MAX_BYTES = 4 << 20;
    /** The crate looks up graphemes shorter than 6 bytes, or single characters (at most 4). */
    private static final int MAX_KEY_BYTES = 5;

    private PrecompiledCharsmap() {
    }

    /** Throws IllegalArgumentException saying why the base64 map {@code base64} would make the crate index outside it. */
    static void check(String base64) {
        byte[] map;
        try {
            map = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("it is not base64 (" + e.getMessage() + ")", e);
        }
        if (map.length > MAX_BYTES) {
            throw new IllegalArgumentException("it holds " + map.length + " bytes, more than the " + MAX_BYTES + " checked");
        }
        if (map.length < 4) {
            throw new IllegalArgumentException("it holds " + map.length + " bytes, too few for the trie size");
        }
        ByteBuffer b = ByteBuffer.wrap(map).order(ByteOrder.LITTLE_ENDIAN);
        long trieBytes = Integer.toUnsignedLong(b.getInt(0));
        if (trieBytes == 0 || trieBytes % 4 != 0 || trieBytes > map.length - 4) {
            throw new IllegalArgumentException("its trie size " + trieBytes + " is not a positive multiple of 4 within the "
                    + (map.length - 4) + " bytes after it");
        }
        int units = (int) (trieBytes / 4);
        long[] trie = new long[units];
        for (int i = 0; i < units; i++) {
            trie[i] = Integer.toUnsignedLong(b.getInt(4 + 4 * i));
        }
        int strings = 4 + units * 4;
        byte[] normalized = java.util.Arrays.copyOfRange(map, strings, map.length);
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(normalized));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("its replacement strings are not UTF-8", e);
        }
        walk(trie, normalized);
    }

    /**
     * Breadth-first over the node positions the crate's common_prefix_search reaches, following its
     * arithmetic: {@code pos ^= offset(unit)}, then per key byte {@code pos ^= byte}, read the unit
     * there, stop unless its label is the byte, {@code pos ^= offset}, and read the value at pos when
     * the unit has a leaf. Breadth-first reaches each position first at its smallest depth, so
     * skipping positions already seen loses no key of at most {@link #MAX_KEY_BYTES} bytes.
     */
    private static void walk(long[] trie, byte[] normalized) {
        // A position at or past length + 256 reads outside the trie with every byte: refused when expanded.
        long far = trie.length + 256L;
        BitSet seen = new BitSet((int) far);
        Deque<long[]> queue = new ArrayDeque<>(); // {position, depth}
        long root = Math.min(offset(trie[0]), far);
        seen.set((int) root);
        queue.add(new long[] {root, 0});
        while (!queue.isEmpty()) {
            long[] node = queue.poll();
            long pos = node[0];
            for (int c = 1; c <= 255; c++) {
                long at = pos ^ c;
                if (at >= trie.length) {
                    throw new IllegalArgumentException("a lookup reads trie unit " + at + " of " + trie.length);
                }
                long unit = trie[(int) at];
                if (label(unit) != c) {
                    continue;
                }
                long next = at ^ offset(unit);
                if ((unit >> 8 & 1) == 1) {
                    if (next >= trie.length) {
                        throw new IllegalArgumentException("a lookup reads the value at trie unit " + next + " of "
                                + trie.length);
                    }
                    long value = trie[(int) next] & 0x7FFF_FFFFL;
                    if (value > normalized.length || value < normalized.length && (normalized[(int) value] & 0xC0) == 0x80) {
                        throw new IllegalArgumentException("a replacement starts at byte " + value + ", not at a character"
                                + " of the " + normalized.length + " bytes of replacement strings");
                    }
                }
                next = Math.min(next, far);
                if (node[1] + 1 < MAX_KEY_BYTES && !seen.get((int) next)) {
                    seen.set((int) next);
                    queue.add(new long[] {next, node[1] + 1});
                }
            }
        }
    }

    private static long label(long unit) {
        return unit & ((1L << 31) | 0xFF);
    }

    private static long offset(long unit) {
        return (unit >> 10) << ((unit & (1L << 9)) >> 6);
    }
}
