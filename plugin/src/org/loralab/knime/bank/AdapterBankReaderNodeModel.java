package org.loralab.knime.bank;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.knime.core.data.DataTableSpec;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.loralab.engine.bank.AdapterBank;
import org.loralab.engine.bank.BankEntry;
import org.loralab.engine.bank.BankTable;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.params.BankParams;
import org.loralab.engine.table.Tables;
import org.loralab.knime.EngineCalls;
import org.loralab.knime.KnimePaths;
import org.loralab.knime.KnimeProgress;
import org.loralab.knime.KnimeTables;
import org.loralab.knime.LoraLabNodeModel;
import org.loralab.knime.port.AdapterPortObject;

/**
 * Adapter Bank Reader: one row per adapter folder of a bank (name, path, status and reason,
 * language, domain, rank, metrics, ...), read from configs and headers without loading weights,
 * plus one row per adapter connected to its optional inputs (e.g. adapters kept inside the
 * workflow, or branches that must finish before the bank is read).
 */
final class AdapterBankReaderNodeModel extends LoraLabNodeModel<BankParams> {

    AdapterBankReaderNodeModel() {
        super(new PortType[] {AdapterPortObject.TYPE_OPTIONAL, AdapterPortObject.TYPE_OPTIONAL},
            new PortType[] {BufferedDataTable.TYPE}, BankParams.SCHEMA);
    }

    @Override
    protected PortObjectSpec[] configure(final PortObjectSpec[] in) throws InvalidSettingsException {
        Path dir = bankFolder();
        if (dir == null && in[0] == null && in[1] == null) {
            throw new InvalidSettingsException("Set the adapter bank folder, or connect adapters to list.");
        }
        Set<String> metrics = dir == null ? Set.of() : new AdapterBank(dir).metricNames();
        // Declared before execution (standard metrics plus those in the bank now), so downstream nodes configure.
        try (BufferAllocator alloc = Tables.newAllocator("bank-spec"); VectorSchemaRoot empty = BankTable.of(List.of(), metrics, alloc)) {
            return new PortObjectSpec[] {new DataTableSpec(KnimeTables.specs(empty))};
        }
    }

    /** The bank folder, or null when the setting is empty (connected adapters only). */
    private Path bankFolder() throws InvalidSettingsException {
        String setting = params().bankFolder();
        return setting == null || setting.isBlank() ? null : KnimePaths.local(setting, "adapter bank folder");
    }

    /** The bank folder setting as the user wrote it (a path or knime:// URL) joined with the adapter's folder name. */
    private static String inBank(final String bankSetting, final Path bank, final Path adapter) {
        if (bank == null || !adapter.startsWith(bank)) {
            return adapter.toString();
        }
        String s = bankSetting.strip();
        return s + (s.endsWith("/") || s.endsWith("\\") ? "" : "/") + bank.relativize(adapter).toString().replace('\\', '/');
    }

    @Override
    protected PortObject[] execute(final PortObject[] in, final ExecutionContext exec) throws Exception {
        Path dir = bankFolder();
        Set<String> metrics = dir == null ? Set.of() : new AdapterBank(dir).metricNames();
        List<Path> connected = new ArrayList<>();
        Map<Path, String> connectedLocations = new HashMap<>();
        for (PortObject p : in) {
            if (p != null) {
                AdapterPortObject adapter = (AdapterPortObject) p;
                connected.add(adapter.folder());
                // an adapter in its own folder is found again through the producing node's setting; one kept in the
                // workflow lives in a temporary file store with no lasting place (the merge says to re-execute this node)
                if (!adapter.isKeptInWorkflow() && adapter.getReference().location() != null) {
                    connectedLocations.put(adapter.folder(), adapter.getReference().location());
                }
            }
        }
        String bankSetting = params().bankFolder();
        String baseSetting = params().baseModel();
        return EngineCalls.run(() -> {
            ModelConfig base = baseSetting.isBlank() ? null : ModelConfig.load(KnimePaths.baseModel(baseSetting));
            List<BankEntry> entries = new ArrayList<>(dir == null ? List.of() : new AdapterBank(dir).read(base, new KnimeProgress(exec)));
            for (Path adapter : connected) {
                if (entries.stream().noneMatch(e -> e.path().equals(adapter))) {
                    entries.add(AdapterBank.inspect(adapter, base));
                }
            }
            if (params().onlyUsable()) {
                entries = entries.stream().filter(BankEntry::usable).toList();
            }
            long unusable = entries.stream().filter(e -> !e.usable()).count();
            if (unusable > 0) {
                setWarningMessage(unusable + " of " + entries.size() + " adapters are not usable; see the status and reason columns.");
            }
            List<String> locations = new ArrayList<>();
            for (BankEntry e : entries) {
                locations.add(connectedLocations.containsKey(e.path()) ? connectedLocations.get(e.path())
                    : connected.contains(e.path()) ? null : inBank(bankSetting, dir, e.path()));
            }
            try (BufferAllocator alloc = Tables.newAllocator("bank-reader");
                    VectorSchemaRoot table = BankTable.of(entries, metrics, locations, alloc)) {
                return new PortObject[] {KnimeTables.fromArrow(table, exec)};
            }
        });
    }
}
