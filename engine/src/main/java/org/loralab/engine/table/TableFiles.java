package org.loralab.engine.table;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.loralab.engine.io.AtomicFiles;

/**
 * Tables in files, chosen by extension: Arrow IPC ({@code .arrow}, {@code .feather}, {@code .ipc}),
 * CSV (RFC 4180, header row, UTF-8) and JSON Lines ({@code .jsonl}, one object per row). CSV cells
 * are read as text; an empty unquoted cell is missing (null) and a quoted {@code ""} is the empty
 * string, as PostgreSQL's CSV format has it, so a table keeps the difference through a CSV file.
 * JSONL numbers become Float64 columns, other values text.
 */
public final class TableFiles {

    private TableFiles() {
    }

    enum Format { ARROW, CSV, JSONL }

    static Format format(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".arrow") || n.endsWith(".feather") || n.endsWith(".ipc")) {
            return Format.ARROW;
        }
        if (n.endsWith(".csv")) {
            return Format.CSV;
        }
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
            return Format.JSONL;
        }
        throw new IllegalArgumentException(file + ": unknown table format; use .arrow/.feather (Arrow IPC), .csv or .jsonl");
    }

    public static VectorSchemaRoot read(Path file, BufferAllocator allocator) throws IOException {
        if (format(file) == Format.ARROW) {
            requireReadable(file);
            return ArrowFiles.read(file, allocator); // every record batch, as one table
        }
        try (TableChunks chunks = TableChunks.open(file, allocator, Integer.MAX_VALUE)) {
            return chunks.next(); // an OutOfMemoryError becomes an IOException naming the file there
        }
    }

    /**
     * An OutOfMemoryError while reading a table, as an error naming the file. Made where nothing of
     * the read stays referenced (its buffers closed, its rows local to the read that failed), so
     * the commands report it like any unreadable file instead of ending in a stack trace.
     */
    static IOException outOfMemory(Path file, OutOfMemoryError e) {
        return new IOException(file + ": ran out of memory reading the table (" + e.getMessage() + "; the JVM may use "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB); give the JVM more memory (-Xmx, in KNIME -Xmx in knime.ini)", e);
    }

    /** An existing regular file (a FIFO named *.csv would block for ever). */
    static void requireReadable(Path file) throws IOException {
        format(file);
        if (!Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "the table file does not exist");
        }
        org.loralab.engine.io.BoundedFiles.requireRegularFile(file);
    }

    public static void write(Path file, VectorSchemaRoot table) throws IOException {
        switch (format(file)) {
            case ARROW -> ArrowFiles.write(file, table);
            case CSV -> AtomicFiles.writeString(file, toCsv(table));
            case JSONL -> AtomicFiles.writeString(file, toJsonl(table));
        }
    }

    /** Whether a JSON number is a whole number that a double cannot hold exactly (beyond 2^53). */
    static boolean beyondDoubles(JsonElement e) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            return false;
        }
        try {
            java.math.BigDecimal d = new java.math.BigDecimal(e.getAsString());
            return d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(java.math.BigDecimal.valueOf(1L << 53)) > 0;
        } catch (NumberFormatException x) {
            return false;
        }
    }

    /** A header naming a column twice would silently read one of the two: refused, naming the file. */
    static void requireUniqueNames(List<String> header, Path file) throws IOException {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String name : header) {
            if (!seen.add(name)) {
                throw new IOException(file + ": the header names column '" + name + "' twice");
            }
        }
    }

    static String toCsv(VectorSchemaRoot t) {
        return csvHeader(t) + csvRows(t);
    }

    static String csvHeader(VectorSchemaRoot t) {
        StringBuilder sb = new StringBuilder();
        List<FieldVector> cols = t.getFieldVectors();
        for (int c = 0; c < cols.size(); c++) {
            sb.append(c == 0 ? "" : ",").append(csvCell(cols.get(c).getName()));
        }
        return sb.append('\n').toString();
    }

    static String csvRows(VectorSchemaRoot t) {
        StringBuilder sb = new StringBuilder();
        List<FieldVector> cols = t.getFieldVectors();
        for (int r = 0; r < t.getRowCount(); r++) {
            for (int c = 0; c < cols.size(); c++) {
                Object v = cols.get(c).getObject(r);
                sb.append(c == 0 ? "" : ",").append(v == null ? "" : csvCell(v.toString()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String csvCell(String s) {
        return s.isEmpty() || s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String toJsonl(VectorSchemaRoot t) {
        Gson gson = new Gson();
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < t.getRowCount(); r++) {
            JsonObject o = new JsonObject();
            for (FieldVector v : t.getFieldVectors()) {
                if (v.isNull(r)) {
                    o.add(v.getName(), null);
                } else if (v instanceof VarCharVector s) {
                    o.addProperty(v.getName(), new String(s.get(r), StandardCharsets.UTF_8));
                } else if (v instanceof Float8Vector f) {
                    o.addProperty(v.getName(), f.get(r));
                } else {
                    Object value = v.getObject(r);
                    if (value instanceof Number n) {
                        o.addProperty(v.getName(), n);
                    } else {
                        o.addProperty(v.getName(), String.valueOf(value));
                    }
                }
            }
            sb.append(gson.toJson(o)).append('\n');
        }
        return sb.toString();
    }
}
