package org.loralab.knime.summarize;

import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NotConfigurableException;
import org.knime.core.node.defaultnodesettings.SettingsModelBoolean;
import org.knime.core.node.port.PortObjectSpec;
import org.loralab.engine.params.SummarizeParams;
import org.loralab.knime.ParamsDialog;

/** The Summarize dialog, from its schema; the node's own prompt fields matter only when the adapter's prompt is not used. */
final class SummarizeNodeDialog extends ParamsDialog<SummarizeParams> {

    SummarizeNodeDialog() {
        super(SummarizeParams.SCHEMA);
        fromAdapter().addChangeListener(e -> enablePrompt());
        enablePrompt();
    }

    private SettingsModelBoolean fromAdapter() {
        return (SettingsModelBoolean) params.model("prompt_from_adapter");
    }

    private void enablePrompt() {
        boolean own = !fromAdapter().getBooleanValue();
        for (String key : new String[] {"prompt_template", "prompt_language", "prompt_chat"}) {
            params.model(key).setEnabled(own);
        }
    }

    @Override
    public void loadAdditionalSettingsFrom(final NodeSettingsRO settings, final PortObjectSpec[] specs) throws NotConfigurableException {
        super.loadAdditionalSettingsFrom(settings, specs);
        enablePrompt();
    }
}
