package org.loralab.engine.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A truncated text table (a quote never closed, a last line never ended) fails at the record limit
 * with an error naming the file, the line the record starts on, the limit and the likely cause,
 * read in chunks (as Summarize does) and whole (training, merging, ROUGE, bank listings).
 */
class RecordLimitTest {

    private static final int LIMIT = 1000;

    @TempDir
    Path dir;

    private String before;

    @BeforeEach
    void smallLimit() {
        before = System.getProperty(RecordLimit.PROPERTY);
        System.setProperty(RecordLimit.PROPERTY, Integer.toString(LIMIT));
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(RecordLimit.PROPERTY);
        } else {
            System.setProperty(RecordLimit.PROPERTY, before);
        }
    }

    /** Rows read a chunk of one row at a time until the reader fails; the rows read before are returned in the error's place. */
    private static List<String> readInChunks(Path file, BufferAllocator alloc, List<String> read) throws IOException {
        try (TableChunks chunks = TableChunks.open(file, alloc, 1)) {
            for (VectorSchemaRoot next = chunks.next(); next != null; next = chunks.next()) {
                try (VectorSchemaRoot c = next) {
                    read.addAll(Tables.strings(c, "document"));
                }
            }
        }
        return read;
    }

    private static void assertNames(IOException e, String file, String where, String cause) {
        String m = e.getMessage();
        assertTrue(m.startsWith(file) || m.contains("/" + file + ":"), m);
        assertTrue(m.contains(where) && m.contains("more than " + LIMIT + " characters") && m.contains(RecordLimit.PROPERTY)
                && m.contains(cause), m);
    }

    @Test
    void aCsvQuoteNeverClosedStopsAtTheLimitStreamedAndWhole() throws Exception {
        // line 3 holds a quoted cell over two lines (3 and 4) within the limit; the record on line 5 never closes its quote
        Path f = Files.writeString(dir.resolve("truncated.csv"), "document,summary\r\n\"ok doc\",s\r\n\"two\r\nlines\",s\n"
                + "\"" + "x".repeat(LIMIT - 4) + "\",s\n\"unterminated " + "x".repeat(5 * LIMIT));
        try (BufferAllocator alloc = Tables.newAllocator("t")) {
            List<String> read = new ArrayList<>();
            IOException e = assertThrows(IOException.class, () -> readInChunks(f, alloc, read));
            assertNames(e, "truncated.csv", "the record starting on line 6", "an unclosed quote?");
            assertEquals(List.of("ok doc", "two\r\nlines", "x".repeat(LIMIT - 4)), read, "the rows before, a record of the limit among them");
            e = assertThrows(IOException.class, () -> TableFiles.read(f, alloc));
            assertNames(e, "truncated.csv", "the record starting on line 6", "an unclosed quote?");
            assertEquals(0, alloc.getAllocatedMemory());
        }
    }

    @Test
    void aCsvLineWithoutQuotesPastTheLimitIsNamedToo() throws Exception {
        Path f = Files.writeString(dir.resolve("long.csv"), "document\na\n" + "y".repeat(LIMIT + 1) + "\n");
        try (BufferAllocator alloc = Tables.newAllocator("t")) {
            IOException e = assertThrows(IOException.class, () -> TableFiles.read(f, alloc));
            assertNames(e, "long.csv", "the record starting on line 3", "a line that never ends?");
        }
    }

    @Test
    void aShortCsvQuoteNeverClosedNamesItsLine() throws Exception {
        Path f = Files.writeString(dir.resolve("short.csv"), "document\na\n\"b\nc");
        try (BufferAllocator alloc = Tables.newAllocator("t")) {
            IOException e = assertThrows(IOException.class, () -> TableFiles.read(f, alloc));
            assertTrue(e.getMessage().contains("short.csv: a quoted cell is never closed (the record starting on line 3)"), e.getMessage());
            // lines end as BufferedReader.readLine ends them: \r alone (old Mac), \r\n and \n alike
            Path mac = Files.writeString(dir.resolve("mac.csv"), "document\ra\r\nb\r\"c\rd");
            e = assertThrows(IOException.class, () -> TableFiles.read(mac, alloc));
            assertTrue(e.getMessage().contains("mac.csv: a quoted cell is never closed (the record starting on line 4)"), e.getMessage());
        }
    }

    @Test
    void aJsonLineThatNeverEndsStopsAtTheLimitStreamedAndWhole() throws Exception {
        String atLimit = "{\"document\":\"" + "z".repeat(LIMIT - 17) + "\"}";
        assertEquals(LIMIT - 2, atLimit.length());
        Path f = Files.writeString(dir.resolve("truncated.jsonl"), "{\"document\":\"ok\"}\r\n\n" + atLimit + "  \r"
                + "{\"document\":\"" + "x".repeat(5 * LIMIT));
        try (BufferAllocator alloc = Tables.newAllocator("t")) {
            // the first pass (the column types) meets the line before any chunk is read
            IOException e = assertThrows(IOException.class, () -> TableChunks.open(f, alloc, 1));
            assertNames(e, "truncated.jsonl", "line 4 holds", "a line that never ends?");
            e = assertThrows(IOException.class, () -> TableFiles.read(f, alloc));
            assertNames(e, "truncated.jsonl", "line 4 holds", "a line that never ends?");
            assertEquals(0, alloc.getAllocatedMemory());
        }
    }

    @Test
    void aJsonLinePastTheLimitIsCaughtInTheStreamedPassToo() throws Exception {
        // Only the chunked pass reads this line if the file grows between the passes (a file still being written).
        Path f = Files.writeString(dir.resolve("growing.jsonl"), "{\"document\":\"ok\"}\n");
        try (BufferAllocator alloc = Tables.newAllocator("t"); TableChunks chunks = TableChunks.open(f, alloc, 1)) {
            Files.writeString(f, "{\"document\":\"ok\"}\n{\"document\":\"" + "x".repeat(5 * LIMIT));
            try (VectorSchemaRoot first = chunks.next()) {
                assertEquals(List.of("ok"), Tables.strings(first, "document"));
            }
            IOException e = assertThrows(IOException.class, chunks::next);
            assertNames(e, "growing.jsonl", "line 2 holds", "a line that never ends?");
        }
    }

    @Test
    void boundedLinesSplitAsReadLineDoesAcrossBufferEnds() throws Exception {
        StringBuilder text = new StringBuilder();
        String[] ends = {"\n", "\r", "\r\n", "\n\n", "\r\r\n"};
        for (int i = 0; text.length() < 40_000; i++) {
            text.append("w".repeat(i * 37 % 8200)).append(ends[i % ends.length]);
        }
        text.append("last without an end");
        List<String> expected = new BufferedReader(new StringReader(text.toString())).lines().toList();
        BoundedLines lines = new BoundedLines(new StringReader(text.toString()), Path.of("t.jsonl"), 8200);
        List<String> got = new ArrayList<>();
        for (String l; (l = lines.next()) != null;) {
            got.add(l);
            assertEquals(got.size(), lines.lineNumber());
        }
        assertEquals(expected, got);
    }

    @Test
    void aLimitThatIsNoPositiveNumberIsRefusedNamingTheProperty() {
        System.setProperty(RecordLimit.PROPERTY, "0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, RecordLimit::maxChars);
        assertTrue(e.getMessage().contains(RecordLimit.PROPERTY + "=0"), e.getMessage());
        System.clearProperty(RecordLimit.PROPERTY);
        assertEquals(64 << 20, RecordLimit.maxChars());
    }
}
