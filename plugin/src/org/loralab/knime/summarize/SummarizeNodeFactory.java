package org.loralab.knime.summarize;

import org.loralab.knime.LoraLabNodeFactory;

/** Summarize; its description is SummarizeNodeFactory.xml beside this class. */
public final class SummarizeNodeFactory extends LoraLabNodeFactory<SummarizeNodeModel> {

    public SummarizeNodeFactory() {
        super(SummarizeNodeModel::new, SummarizeNodeDialog::new);
    }
}
