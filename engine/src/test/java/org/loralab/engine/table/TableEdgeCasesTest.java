package org.loralab.engine.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trailing blank lines, duplicated headers and large JSONL ids. */
class TableEdgeCasesTest {

    @TempDir
    Path dir;

    @Test
    void aTrailingBlankLineIsNoRowAndADuplicatedHeaderIsRefused() throws Exception {
        try (BufferAllocator alloc = Tables.newAllocator("t")) {
            Path trailing = Files.writeString(dir.resolve("t.csv"), "document,summary\nRain.,R.\n\n");
            try (VectorSchemaRoot t = TableFiles.read(trailing, alloc)) {
                assertEquals(1, t.getRowCount());
            }
            Path dup = Files.writeString(dir.resolve("d.csv"), "document,document\na,b\n");
            IOException e = assertThrows(IOException.class, () -> TableFiles.read(dup, alloc));
            assertTrue(e.getMessage().contains("d.csv") && e.getMessage().contains("'document' twice"), e.getMessage());
        }
    }

    @Test
    void aColumnThatDoesNotFitReleasesTheColumnsBuiltBeforeIt() {
        // a chunk that runs out of memory midway must leave nothing allocated behind its error
        try (BufferAllocator alloc = new org.apache.arrow.memory.RootAllocator(64 << 10)) {
            TableBuilder b = new TableBuilder(alloc).strings("small", List.of("a", "b"));
            assertTrue(alloc.getAllocatedMemory() > 0);
            assertThrows(RuntimeException.class, () -> b.strings("large", List.of("x".repeat(256 << 10))));
            assertEquals(0, alloc.getAllocatedMemory());
            TableBuilder d = new TableBuilder(alloc).strings("small", List.of("a"));
            assertThrows(RuntimeException.class, () -> d.doubles("many", new double[1 << 16]));
            assertEquals(0, alloc.getAllocatedMemory());
        }
    }

    @Test
    void jsonlIdsBeyondTwoToThe53AreKeptExactly() throws Exception {
        Path f = Files.writeString(dir.resolve("ids.jsonl"), "{\"id\": 9007199254740993, \"document\": \"a\"}\n{\"id\": 2, \"document\": \"b\"}\n");
        try (BufferAllocator alloc = Tables.newAllocator("t"); VectorSchemaRoot t = TableFiles.read(f, alloc)) {
            assertEquals(List.of("9007199254740993", "2"), Tables.strings(t, "id"));
        }
    }

    @Test
    void aFifoNamedLikeATableIsRefusedNotWaitedOn() throws Exception {
        Path fifo = dir.resolve("rows.csv");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        try (BufferAllocator alloc = Tables.newAllocator("t")) {
            IOException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                    () -> assertThrows(IOException.class, () -> TableFiles.read(fifo, alloc)));
            assertTrue(e.getMessage().contains("rows.csv") && e.getMessage().contains("not a regular file"), e.getMessage());
        }
    }
}
