package org.loralab.knime.summarize;

import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.knime.core.data.DataColumnSpecCreator;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.def.LongCell;
import org.knime.core.data.def.StringCell;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.loralab.engine.summarize.SummarizeOptions;
import org.loralab.engine.summarize.Summarizer;
import org.loralab.engine.summarize.SummaryResult;
import org.loralab.engine.summarize.SummarizeTable;
import org.loralab.engine.table.Tables;
import org.loralab.knime.EngineCalls;
import org.loralab.knime.KnimePaths;
import org.loralab.knime.KnimeProgress;
import org.loralab.knime.KnimeTables;
import org.loralab.knime.LoraLabNodeModel;
import org.loralab.knime.SharedOptions;
import org.loralab.knime.port.AdapterPortObject;
import org.loralab.knime.port.AdapterPortObjectSpec;

/**
 * Summarize: the input table with a generated summary per document. A row that cannot be
 * summarized gets a missing summary and its reason in summary_error; the other rows still run.
 */
final class SummarizeNodeModel extends LoraLabNodeModel<SummarizeSettings> {

    static final DataTableSpec APPENDED = new DataTableSpec(
        new DataColumnSpecCreator(SummarizeTable.SUMMARY, StringCell.TYPE).createSpec(),
        new DataColumnSpecCreator(SummarizeTable.ERROR, StringCell.TYPE).createSpec(),
        new DataColumnSpecCreator("prompt_tokens", LongCell.TYPE).createSpec(),
        new DataColumnSpecCreator("truncated_tokens", LongCell.TYPE).createSpec(),
        new DataColumnSpecCreator("generated_tokens", LongCell.TYPE).createSpec());

    SummarizeNodeModel() {
        super(new PortType[] {AdapterPortObject.TYPE_OPTIONAL, BufferedDataTable.TYPE}, new PortType[] {BufferedDataTable.TYPE},
            SummarizeSettings::new);
    }

    @Override
    protected PortObjectSpec[] configure(final PortObjectSpec[] in) throws InvalidSettingsException {
        DataTableSpec docs = (DataTableSpec) in[1];
        KnimeTables.column(docs, settings.documentColumn.getStringValue(), "document");
        baseModelSetting((AdapterPortObjectSpec) in[0]);
        return new PortObjectSpec[] {new DataTableSpec(docs, KnimeTables.uniqueNames(docs, APPENDED))};
    }

    /** The node's own base model, else the one the incoming adapter was made with. */
    private String baseModelSetting(final AdapterPortObjectSpec adapter) throws InvalidSettingsException {
        String own = settings.baseModel.getStringValue();
        if (!own.isBlank()) {
            return own;
        }
        if (adapter != null && adapter.getBaseModel() != null && !adapter.getBaseModel().isBlank()) {
            return adapter.getBaseModel();
        }
        throw new InvalidSettingsException("Choose a base model folder (or demo); with an adapter connected, an empty setting "
            + "uses the adapter's base model.");
    }

    @Override
    protected PortObject[] execute(final PortObject[] in, final ExecutionContext exec) throws Exception {
        AdapterPortObject adapter = (AdapterPortObject) in[0];
        BufferedDataTable table = (BufferedDataTable) in[1];
        String baseSetting = baseModelSetting(adapter == null ? null : adapter.getSpec());
        int column = KnimeTables.column(table.getDataTableSpec(), settings.documentColumn.getStringValue(), "document");
        List<String> documents = KnimeTables.strings(table, column);
        List<SummaryResult> results = EngineCalls.run(() -> {
            Path base = KnimePaths.baseModel(baseSetting);
            SummarizeOptions options = new SummarizeOptions(base, adapter == null ? null : adapter.folder(),
                settings.mergeAdapter.getBooleanValue(), settings.prompt.format(), settings.maxInputTokens.getIntValue(),
                settings.batchSize.getIntValue(), SharedOptions.modelOptions(settings.device, settings.dtype.getStringValue()));
            try (Summarizer s = Summarizer.open(options)) {
                return s.summarize(documents, settings.apply(s.defaults()), new KnimeProgress(exec));
            }
        });
        long failed = results.stream().filter(r -> r.error() != null).count();
        if (failed > 0) {
            setWarningMessage(failed + " of " + results.size() + " rows could not be summarized; see summary_error.");
        }
        try (BufferAllocator alloc = Tables.newAllocator("summarize-node");
                VectorSchemaRoot appended = SummarizeTable.resultColumns(results, alloc)) {
            return new PortObject[] {KnimeTables.appendArrow(table, appended, exec)};
        }
    }
}
