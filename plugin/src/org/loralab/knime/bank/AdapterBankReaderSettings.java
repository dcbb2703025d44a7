package org.loralab.knime.bank;

import org.knime.core.node.defaultnodesettings.SettingsModelBoolean;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.loralab.knime.SettingsGroup;

/** Settings of the Adapter Bank Reader node. */
final class AdapterBankReaderSettings extends SettingsGroup {

    final SettingsModelString bank = string("bank_folder", "");
    final SettingsModelString baseModel = string("base_model", "");
    final SettingsModelBoolean onlyUsable = bool("only_usable", false);
}
