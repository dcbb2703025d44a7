package org.loralab.engine.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.loralab.engine.io.AtomicFolders;

/**
 * Turns a node's "base model" setting into a checked model folder. {@code demo} names the small
 * model shipped inside the engine jar, so that workflows and tests run with no download; it is
 * extracted once into a cache folder (atomically, so parallel nodes never see half a model).
 */
public final class BaseModelLocation {

    /** The setting that selects the shipped demo model. */
    public static final String DEMO = "demo";

    private BaseModelLocation() {
    }

    /**
     * @param setting a folder path, or {@code demo}
     * @param cacheDir where the demo model is extracted (its own sub-folder, reused on later calls)
     */
    public static Path resolve(String setting, Path cacheDir) throws IOException {
        if (setting == null || setting.isBlank()) {
            throw new IllegalArgumentException("no base model chosen: give a model folder (config.json, *.safetensors, "
                    + "tokenizer.json) or 'demo' for the small shipped model");
        }
        if (isDemo(setting)) {
            return shippedDemo(cacheDir);
        }
        Path dir = Path.of(setting.trim());
        requireModelFolder(dir);
        return dir;
    }

    /** Whether a setting names the shipped demo model ({@code demo}, any case, spaces ignored). */
    public static boolean isDemo(String setting) {
        return setting != null && DEMO.equals(setting.trim().toLowerCase(Locale.ROOT));
    }

    /** Throws naming each file a Hugging Face model folder lacks. */
    public static void requireModelFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "the base model folder does not exist");
        }
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            missing.add("config.json");
        }
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            missing.add("tokenizer.json");
        }
        try (Stream<Path> files = Files.list(dir)) {
            if (files.noneMatch(p -> p.getFileName().toString().endsWith(".safetensors"))) {
                missing.add("*.safetensors weights");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(dir + " is not a Hugging Face model folder: it has no " + String.join(", ", missing));
        }
    }

    /** Where the jar holds the demo base model (beside the demo that made it, by resource path only). */
    private static final String SHIPPED = "/org/loralab/engine/demo/base-model/";
    private static final String[] SHIPPED_FILES = {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
        "generation_config.json", "TRAINING.md"};

    /** Copies the base model shipped inside the jar into {@code dir}. */
    public static Path extractShippedModel(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : SHIPPED_FILES) {
            try (InputStream in = BaseModelLocation.class.getResourceAsStream(SHIPPED + f)) {
                if (in == null) {
                    throw new IOException("the demo base model is missing from this build (base-model/" + f + ")");
                }
                Files.copy(in, dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    private static Path shippedDemo(Path cacheDir) throws IOException {
        String hash = shippedHash();
        Path target = cacheDir.resolve("loralab-demo-base-model-" + hash);
        if (Files.isDirectory(target) && hash.equals(extractedHash(target))) {
            return target;
        }
        // absent, or damaged since: extract afresh, atomically (readers keep the old copy until the swap)
        try {
            if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                // our own cache, damaged: its content no longer matches what was written, so --overwrite's
                // content check would refuse it; it holds nothing but the shipped model, so it goes
                AtomicFolders.deleteRecursively(target);
            }
            AtomicFolders.write(target, false, BaseModelLocation::extractShippedModel);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // another node extracted it at the same moment: theirs is complete, since the swap is atomic
        }
        return target;
    }

    /** A short hash of a model folder's config and weights (single-file checkpoints), to name what was made from it. */
    public static String contentHash(Path dir) throws IOException {
        try (InputStream config = Files.newInputStream(dir.resolve("config.json"));
                InputStream weights = Files.newInputStream(dir.resolve("model.safetensors"))) {
            return hash(config, weights);
        }
    }

    /** The same short hash over an extracted copy, or null when its files are missing or unreadable. */
    private static String extractedHash(Path dir) {
        try (InputStream config = Files.newInputStream(dir.resolve("config.json"));
                InputStream weights = Files.newInputStream(dir.resolve("model.safetensors"))) {
            return hash(config, weights);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String hash(InputStream config, InputStream weights) throws IOException {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(config.readAllBytes());
        byte[] buf = new byte[1 << 16];
        for (int n; (n = weights.read(buf)) > 0;) {
            sha.update(buf, 0, n);
        }
        return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    }

    /** Short hash of the shipped config and weights, so a new build never reuses an older extraction. */
    private static String shippedHash() throws IOException {
        try (InputStream config = BaseModelLocation.class.getResourceAsStream(SHIPPED + "config.json");
                InputStream weights = BaseModelLocation.class.getResourceAsStream(SHIPPED + "model.safetensors")) {
            if (config == null || weights == null) {
                throw new IOException("the demo base model is missing from this build");
            }
            return hash(config, weights);
        }
    }
}
