package org.loralab.engine.table;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;

/**
 * Lines of a text file as {@link java.io.BufferedReader#readLine} splits them (at \n, \r or \r\n),
 * except that a line longer than the limit is an error before more of it is buffered: a JSON Lines
 * file whose last line never ends would otherwise be read whole into one string.
 */
final class BoundedLines {

    private final Reader in;
    private final Path file;
    private final int maxChars;
    private final char[] buf = new char[8192];
    private int pos;
    private int end;
    private boolean skipLf; // the last line ended in \r: a \n right after it belongs to that end
    private long line;

    BoundedLines(Reader in, Path file, int maxChars) {
        this.in = in;
        this.file = file;
        this.maxChars = maxChars;
    }

    /** The number (from 1) of the line last returned. */
    long lineNumber() {
        return line;
    }

    /** The next line without its end, or null at the end of the file. */
    String next() throws IOException {
        StringBuilder sb = null;
        while (true) {
            if (pos >= end) {
                int n = in.read(buf, 0, buf.length);
                pos = 0;
                end = Math.max(n, 0);
                if (n < 0) {
                    if (sb == null) {
                        return null;
                    }
                    line++;
                    return sb.toString();
                }
                continue;
            }
            if (skipLf) {
                skipLf = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            int start = pos;
            while (pos < end && buf[pos] != '\n' && buf[pos] != '\r') {
                pos++;
            }
            if (sb == null) {
                sb = new StringBuilder();
            }
            if ((long) sb.length() + (pos - start) > maxChars) {
                throw RecordLimit.tooLong(file, "line " + (line + 1), maxChars, "a line that never ends?");
            }
            sb.append(buf, start, pos - start);
            if (pos < end) {
                skipLf = buf[pos] == '\r';
                pos++;
                line++;
                return sb.toString();
            }
        }
    }
}
