package org.loralab.knime.bank;

import org.loralab.knime.LoraLabNodeFactory;

/** Adapter Bank Reader; its description is AdapterBankReaderNodeFactory.xml beside this class. */
public final class AdapterBankReaderNodeFactory extends LoraLabNodeFactory<AdapterBankReaderNodeModel> {

    public AdapterBankReaderNodeFactory() {
        super(AdapterBankReaderNodeModel::new, AdapterBankReaderNodeDialog::new);
    }
}
