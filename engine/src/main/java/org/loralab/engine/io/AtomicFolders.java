package org.loralab.engine.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a whole folder so that readers, in this process or any other, always see either the
 * complete old folder or the complete new one, never a gap or half of one.
 *
 * <p>Design: {@code target} is a symbolic link to a hidden versioned sibling
 * ({@code .target.v-<uuid>}). The body fills a hidden temporary sibling; then, holding a lock that
 * writers of the same target share across threads and processes ({@code .target.lock}), the
 * temporary folder becomes a version and one atomic rename points {@code target} at it. A
 * superseded version stays on disk for a grace period (a minute), so a reader that resolved the
 * link just before a swap still reads a complete folder; later writes delete it, and so does this
 * process once the grace period is over (a burst of writes followed by none used to leave one
 * version per write on disk for ever).
 *
 * <p>A plain folder (from before this design, or where links are unavailable) is set aside as
 * {@code .target.old-<uuid>} while the new one takes its place; if the process is killed in that
 * moment, the next write, or {@link #recoverInterrupted}, puts the complete old folder back and
 * says so, rather than deleting it as a leftover.
 * Where the file system has no symbolic links (Windows without the privilege), the folder is
 * renamed into place as before: still complete, but a replacement leaves a brief gap.
 *
 * <p>Only a folder that LoRA Lab wrote and that holds nothing else is ever replaced (see
 * {@link ReplaceableFolders}).
 */
public final class AtomicFolders {

    /** Fills the temporary folder. */
    @FunctionalInterface
    public interface Body {
        void writeInto(Path tmpDir) throws IOException;
    }

    private static final String VERSION = ".v-";
    private static final String OLD = ".old-";
    /** Targets with a cleanup scheduled in this process, so a burst of writes schedules one, not one per write. */
    private static final Set<Path> CLEANUP_PENDING = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService CLEANER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loralab-version-cleanup");
        t.setDaemon(true);
        return t;
    });

    private AtomicFolders() {
    }

    /**
     * @param replace replace an existing folder; without it an existing target is an error
     * @throws FileAlreadyExistsException when the target exists and {@code replace} is false
     */
    public static void write(Path target, boolean replace, Body body) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null || abs.getFileName() == null) {
            throw new IllegalArgumentException(target + ": cannot write a folder there (it is a file-system root)");
        }
        // Refuse before the work, not after it: an existing target must be replaceable.
        requireWritable(abs, replace);
        Path checkedVersion = versionBehind(abs);
        Files.createDirectories(parent);
        String name = abs.getFileName().toString();
        Path tmp = parent.resolve("." + name + ".tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            try {
                body.writeInto(tmp);
                ReplaceableFolders.writeManifest(tmp);
            } catch (IOException e) {
                throw AtomicFiles.naming(target, e);
            }
            try (CrossProcessLock lock = CrossProcessLock.acquire(parent.resolve("." + name + ".lock"))) {
                restoreSetAside(abs);
                // again, as another writer may have been first; a version is never changed once written, so the same
                // version need not be read (hashed) again, which would hold the lock for as long as that takes
                if (checkedVersion == null || !checkedVersion.equals(versionBehind(abs))) {
                    requireWritable(abs, replace);
                }
                Path version = parent.resolve("." + name + VERSION + UUID.randomUUID());
                move(tmp, version);
                Path old = null;
                if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && versionBehind(abs) == null) {
                    // a plain folder (written before this design, or where links are unavailable): moved aside, a brief gap
                    old = parent.resolve("." + name + OLD + UUID.randomUUID());
                    move(abs, old);
                }
                if (!pointTo(abs, version)) {
                    move(version, abs); // no symbolic links here: a plain folder renamed into place
                }
                if (old != null) {
                    deleteRecursively(old);
                }
                deleteStaleVersions(abs);
            }
        } finally {
            if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
                deleteRecursively(tmp);
            }
        }
    }

    /**
     * Puts back a plain folder that a killed writer had set aside while replacing it (the target is
     * gone and its complete old copy lies beside it as {@code .target.old-<uuid>}).
     *
     * @return what was done, for the caller to tell the user; null when nothing was interrupted
     */
    public static String recoverInterrupted(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (abs.getParent() == null || Files.exists(abs, LinkOption.NOFOLLOW_LINKS) || !Files.isDirectory(abs.getParent())) {
            return null;
        }
        String prefix = "." + abs.getFileName() + OLD;
        try (Stream<Path> s = Files.list(abs.getParent())) {
            if (s.noneMatch(p -> isOwn(p.getFileName().toString(), prefix))) {
                return null; // nothing set aside: no lock needed (the folder may be read-only)
            }
        }
        try (CrossProcessLock lock = CrossProcessLock.acquire(abs.resolveSibling("." + abs.getFileName() + ".lock"))) {
            return restoreSetAside(abs);
        }
    }

    /** Under the lock: moves the newest set-aside old copy back when the target is missing. */
    private static String restoreSetAside(Path abs) throws IOException {
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            return null; // the swap finished; a set-aside copy left beside it is a leftover the cleanup removes
        }
        String prefix = "." + abs.getFileName() + OLD;
        Path newest = null;
        try (Stream<Path> s = Files.list(abs.getParent())) {
            for (Path p : s.filter(p -> isOwn(p.getFileName().toString(), prefix)).toList()) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && (newest == null || modified(p) > modified(newest))) {
                    newest = p;
                }
            }
        }
        if (newest == null) {
            return null;
        }
        move(newest, abs);
        String message = abs + ": a replacement of this folder was interrupted (the process was killed); its complete "
                + "previous content was restored from " + newest.getFileName();
        System.err.println("LoRA Lab: " + message);
        return message;
    }

    /**
     * Makes {@code target} a plain folder if it is one of our version links: for a folder that
     * travels as it is (a KNIME workflow's file store, which KNIME copies and exports), where a
     * link to a hidden sibling may not survive and no other writer or reader shares the place.
     */
    public static void makePlain(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path version = versionBehind(abs);
        if (version == null) {
            return;
        }
        Files.delete(abs);
        move(version, abs);
        Files.deleteIfExists(abs.resolveSibling("." + abs.getFileName() + ".lock"));
    }

    /**
     * The folder a reader should open to see one consistent version: the current version behind
     * {@code dir}'s link (read every file through it, and a concurrent replacement cannot mix two
     * versions), or {@code dir} itself when it is no link.
     */
    public static Path resolveForReading(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            recoverInterrupted(dir); // a killed replacement leaves the complete old copy beside it: read that, not nothing
        }
        return Files.isSymbolicLink(dir) ? dir.toRealPath() : dir;
    }

    /**
     * The check {@link #write} makes, for callers to make before long work: throws unless
     * {@code target} is absent, or {@code replace} is set and the folder may be replaced.
     */
    public static void requireWritable(Path target, boolean replace) throws IOException {
        target = target.toAbsolutePath().normalize();
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            WritableProbe.probe(target, "." + target.getFileName() + ".tmp-" + UUID.randomUUID());
            return;
        }
        if (!replace) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "already exists; choose another name or allow replacing it (--overwrite on the command line, "
                    + "'Replace an existing adapter folder' in the node)");
        }
        ReplaceableFolders.requireReplaceable(target);
        WritableProbe.probe(target, "." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    }

    /** Whether {@code link} names one of our version pointers (a link to a hidden versioned sibling). */
    static Path versionBehind(Path link) throws IOException {
        if (!Files.isSymbolicLink(link)) {
            return null;
        }
        Path to = Files.readSymbolicLink(link);
        String expected = "." + link.getFileName() + VERSION;
        if (to.getNameCount() != 1 || !isOwn(to.toString(), expected)) {
            return null;
        }
        return link.resolveSibling(to);
    }

    /** Atomically points {@code target} (absent or our link) at {@code version}; false where links are unavailable. */
    private static boolean pointTo(Path target, Path version) throws IOException {
        Path tmpLink = target.resolveSibling("." + target.getFileName() + ".link-" + UUID.randomUUID());
        try {
            Files.createSymbolicLink(tmpLink, version.getFileName());
        } catch (UnsupportedOperationException | IOException e) {
            return false;
        }
        Path previous = versionBehind(target);
        try {
            Files.move(tmpLink, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmpLink);
        }
        if (previous != null && Files.isDirectory(previous, LinkOption.NOFOLLOW_LINKS)) {
            // its time stamp now says when it was superseded, which starts its grace period
            Files.setLastModifiedTime(previous, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        }
        return true;
    }

    /**
     * Deletes the versions of {@code target} superseded longer ago than the grace period: a reader
     * that resolved the link just before a swap has that long to open its files.
     */
    private static void deleteStaleVersions(Path target) throws IOException {
        Path current = versionBehind(target);
        String prefix = "." + target.getFileName() + VERSION;
        long cutoff = System.currentTimeMillis() - graceMillis();
        long youngest = Long.MIN_VALUE;
        try (Stream<Path> s = Files.list(target.getParent())) {
            for (Path v : s.filter(p -> isOwn(p.getFileName().toString(), prefix) && !p.equals(current)).toList()) {
                if (current == null || modified(v) < cutoff) {
                    deleteRecursively(v);
                } else {
                    youngest = Math.max(youngest, modified(v));
                }
            }
        }
        if (youngest != Long.MIN_VALUE) {
            scheduleCleanup(target, youngest + graceMillis() - System.currentTimeMillis());
        }
        deleteLeftoversOfKilledWriters(target);
    }

    /**
     * Runs the cleanup again, under the lock, once the versions still in their grace period have
     * expired; without it they would wait for the next write, which may never come.
     */
    private static void scheduleCleanup(Path target, long delayMillis) {
        if (!CLEANUP_PENDING.add(target)) {
            return;
        }
        CLEANER.schedule(() -> {
            CLEANUP_PENDING.remove(target);
            Path lockFile = target.resolveSibling("." + target.getFileName() + ".lock");
            try {
                if (versionBehind(target) == null) {
                    return; // deleted, or made plain (a KNIME file store): no lock file is to appear there now
                }
            } catch (IOException e) {
                return;
            }
            try (CrossProcessLock lock = CrossProcessLock.acquire(lockFile)) {
                deleteStaleVersions(target);
            } catch (IOException | RuntimeException e) {
                // best effort: the next write cleans up too
            }
        }, Math.max(0, delayMillis) + 100, TimeUnit.MILLISECONDS);
    }

    /**
     * Links and set-aside folders are made only under the lock, so any found now belong to a writer
     * that was killed; a temporary folder untouched for a day is one whose writer died too.
     */
    private static void deleteLeftoversOfKilledWriters(Path target) throws IOException {
        String name = "." + target.getFileName();
        long dayAgo = System.currentTimeMillis() - 24L * 3600 * 1000;
        try (Stream<Path> s = Files.list(target.getParent())) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (isOwn(n, name + ".link-") || isOwn(n, name + OLD) || isOwn(n, name + ".tmp-") && modified(p) < dayAgo) {
                    deleteRecursively(p);
                }
            }
        }
    }

    /** How long a superseded version stays readable; {@code -Dloralab.atomicGraceMillis} shortens it in tests. */
    static long graceMillis() {
        return Long.getLong("loralab.atomicGraceMillis", 60_000L);
    }

    /** {@code prefix} plus a UUID and nothing more: the folder "a.v-b" has its own versions, never "a"'s. */
    private static boolean isOwn(String fileName, String prefix) {
        return fileName.startsWith(prefix) && UUID_TEXT.matcher(fileName.substring(prefix.length())).matches();
    }

    private static final java.util.regex.Pattern UUID_TEXT = java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Deletes a folder and, when it is one of our version links, the versions behind it. */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path version = versionBehind(dir);
        if (Files.isSymbolicLink(dir)) {
            Files.delete(dir);
            if (version != null) {
                String prefix = "." + dir.getFileName() + VERSION;
                try (Stream<Path> s = Files.list(dir.toAbsolutePath().getParent())) {
                    for (Path v : s.filter(p -> isOwn(p.getFileName().toString(), prefix)).toList()) {
                        deleteRecursively(v);
                    }
                }
            }
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
