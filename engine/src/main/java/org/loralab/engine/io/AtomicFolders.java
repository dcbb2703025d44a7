package org.loralab.engine.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a whole folder so readers see either the old one or the complete new one: the body fills
 * a hidden sibling, which is then renamed into place. Replacing moves the old folder aside first
 * and deletes it only after the new one is in place. Only a folder that LoRA Lab wrote and that
 * holds nothing else is ever replaced (see {@link ReplaceableFolders}).
 */
public final class AtomicFolders {

    /** Fills the temporary folder. */
    @FunctionalInterface
    public interface Body {
        void writeInto(Path tmpDir) throws IOException;
    }

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
        Path tmp = parent.resolve("." + abs.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            body.writeInto(tmp);
            ReplaceableFolders.writeManifest(tmp);
            if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    move(tmp, abs);
                    return;
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    // another writer won the race; fall through to the replace rules
                }
            }
            requireWritable(abs, replace);
            Path old = parent.resolve("." + abs.getFileName() + ".old-" + UUID.randomUUID());
            move(abs, old);
            move(tmp, abs);
            deleteRecursively(old);
        } finally {
            if (Files.exists(tmp)) {
                deleteRecursively(tmp);
            }
        }
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
                    "already exists; choose another name or allow overwriting");
        }
        ReplaceableFolders.requireReplaceable(target);
        WritableProbe.probe(target, "." + target.getFileName() + ".old-" + UUID.randomUUID());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
