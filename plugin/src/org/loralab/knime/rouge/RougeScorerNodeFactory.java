package org.loralab.knime.rouge;

import org.loralab.knime.LoraLabNodeFactory;

/** ROUGE Scorer; its description is RougeScorerNodeFactory.xml beside this class. */
public final class RougeScorerNodeFactory extends LoraLabNodeFactory<RougeScorerNodeModel> {

    public RougeScorerNodeFactory() {
        super(RougeScorerNodeModel::new, RougeScorerNodeDialog::new);
    }
}
