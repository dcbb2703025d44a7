package org.loralab.knime.rouge;

import java.util.ArrayList;
import java.util.List;
import org.knime.core.data.DataColumnSpec;
import org.knime.core.data.DataColumnSpecCreator;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.def.DoubleCell;
import org.knime.core.data.def.LongCell;
import org.knime.core.data.def.StringCell;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.loralab.engine.jobs.Rouge;
import org.loralab.engine.params.RougeParams;
import org.loralab.knime.EngineCalls;
import org.loralab.knime.KnimeProgress;
import org.loralab.knime.KnimeTables;
import org.loralab.knime.LoraLabNodeModel;

/**
 * ROUGE Scorer: precision, recall and F1 per row and type appended to the input, and the
 * corpus-level bootstrap mean and confidence interval per type and measure as a second table.
 */
final class RougeScorerNodeModel extends LoraLabNodeModel<RougeParams> {

    static final DataTableSpec SUMMARY = new DataTableSpec(
        new DataColumnSpecCreator("rouge_type", StringCell.TYPE).createSpec(),
        new DataColumnSpecCreator("measure", StringCell.TYPE).createSpec(),
        new DataColumnSpecCreator("mean", DoubleCell.TYPE).createSpec(),
        new DataColumnSpecCreator("low", DoubleCell.TYPE).createSpec(),
        new DataColumnSpecCreator("mid", DoubleCell.TYPE).createSpec(),
        new DataColumnSpecCreator("high", DoubleCell.TYPE).createSpec(),
        new DataColumnSpecCreator("rows", LongCell.TYPE).createSpec(),
        new DataColumnSpecCreator("rows_left_out", LongCell.TYPE).createSpec());

    RougeScorerNodeModel() {
        super(new PortType[] {BufferedDataTable.TYPE}, new PortType[] {BufferedDataTable.TYPE, BufferedDataTable.TYPE},
            RougeParams.SCHEMA);
    }

    @Override
    protected PortObjectSpec[] configure(final PortObjectSpec[] in) throws InvalidSettingsException {
        DataTableSpec spec = (DataTableSpec) in[0];
        checkColumns(spec);
        return new PortObjectSpec[] {new DataTableSpec(spec, KnimeTables.uniqueNames(spec, appended())), SUMMARY};
    }

    private void checkColumns(final DataTableSpec spec) throws InvalidSettingsException {
        KnimeTables.column(spec, params().predictionColumn(), "prediction");
        for (String ref : params().referenceColumns()) {
            KnimeTables.column(spec, ref, "reference");
        }
        if (params().languageColumnOrNull() != null) {
            KnimeTables.column(spec, params().languageColumnOrNull(), "language");
        }
    }

    /** The per-row columns the engine appends, in its order. */
    private DataTableSpec appended() {
        List<DataColumnSpec> cols = new ArrayList<>();
        for (String c : Rouge.scoreColumns(params())) {
            cols.add(new DataColumnSpecCreator(c, DoubleCell.TYPE).createSpec());
        }
        cols.add(new DataColumnSpecCreator(Rouge.LANGUAGE_COLUMN, StringCell.TYPE).createSpec());
        cols.add(new DataColumnSpecCreator(Rouge.ERROR_COLUMN, StringCell.TYPE).createSpec());
        return new DataTableSpec(cols.toArray(DataColumnSpec[]::new));
    }

    @Override
    protected PortObject[] execute(final PortObject[] in, final ExecutionContext exec) throws Exception {
        BufferedDataTable table = (BufferedDataTable) in[0];
        DataTableSpec spec = table.getDataTableSpec();
        checkColumns(spec);
        String prediction = params().predictionColumn();
        List<String> refs = params().referenceColumns();
        String language = params().languageColumnOrNull();
        return EngineCalls.run(() -> {
            RougeParams p = params();
            checked(() -> p.options()); // bad settings name themselves as settings
            // only the columns scored travel to the engine, as strings
            List<List<String>> references = new ArrayList<>();
            for (String ref : refs) {
                references.add(strings(table, ref));
            }
            try (Rouge.Result r = Rouge.score(p, strings(table, prediction), references,
                    language == null ? null : strings(table, language), new KnimeProgress(exec))) {
                if (r.scoredRows() < table.size()) {
                    setWarningMessage((table.size() - r.scoredRows()) + " of " + table.size()
                        + " rows could not be scored; see " + Rouge.ERROR_COLUMN + ".");
                }
                return new PortObject[] {KnimeTables.appendArrow(table, r.rows(), exec), KnimeTables.fromArrow(r.summary(), exec)};
            }
        });
    }

    private static List<String> strings(final BufferedDataTable table, final String column) throws InvalidSettingsException {
        return KnimeTables.strings(table, KnimeTables.column(table.getDataTableSpec(), column, "input"));
    }
}
