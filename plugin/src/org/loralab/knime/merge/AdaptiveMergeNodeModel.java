package org.loralab.knime.merge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knime.core.data.DataColumnSpecCreator;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.RowKey;
import org.knime.core.data.StringValue;
import org.knime.core.data.container.CloseableRowIterator;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.def.DoubleCell;
import org.knime.core.data.def.StringCell;
import org.knime.core.node.BufferedDataContainer;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.loralab.engine.jobs.Merge;
import org.loralab.engine.jobs.TrainLora;
import org.loralab.engine.params.MergeParams;
import org.loralab.knime.AdapterOutput;
import org.loralab.knime.EngineCalls;
import org.loralab.knime.KnimePaths;
import org.loralab.knime.KnimeProgress;
import org.loralab.knime.KnimeTables;
import org.loralab.knime.LoraLabNodeModel;
import org.loralab.knime.port.AdapterPortObject;

/**
 * Adaptive Merge &amp; Prune and the classic merges: the adapters listed in the first table (a bank
 * listing, or any table with a path column) become one adapter; Adaptive and LoraHub learn from
 * the few target examples of the second table. The second output gives each source adapter's weight.
 */
final class AdaptiveMergeNodeModel extends LoraLabNodeModel<MergeParams> {

    static final DataTableSpec WEIGHTS = new DataTableSpec(
        new DataColumnSpecCreator("adapter", StringCell.TYPE).createSpec(),
        new DataColumnSpecCreator("path", StringCell.TYPE).createSpec(),
        new DataColumnSpecCreator("weight", DoubleCell.TYPE).createSpec());

    AdaptiveMergeNodeModel() {
        super(new PortType[] {BufferedDataTable.TYPE, BufferedDataTable.TYPE_OPTIONAL},
            new PortType[] {AdapterPortObject.TYPE, BufferedDataTable.TYPE}, MergeParams.SCHEMA);
    }

    @Override
    protected PortObjectSpec[] configure(final PortObjectSpec[] in) throws InvalidSettingsException {
        MergeParams p = params();
        KnimeTables.column((DataTableSpec) in[0], p.pathColumn(), "adapter path");
        if (p.method().needsExamples()) {
            if (in[1] == null) {
                throw new InvalidSettingsException("Method '" + p.method().peftName()
                    + "' learns from target examples: connect a table of (document, summary) rows to the second input.");
            }
            KnimeTables.column((DataTableSpec) in[1], p.documentColumn(), "document");
            KnimeTables.column((DataTableSpec) in[1], p.summaryColumn(), "summary");
        }
        if (p.output().keepInWorkflow() && p.exportModel()) {
            throw new InvalidSettingsException("The merged model is written beside the adapter folder: choose an output folder "
                + "instead of keeping the adapter inside the workflow, or do not export the model.");
        }
        return new PortObjectSpec[] {AdapterOutput.spec(p.output().folder(), p.output().keepInWorkflow(), p.baseModel()), WEIGHTS};
    }

    @Override
    protected PortObject[] execute(final PortObject[] in, final ExecutionContext exec) throws Exception {
        MergeParams p = params();
        List<Path> adapters = adapterPaths((BufferedDataTable) in[0], p);
        TrainLora.Rows target = p.method().needsExamples() ? KnimeTables.examples((BufferedDataTable) in[1],
            p.documentColumn(), p.summaryColumn(), "target") : TrainLora.Rows.none();
        AdapterOutput output = AdapterOutput.create(p.output().folder(), p.output().keepInWorkflow(), exec);
        KnimeProgress progress = new KnimeProgress(exec);
        reportEngine(p.device().device());
        Merge.Result result = EngineCalls.run(() -> {
            Path base = KnimePaths.baseModel(p.baseModel());
            return Merge.run(p, base, adapters, output.folder(), output.overwrite(p.output().overwrite()), output.location(),
                target, progress);
        });
        reportModelOrigin();
        BufferedDataContainer weights = exec.createDataContainer(WEIGHTS);
        double[] w = result.weights();
        for (int i = 0; i < adapters.size(); i++) {
            Path a = adapters.get(i);
            weights.addRowToTable(new DefaultRow(RowKey.createRowKey((long) i), new StringCell(a.getFileName().toString()),
                new StringCell(a.toString()), new DoubleCell(w != null && i < w.length ? w[i] : Double.NaN)));
        }
        weights.close();
        return new PortObject[] {output.portObject(result.reference()), weights.getTable()};
    }

    /**
     * The adapter folders of the first table; with "only valid", rows whose status is not "valid" are skipped. A bank
     * listing's {@code location} (the folder setting it was read through) is resolved again, so a moved workflow finds
     * its bank where it is now; a folder that is gone (a temporary file store of a table saved and reopened) is named
     * with what to do, not passed on to fail later.
     */
    private static List<Path> adapterPaths(final BufferedDataTable table, final MergeParams p) throws InvalidSettingsException {
        DataTableSpec spec = table.getDataTableSpec();
        int path = KnimeTables.column(spec, p.pathColumn(), "adapter path");
        int status = p.onlyValid() ? spec.findColumnIndex("status") : -1;
        int location = p.pathColumn().equals("path") ? spec.findColumnIndex(Merge.LOCATION_COLUMN) : -1;
        List<Path> out = new ArrayList<>();
        try (CloseableRowIterator it = table.iterator()) {
            while (it.hasNext()) {
                DataRow r = it.next();
                if (status >= 0 && !"valid".equals(text(r, status))) {
                    continue;
                }
                String a = text(r, path);
                if (a == null || a.isBlank()) {
                    throw new InvalidSettingsException("RowID '" + r.getKey().getString() + "' has no adapter path.");
                }
                String row = "RowID '" + r.getKey().getString() + "'";
                String loc = location >= 0 ? text(r, location) : null;
                Path folder = loc != null && !loc.isBlank() ? KnimePaths.local(loc, "adapter location in " + row)
                    : KnimePaths.local(a, "adapter path in " + row);
                if (!Files.isDirectory(folder)) {
                    throw new InvalidSettingsException(row + ": the adapter folder " + folder + " no longer exists"
                        + (loc != null && !loc.isBlank() ? " (location '" + loc + "')."
                            : ". The table was made before: it lists the temporary folder of an adapter kept inside the "
                                + "workflow (gone once the workflow was saved and reopened), or a folder since moved.")
                        + " Re-execute the Adapter Bank Reader (and the nodes before it) so that the table lists the "
                        + "adapters where they are now.");
                }
                out.add(folder);
            }
        }
        if (out.isEmpty()) {
            throw new InvalidSettingsException("No adapter to merge: the table lists none"
                + (status >= 0 ? " with status 'valid'" : "") + ".");
        }
        return out;
    }

    private static String text(final DataRow r, final int column) {
        var cell = r.getCell(column);
        return cell.isMissing() ? null : cell instanceof StringValue s ? s.getStringValue() : cell.toString();
    }
}
