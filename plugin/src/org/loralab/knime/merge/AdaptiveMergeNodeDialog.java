package org.loralab.knime.merge;

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

/** The Adaptive Merge &amp; Prune dialog: method and output, adaptive fine-tune, classic merges, prompt. */
final class AdaptiveMergeNodeDialog extends DefaultNodeSettingsPane {

    @SuppressWarnings("unchecked")
    AdaptiveMergeNodeDialog() {
        AdaptiveMergeSettings s = new AdaptiveMergeSettings();
        setDefaultTabTitle("Merge");
        SharedOptions.addBaseModel(this, s.baseModel, "Base model folder (or demo)");
        addDialogComponent(new DialogComponentColumnNameSelection(s.pathColumn, "Adapter path column", 0, StringValue.class));
        addDialogComponent(new DialogComponentBoolean(s.onlyValid, "Skip adapters whose status is not 'valid'"));
        addDialogComponent(new DialogComponentStringSelection(s.method, "Method", List.of("adaptive", "linear", "cat", "svd",
            "ties", "dare_linear", "dare_ties", "magnitude_prune", "lorahub", "description")));
        addDialogComponent(new DialogComponentString(s.weights, "Weights, one per adapter (empty: uniform)", false, 30));
        SharedOptions.addFolder(this, s.output, "Output adapter folder (path or knime:// URL)", true);
        addDialogComponent(new DialogComponentBoolean(s.overwrite, "Replace an existing adapter folder"));
        addDialogComponent(new DialogComponentBoolean(s.keepInWorkflow, "Keep the adapter inside the workflow"));
        addDialogComponent(new DialogComponentBoolean(s.exportModel, "Also write base + merged adapter as one model"));
        SharedOptions.addDevice(this, s.device);

        createNewTab("Adaptive Merge & Prune");
        addDialogComponent(new DialogComponentColumnNameSelection(s.documentColumn, "Target document column", 1, false, StringValue.class));
        addDialogComponent(new DialogComponentColumnNameSelection(s.summaryColumn, "Target summary column", 1, false, StringValue.class));
        addDialogComponent(new DialogComponentNumber(s.pruneRatio, "Prune ratio", 0.05));
        addDialogComponent(new DialogComponentStringSelection(s.importance, "Importance", List.of("saliency", "magnitude", "update")));
        addDialogComponent(new DialogComponentStringSelection(s.granularity, "Granularity", List.of("rank", "element", "module")));
        addDialogComponent(new DialogComponentStringSelection(s.pruneSchedule, "Pruning schedule", List.of("iterative", "one_shot")));
        addDialogComponent(new DialogComponentNumber(s.epochs, "Fine-tune epochs", 1));
        addDialogComponent(new DialogComponentNumberEdit(s.learningRate, "Learning rate"));
        addDialogComponent(new DialogComponentNumber(s.batchSize, "Batch size", 1));

        createNewTab("Classic merges");
        addDialogComponent(new DialogComponentNumber(s.density, "Density (TIES, DARE, magnitude prune)", 0.05));
        addDialogComponent(new DialogComponentNumber(s.svdRank, "SVD rank (0: sum of ranks)", 1));
        addDialogComponent(new DialogComponentNumber(s.loraHubBudget, "LoraHub loss evaluations", 5));
        addDialogComponent(new DialogComponentString(s.taskDescription, "Task description (description merge)", false, 40));
        addDialogComponent(new DialogComponentNumber(s.topK, "Description merge: adapters used", 1));
        addDialogComponent(new DialogComponentNumberEdit(s.temperature, "Description merge: softmax temperature"));
        addDialogComponent(new DialogComponentNumberEdit(s.seed, "Seed"));

        createNewTab("Prompt");
        s.prompt.addTo(this);
    }
}
