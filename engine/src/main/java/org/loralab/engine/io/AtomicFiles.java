package org.loralab.engine.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes files so a reader never sees a half-written one: temp sibling first, then rename. The
 * writer holds a file lock on its temp file while filling it; a temp of this naming left by a
 * writer that was killed (unlocked, untouched for {@link #staleTempMillis()}) is removed by the next
 * write into the same folder.
 */
public final class AtomicFiles {

    /** The body that fills the temporary file. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private AtomicFiles() {}

    /** Replaces only a regular file: never a folder, link target or device that happens to bear the name. */
    public static void write(Path target, Body body) throws IOException {
        PortableNames.requireAllowed(target);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileSystemException(target.toString(), null, "will not overwrite: it exists and is not a regular file");
        }
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // Not Files.createTempFile: it makes every file 0600 whatever the umask; CREATE_NEW on a unique name respects it.
        Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = new OutputFailures(Channels.newOutputStream(ch))) {
                ch.lock(); // tells another writer's cleanup that this temp is alive; closing the channel releases it
                body.writeTo(out);
            } catch (OutputFailure e) {
                throw naming(target, (IOException) e.getCause()); // the output failed (a full disk), not an input the body read
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        deleteStaleTemps(dir);
    }

    /** Our temp names: hidden, the target's name, an unsigned decimal number, ".tmp". */
    private static final Pattern TEMP = Pattern.compile("\\..+\\.[0-9]{1,20}\\.tmp");

    /** How long an unlocked temp must lie untouched before it counts as a killed writer's; {@code -Dloralab.staleTempMillis}. */
    static long staleTempMillis() {
        return Long.getLong("loralab.staleTempMillis", 15 * 60_000L);
    }

    /**
     * Removes the temps of killed writers in {@code dir}: regular files of our naming, untouched for
     * {@link #staleTempMillis()} and not locked (a live writer, in this process or another, holds its
     * lock until the rename). Best effort: a failure here never fails the write that triggered it.
     */
    static void deleteStaleTemps(Path dir) {
        long cutoff = System.currentTimeMillis() - staleTempMillis();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> TEMP.matcher(p.getFileName().toString()).matches()).toList()) {
                try {
                    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                            || Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() >= cutoff) {
                        continue;
                    }
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                            FileLock free = ch.tryLock()) {
                        if (free != null) {
                            Files.delete(p);
                        }
                    } catch (OverlappingFileLockException e) {
                        // a writer in this process holds it: alive
                    }
                } catch (IOException e) {
                    // gone meanwhile, or not ours to remove: leave it
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // the folder cannot be listed: nothing to clean
        }
    }

    /** A failure of the output stream itself, told apart from errors of what the body reads. */
    private static final class OutputFailure extends IOException {
        OutputFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final class OutputFailures extends java.io.FilterOutputStream {
        private interface Io {
            void run() throws IOException;
        }

        OutputFailures(OutputStream out) {
            super(out);
        }

        private static void marked(Io io) throws IOException {
            try {
                io.run();
            } catch (IOException e) {
                throw new OutputFailure(e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            marked(() -> out.write(b));
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            marked(() -> out.write(b, off, len));
        }

        @Override
        public void flush() throws IOException {
            marked(out::flush);
        }

        @Override
        public void close() throws IOException {
            marked(out::close);
        }
    }

    /**
     * A write that failed with a bare cause ("File too large", "No space left on device") says which
     * output it was writing; an error that already names a file is kept as it is.
     */
    static IOException naming(Path target, IOException e) {
        if (e instanceof FileSystemException || (e.getMessage() != null && e.getMessage().contains(target.toString()))) {
            return e;
        }
        return new IOException("could not write " + target + ": " + e.getMessage(), e);
    }

    /** The checks {@link #write} would fail on, made before long work: a regular file or nothing, in a writable folder. */
    public static void requireWritable(Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileSystemException(target.toString(), null, "will not overwrite: it exists and is not a regular file");
        }
        WritableProbe.probe(target, "." + target.getFileName() + "." + Math.abs(System.nanoTime()) % 10_000_000_000_000_000L + "0000.tmp");
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
