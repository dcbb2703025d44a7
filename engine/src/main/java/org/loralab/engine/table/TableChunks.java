package org.loralab.engine.table;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A table file read a chunk of rows at a time, so that a job over a large table holds one chunk,
 * not the table: CSV and JSON Lines are parsed as a stream, Arrow IPC record batches are cut into
 * chunks. Every chunk has the same columns and types ({@link #columns}); for JSON Lines a first pass
 * over the file settles the types, as reading the whole file would. Chunks belong to the caller.
 */
public final class TableChunks implements AutoCloseable {

    private interface Source extends AutoCloseable {
        /** Up to {@code rows} rows; a chunk without rows once the data is exhausted. */
        VectorSchemaRoot next(int rows) throws IOException;

        @Override
        void close() throws IOException;
    }

    private final Source source;
    private final Path file;
    private final List<String> columns;
    private final int rowsPerChunk;
    private long rowsRead;
    private boolean handedOut;

    private TableChunks(Source source, Path file, List<String> columns, int rowsPerChunk) {
        this.source = source;
        this.file = file;
        this.columns = columns;
        this.rowsPerChunk = rowsPerChunk;
    }

    public static TableChunks open(Path file, BufferAllocator allocator, int rowsPerChunk) throws IOException {
        if (rowsPerChunk < 1) {
            throw new IllegalArgumentException("chunks need at least one row");
        }
        TableFiles.requireReadable(file);
        try {
            return switch (TableFiles.format(file)) {
                case CSV -> csv(file, allocator, rowsPerChunk, RecordLimit.maxChars());
                case JSONL -> jsonl(file, allocator, rowsPerChunk, RecordLimit.maxChars());
                case ARROW -> arrow(file, allocator, rowsPerChunk);
            };
        } catch (OutOfMemoryError e) {
            throw TableFiles.outOfMemory(file, e); // what the read took is unreferenced: an error naming the file, no stack trace
        }
    }

    /** The column names, known before the first chunk (to check a column exists before any work). */
    public List<String> columns() {
        return columns;
    }

    /** Rows handed out so far: the first row of the next chunk is row {@code rowsRead()} of the table. */
    public long rowsRead() {
        return rowsRead;
    }

    /** The next chunk of at most the chunk size, or null after the last row. A table without rows gives one empty chunk. */
    public VectorSchemaRoot next() throws IOException {
        VectorSchemaRoot chunk;
        try {
            chunk = source.next(rowsPerChunk);
        } catch (OutOfMemoryError e) {
            throw TableFiles.outOfMemory(file, e); // the partial chunk is unreferenced (TableBuilder released its vectors)
        }
        if (chunk.getRowCount() == 0 && handedOut) {
            chunk.close();
            return null;
        }
        handedOut = true;
        rowsRead += chunk.getRowCount();
        return chunk;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    private static TableChunks csv(Path file, BufferAllocator allocator, int rowsPerChunk, int maxRecordChars) throws IOException {
        BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        try {
            CsvRecords records = new CsvRecords(reader, file, maxRecordChars);
            List<String> header = records.next();
            if (header == null) {
                throw new IOException(file + ": the CSV file is empty (a header row is required)");
            }
            List<String> names = header.stream().map(h -> h == null ? "" : h).toList();
            TableFiles.requireUniqueNames(names, file);
            Source s = new Source() {
                @Override
                public VectorSchemaRoot next(int rows) throws IOException {
                    List<List<String>> cols = new ArrayList<>();
                    names.forEach(n -> cols.add(new ArrayList<>()));
                    int n = 0;
                    for (List<String> rec; n < rows && (rec = records.next()) != null; n++) {
                        if (rec.size() != names.size()) {
                            throw new IOException(file + ": row " + (records.recordsRead() - 2) + " has " + rec.size()
                                    + " cells, the header " + names.size());
                        }
                        for (int c = 0; c < names.size(); c++) {
                            cols.get(c).add(rec.get(c));
                        }
                    }
                    TableBuilder b = new TableBuilder(allocator);
                    for (int c = 0; c < names.size(); c++) {
                        b.strings(names.get(c), cols.get(c)); // releases what it built if it fails
                    }
                    return b.build();
                }

                @Override
                public void close() throws IOException {
                    reader.close();
                }
            };
            return new TableChunks(s, file, names, rowsPerChunk);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            reader.close();
            throw e;
        }
    }

    private static TableChunks jsonl(Path file, BufferAllocator allocator, int rowsPerChunk, int maxLineChars) throws IOException {
        JsonlColumns plan = new JsonlColumns();
        try (BufferedReader pass = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            BoundedLines lines = new BoundedLines(pass, file, maxLineChars);
            for (String text; (text = lines.next()) != null;) {
                if (!text.isBlank()) {
                    plan.observe(parse(file, lines.lineNumber(), text));
                }
            }
        }
        BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        BoundedLines lines = new BoundedLines(reader, file, maxLineChars);
        Source s = new Source() {
            @Override
            public VectorSchemaRoot next(int rows) throws IOException {
                List<JsonObject> chunk = new ArrayList<>();
                for (String text; chunk.size() < rows && (text = lines.next()) != null;) {
                    if (!text.isBlank()) {
                        chunk.add(parse(file, lines.lineNumber(), text));
                    }
                }
                return plan.build(chunk, allocator);
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
        return new TableChunks(s, file, plan.names(), rowsPerChunk);
    }

    private static JsonObject parse(Path file, long line, String text) throws IOException {
        try {
            return JsonParser.parseString(text).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(file + ": line " + line + " is not a JSON object (" + e.getMessage() + ")", e);
        }
    }

    private static TableChunks arrow(Path file, BufferAllocator allocator, int rowsPerChunk) throws IOException {
        ArrowFileReader reader;
        try {
            reader = ArrowFiles.open(file, allocator);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a readable Arrow IPC file (" + e.getMessage() + ")", e);
        }
        Schema schema;
        try {
            schema = reader.getVectorSchemaRoot().getSchema();
        } catch (IOException | RuntimeException e) {
            reader.close(); // closes the channel too
            throw new IOException(file + ": not a readable Arrow IPC file (" + e.getMessage() + ")", e);
        }
        ArrowFileReader r = reader;
        Source s = new Source() {
            int offset; // next row of the loaded batch
            boolean loaded;

            @Override
            public VectorSchemaRoot next(int rows) throws IOException {
                try {
                    VectorSchemaRoot batch = r.getVectorSchemaRoot();
                    while (!loaded || offset >= batch.getRowCount()) {
                        if (!r.loadNextBatch()) {
                            return VectorSchemaRoot.create(schema, allocator);
                        }
                        loaded = true;
                        offset = 0;
                    }
                    int n = Math.min(rows, batch.getRowCount() - offset);
                    VectorSchemaRoot chunk = VectorSchemaRoot.create(schema, allocator);
                    try {
                        ArrowFiles.copyRows(batch, offset, chunk, 0, n);
                    } catch (RuntimeException | OutOfMemoryError e) {
                        chunk.close();
                        throw e;
                    }
                    offset += n;
                    return chunk;
                } catch (IOException | RuntimeException e) {
                    throw new IOException(file + ": not a readable Arrow IPC file (" + e.getMessage() + ")", e);
                }
            }

            @Override
            public void close() throws IOException {
                r.close();
            }
        };
        return new TableChunks(s, file, schema.getFields().stream().map(Field::getName).toList(), rowsPerChunk);
    }

    /** The columns of a JSON Lines file: names in order of appearance, and which hold only numbers. */
    static final class JsonlColumns {
        private final Map<String, Boolean> numeric = new LinkedHashMap<>();
        private final Map<String, Boolean> beyondDoubles = new LinkedHashMap<>();

        void observe(JsonObject o) {
            for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                boolean isNumber = e.getValue().isJsonPrimitive() && e.getValue().getAsJsonPrimitive().isNumber();
                numeric.merge(e.getKey(), isNumber || e.getValue().isJsonNull(), (a, b) -> a && b);
                beyondDoubles.merge(e.getKey(), TableFiles.beyondDoubles(e.getValue()), (a, b) -> a || b);
            }
        }

        List<String> names() {
            return List.copyOf(numeric.keySet());
        }

        VectorSchemaRoot build(List<JsonObject> rows, BufferAllocator allocator) {
            TableBuilder b = new TableBuilder(allocator);
            for (Map.Entry<String, Boolean> c : numeric.entrySet()) {
                String key = c.getKey();
                if (c.getValue() && !beyondDoubles.get(key)) {
                    b.doubles(key, rows.stream().mapToDouble(o -> o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsDouble()
                            : Double.NaN).toArray());
                } else {
                    // text, or whole numbers past 2^53 (ids) that doubles would change: kept exactly, as their digits
                    b.strings(key, rows.stream().map(o -> !o.has(key) || o.get(key).isJsonNull() ? null
                            : o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : o.get(key).toString()).toList());
                }
            }
            return b.build();
        }
    }
}
