package org.loralab.engine.bank;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.loralab.engine.table.TableBuilder;

/** A bank listing as an Arrow table: one row per adapter, one column per field, metrics as metric_* columns. */
public final class BankTable {

    private BankTable() {
    }

    /** The metrics LoRA Lab's own training and merging record, so a bank being filled has its columns up front. */
    public static final List<String> STANDARD_METRICS = List.of("pruned_ratio", "resumes", "seconds", "steps", "target_loss",
            "train_loss", "trainable_parameters", "trained_examples", "trained_tokens", "validation_loss");

    /** Column: where the adapter is found again (see {@link #of(List, Set, List, BufferAllocator)}). */
    public static final String LOCATION = "location";

    /** The listing with a metric column for each metric of the entries. */
    public static VectorSchemaRoot of(List<BankEntry> entries, BufferAllocator allocator) {
        return of(entries, Set.of(), allocator);
    }

    /**
     * The listing with a metric column for each of {@code metricNames}, the standard ones and those of
     * the entries (sorted), so that {@code of(List.of(), names, a)} declares the columns before any
     * adapter is read.
     */
    public static VectorSchemaRoot of(List<BankEntry> entries, Set<String> metricNames, BufferAllocator allocator) {
        return of(entries, metricNames, entries.stream().map(e -> e.path().toString()).toList(), allocator);
    }

    /**
     * @param locations per entry, where it is found again when the table outlives the folders it was read from (a
     *     workflow moved, saved and reopened): the folder setting it came from, e.g. {@code knime://knime.workflow/../bank/de};
     *     null for an adapter that has no lasting place (kept in a workflow's temporary file store)
     */
    public static VectorSchemaRoot of(List<BankEntry> entries, Set<String> metricNames, List<String> locations,
            BufferAllocator allocator) {
        if (locations.size() != entries.size()) {
            throw new IllegalArgumentException(locations.size() + " locations for " + entries.size() + " entries");
        }
        TableBuilder b = new TableBuilder(allocator)
                .strings("name", entries.stream().map(BankEntry::name).toList())
                .strings("path", entries.stream().map(e -> e.path().toString()).toList())
                .strings(LOCATION, locations)
                .strings("status", entries.stream().map(e -> e.status().name().toLowerCase()).toList())
                .strings("reason", entries.stream().map(BankEntry::reason).toList())
                .strings("base_model", entries.stream().map(BankEntry::baseModel).toList())
                .doubles("rank", entries.stream().mapToDouble(e -> e.rank() == null ? Double.NaN : e.rank()).toArray())
                .doubles("alpha", entries.stream().mapToDouble(e -> e.alpha() == null ? Double.NaN : e.alpha()).toArray())
                .strings("target_modules", entries.stream().map(e -> String.join(",", e.targetModules())).toList())
                .strings("language", entries.stream().map(BankEntry::language).toList())
                .strings("domain", entries.stream().map(BankEntry::domain).toList())
                .strings("task", entries.stream().map(BankEntry::task).toList())
                .strings("description", entries.stream().map(BankEntry::description).toList())
                .strings("method", entries.stream().map(BankEntry::method).toList())
                .doubles("parameters", entries.stream().mapToDouble(e -> e.parameterCount() == null ? Double.NaN : e.parameterCount()).toArray())
                .longs("size_bytes", entries.stream().mapToLong(BankEntry::sizeOnDisk).toArray())
                .strings("created", entries.stream().map(BankEntry::created).toList());
        TreeSet<String> metrics = new TreeSet<>(STANDARD_METRICS);
        metrics.addAll(metricNames);
        entries.forEach(e -> metrics.addAll(e.metrics().keySet()));
        for (String m : metrics) {
            b.doubles("metric_" + m, entries.stream().mapToDouble(e -> metricOrNaN(e.metrics(), m)).toArray());
        }
        return b.build();
    }

    private static double metricOrNaN(Map<String, Double> metrics, String key) {
        Double v = metrics.get(key);
        return v == null ? Double.NaN : v;
    }
}
