package org.loralab.knime.rouge;

import org.loralab.engine.params.RougeParams;
import org.loralab.knime.LoraLabNodeFactory;
import org.loralab.knime.ParamsDialog;

/** ROUGE Scorer; its description is RougeScorerNodeFactory.xml beside this class. */
public final class RougeScorerNodeFactory extends LoraLabNodeFactory<RougeScorerNodeModel> {

    public RougeScorerNodeFactory() {
        super(RougeScorerNodeModel::new, () -> new ParamsDialog<>(RougeParams.SCHEMA));
    }
}
