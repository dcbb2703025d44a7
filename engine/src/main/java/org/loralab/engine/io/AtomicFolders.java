package org.loralab.engine.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
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
 * link just before a swap still reads a complete folder; later writes delete it.
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
                requireWritable(abs, replace); // again: another writer may have been first
                Path version = parent.resolve("." + name + VERSION + UUID.randomUUID());
                move(tmp, version);
                Path old = null;
                if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && versionBehind(abs) == null) {
                    // a plain folder (written before this design, or where links are unavailable): moved aside, a brief gap
                    old = parent.resolve("." + name + ".old-" + UUID.randomUUID());
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
        try (Stream<Path> s = Files.list(target.getParent())) {
            for (Path v : s.filter(p -> isOwn(p.getFileName().toString(), prefix) && !p.equals(current)).toList()) {
                if (current == null || modified(v) < cutoff) {
                    deleteRecursively(v);
                }
            }
        }
        deleteLeftoversOfKilledWriters(target);
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
                if (isOwn(n, name + ".link-") || isOwn(n, name + ".old-") || isOwn(n, name + ".tmp-") && modified(p) < dayAgo) {
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
