package org.loralab.engine.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.loralab.engine.bank.AdapterBank;
import org.loralab.engine.bank.BankEntry;
import org.loralab.engine.bank.BankTable;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.params.BankParams;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.table.Tables;

/**
 * Adapter Bank Reader for a front end: one row per adapter folder of a bank, plus one per adapter
 * connected directly, read from configs and headers without loading weights.
 */
public final class BankReader {

    private BankReader() {
    }

    /** A listing (or its empty form); close it. */
    public static final class Listing implements AutoCloseable {
        private final BufferAllocator alloc;
        private final VectorSchemaRoot table;
        private final long unusable;

        private Listing(final BufferAllocator alloc, final VectorSchemaRoot table, final long unusable) {
            this.alloc = alloc;
            this.table = table;
            this.unusable = unusable;
        }

        public VectorSchemaRoot table() {
            return table;
        }

        /** Rows whose adapter cannot be used. */
        public long unusable() {
            return unusable;
        }

        @Override
        public void close() {
            try {
                table.close();
            } finally {
                alloc.close();
            }
        }
    }

    /**
     * The listing's columns before reading (standard metrics plus those in {@code bank} now, null for none),
     * so that nodes after it can configure.
     */
    public static Listing empty(final Path bank) {
        Set<String> metrics = bank == null ? Set.of() : new AdapterBank(bank).metricNames();
        BufferAllocator alloc = Tables.newAllocator("bank-spec");
        try {
            return new Listing(alloc, BankTable.of(List.of(), metrics, alloc), 0);
        } catch (RuntimeException | Error e) {
            alloc.close();
            throw e;
        }
    }

    /**
     * Lists {@code bank} (null for none) and the {@code connected} adapter folders not in it.
     *
     * @param bankSetting the bank folder setting as the user wrote it (a path or URL): a bank adapter's location
     *        is it joined with the adapter's folder name
     * @param baseModel the base model folder to check compatibility against, or null
     * @param connectedLocations the locations of connected adapters that have one (others get none)
     */
    public static Listing read(final BankParams p, final Path bank, final String bankSetting, final Path baseModel,
            final List<Path> connected, final Map<Path, String> connectedLocations, final ProgressListener progress)
            throws IOException {
        Set<String> metrics = bank == null ? Set.of() : new AdapterBank(bank).metricNames();
        ModelConfig base = baseModel == null ? null : ModelConfig.load(baseModel);
        List<BankEntry> entries = new ArrayList<>(bank == null ? List.of() : new AdapterBank(bank).read(base, progress));
        for (Path adapter : connected) {
            if (entries.stream().noneMatch(e -> e.path().equals(adapter))) {
                entries.add(AdapterBank.inspect(adapter, base));
            }
        }
        if (p.onlyUsable()) {
            entries = entries.stream().filter(BankEntry::usable).toList();
        }
        long unusable = entries.stream().filter(e -> !e.usable()).count();
        List<String> locations = new ArrayList<>();
        for (BankEntry e : entries) {
            locations.add(connectedLocations.containsKey(e.path()) ? connectedLocations.get(e.path())
                : connected.contains(e.path()) ? null : inBank(bankSetting, bank, e.path()));
        }
        BufferAllocator alloc = Tables.newAllocator("bank-reader");
        try {
            return new Listing(alloc, BankTable.of(entries, metrics, locations, alloc), unusable);
        } catch (RuntimeException | Error e) {
            alloc.close();
            throw e;
        }
    }

    /** The bank folder setting as the user wrote it (a path or knime:// URL) joined with the adapter's folder name. */
    private static String inBank(final String bankSetting, final Path bank, final Path adapter) {
        if (bank == null || !adapter.startsWith(bank)) {
            return adapter.toString();
        }
        String s = bankSetting.strip();
        return s + (s.endsWith("/") || s.endsWith("\\") ? "" : "/") + bank.relativize(adapter).toString().replace('\\', '/');
    }
}
