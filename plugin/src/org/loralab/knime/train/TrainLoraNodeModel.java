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
import org.loralab.engine.bank.AdapterReference;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.train.TrainLoraJob;
import org.loralab.engine.train.TrainingExample;
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
final class TrainLoraNodeModel extends LoraLabNodeModel<TrainLoraSettings> {

    static final DataTableSpec HISTORY = new DataTableSpec(
        new DataColumnSpecCreator("epoch", IntCell.TYPE).createSpec(),
        new DataColumnSpecCreator("train_loss", DoubleCell.TYPE).createSpec(),
        new DataColumnSpecCreator("validation_loss", DoubleCell.TYPE).createSpec());

    TrainLoraNodeModel() {
        super(new PortType[] {BufferedDataTable.TYPE, BufferedDataTable.TYPE_OPTIONAL, AdapterPortObject.TYPE_OPTIONAL},
            new PortType[] {AdapterPortObject.TYPE, BufferedDataTable.TYPE}, TrainLoraSettings::new);
    }

    @Override
    protected PortObjectSpec[] configure(final PortObjectSpec[] in) throws InvalidSettingsException {
        DataTableSpec train = (DataTableSpec) in[0];
        KnimeTables.column(train, settings.documentColumn.getStringValue(), "document");
        KnimeTables.column(train, settings.summaryColumn.getStringValue(), "summary");
        if (in[1] != null) {
            KnimeTables.column((DataTableSpec) in[1], settings.documentColumn.getStringValue(), "validation document");
            KnimeTables.column((DataTableSpec) in[1], settings.summaryColumn.getStringValue(), "validation summary");
        }
        if (in[2] != null && settings.taskFilter.getBooleanValue()) {
            throw new InvalidSettingsException("LoRA-TRF applies to a fresh adapter; an adapter to continue keeps its own form.");
        }
        return new PortObjectSpec[] {AdapterOutput.spec(settings.output.getStringValue(), settings.keepInWorkflow.getBooleanValue(),
            settings.baseModel.getStringValue()), HISTORY};
    }

    @Override
    protected PortObject[] execute(final PortObject[] in, final ExecutionContext exec) throws Exception {
        List<TrainingExample> train = KnimeTables.examples((BufferedDataTable) in[0], settings.documentColumn.getStringValue(),
            settings.summaryColumn.getStringValue(), "training");
        List<TrainingExample> validation = in[1] == null ? List.of() : KnimeTables.examples((BufferedDataTable) in[1],
            settings.documentColumn.getStringValue(), settings.summaryColumn.getStringValue(), "validation");
        AdapterOutput output = AdapterOutput.create(settings.output.getStringValue(), settings.keepInWorkflow.getBooleanValue(), exec);
        Path init = in[2] == null ? null : ((AdapterPortObject) in[2]).folder();
        Path checkpoint = settings.checkpoint.getStringValue().isBlank() ? null
            : KnimePaths.local(settings.checkpoint.getStringValue(), "checkpoint folder");
        KnimeProgress progress = new KnimeProgress(exec);
        reportEngine(settings.device);
        AdapterReference ref = EngineCalls.run(() -> {
            Path base = KnimePaths.baseModel(settings.baseModel.getStringValue());
            TrainLoraJob.Spec spec = new TrainLoraJob.Spec(base, init, settings.lora(), settings.taskFilter.getBooleanValue(),
                settings.training(), settings.prompt.format(), output.folder(), output.overwrite(settings.overwrite.getBooleanValue()), checkpoint,
                settings.resume.getBooleanValue(), metadata(), org.loralab.knime.SharedOptions.modelOptions(settings.device, "auto"));
            TrainLoraJob.Result r = TrainLoraJob.run(spec, train, validation, progress);
            if (r.droppedDocumentTokens() > 0) {
                setWarningMessage(r.droppedDocumentTokens() + " document tokens were cut to fit the maximum length of "
                    + settings.maxLength.getIntValue() + " tokens.");
            }
            return AdapterReference.read(r.adapter(), output.location(), settings.baseModel.getStringValue(), ModelConfig.load(base));
        });
        reportModelOrigin();
        return new PortObject[] {output.portObject(ref), history(progress.epochs(), exec)};
    }

    private AdapterMetadata metadata() {
        AdapterMetadata meta = AdapterMetadata.create(null);
        meta.language = blankToNull(settings.language.getStringValue());
        meta.domain = blankToNull(settings.domain.getStringValue());
        meta.task = blankToNull(settings.task.getStringValue());
        meta.description = blankToNull(settings.description.getStringValue());
        return meta;
    }

    private static String blankToNull(final String s) {
        return s == null || s.isBlank() ? null : s.trim();
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
