package org.loralab.knime.bank;

import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.defaultnodesettings.DialogComponentBoolean;
import org.knime.core.node.defaultnodesettings.DialogComponentString;
import org.loralab.knime.SharedOptions;

/** The Adapter Bank Reader dialog. */
final class AdapterBankReaderNodeDialog extends DefaultNodeSettingsPane {

    AdapterBankReaderNodeDialog() {
        AdapterBankReaderSettings s = new AdapterBankReaderSettings();
        addDialogComponent(new DialogComponentString(s.bank, "Adapter bank folder (path or knime:// URL)", true, 40));
        SharedOptions.addBaseModel(this, s.baseModel, "Check against base model (folder, demo, or empty)");
        addDialogComponent(new DialogComponentBoolean(s.onlyUsable, "List only usable adapters"));
    }
}
