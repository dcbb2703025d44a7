package org.loralab.engine.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Decides whether an existing folder may be replaced by an overwrite: only a folder that LoRA Lab
 * wrote and that holds nothing else. Every folder written by {@link AtomicFolders} carries a
 * manifest of the files it wrote; anything not in it (a base model, training data, a bank of other
 * adapters, the working directory) makes the folder irreplaceable.
 */
public final class ReplaceableFolders {

    /** The manifest: one relative path per line, the files LoRA Lab wrote into the folder. */
    public static final String MANIFEST = ".loralab-written";

    /** Adapters and checkpoints written before the manifest existed hold only these names. */
    private static final Set<String> LEGACY_NAMES = Set.of("adapter_config.json", "adapter_model.safetensors", "loralab.json",
            "loralab_filter.safetensors", "README.md", "trainer_state.json", "optimizer.safetensors", "best_weights.safetensors");

    private ReplaceableFolders() {
    }

    /** Throws, naming the folder and the reason, unless {@code target} may be replaced. */
    public static void requireReplaceable(Path target) throws IOException {
        for (int attempt = 0;; attempt++) {
            try {
                check(target);
                return;
            } catch (VanishedException | java.nio.file.NoSuchFileException | java.io.UncheckedIOException e) {
                // another writer swapped the folder and removed an old version while we looked: look again
                if (attempt == 5) {
                    throw new FileSystemException(target.toString(), null, "changed while being checked; try again");
                }
            }
        }
    }

    /** A file was there when listed and gone when looked at. */
    private static final class VanishedException extends IOException {
        private static final long serialVersionUID = 1L;
    }

    private static void check(Path target) throws IOException {
        Path link = target.toAbsolutePath().normalize();
        Path abs = link;
        if (Files.isSymbolicLink(link)) {
            abs = AtomicFolders.versionBehind(link); // our own pointer to the current version is fine
            if (abs == null) {
                throw refuse(link, "it is a symbolic link");
            }
        }
        if (!Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
            throw refuse(abs, "it is not a folder LoRA Lab wrote");
        }
        Path cwd = Path.of("").toAbsolutePath().normalize();
        if (cwd.startsWith(abs) || cwd.startsWith(link)) {
            throw refuse(abs, "it is the working directory or holds it");
        }
        List<String> present = relativeFiles(abs);
        Path manifest = abs.resolve(MANIFEST);
        if (Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.size(manifest) > 1 << 20) {
                throw refuse(abs, MANIFEST + " is larger than 1 MB");
            }
            Set<String> written = new HashSet<>(Files.readAllLines(manifest, StandardCharsets.UTF_8));
            written.add(MANIFEST);
            for (String f : present) {
                if (!written.contains(f)) {
                    throw refuse(abs, "it holds '" + f + "', which LoRA Lab did not write there");
                }
            }
            return;
        }
        boolean looksOurs = present.contains("loralab.json") || present.contains("trainer_state.json");
        for (String f : present) {
            if (!LEGACY_NAMES.contains(f)) {
                throw refuse(abs, looksOurs ? "it holds '" + f + "', which LoRA Lab did not write there"
                        : "it is not a folder LoRA Lab wrote (it holds '" + f + "')");
            }
        }
        if (!looksOurs) {
            throw refuse(abs, "it is not a folder LoRA Lab wrote (no loralab.json)");
        }
    }

    /** Writes the manifest of everything now in {@code dir} (called on the finished temporary folder). */
    static void writeManifest(Path dir) throws IOException {
        List<String> files = new ArrayList<>(relativeFiles(dir));
        files.remove(MANIFEST);
        files.sort(null);
        Files.write(dir.resolve(MANIFEST), files, StandardCharsets.UTF_8);
    }

    /** Regular files under {@code dir}, relative, '/'-separated; anything else (links, pipes) is refused. */
    private static List<String> relativeFiles(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                if (p.equals(dir) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new VanishedException();
                }
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw refuse(dir, "it holds '" + rel + "', which is not a regular file");
                }
                out.add(rel);
            }
        }
        return out;
    }

    private static FileSystemException refuse(Path dir, String why) {
        return new FileSystemException(dir.toString(), null, "will not overwrite: " + why);
    }
}
