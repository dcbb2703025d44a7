package org.loralab.knime.bank;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.knime.core.data.DataTableSpec;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.loralab.engine.jobs.BankReader;
import org.loralab.engine.params.BankParams;
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
        // Declared before execution (standard metrics plus those in the bank now), so downstream nodes configure.
        try (BankReader.Listing empty = BankReader.empty(dir)) {
            return new PortObjectSpec[] {new DataTableSpec(KnimeTables.specs(empty.table()))};
        }
    }

    /** The bank folder, or null when the setting is empty (connected adapters only). */
    private Path bankFolder() throws InvalidSettingsException {
        String setting = params().bankFolder();
        return setting == null || setting.isBlank() ? null : KnimePaths.local(setting, "adapter bank folder");
    }

    @Override
    protected PortObject[] execute(final PortObject[] in, final ExecutionContext exec) throws Exception {
        Path dir = bankFolder();
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
        BankParams p = params();
        return EngineCalls.run(() -> {
            Path base = baseSetting.isBlank() ? null : KnimePaths.baseModel(baseSetting);
            try (BankReader.Listing listing = BankReader.read(p, dir, bankSetting, base, connected, connectedLocations,
                    new KnimeProgress(exec))) {
                long unusable = listing.unusable();
                if (unusable > 0) {
                    setWarningMessage(unusable + " of " + listing.table().getRowCount()
                        + " adapters are not usable; see the status and reason columns.");
                }
                return new PortObject[] {KnimeTables.fromArrow(listing.table(), exec)};
            }
        });
    }
}
