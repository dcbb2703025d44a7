package org.loralab.knime.train;

import java.util.List;
import org.knime.core.data.StringValue;
import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.defaultnodesettings.DialogComponentBoolean;
import org.knime.core.node.defaultnodesettings.DialogComponentColumnNameSelection;
import org.knime.core.node.defaultnodesettings.DialogComponentNumber;
import org.knime.core.node.defaultnodesettings.DialogComponentNumberEdit;
import org.knime.core.node.defaultnodesettings.DialogComponentString;
import org.knime.core.node.defaultnodesettings.DialogComponentStringSelection;
import org.loralab.knime.SharedOptions;

/** The Train LoRA dialog: data and output, then LoRA, training, metadata and prompt tabs. */
final class TrainLoraNodeDialog extends DefaultNodeSettingsPane {

    @SuppressWarnings("unchecked")
    TrainLoraNodeDialog() {
        TrainLoraSettings s = new TrainLoraSettings();
        setDefaultTabTitle("Data and output");
        SharedOptions.addBaseModel(this, s.baseModel, "Base model folder (or demo)");
        addDialogComponent(new DialogComponentColumnNameSelection(s.documentColumn, "Document column", 0, StringValue.class));
        addDialogComponent(new DialogComponentColumnNameSelection(s.summaryColumn, "Summary column", 0, StringValue.class));
        SharedOptions.addFolder(this, s.output, "Output adapter folder (path or knime:// URL)", true);
        addDialogComponent(new DialogComponentBoolean(s.overwrite, "Replace an existing adapter folder"));
        addDialogComponent(new DialogComponentBoolean(s.keepInWorkflow, "Keep the adapter inside the workflow"));
        SharedOptions.addDevice(this, s.device);

        createNewTab("LoRA");
        addDialogComponent(new DialogComponentNumber(s.rank, "Rank r", 1));
        addDialogComponent(new DialogComponentNumber(s.alpha, "Alpha", 1));
        addDialogComponent(new DialogComponentNumber(s.dropout, "Dropout", 0.01));
        addDialogComponent(new DialogComponentString(s.targets, "Target modules (comma-separated)", true, 40));
        addDialogComponent(new DialogComponentBoolean(s.rslora, "rsLoRA scaling (alpha / sqrt r)"));
        addDialogComponent(new DialogComponentBoolean(s.taskFilter, "LoRA-TRF: add the task-aware filter"));

        createNewTab("Training");
        addDialogComponent(new DialogComponentNumber(s.epochs, "Epochs", 1));
        addDialogComponent(new DialogComponentNumberEdit(s.learningRate, "Learning rate"));
        addDialogComponent(new DialogComponentNumber(s.batchSize, "Batch size", 1));
        addDialogComponent(new DialogComponentNumber(s.accumulation, "Gradient accumulation steps", 1));
        addDialogComponent(new DialogComponentStringSelection(s.schedule, "Learning-rate schedule", List.of("linear", "cosine", "constant")));
        addDialogComponent(new DialogComponentNumber(s.warmup, "Warm-up ratio", 0.01));
        addDialogComponent(new DialogComponentNumberEdit(s.weightDecay, "Weight decay"));
        addDialogComponent(new DialogComponentNumberEdit(s.clip, "Gradient clipping norm (0: off)"));
        addDialogComponent(new DialogComponentNumber(s.maxLength, "Maximum tokens per example", 64));
        addDialogComponent(new DialogComponentNumberEdit(s.seed, "Seed"));
        addDialogComponent(new DialogComponentNumber(s.patience, "Early-stopping patience in epochs (0: off)", 1));
        createNewGroup("Checkpoints");
        SharedOptions.addFolder(this, s.checkpoint, "Checkpoint folder (empty: none)", true);
        addDialogComponent(new DialogComponentNumber(s.saveSteps, "Also every N steps (0: each epoch)", 100));
        addDialogComponent(new DialogComponentBoolean(s.resume, "Resume from the checkpoint"));
        closeCurrentGroup();

        createNewTab("Metadata and prompt");
        addDialogComponent(new DialogComponentString(s.language, "Language (e.g. en, ja)"));
        addDialogComponent(new DialogComponentString(s.domain, "Domain"));
        addDialogComponent(new DialogComponentString(s.task, "Task"));
        addDialogComponent(new DialogComponentString(s.description, "Description", false, 40));
        s.prompt.addTo(this);
    }
}
