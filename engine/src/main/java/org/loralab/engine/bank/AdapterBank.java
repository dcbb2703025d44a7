package org.loralab.engine.bank;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.loralab.engine.io.AtomicFolders;
import org.loralab.engine.io.CrossProcessLock;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.AdapterWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.progress.ProgressListener;

/**
 * A folder of PEFT adapters, one sub-folder each, with optional loralab.json sidecars. Reading
 * lists every adapter (invalid ones with their reason, never stopping at the first); writing adds
 * adapters atomically under portable, unique names, serialised across processes by a lock file.
 */
public final class AdapterBank {

    /** Portable file names: letters, digits, dot, dash, underscore; not hidden; at most 100 characters. */
    private static final Pattern PORTABLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Set<String> RESERVED = Set.of("con", "prn", "aux", "nul", "com1", "com2", "com3", "lpt1", "lpt2", "lpt3");
    private static final String LOCK = ".loralab-bank.lock";

    private final Path dir;

    public AdapterBank(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Lists every adapter folder (hidden and temporary folders skipped), sorted by name.
     *
     * @param base the base model to check compatibility against, or null to skip the check
     */
    public List<BankEntry> read(ModelConfig base, ProgressListener progress) throws IOException {
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "the adapter bank folder does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir + ": the adapter bank must be a folder");
        }
        List<Path> folders = adapterFolders();
        List<BankEntry> entries = new ArrayList<>();
        for (int i = 0; i < folders.size(); i++) {
            progress.checkCancelled();
            entries.add(AdapterInspector.inspect(folders.get(i), base));
            progress.onProgress(i + 1, folders.size(), "read " + folders.get(i).getFileName());
        }
        return entries;
    }

    /**
     * The metric names recorded in the bank's loralab.json files, read without opening any weights
     * (a quick header scan for declaring the listing's columns); unreadable files are skipped.
     */
    public Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try {
            for (Path folder : adapterFolders()) {
                try {
                    AdapterMetadata meta = AdapterMetadata.load(folder);
                    if (meta != null && meta.metrics != null) {
                        names.addAll(meta.metrics.keySet());
                    }
                } catch (IOException | RuntimeException e) {
                    // the listing reports it as an invalid row; the columns need not wait for it
                }
            }
        } catch (IOException e) {
            // no columns beyond the standard ones
        }
        return names;
    }

    /** The bank's adapter folders, sorted by name: hidden ones (versions, temporary folders of writers at work) skipped. */
    private List<Path> adapterFolders() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
    }

    /** Reads one adapter folder as a bank entry (see {@link #read}); never loads tensor data. */
    public static BankEntry inspect(Path adapterDir, ModelConfig base) {
        return AdapterInspector.inspect(adapterDir, base);
    }

    /** Checks that {@code name} is a safe, portable folder name; throws with the rule it breaks. */
    public static void requireValidName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an adapter name must not be empty");
        }
        if (name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("adapter name '" + name + "' would leave the bank folder");
        }
        if (!PORTABLE.matcher(name).matches()) {
            throw new IllegalArgumentException("adapter name '" + name + "' is not a portable file name: use letters, "
                    + "digits, '.', '-' and '_', starting with a letter or digit, at most 100 characters");
        }
        String stem = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        if (RESERVED.contains(stem.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("adapter name '" + name + "' is reserved on Windows");
        }
    }

    /** {@code base} if free, else base-2, base-3, … */
    public String uniqueName(String base) {
        requireValidName(base);
        String name = base;
        for (int i = 2; Files.exists(dir.resolve(name)); i++) {
            name = base + "-" + i;
        }
        return name;
    }

    /** Writes {@code adapter} into the bank as {@code name}; an existing one is replaced only with {@code overwrite}. */
    public Path add(String name, LoraAdapter adapter, AdapterMetadata metadata, boolean overwrite) throws IOException {
        Path target = resolve(name);
        if (metadata != null) {
            metadata.name = name;
        }
        try (CrossProcessLock l = lock()) {
            AdapterWriter.write(adapter, metadata, target, overwrite);
        }
        return target;
    }

    /** Copies an adapter folder (e.g. a training output) into the bank as {@code name}. */
    public Path addCopy(String name, Path adapterDir, boolean overwrite) throws IOException {
        Path target = resolve(name);
        try (CrossProcessLock l = lock()) {
            AtomicFolders.write(target, overwrite, tmp -> {
                try (Stream<Path> files = Files.list(adapterDir)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        Files.copy(f, tmp.resolve(f.getFileName()));
                    }
                }
            });
        }
        return target;
    }

    private Path resolve(String name) throws IOException {
        requireValidName(name);
        Files.createDirectories(dir);
        Path target = dir.resolve(name).normalize();
        if (!target.getParent().equals(dir.normalize())) {
            throw new IllegalArgumentException("adapter name '" + name + "' would leave the bank folder");
        }
        return target;
    }

    /** An exclusive lock on the bank, across threads and processes, held while a folder is renamed in. */
    private CrossProcessLock lock() throws IOException {
        return CrossProcessLock.acquire(dir.resolve(LOCK));
    }
}
