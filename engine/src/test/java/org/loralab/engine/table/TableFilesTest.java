package org.loralab.engine.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableFilesTest {

    @TempDir
    Path dir;

    @Test
    void csvJsonlAndArrowRoundTripTextWithCommasQuotesNewlinesAndJapanese() throws Exception {
        List<String> docs = Arrays.asList("plain", "with, comma", "with \"quotes\"", "two\nlines", "東京は晴れ", null);
        try (BufferAllocator alloc = Tables.newAllocator("t");
                VectorSchemaRoot t = new TableBuilder(alloc).strings("document", docs)
                        .doubles("score", new double[] {1, 2.5, 3, 4, 5, Double.NaN}).build()) {
            for (String ext : new String[] {"csv", "jsonl", "arrow"}) {
                Path f = dir.resolve("t." + ext);
                TableFiles.write(f, t);
                try (VectorSchemaRoot back = TableFiles.read(f, alloc)) {
                    assertEquals(docs, Tables.strings(back, "document"), ext);
                    assertEquals(6, back.getRowCount());
                    if (!ext.equals("csv")) {
                        assertEquals(2.5, Tables.doubles(back, "score")[1], ext);
                    }
                }
            }
        }
    }

    @Test
    void badFilesAreReportedWithTheirProblem() throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "a,b\n1,2\n3\n");
        try (BufferAllocator alloc = Tables.newAllocator("t")) {
            Exception e = assertThrows(java.io.IOException.class, () -> TableFiles.read(csv, alloc));
            assertTrue(e.getMessage().contains("row 1 has 1 cells, the header 2"), e.getMessage());
            Files.writeString(csv, "a\n\"open\n");
            e = assertThrows(java.io.IOException.class, () -> TableFiles.read(csv, alloc));
            assertTrue(e.getMessage().contains("never closed"), e.getMessage());
            Path jsonl = dir.resolve("bad.jsonl");
            Files.writeString(jsonl, "{\"a\": 1}\nnot json\n");
            e = assertThrows(java.io.IOException.class, () -> TableFiles.read(jsonl, alloc));
            assertTrue(e.getMessage().contains("line 2"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> TableFiles.read(dir.resolve("x.parquet"), alloc));
        }
    }
}
