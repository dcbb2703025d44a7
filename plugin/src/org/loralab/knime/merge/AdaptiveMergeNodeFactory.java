package org.loralab.knime.merge;

import org.loralab.knime.LoraLabNodeFactory;

/** Adaptive Merge &amp; Prune; its description is AdaptiveMergeNodeFactory.xml beside this class. */
public final class AdaptiveMergeNodeFactory extends LoraLabNodeFactory<AdaptiveMergeNodeModel> {

    public AdaptiveMergeNodeFactory() {
        super(AdaptiveMergeNodeModel::new, AdaptiveMergeNodeDialog::new);
    }
}
