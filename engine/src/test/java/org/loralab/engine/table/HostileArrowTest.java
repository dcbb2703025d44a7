package org.loralab.engine.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Declared sizes are checked against the bytes present and a stated limit before anything is allocated. */
class HostileArrowTest {

    @TempDir
    Path dir;

    private Path write(String name, List<String> docs, boolean lz4) throws IOException {
        Path file = dir.resolve(name);
        try (BufferAllocator alloc = Tables.newAllocator("w");
                VectorSchemaRoot t = new TableBuilder(alloc).strings("document", docs).build();
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ArrowFileWriter w = lz4
                        ? new ArrowFileWriter(t, null, ch, null, IpcOption.DEFAULT, Lz4ArrowCodec.FACTORY,
                                CompressionUtil.CodecType.LZ4_FRAME, Optional.empty())
                        : new ArrowFileWriter(t, null, ch)) {
            w.start();
            w.writeBatch();
            w.end();
        }
        return file;
    }

    /** The footer's record block rewritten to declare a 2 GB body: a 1 kB file. */
    private Path declaringTwoGigabytes() throws IOException {
        Path file = write("huge.arrow", List.of("a", "b", "c"), false);
        ArrowBlock block;
        try (BufferAllocator alloc = Tables.newAllocator("r");
                ArrowFileReader r = new ArrowFileReader(FileChannel.open(file, StandardOpenOption.READ), alloc)) {
            block = r.getRecordBlocks().get(0);
        }
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int patched = 0;
        for (int i = 0; i + 24 <= bytes.length; i += 8) { // a flatbuffers Block struct: offset, metadata length (+pad), body length
            if (bb.getLong(i) == block.getOffset() && bb.getInt(i + 8) == block.getMetadataLength()
                    && bb.getLong(i + 16) == block.getBodyLength()) {
                bb.putLong(i + 16, 2L << 30);
                patched++;
            }
        }
        assertEquals(1, patched);
        Files.write(file, bytes);
        assertTrue(bytes.length < 2048);
        return file;
    }

    @Test
    void aBatchDeclaredPastTheEndOfTheFileIsRefusedBeforeAllocating() throws Exception {
        Path file = declaringTwoGigabytes();
        // A small allocator: without the check Arrow asks it for the 2 GB (and fails differently) instead of allocating it here.
        try (BufferAllocator small = Tables.newAllocator("small")) {
            try (BufferAllocator limited = small.newChildAllocator("limited", 0, 16 << 20)) {
                IOException e = assertThrows(IOException.class, () -> TableFiles.read(file, limited));
                assertTrue(e.getMessage().contains("huge.arrow") && e.getMessage().contains("past the end of the"), e.getMessage());
                IOException c = assertThrows(IOException.class, () -> TableChunks.open(file, limited, 100).close());
                assertTrue(c.getMessage().contains("past the end of the"), c.getMessage());
                assertTrue(limited.getPeakMemoryAllocation() < 1 << 20, "peak " + limited.getPeakMemoryAllocation());
            }
        }
    }

    @Test
    void lz4DecodingIsCappedPerBatchAtTheStatedLimit() throws Exception {
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            docs.add("document " + i + " ".repeat(400));
        }
        Path file = write("big.feather", docs, true);
        String key = "loralab.table.maxDecodedBytes";
        String before = System.getProperty(key);
        try (BufferAllocator alloc = Tables.newAllocator("t")) {
            try (VectorSchemaRoot back = TableFiles.read(file, alloc)) {
                assertEquals(docs, Tables.strings(back, "document"));
            }
            System.setProperty(key, Long.toString(64 << 10)); // the 160 kB column is over it
            IOException e = assertThrows(IOException.class, () -> TableFiles.read(file, alloc));
            assertTrue(e.getMessage().contains("big.feather") && e.getMessage().contains("more than 65536"), e.getMessage());
            assertTrue(alloc.getAllocatedMemory() == 0, "released: " + alloc.getAllocatedMemory());
            // The codec counts too (for what the footer scan does not see): the second 40 kB buffer goes over.
            Lz4ArrowCodec codec = new Lz4ArrowCodec();
            for (int k = 0; k < 2; k++) {
                byte[] frame = Lz4Frames.storedFrame(new byte[40 << 10]);
                org.apache.arrow.memory.ArrowBuf in = alloc.buffer(8L + frame.length);
                in.setLong(0, 40 << 10);
                in.setBytes(8, frame);
                in.writerIndex(8L + frame.length);
                if (k == 0) {
                    codec.decompress(alloc, in).close();
                } else {
                    IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> codec.decompress(alloc, in));
                    assertTrue(c.getMessage().contains("more than 65536"), c.getMessage());
                    in.close();
                }
            }
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }
}
