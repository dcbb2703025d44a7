package org.loralab.engine.summarize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.loralab.engine.bank.AdapterBank;
import org.loralab.engine.bank.BankEntry;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.table.TableFiles;
import org.loralab.engine.table.Tables;

/**
 * The adapters a Summarize with per-row adapters may use, by name: a bank folder or a bank listing
 * (the Bank Reader's table: its {@code name} and {@code path} columns).
 *
 * @param folders adapter name to folder, in table order
 * @param recordedPrompts each adapter's rows use the prompt the adapter recorded (loralab.json), when it records one
 */
public record AdapterTable(Map<String, Path> folders, boolean recordedPrompts) {

    public static final String NAME = "name";
    public static final String PATH = "path";

    public AdapterTable {
        folders = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(folders));
        if (folders.isEmpty()) {
            throw new IllegalArgumentException("the adapter table lists no adapters");
        }
    }

    /** Every adapter folder of a bank. */
    public static AdapterTable ofBank(Path bank, boolean recordedPrompts) throws IOException {
        Map<String, Path> m = new LinkedHashMap<>();
        for (BankEntry e : new AdapterBank(bank).read(null, ProgressListener.NONE)) {
            m.put(e.name(), e.path());
        }
        return new AdapterTable(m, recordedPrompts);
    }

    /** A bank folder, or a bank listing table file (.arrow, .csv, .jsonl) as {@code bank --out} writes it. */
    public static AdapterTable read(Path bankOrTable, boolean recordedPrompts) throws IOException {
        if (java.nio.file.Files.isDirectory(bankOrTable)) {
            return ofBank(bankOrTable, recordedPrompts);
        }
        try (BufferAllocator alloc = Tables.newAllocator("adapter-table"); VectorSchemaRoot t = TableFiles.read(bankOrTable, alloc)) {
            for (String c : List.of(NAME, PATH)) {
                if (!Tables.hasColumn(t, c)) {
                    throw new IllegalArgumentException(bankOrTable + ": the adapter table has no '" + c + "' column");
                }
            }
            return of(Tables.strings(t, NAME), Tables.strings(t, PATH), recordedPrompts);
        }
    }

    /** From the listing's name and path columns (row i names folder i); a relative path is taken as is. */
    public static AdapterTable of(List<String> names, List<String> paths, boolean recordedPrompts) {
        Map<String, Path> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String path = paths.get(i);
            if (name == null || name.isBlank() || path == null || path.isBlank()) {
                throw new IllegalArgumentException("adapter table row " + i + ": the name and the path must both be set");
            }
            if (m.put(name.strip(), Path.of(path)) != null) {
                throw new IllegalArgumentException("adapter table row " + i + ": the name '" + name.strip()
                        + "' is listed twice; names must be unique");
            }
        }
        return new AdapterTable(m, recordedPrompts);
    }

    /**
     * The table checked against {@code base} with the Bank Reader's check (recorded base model
     * fingerprint, then the tensors' shapes): an adapter made for another base model stops the job
     * (the table belongs to another model); an invalid one is left out with its reason, for the
     * rows that name it.
     *
     * @throws IllegalArgumentException naming the first adapter made for another base model
     */
    Checked checkWith(ModelConfig base) {
        Map<String, Path> usable = new LinkedHashMap<>();
        Map<String, String> unusable = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : folders.entrySet()) {
            BankEntry entry = AdapterBank.inspect(e.getValue(), base);
            if (entry.status() == BankEntry.Status.INCOMPATIBLE) {
                throw new IllegalArgumentException("adapter '" + e.getKey() + "' (" + e.getValue()
                        + ") was made for another base model: " + entry.reason());
            }
            if (entry.status() == BankEntry.Status.INVALID) {
                unusable.put(e.getKey(), entry.reason());
            } else {
                usable.put(e.getKey(), e.getValue());
            }
        }
        return new Checked(usable, unusable);
    }

    /**
     * @param usable adapter name to folder, in table order: the adapters to load
     * @param unusable adapter name to the reason it cannot be used (the bank listing's), in table order
     */
    record Checked(Map<String, Path> usable, Map<String, String> unusable) {
        Checked {
            usable = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(usable));
            unusable = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(unusable));
        }
    }
}
