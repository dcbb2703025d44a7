package org.loralab.engine.io;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a lock file, across the threads of this process (a lock per file) and
 * across processes (the file lock, which Java grants per process, not per thread).
 *
 * <p>The lock file is opened as a regular file only, never through a symbolic link (which would
 * create or truncate its target) and never a pipe or device (opening a FIFO for writing blocks for
 * ever). Waiting is bounded: the holder writes its pid, host and time into the file, and a writer
 * that waited too long says who holds it.
 */
public record CrossProcessLock(ReentrantLock local, FileChannel channel, FileLock lock) implements AutoCloseable {

    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    /** The lock is held only while a folder is swapped into place (seconds); waiting minutes means a stuck holder. */
    static long timeoutMillis() {
        return Long.getLong("loralab.lockTimeoutMillis", 300_000L);
    }

    /** Waits for the lock on {@code lockFile} (at most {@link #timeoutMillis()}), creating the file when absent. */
    public static CrossProcessLock acquire(Path lockFile) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis());
        ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new ReentrantLock());
        try {
            if (!local.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw timedOut(lockFile, "another job in this process (pid " + ProcessHandle.current().pid() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for " + lockFile);
        }
        try {
            FileChannel ch = openRegular(lockFile);
            try {
                FileLock lock = waitFor(ch, lockFile, deadline);
                recordHolder(ch);
                return new CrossProcessLock(local, ch, lock);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            local.unlock();
            throw e;
        }
    }

    /** Opens (creating) the lock file without following a link, and only when it is a regular file. */
    private static FileChannel openRegular(Path lockFile) throws IOException {
        Object before = requireRegularOrAbsent(lockFile);
        // READ as well: even if a FIFO were put there between the check and the open, O_RDWR does not block
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        try {
            Object after = requireRegularOrAbsent(lockFile);
            if (after == null || before != null && !Objects.equals(before, after)) {
                throw new FileSystemException(lockFile.toString(), null, "the lock file was replaced while being opened; try again");
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The file's key (device and inode) when it is a regular file, null when absent; throws for anything else. */
    private static Object requireRegularOrAbsent(Path lockFile) throws IOException {
        if (!Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        BasicFileAttributes a = Files.readAttributes(lockFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new FileSystemException(lockFile.toString(), null, "the lock file is "
                    + (a.isSymbolicLink() ? "a symbolic link" : a.isDirectory() ? "a folder" : "not a regular file (a pipe or device)")
                    + "; LoRA Lab will not use it: remove it and try again");
        }
        return a.fileKey() != null ? a.fileKey() : "regular";
    }

    private static FileLock waitFor(FileChannel ch, Path lockFile, long deadline) throws IOException {
        long sleep = 5;
        while (true) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held in this process through another channel (a path spelled differently)
            }
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw timedOut(lockFile, holder(ch));
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for " + lockFile);
            }
            sleep = Math.min(200, sleep * 2);
        }
    }

    /** Writes "pid N on HOST since TIME" into the lock file, for a writer that times out waiting. */
    private static void recordHolder(FileChannel ch) throws IOException {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = ManagementFactory.getRuntimeMXBean().getName();
        }
        byte[] text = ("pid " + ProcessHandle.current().pid() + " on " + host + " since " + Instant.now() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(text), 0);
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(512);
            ch.read(b, 0);
            String text = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "another process (it recorded no pid)" : text;
        } catch (IOException e) {
            return "another process";
        }
    }

    private static IOException timedOut(Path lockFile, String holder) {
        return new FileSystemException(lockFile.toString(), null, "still locked after " + timeoutMillis() / 1000
                + " s, held by " + holder + "; if that process is gone, delete the lock file and try again");
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            local.unlock();
        }
    }
}
