package org.loralab.knime.summarize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knime.core.data.DataColumnSpecCreator;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.container.CloseableRowIterator;
import org.knime.core.data.def.LongCell;
import org.knime.core.data.def.StringCell;
import org.knime.core.node.BufferedDataContainer;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.loralab.engine.jobs.Summarize;
import org.loralab.engine.params.SummarizeParams;
import org.loralab.knime.EngineCalls;
import org.loralab.knime.KnimePaths;
import org.loralab.knime.KnimeProgress;
import org.loralab.knime.KnimeTables;
import org.loralab.knime.LoraLabNodeModel;
import org.loralab.knime.port.AdapterPortObject;
import org.loralab.knime.port.AdapterPortObjectSpec;

/**
 * Summarize: the input table with a generated summary per document. A row that cannot be
 * summarized gets a missing summary and its reason in summary_error; the other rows still run.
 */
final class SummarizeNodeModel extends LoraLabNodeModel<SummarizeParams> {

    /** Rows summarized at a time (the engine sorts a chunk by length to batch it). */
    static final int CHUNK_ROWS = 2048;

    static final DataTableSpec APPENDED = new DataTableSpec(
        new DataColumnSpecCreator(Summarize.SUMMARY_COLUMN, StringCell.TYPE).createSpec(),
        new DataColumnSpecCreator(Summarize.ERROR_COLUMN, StringCell.TYPE).createSpec(),
        new DataColumnSpecCreator("prompt_tokens", LongCell.TYPE).createSpec(),
        new DataColumnSpecCreator("truncated_tokens", LongCell.TYPE).createSpec(),
        new DataColumnSpecCreator("generated_tokens", LongCell.TYPE).createSpec());

    SummarizeNodeModel() {
        super(new PortType[] {AdapterPortObject.TYPE_OPTIONAL, BufferedDataTable.TYPE, BufferedDataTable.TYPE_OPTIONAL},
            new PortType[] {BufferedDataTable.TYPE}, SummarizeParams.SCHEMA);
    }

    @Override
    protected PortObjectSpec[] configure(final PortObjectSpec[] in) throws InvalidSettingsException {
        DataTableSpec docs = (DataTableSpec) in[1];
        KnimeTables.column(docs, params().documentColumn(), "document");
        baseModelSetting((AdapterPortObjectSpec) in[0]);
        adapterColumn(docs, in[0] != null, (DataTableSpec) in[2]);
        return new PortObjectSpec[] {new DataTableSpec(docs, KnimeTables.uniqueNames(docs, APPENDED))};
    }

    /**
     * The index of the column naming each row's adapter, or -1 without per-row adapters; the adapter
     * table (Bank Reader's output) and the column go together, and exclude the single adapter input.
     */
    private int adapterColumn(final DataTableSpec docs, final boolean singleAdapter, final DataTableSpec bank)
            throws InvalidSettingsException {
        String col = java.util.Objects.toString(params().adapterColumn(), ""); // the dialog's "none" is null
        if (bank == null) {
            if (!col.isBlank()) {
                throw new InvalidSettingsException("The adapter column '" + col + "' is set: connect an adapter table (the Adapter "
                    + "Bank Reader's output) to the third input, or clear the setting.");
            }
            return -1;
        }
        if (col.isBlank()) {
            throw new InvalidSettingsException("An adapter table is connected: choose the adapter column that names each row's adapter.");
        }
        if (singleAdapter) {
            throw new InvalidSettingsException("Connect either one adapter (first input) or an adapter table (third input), not both.");
        }
        for (String needed : List.of(Summarize.ADAPTER_NAME_COLUMN, Summarize.ADAPTER_PATH_COLUMN)) {
            KnimeTables.column(bank, needed, "adapter table's " + needed);
        }
        return KnimeTables.column(docs, col, "adapter");
    }

    /** The node's own base model, else the one the incoming adapter was made with. */
    private String baseModelSetting(final AdapterPortObjectSpec adapter) throws InvalidSettingsException {
        String own = params().baseModel();
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
        SummarizeParams p = params();
        int column = KnimeTables.column(table.getDataTableSpec(), p.documentColumn(), "document");
        BufferedDataTable bank = (BufferedDataTable) in[2];
        int adapterColumn = adapterColumn(table.getDataTableSpec(), adapter != null, bank == null ? null : bank.getDataTableSpec());
        Summarize.Adapters adapters = bank == null ? null : Summarize.Adapters.of(p,
            KnimeTables.strings(bank, bank.getDataTableSpec().findColumnIndex(Summarize.ADAPTER_NAME_COLUMN)),
            KnimeTables.strings(bank, bank.getDataTableSpec().findColumnIndex(Summarize.ADAPTER_PATH_COLUMN)));
        DataTableSpec inSpec = table.getDataTableSpec();
        BufferedDataContainer out = exec.createDataContainer(new DataTableSpec(inSpec, KnimeTables.uniqueNames(inSpec, APPENDED)));
        reportEngine(p.device().device());
        long failed;
        try {
            failed = EngineCalls.run(() -> {
            Path base = KnimePaths.baseModel(baseSetting);
            Path adapterFolder = adapter == null ? null : adapter.folder();
            try (Summarize.Session s = Summarize.open(p, base, adapterFolder, adapters)) {
                getLogger().info("prompt: " + s.promptSource());
                if (adapters != null) {
                    getLogger().info("row adapters: " + s.rowAdapters());
                }
                return summarizeInChunks(s, table, column, adapterColumn, out, exec);
            }
            });
        } finally {
            out.close(); // also on failure or cancel: its rows go with it
        }
        reportModelOrigin();
        if (failed > 0) {
            setWarningMessage(failed + " of " + table.size() + " rows could not be summarized; see summary_error.");
        }
        return new PortObject[] {out.getTable()};
    }

    /**
     * Reads, summarizes and writes {@link #CHUNK_ROWS} rows at a time, so that the node holds one
     * chunk of documents, not the table. Returns the number of rows that failed.
     */
    private long summarizeInChunks(final Summarize.Session s, final BufferedDataTable table, final int column, final int adapterColumn,
            final BufferedDataContainer out, final ExecutionContext exec)
            throws IOException, InvalidSettingsException {
        KnimeProgress monitor = new KnimeProgress(exec);
        SummarizeParams p = params();
        checked(() -> {
            s.checkGeneration(p);
            return null;
        });
        long failed = 0;
        long first = 0;
        try (CloseableRowIterator it = table.iterator()) {
            while (it.hasNext()) {
                List<DataRow> rows = new ArrayList<>();
                while (it.hasNext() && rows.size() < CHUNK_ROWS) {
                    rows.add(it.next());
                }
                List<String> docs = rows.stream().map(r -> KnimeTables.text(r, column)).toList();
                List<String> names = adapterColumn < 0 ? null : rows.stream().map(r -> KnimeTables.text(r, adapterColumn)).toList();
                try (Summarize.Chunk chunk = s.summarize(docs, names, first, table.size(), monitor)) {
                    failed += chunk.failed();
                    KnimeTables.appendChunk(out, rows, chunk.columns());
                }
                first += rows.size();
            }
        }
        return failed;
    }
}
