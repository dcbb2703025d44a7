package org.loralab.knime.train;

import org.loralab.engine.params.TrainParams;
import org.loralab.knime.LoraLabNodeFactory;
import org.loralab.knime.ParamsDialog;

/** Train LoRA; its description is TrainLoraNodeFactory.xml beside this class. */
public final class TrainLoraNodeFactory extends LoraLabNodeFactory<TrainLoraNodeModel> {

    public TrainLoraNodeFactory() {
        super(TrainLoraNodeModel::new, () -> new ParamsDialog<>(TrainParams.SCHEMA));
    }
}
