package org.loralab.knime.train;

import java.nio.file.Path;
import java.util.List;
import org.knime.core.data.DataColumnSpecCreator;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.RowKey;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.def.DoubleCell;
import org.knime.core.data.def.IntCell;
import org.knime.core.data.DataType;
import org.knime.core.node.BufferedDataContainer;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.loralab.engine.jobs.TrainLora;
import org.loralab.engine.params.TrainParams;
import org.loralab.knime.AdapterOutput;
import org.loralab.knime.EngineCalls;
import org.loralab.knime.KnimePaths;
import org.loralab.knime.KnimeProgress;
import org.loralab.knime.KnimeTables;
import org.loralab.knime.LoraLabNodeModel;
import org.loralab.knime.port.AdapterPortObject;

/**
 * Train LoRA: (document, summary) rows in, an adapter folder out (PEFT files plus loralab.json),
 * with the loss of every epoch as a table. An adapter on the optional port is trained further.
 */
final class TrainLoraNodeModel extends LoraLabNodeModel<TrainParams> {

    static final DataTableSpec HISTORY = new DataTableSpec(
        new DataColumnSpecCreator("epoch", IntCell.TYPE).createSpec(),
        new DataColumnSpecCreator("train_loss", DoubleCell.TYPE).createSpec(),
        new DataColumnSpecCreator("validation_loss", DoubleCell.TYPE).createSpec());

    TrainLoraNodeModel() {
        super(new PortType[] {BufferedDataTable.TYPE, BufferedDataTable.TYPE_OPTIONAL, AdapterPortObject.TYPE_OPTIONAL},
            new PortType[] {AdapterPortObject.TYPE, BufferedDataTable.TYPE}, TrainParams.SCHEMA);
    }

    @Override
    protected PortObjectSpec[] configure(final PortObjectSpec[] in) throws InvalidSettingsException {
        TrainParams p = params();
        DataTableSpec train = (DataTableSpec) in[0];
        KnimeTables.column(train, p.documentColumn(), "document");
        KnimeTables.column(train, p.summaryColumn(), "summary");
        if (in[1] != null) {
            KnimeTables.column((DataTableSpec) in[1], p.documentColumn(), "validation document");
            KnimeTables.column((DataTableSpec) in[1], p.summaryColumn(), "validation summary");
        }
        if (in[2] != null && p.taskFilter()) {
            throw new InvalidSettingsException("LoRA-TRF applies to a fresh adapter; an adapter to continue keeps its own form.");
        }
        if (p.resume() && p.checkpointFolder().isBlank()) {
            throw new InvalidSettingsException("Resuming needs a checkpoint folder.");
        }
        return new PortObjectSpec[] {AdapterOutput.spec(p.output().folder(), p.output().keepInWorkflow(), p.baseModel()), HISTORY};
    }

    @Override
    protected PortObject[] execute(final PortObject[] in, final ExecutionContext exec) throws Exception {
        TrainParams p = params();
        TrainLora.Rows train = KnimeTables.examples((BufferedDataTable) in[0], p.documentColumn(), p.summaryColumn(), "training");
        TrainLora.Rows validation = in[1] == null ? TrainLora.Rows.none() : KnimeTables.examples((BufferedDataTable) in[1],
            p.documentColumn(), p.summaryColumn(), "validation");
        AdapterOutput output = AdapterOutput.create(p.output().folder(), p.output().keepInWorkflow(), exec);
        Path init = in[2] == null ? null : ((AdapterPortObject) in[2]).folder();
        Path checkpoint = p.checkpointFolder().isBlank() ? null : KnimePaths.local(p.checkpointFolder(), "checkpoint folder");
        KnimeProgress progress = new KnimeProgress(exec);
        reportEngine(p.device().device());
        TrainLora.Result r = EngineCalls.run(() -> {
            Path base = KnimePaths.baseModel(p.baseModel());
            return TrainLora.run(p, base, init, output.folder(), output.overwrite(p.output().overwrite()), checkpoint,
                output.location(), train, validation, progress);
        });
        if (r.droppedDocumentTokens() > 0) {
            setWarningMessage(r.droppedDocumentTokens() + " document tokens were cut to fit the maximum length of "
                + p.maxLength() + " tokens.");
        }
        reportModelOrigin();
        return new PortObject[] {output.portObject(r.reference()), history(progress.epochs(), exec)};
    }

    private static BufferedDataTable history(final List<KnimeProgress.Epoch> epochs, final ExecutionContext exec) {
        BufferedDataContainer out = exec.createDataContainer(HISTORY);
        for (KnimeProgress.Epoch e : epochs) {
            out.addRowToTable(new DefaultRow(RowKey.createRowKey((long) e.epoch()), new IntCell(e.epoch()), new DoubleCell(e.trainLoss()),
                Double.isNaN(e.validationLoss()) ? DataType.getMissingCell() : new DoubleCell(e.validationLoss())));
        }
        out.close();
        return out.getTable();
    }
}
