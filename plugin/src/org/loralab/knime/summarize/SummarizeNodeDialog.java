package org.loralab.knime.summarize;

import java.util.List;
import org.knime.core.data.StringValue;
import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.defaultnodesettings.DialogComponentBoolean;
import org.knime.core.node.defaultnodesettings.DialogComponentColumnNameSelection;
import org.knime.core.node.defaultnodesettings.DialogComponentNumber;
import org.knime.core.node.defaultnodesettings.DialogComponentNumberEdit;
import org.knime.core.node.defaultnodesettings.DialogComponentStringSelection;
import org.loralab.knime.SharedOptions;

/** The Summarize dialog: model and input, decoding, prompt. */
final class SummarizeNodeDialog extends DefaultNodeSettingsPane {

    @SuppressWarnings("unchecked")
    SummarizeNodeDialog() {
        SummarizeSettings s = new SummarizeSettings();
        setDefaultTabTitle("Model and input");
        SharedOptions.addBaseModel(this, s.baseModel, "Base model folder, demo, or empty for the adapter's");
        addDialogComponent(new DialogComponentColumnNameSelection(s.documentColumn, "Document column", 1, StringValue.class));
        addDialogComponent(new DialogComponentBoolean(s.mergeAdapter, "Merge the adapter into the weights first (faster)"));
        addDialogComponent(new DialogComponentNumber(s.maxInputTokens, "Maximum prompt tokens", 64));
        addDialogComponent(new DialogComponentNumber(s.batchSize, "Documents per batch", 1));
        addDialogComponent(new DialogComponentStringSelection(s.dtype, "Compute type", List.of("auto", "float32", "bfloat16", "float16")));
        SharedOptions.addDevice(this, s.device);

        createNewTab("Decoding");
        addDialogComponent(new DialogComponentNumber(s.maxNewTokens, "Maximum new tokens (0: model default)", 16));
        addDialogComponent(new DialogComponentNumber(s.beams, "Beams (0: model default)", 1));
        addDialogComponent(new DialogComponentBoolean(s.sample, "Sample instead of greedy decoding"));
        addDialogComponent(new DialogComponentNumberEdit(s.temperature, "Temperature (0: model default)"));
        addDialogComponent(new DialogComponentNumber(s.topK, "Top-k (0: model default)", 1));
        addDialogComponent(new DialogComponentNumberEdit(s.topP, "Top-p (0: model default)"));
        addDialogComponent(new DialogComponentNumberEdit(s.seed, "Seed"));

        createNewTab("Prompt");
        s.prompt.addTo(this);
    }
}
