package org.loralab.knime.bank;

import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.defaultnodesettings.DialogComponentBoolean;
import org.loralab.knime.SharedOptions;

/** The Adapter Bank Reader dialog. */
final class AdapterBankReaderNodeDialog extends DefaultNodeSettingsPane {

    AdapterBankReaderNodeDialog() {
        AdapterBankReaderSettings s = new AdapterBankReaderSettings();
        SharedOptions.addFolder(this, s.bank, "Adapter bank folder (path or knime:// URL)", false);
        SharedOptions.addBaseModel(this, s.baseModel, "Check against base model (folder, demo, or empty)");
        addDialogComponent(new DialogComponentBoolean(s.onlyUsable, "List only usable adapters"));
    }
}
