package org.loralab.knime.bank;

import org.loralab.engine.params.BankParams;
import org.loralab.knime.LoraLabNodeFactory;
import org.loralab.knime.ParamsDialog;

/** Adapter Bank Reader; its description is AdapterBankReaderNodeFactory.xml beside this class. */
public final class AdapterBankReaderNodeFactory extends LoraLabNodeFactory<AdapterBankReaderNodeModel> {

    public AdapterBankReaderNodeFactory() {
        super(AdapterBankReaderNodeModel::new, () -> new ParamsDialog<>(BankParams.SCHEMA));
    }
}
