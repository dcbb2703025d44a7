package org.loralab.engine.table;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The most characters one CSV record or one JSON line may hold before the reader stops buffering
 * it. A truncated file (a quote never closed, a last line never ended) would otherwise put the
 * rest of the file into one cell and end in an OutOfMemoryError. Documents are cut to under 1 Mi
 * characters before tokenizing, so the default of 64 Mi leaves real rows far inside it while one
 * record's buffer (at most about 150 MB of heap) still fits a default heap.
 */
final class RecordLimit {

    static final String PROPERTY = "loralab.table.maxRecordChars";
    static final int DEFAULT = 64 << 20;

    private RecordLimit() {
    }

    /** The limit in force now: the system property {@value #PROPERTY}, or {@link #DEFAULT}. */
    static int maxChars() {
        String v = System.getProperty(PROPERTY);
        if (v == null) {
            return DEFAULT;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("system property " + PROPERTY + "=" + v + " is not a positive whole number of characters");
    }

    /** The error for a record past the limit: the file, where the record starts, the limit and the likely cause. */
    static IOException tooLong(Path file, String record, int limit, String likelyCause) {
        return new IOException(file + ": " + record + " holds more than " + limit + " characters, the most one record may hold"
                + " (system property " + PROPERTY + "); " + likelyCause);
    }
}
