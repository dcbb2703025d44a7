package org.loralab.engine.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.ExternalTool;

/** LZ4-compressed Arrow/Feather files, pyarrow's default, are read. */
class Lz4ArrowTest {

    @TempDir
    Path dir;

    /** Frames made by the reference lz4 tool (compressed blocks, matches, long runs) decode exactly. */
    @Test
    void framesFromTheReferenceToolDecodeExactly() throws Exception {
        ExternalTool.require(Files.isExecutable(Path.of("/usr/bin/lz4")), "the lz4 tool is not installed");
        Random rnd = new Random(4);
        for (int round = 0; round < 6; round++) {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            String[] words = {"rain ", "Osaka ", "東京は晴れ ", "\u0000\u0000\u0000\u0000", "x"};
            while (data.size() < 1000 << round) {
                if (rnd.nextInt(10) == 0) {
                    byte[] noise = new byte[rnd.nextInt(300)];
                    rnd.nextBytes(noise);
                    data.write(noise);
                } else {
                    data.write(words[rnd.nextInt(words.length)].repeat(1 + rnd.nextInt(round == 5 ? 400 : 4)).getBytes("UTF-8"));
                }
            }
            byte[] plain = data.toByteArray();
            Path in = Files.write(dir.resolve("d" + round), plain);
            Process p = new ProcessBuilder("lz4", "-q", "-f", round % 2 == 0 ? "-BD" : "-BI", in.toString(), in + ".lz4").start();
            assertEquals(0, p.waitFor());
            assertArrayEquals(plain, Lz4Frames.decode(Files.readAllBytes(Path.of(in + ".lz4")), plain.length), "round " + round);
        }
    }

    @Test
    void anLz4CompressedArrowFileIsRead() throws Exception {
        Path file = dir.resolve("pairs.feather");
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            docs.add(i % 7 == 0 ? null : "document " + i + " — 東京");
        }
        try (BufferAllocator alloc = Tables.newAllocator("t");
                VectorSchemaRoot t = new TableBuilder(alloc).strings("document", docs).build()) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    ArrowFileWriter w = new ArrowFileWriter(t, null, ch, null, IpcOption.DEFAULT, Lz4ArrowCodec.FACTORY,
                            CompressionUtil.CodecType.LZ4_FRAME, Optional.empty())) {
                w.start();
                w.writeBatch();
                w.end();
            }
            try (VectorSchemaRoot back = TableFiles.read(file, alloc)) {
                assertEquals(docs, Tables.strings(back, "document"));
            }
        }
    }

    /** A skippable frame whose size reads negative as a signed int once looped for ever; now it is refused. */
    @Test
    void aSkippableFrameWithAHugeSizeIsRefusedNotLoopedOn() {
        byte[] frame = {0x50, 0x2A, 0x4D, 0x18, (byte) 0xF8, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3, 4};
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Lz4Frames.decode(frame, 4)));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("skippable frame"), e.getMessage());
    }

    /** A few bytes declaring a length no LZ4 data of that size can reach are refused before the output is allocated. */
    @Test
    void aDeclaredLengthBeyondLz4sExpansionIsRefusedBeforeAllocating() {
        byte[] tiny = Lz4Frames.storedFrame(new byte[16]);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Lz4Frames.decode(tiny, Integer.MAX_VALUE - 8));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("more than LZ4 can hold"), e.getMessage());
        assertArrayEquals(new byte[16], Lz4Frames.decode(tiny, 16));
    }
}
