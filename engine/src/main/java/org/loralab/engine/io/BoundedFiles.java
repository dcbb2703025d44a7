package org.loralab.engine.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads input files defensively: only regular files (a FIFO or device named like a config would
 * block or never end), and only up to a size limit (a link to /dev/zero or a huge file must not
 * exhaust the heap). Errors name the file and the cause.
 */
public final class BoundedFiles {

    /** Small JSON configs: adapter_config.json, generation_config.json. */
    public static final long CONFIG_LIMIT = 16L << 20;
    /** Larger JSON: tokenizer_config.json with its added tokens, shard indexes, sidecars, trainer state. */
    public static final long LARGE_JSON_LIMIT = 256L << 20;

    private BoundedFiles() {
    }

    /** Throws unless {@code file} is an existing regular file (links to one are fine). */
    public static void requireRegularFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": not a regular file (a folder, pipe or device); refused");
        }
    }

    /** The UTF-8 text of {@code file}, refusing anything but a regular file of at most {@code maxBytes}. */
    public static String readText(Path file, long maxBytes) throws IOException {
        requireRegularFile(file);
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new IOException(file + ": is " + size + " bytes, more than the " + maxBytes + " allowed for this file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new IOException(file + ": grew beyond the " + maxBytes + " bytes allowed for this file while being read");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
