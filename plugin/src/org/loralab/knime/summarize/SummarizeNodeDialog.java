package org.loralab.knime.summarize;

import java.util.List;
import org.knime.core.data.StringValue;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NotConfigurableException;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.defaultnodesettings.DialogComponentBoolean;
import org.knime.core.node.defaultnodesettings.DialogComponentColumnNameSelection;
import org.knime.core.node.defaultnodesettings.DialogComponentNumber;
import org.knime.core.node.defaultnodesettings.DialogComponentNumberEdit;
import org.knime.core.node.defaultnodesettings.DialogComponentStringSelection;
import org.loralab.knime.SharedOptions;

/** The Summarize dialog: model and input, decoding, prompt. */
final class SummarizeNodeDialog extends DefaultNodeSettingsPane {

    private final SummarizeSettings s = new SummarizeSettings();

    @SuppressWarnings("unchecked")
    SummarizeNodeDialog() {
        setDefaultTabTitle("Model and input");
        SharedOptions.addBaseModel(this, s.baseModel, "Base model folder, demo, or empty for the adapter's");
        addDialogComponent(new DialogComponentColumnNameSelection(s.documentColumn, "Document column", 1, StringValue.class));
        addDialogComponent(new DialogComponentColumnNameSelection(s.adapterColumn, "Adapter column (with an adapter table)", 1, false,
            true, StringValue.class));
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
        addDialogComponent(new DialogComponentBoolean(s.promptFromAdapter, "Use the adapter's prompt"));
        s.prompt.addTo(this);
        s.promptFromAdapter.addChangeListener(e -> enablePrompt());
        enablePrompt();
    }

    /** The node's own prompt fields matter only when the adapter's prompt is not used. */
    private void enablePrompt() {
        boolean own = !s.promptFromAdapter.getBooleanValue();
        s.prompt.template.setEnabled(own);
        s.prompt.languageHint.setEnabled(own);
        s.prompt.chat.setEnabled(own);
    }

    @Override
    public void loadAdditionalSettingsFrom(final NodeSettingsRO settings, final PortObjectSpec[] specs)
        throws NotConfigurableException {
        if (!settings.containsKey(SummarizeSettings.PROMPT_FROM_ADAPTER)) { // saved before the flag existed
            s.promptFromAdapter.setBooleanValue(SummarizeSettings.legacyFromAdapter(settings));
        }
        enablePrompt();
    }
}
