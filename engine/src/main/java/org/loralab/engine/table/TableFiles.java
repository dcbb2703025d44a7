package org.loralab.engine.table;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    private enum Format { ARROW, CSV, JSONL }

    private static Format format(Path file) {
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
        Format format = format(file);
        if (!Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "the table file does not exist");
        }
        org.loralab.engine.io.BoundedFiles.requireRegularFile(file); // a FIFO named *.csv would block for ever
        return switch (format) {
            case ARROW -> ArrowFiles.read(file, allocator);
            case CSV -> readCsv(file, allocator);
            case JSONL -> readJsonl(file, allocator);
        };
    }

    public static void write(Path file, VectorSchemaRoot table) throws IOException {
        switch (format(file)) {
            case ARROW -> ArrowFiles.write(file, table);
            case CSV -> AtomicFiles.writeString(file, toCsv(table));
            case JSONL -> AtomicFiles.writeString(file, toJsonl(table));
        }
    }

    static VectorSchemaRoot readCsv(Path file, BufferAllocator allocator) throws IOException {
        List<List<String>> records = parseCsv(Files.readString(file, StandardCharsets.UTF_8), file);
        if (records.isEmpty()) {
            throw new IOException(file + ": the CSV file is empty (a header row is required)");
        }
        List<String> header = records.get(0);
        requireUniqueNames(header, file);
        TableBuilder b = new TableBuilder(allocator);
        for (int c = 0; c < header.size(); c++) {
            List<String> col = new ArrayList<>();
            for (int r = 1; r < records.size(); r++) {
                List<String> rec = records.get(r);
                if (rec.size() != header.size()) {
                    throw new IOException(file + ": row " + (r - 1) + " has " + rec.size() + " cells, the header " + header.size());
                }
                col.add(rec.get(c));
            }
            b.strings(header.get(c) == null ? "" : header.get(c), col);
        }
        return b.build();
    }

    /**
     * RFC 4180: quoted cells may hold commas, newlines and doubled quotes. An empty cell is null
     * unless it was quoted.
     */
    static List<List<String>> parseCsv(String text, Path file) throws IOException {
        List<List<String>> records = new ArrayList<>();
        List<String> rec = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        boolean any = false;
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            any = true;
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
                wasQuoted = true;
            } else if (ch == ',') {
                rec.add(cellValue(cell, wasQuoted));
                cell.setLength(0);
                wasQuoted = false;
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                rec.add(cellValue(cell, wasQuoted));
                cell.setLength(0);
                wasQuoted = false;
                records.add(rec);
                rec = new ArrayList<>();
                any = false;
            } else {
                cell.append(ch);
            }
        }
        if (quoted) {
            throw new IOException(file + ": a quoted cell is never closed");
        }
        if (any) {
            rec.add(cellValue(cell, wasQuoted));
            records.add(rec);
        }
        // a blank line at the end (an editor's extra newline) is no row, as in Python's csv module
        while (records.size() > 1 && isBlankLine(records.get(records.size() - 1))) {
            records.remove(records.size() - 1);
        }
        return records;
    }

    /** A line with nothing on it: one unquoted empty cell (a quoted "" is a row holding an empty string). */
    private static boolean isBlankLine(List<String> record) {
        return record.size() == 1 && record.get(0) == null;
    }

    private static String cellValue(StringBuilder cell, boolean wasQuoted) {
        return cell.length() == 0 && !wasQuoted ? null : cell.toString();
    }

    static VectorSchemaRoot readJsonl(Path file, BufferAllocator allocator) throws IOException {
        List<JsonObject> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                rows.add(JsonParser.parseString(lines.get(i)).getAsJsonObject());
            } catch (RuntimeException e) {
                throw new IOException(file + ": line " + (i + 1) + " is not a JSON object (" + e.getMessage() + ")", e);
            }
        }
        Map<String, Boolean> numeric = new LinkedHashMap<>();
        for (JsonObject o : rows) {
            for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                boolean isNumber = e.getValue().isJsonPrimitive() && e.getValue().getAsJsonPrimitive().isNumber();
                numeric.merge(e.getKey(), isNumber || e.getValue().isJsonNull(), (a, b) -> a && b);
            }
        }
        TableBuilder b = new TableBuilder(allocator);
        for (Map.Entry<String, Boolean> c : numeric.entrySet()) {
            String key = c.getKey();
            if (c.getValue() && rows.stream().anyMatch(o -> beyondDoubles(o.get(key)))) {
                // whole numbers past 2^53 (ids) would change as doubles: kept exactly, as their digits
                b.strings(key, rows.stream().map(o -> !o.has(key) || o.get(key).isJsonNull() ? null : o.get(key).getAsString()).toList());
            } else if (c.getValue()) {
                b.doubles(key, rows.stream().mapToDouble(o -> o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsDouble() : Double.NaN).toArray());
            } else {
                b.strings(key, rows.stream().map(o -> !o.has(key) || o.get(key).isJsonNull() ? null
                        : o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : o.get(key).toString()).toList());
            }
        }
        return b.build();
    }

    /** Whether a JSON number is a whole number that a double cannot hold exactly (beyond 2^53). */
    private static boolean beyondDoubles(JsonElement e) {
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
    private static void requireUniqueNames(List<String> header, Path file) throws IOException {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String name : header) {
            if (!seen.add(name)) {
                throw new IOException(file + ": the header names column '" + name + "' twice");
            }
        }
    }

    static String toCsv(VectorSchemaRoot t) {
        StringBuilder sb = new StringBuilder();
        List<FieldVector> cols = t.getFieldVectors();
        for (int c = 0; c < cols.size(); c++) {
            sb.append(c == 0 ? "" : ",").append(csvCell(cols.get(c).getName()));
        }
        sb.append('\n');
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
