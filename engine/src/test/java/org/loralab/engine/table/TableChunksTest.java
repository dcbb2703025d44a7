package org.loralab.engine.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A table read in chunks is the table read whole, in every format; chunks are written back the same way. */
class TableChunksTest {

    @TempDir
    Path dir;

    private record Chunked(List<Integer> sizes, List<String> values) {
    }

    private static Chunked readInChunks(Path file, BufferAllocator alloc, int rows, String column) throws IOException {
        List<Integer> sizes = new ArrayList<>();
        List<String> values = new ArrayList<>();
        try (TableChunks chunks = TableChunks.open(file, alloc, rows)) {
            for (VectorSchemaRoot next = chunks.next(); next != null; next = chunks.next()) {
                try (VectorSchemaRoot c = next) {
                    sizes.add(c.getRowCount());
                    values.addAll(Tables.strings(c, column));
                }
            }
        }
        return new Chunked(sizes, values);
    }

    private static List<String> readWhole(Path file, BufferAllocator alloc, String column) throws IOException {
        try (VectorSchemaRoot t = TableFiles.read(file, alloc)) {
            return Tables.strings(t, column);
        }
    }

    @Test
    void csvChunksHoldEveryRowOnceWithQuotedNewlinesAndTrailingBlankLines() throws Exception {
        Path f = Files.writeString(dir.resolve("t.csv"), "\uFEFFid,document\r\n1,\"two\nlines, one cell\"\n2,\"\"\n3,\n4,\"say \"\"hi\"\"\"\n5,e\n\n\n");
        try (BufferAllocator alloc = Tables.newAllocator("t")) {
            Chunked c = readInChunks(f, alloc, 2, "document");
            assertEquals(List.of(2, 2, 1), c.sizes());
            assertEquals(readWhole(f, alloc, "document"), c.values());
            assertEquals(java.util.Arrays.asList("two\nlines, one cell", "", null, "say \"hi\"", "e"), c.values());
        }
    }

    @Test
    void aBlankLineInsideTheDataIsARowAndNamedWhenItDoesNotFit() throws Exception {
        Path f = Files.writeString(dir.resolve("b.csv"), "id,document\n1,a\n\n2,b\n");
        try (BufferAllocator alloc = Tables.newAllocator("t")) {
            IOException e = assertThrows(IOException.class, () -> readInChunks(f, alloc, 1, "document"));
            assertTrue(e.getMessage().contains("b.csv") && e.getMessage().contains("row 1 has 1 cells"), e.getMessage());
        }
    }

    @Test
    void jsonlColumnsKeepOneTypeAcrossChunks() throws Exception {
        // "n" is a number in the first chunk and text in the last: every chunk reads it as text, as a whole read does
        Path f = Files.writeString(dir.resolve("t.jsonl"), "{\"n\": 1, \"document\": \"a\"}\n{\"n\": 2, \"document\": \"b\"}\n\n"
                + "{\"n\": \"three\", \"document\": \"c\"}\n");
        try (BufferAllocator alloc = Tables.newAllocator("t")) {
            Chunked c = readInChunks(f, alloc, 1, "n");
            assertEquals(List.of(1, 1, 1), c.sizes());
            assertEquals(List.of("1", "2", "three"), c.values());
            assertEquals(readWhole(f, alloc, "n"), c.values());
        }
    }

    @Test
    void arrowRecordBatchesAreCutIntoChunks() throws Exception {
        try (BufferAllocator alloc = Tables.newAllocator("t")) {
            Path f = dir.resolve("t.arrow");
            try (VectorSchemaRoot t = new TableBuilder(alloc).strings("document", List.of("a", "b", "c", "d", "e")).build()) {
                TableFiles.write(f, t);
            }
            Chunked c = readInChunks(f, alloc, 2, "document");
            assertEquals(List.of(2, 2, 1), c.sizes());
            assertEquals(List.of("a", "b", "c", "d", "e"), c.values());
        }
    }

    @Test
    void aTableWithoutRowsIsOneEmptyChunk() throws Exception {
        Path f = Files.writeString(dir.resolve("e.csv"), "document\n");
        try (BufferAllocator alloc = Tables.newAllocator("t"); TableChunks chunks = TableChunks.open(f, alloc, 10)) {
            assertEquals(List.of("document"), chunks.columns());
            try (VectorSchemaRoot first = chunks.next()) {
                assertEquals(0, first.getRowCount());
            }
            assertNull(chunks.next());
        }
    }

    @Test
    void chunksWrittenToASinkReadBackAsOneTable() throws Exception {
        for (String name : List.of("out.csv", "out.jsonl", "out.arrow")) {
            Path f = dir.resolve(name);
            try (BufferAllocator alloc = Tables.newAllocator("t")) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (TableSink sink = TableSink.of(f, bytes, alloc)) {
                    for (List<String> part : List.of(List.of("a", "b"), List.of("c"))) {
                        try (VectorSchemaRoot chunk = new TableBuilder(alloc).strings("document", part).build()) {
                            sink.append(chunk);
                        }
                    }
                }
                Files.write(f, bytes.toByteArray());
                assertEquals(List.of("a", "b", "c"), readWhole(f, alloc, "document"), name);
            }
        }
    }
}
