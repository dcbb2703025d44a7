package org.loralab.knime.merge;

import org.loralab.engine.params.MergeParams;
import org.loralab.knime.LoraLabNodeFactory;
import org.loralab.knime.ParamsDialog;

/** Adaptive Merge &amp; Prune; its description is AdaptiveMergeNodeFactory.xml beside this class. */
public final class AdaptiveMergeNodeFactory extends LoraLabNodeFactory<AdaptiveMergeNodeModel> {

    public AdaptiveMergeNodeFactory() {
        super(AdaptiveMergeNodeModel::new, () -> new ParamsDialog<>(MergeParams.SCHEMA));
    }
}
