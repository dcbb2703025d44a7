package org.loralab.knime.train;

import org.loralab.knime.LoraLabNodeFactory;

/** Train LoRA; its description is TrainLoraNodeFactory.xml beside this class. */
public final class TrainLoraNodeFactory extends LoraLabNodeFactory<TrainLoraNodeModel> {

    public TrainLoraNodeFactory() {
        super(TrainLoraNodeModel::new, TrainLoraNodeDialog::new);
    }
}
