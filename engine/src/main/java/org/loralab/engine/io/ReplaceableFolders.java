package org.loralab.engine.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Decides whether an existing folder may be replaced by an overwrite: only a folder that LoRA Lab
 * wrote and that holds nothing else. Every folder written by {@link AtomicFolders} carries a
 * manifest of the files it wrote, each with its size and SHA-256; any file not in it, or whose
 * content differs from what was written (a base model, training data, a bank of other adapters, an
 * edited file), makes the folder irreplaceable.
 *
 * <p>Why content and not names: a manifest copied into another folder (with a model, say) lists
 * names that folder may well hold, but the hashes of the bytes LoRA Lab wrote cannot match files it
 * did not write, short of a SHA-256 collision. A folder copied whole stays replaceable, and rightly:
 * it holds exactly what LoRA Lab wrote, nothing a user made.
 */
public final class ReplaceableFolders {

    /** The manifest: a header line, then one line per file LoRA Lab wrote: SHA-256, size, relative path. */
    public static final String MANIFEST = ".loralab-written";
    /** First line of a manifest that records content; older manifests listed names only and are not trusted. */
    static final String HEADER = "# loralab-written 2: sha256 size path";

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
        // real paths: an alias through a symbolic link (of the folder or of a folder above it) is the same folder
        Path real = abs.toRealPath();
        for (String[] special : new String[][] {{"", "the working directory"}, {System.getProperty("user.home"), "the home directory"}}) {
            Path p = realOrNull(special[0]);
            if (p != null && (p.startsWith(real) || p.startsWith(abs) || p.startsWith(link))) {
                throw refuse(abs, "it is " + special[1] + " or holds it" + (p.startsWith(abs) ? "" : " (through a symbolic link)"));
            }
        }
        List<String> present = relativeFiles(abs);
        Path manifest = abs.resolve(MANIFEST);
        if (Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.size(manifest) > 1 << 20) {
                throw refuse(abs, MANIFEST + " is larger than 1 MB");
            }
            List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
            if (!lines.isEmpty() && HEADER.equals(lines.get(0))) {
                requireAsWritten(abs, present, lines);
                return;
            }
        }
        // No content manifest: a manifest of names only (an older LoRA Lab) proves nothing, as a copied one would
        // pass, so only the rule for folders written before any manifest applies.
        boolean namesOnly = Files.exists(manifest, LinkOption.NOFOLLOW_LINKS);
        boolean looksOurs = present.contains("loralab.json") || present.contains("trainer_state.json");
        for (String f : present) {
            if (!LEGACY_NAMES.contains(f) && !(namesOnly && f.equals(MANIFEST))) {
                throw refuse(abs, namesOnly ? "it holds '" + f + "', and its " + MANIFEST + " (from an older LoRA Lab) lists "
                        + "names, not content, so it cannot tell LoRA Lab's files from others; delete the folder yourself "
                        + "or choose another name"
                        : looksOurs ? "it holds '" + f + "', which LoRA Lab did not write there"
                        : "it is not a folder LoRA Lab wrote (it holds '" + f + "')");
            }
        }
        if (!looksOurs) {
            throw refuse(abs, "it is not a folder LoRA Lab wrote (no loralab.json)");
        }
    }

    /**
     * Every file present must be one the manifest lists, with the size and hash recorded. Names and
     * sizes are compared first, so a folder that is plainly not ours is refused without reading it.
     */
    private static void requireAsWritten(Path dir, List<String> present, List<String> lines) throws IOException {
        Map<String, String[]> written = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ", 3);
            if (f.length != 3 || !f[0].matches("[0-9a-f]{64}") || !f[1].matches("[0-9]{1,19}")) {
                throw refuse(dir, MANIFEST + " is damaged (line '" + line + "')");
            }
            written.put(f[2], f);
        }
        List<String> toHash = new ArrayList<>();
        for (String f : present) {
            if (f.equals(MANIFEST)) {
                continue;
            }
            String[] w = written.get(f);
            if (w == null) {
                throw refuse(dir, "it holds '" + f + "', which LoRA Lab did not write there");
            }
            if (Files.size(dir.resolve(f)) != Long.parseLong(w[1])) {
                throw refuse(dir, "'" + f + "' is not the file LoRA Lab wrote there (its size differs)");
            }
            toHash.add(f);
        }
        for (String f : toHash) {
            if (!sha256(dir.resolve(f)).equals(written.get(f)[0])) {
                throw refuse(dir, "'" + f + "' is not the file LoRA Lab wrote there (its content differs)");
            }
        }
    }

    /** Writes the manifest of everything now in {@code dir} (called on the finished temporary folder). */
    static void writeManifest(Path dir) throws IOException {
        List<String> files = new ArrayList<>(relativeFiles(dir));
        files.remove(MANIFEST);
        files.sort(null);
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        for (String f : files) {
            Path p = dir.resolve(f);
            lines.add(sha256(p) + " " + Files.size(p) + " " + f);
        }
        Files.write(dir.resolve(MANIFEST), lines, StandardCharsets.UTF_8);
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java platform has SHA-256
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static Path realOrNull(String path) {
        try {
            return path == null ? null : Path.of(path).toAbsolutePath().toRealPath();
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return null;
        }
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
