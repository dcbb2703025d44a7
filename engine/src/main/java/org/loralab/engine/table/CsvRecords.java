package org.loralab.engine.table;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * CSV records (RFC 4180) read one at a time from a stream, so a table never has to be in memory
 * whole: quoted cells may hold commas, newlines and doubled quotes; an empty cell is null unless it
 * was quoted. Blank lines at the end (an editor's extra newline) are no rows, as in Python's csv
 * module; a blank line followed by more data is a row of one empty cell, as before.
 */
final class CsvRecords {

    private final Reader in;
    private final Path file;
    private final Deque<List<String>> ready = new ArrayDeque<>();
    private int blanksHeld; // blank lines after the header, held until we know whether data follows
    private int lookahead = -2; // -2: nothing read ahead
    private boolean first = true;
    private long recordsRead;
    private final int maxChars;
    private long line = 1; // the line of the next character consumed
    private int previous = -1; // the character consumed last: \r\n ends one line, not two

    /** At most {@code maxChars} characters per record: an unclosed quote fails there, not in an OutOfMemoryError. */
    CsvRecords(Reader in, Path file, int maxChars) {
        this.in = in;
        this.file = file;
        this.maxChars = maxChars;
    }

    /** Records handed out so far (the header included). */
    long recordsRead() {
        return recordsRead;
    }

    /** The next record, or null at the end. */
    List<String> next() throws IOException {
        while (ready.isEmpty()) {
            List<String> rec = parse();
            if (rec == null) {
                return null; // blank lines still held were trailing ones
            }
            boolean blank = rec.size() == 1 && rec.get(0) == null;
            if (blank && recordsRead > 0) {
                blanksHeld++;
                continue;
            }
            for (; blanksHeld > 0; blanksHeld--) {
                List<String> empty = new ArrayList<>();
                empty.add(null);
                ready.add(empty);
            }
            ready.add(rec);
        }
        recordsRead++;
        return ready.poll();
    }

    /** The next character, consumed: lines are counted here, so a lookahead does not count early. */
    private int read() throws IOException {
        int c = readAhead();
        if (c == '\r' || c == '\n' && previous != '\r') {
            line++;
        }
        previous = c;
        return c;
    }

    private int readAhead() throws IOException {
        if (lookahead != -2) {
            int c = lookahead;
            lookahead = -2;
            return c;
        }
        int c = in.read();
        if (first) {
            first = false;
            if (c == '\uFEFF') {
                c = in.read();
            }
        }
        return c;
    }

    private int peek() throws IOException {
        if (lookahead == -2) {
            lookahead = readAhead();
        }
        return lookahead;
    }

    /** One physical record, or null at the end of the input. */
    private List<String> parse() throws IOException {
        long startLine = line;
        int ch = read();
        if (ch == -1) {
            return null;
        }
        List<String> rec = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        int chars = 0; // what the record has taken in: its cells and separators, not its line end
        for (; ch != -1; ch = read()) {
            boolean ends = !quoted && (ch == '\n' || ch == '\r');
            if (!ends && ++chars > maxChars) {
                throw RecordLimit.tooLong(file, "the record starting on line " + startLine, maxChars,
                        quoted ? "an unclosed quote?" : "a line that never ends?");
            }
            if (quoted) {
                if (ch == '"') {
                    if (peek() == '"') {
                        read();
                        cell.append('"');
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append((char) ch);
                }
            } else if (ch == '"') {
                quoted = true;
                wasQuoted = true;
            } else if (ch == ',') {
                rec.add(cellValue(cell, wasQuoted));
                cell.setLength(0);
                wasQuoted = false;
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && peek() == '\n') {
                    read();
                }
                rec.add(cellValue(cell, wasQuoted));
                return rec;
            } else {
                cell.append((char) ch);
            }
        }
        if (quoted) {
            throw new IOException(file + ": a quoted cell is never closed (the record starting on line " + startLine + ")");
        }
        rec.add(cellValue(cell, wasQuoted));
        return rec;
    }

    private static String cellValue(StringBuilder cell, boolean wasQuoted) {
        return cell.length() == 0 && !wasQuoted ? null : cell.toString();
    }
}
