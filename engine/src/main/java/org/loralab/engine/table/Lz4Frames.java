package org.loralab.engine.table;

import java.util.Arrays;

/**
 * Decodes the LZ4 frame format (what pyarrow writes into LZ4-compressed Arrow/Feather files), in
 * plain Java: the Arrow compression module would add jars to the KNIME bundle. Checksums are
 * skipped, not verified; the output may never exceed the length the caller expects.
 */
final class Lz4Frames {

    private static final int MAGIC = 0x184D2204;
    private static final int BLOCK = 1 << 16;

    private Lz4Frames() {
    }

    /**
     * The most bytes one input byte can decode to: a match's length bytes each add 255 output
     * bytes. A declared length beyond this cannot be true, so it is refused before allocating.
     */
    static final int MAX_EXPANSION = 255;

    /** Decodes one or more concatenated frames into exactly {@code expectedLength} bytes. */
    static byte[] decode(byte[] in, int expectedLength) {
        check(expectedLength >= 0 && expectedLength <= (long) MAX_EXPANSION * in.length + 64,
                "LZ4 data of " + in.length + " bytes declare " + expectedLength + " decoded bytes, more than LZ4 can hold");
        byte[] out = new byte[expectedLength];
        int op = 0;
        int ip = 0;
        while (ip < in.length) {
            int magic = intLE(in, ip);
            ip += 4;
            if ((magic & 0xFFFFFFF0) == 0x184D2A50) { // skippable frame: an unsigned size, then that many bytes
                long skip = Integer.toUnsignedLong(intLE(in, ip));
                check(skip <= in.length - ip - 4L, "an LZ4 skippable frame runs past the end of the data");
                ip += 4 + (int) skip;
                continue;
            }
            if (magic != MAGIC) {
                throw new IllegalArgumentException("not an LZ4 frame (magic " + Integer.toHexString(magic) + ")");
            }
            int flg = in[ip] & 0xFF;
            if ((flg >>> 6) != 1) {
                throw new IllegalArgumentException("unsupported LZ4 frame version " + (flg >>> 6));
            }
            boolean blockChecksum = (flg & 0x10) != 0;
            boolean contentSize = (flg & 0x08) != 0;
            boolean contentChecksum = (flg & 0x04) != 0;
            boolean dictId = (flg & 0x01) != 0;
            ip += 2 + (contentSize ? 8 : 0) + (dictId ? 4 : 0) + 1; // FLG, BD, sizes, header checksum
            while (true) {
                int size = intLE(in, ip);
                ip += 4;
                if (size == 0) {
                    break;
                }
                int length = size & 0x7FFFFFFF;
                check(length <= in.length - ip, "an LZ4 block runs past the end of the data");
                if ((size & 0x80000000) != 0) {
                    check(length <= out.length - op, "LZ4 data decode to more than the declared length");
                    System.arraycopy(in, ip, out, op, length);
                    op += length;
                } else {
                    op = decodeBlock(in, ip, ip + length, out, op);
                }
                ip += length + (blockChecksum ? 4 : 0);
            }
            ip += contentChecksum ? 4 : 0;
        }
        check(op == out.length, "LZ4 data decode to " + op + " bytes, " + out.length + " declared");
        return out;
    }

    /** One LZ4 block: sequences of literals and back-references into the output so far. */
    private static int decodeBlock(byte[] in, int ip, int end, byte[] out, int op) {
        while (ip < end) {
            int token = in[ip++] & 0xFF;
            int literals = token >>> 4;
            if (literals == 15) {
                int b;
                do {
                    check(ip < end, "a truncated LZ4 block");
                    b = in[ip++] & 0xFF;
                    literals += b;
                } while (b == 255);
            }
            check(literals <= end - ip && literals <= out.length - op, "an LZ4 literal run past the data or the declared length");
            System.arraycopy(in, ip, out, op, literals);
            ip += literals;
            op += literals;
            if (ip >= end) {
                break; // the last sequence holds literals only
            }
            check(end - ip >= 2, "a truncated LZ4 block");
            int offset = (in[ip] & 0xFF) | (in[ip + 1] & 0xFF) << 8;
            ip += 2;
            check(offset > 0 && offset <= op, "an LZ4 match reaches before the start of the data");
            int match = token & 15;
            if (match == 15) {
                int b;
                do {
                    check(ip < end, "a truncated LZ4 block");
                    b = in[ip++] & 0xFF;
                    match += b;
                } while (b == 255);
            }
            match += 4;
            check(match <= out.length - op, "LZ4 data decode to more than the declared length");
            for (int i = 0; i < match; i++, op++) {
                out[op] = out[op - offset]; // byte by byte: a match may overlap what it writes
            }
        }
        return op;
    }

    /** An LZ4 frame holding {@code data} in stored (uncompressed) blocks: valid for any LZ4 reader. */
    static byte[] storedFrame(byte[] data) {
        int blocks = (data.length + BLOCK - 1) / BLOCK;
        byte[] out = new byte[7 + data.length + 4 * blocks + 4];
        writeIntLE(out, 0, MAGIC);
        out[4] = 0x60; // version 01, independent blocks
        out[5] = 0x40; // 64 KB blocks
        out[6] = (byte) 0x82; // header checksum of (0x60, 0x40): second byte of its xxHash32, as lz4 writes it
        int op = 7;
        for (int ip = 0; ip < data.length; ip += BLOCK) {
            int n = Math.min(BLOCK, data.length - ip);
            writeIntLE(out, op, n | 0x80000000);
            System.arraycopy(data, ip, out, op + 4, n);
            op += 4 + n;
        }
        writeIntLE(out, op, 0);
        return Arrays.copyOf(out, op + 4);
    }

    private static int intLE(byte[] b, int i) {
        check(i + 4 <= b.length, "truncated LZ4 data");
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    private static void writeIntLE(byte[] b, int i, int v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) (v >>> 16);
        b[i + 3] = (byte) (v >>> 24);
    }

    private static void check(boolean ok, String why) {
        if (!ok) {
            throw new IllegalArgumentException(why);
        }
    }
}
