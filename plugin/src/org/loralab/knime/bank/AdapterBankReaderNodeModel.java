package org.loralab.knime.bank;

import java.nio.file.Path;
import java.util.List;
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
import org.loralab.engine.table.Tables;
import org.loralab.knime.EngineCalls;
import org.loralab.knime.KnimePaths;
import org.loralab.knime.KnimeProgress;
import org.loralab.knime.KnimeTables;
import org.loralab.knime.LoraLabNodeModel;

/**
 * Adapter Bank Reader: one row per adapter folder of a bank (name, path, status and reason,
 * language, domain, rank, metrics, ...), read from configs and headers without loading weights.
 */
final class AdapterBankReaderNodeModel extends LoraLabNodeModel<AdapterBankReaderSettings> {

    AdapterBankReaderNodeModel() {
        super(new PortType[0], new PortType[] {BufferedDataTable.TYPE}, AdapterBankReaderSettings::new);
    }

    @Override
    protected PortObjectSpec[] configure(final PortObjectSpec[] in) throws InvalidSettingsException {
        KnimePaths.local(settings.bank.getStringValue(), "adapter bank folder");
        // Metric columns depend on the adapters found, so the table's columns are known only after execution.
        return new PortObjectSpec[] {(DataTableSpec) null};
    }

    @Override
    protected PortObject[] execute(final PortObject[] in, final ExecutionContext exec) throws Exception {
        Path dir = KnimePaths.local(settings.bank.getStringValue(), "adapter bank folder");
        String baseSetting = settings.baseModel.getStringValue();
        return EngineCalls.run(() -> {
            ModelConfig base = baseSetting.isBlank() ? null : ModelConfig.load(KnimePaths.baseModel(baseSetting));
            List<BankEntry> entries = new AdapterBank(dir).read(base, new KnimeProgress(exec));
            if (settings.onlyUsable.getBooleanValue()) {
                entries = entries.stream().filter(BankEntry::usable).toList();
            }
            long unusable = entries.stream().filter(e -> !e.usable()).count();
            if (unusable > 0) {
                setWarningMessage(unusable + " of " + entries.size() + " adapters are not usable; see the status and reason columns.");
            }
            try (BufferAllocator alloc = Tables.newAllocator("bank-reader"); VectorSchemaRoot table = BankTable.of(entries, alloc)) {
                return new PortObject[] {KnimeTables.fromArrow(table, exec)};
            }
        });
    }
}
