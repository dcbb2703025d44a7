package org.loralab.engine.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.prompt.PromptFormat;

/** Tiny summarization data and settings shared by the training tests. */
final class TrainingFixtures {

    static final PromptFormat PROMPT = new PromptFormat("{document}\nSummary:", "", false);

    private TrainingFixtures() {
    }

    static List<TrainingExample> rows() {
        String[][] pairs = {
            {"Heavy rain hit Osaka.", "Rain in Osaka."},
            {"Sunny skies over Kobe.", "Sun in Kobe."},
            {"Snow fell in Sapporo.", "Snow in Sapporo."},
            {"Wind battered Naha.", "Wind in Naha."},
            {"Fog covered Sendai.", "Fog in Sendai."},
            {"Hail struck Nagoya.", "Hail in Nagoya."},
        };
        List<TrainingExample> rows = new ArrayList<>();
        for (int i = 0; i < pairs.length; i++) {
            rows.add(new TrainingExample(i, pairs[i][0], pairs[i][1]));
        }
        return rows;
    }

    static TrainingConfig config(int epochs) {
        return TrainingConfig.defaults().withEpochs(epochs).withLearningRate(1e-2).withBatch(2, 1)
                .withSchedule(LrSchedule.CONSTANT, 0).withMaxSeqLength(64).withSeed(11);
    }

    static TrainLoraJob.Spec spec(Path model, Path out, TrainingConfig cfg, LoraConfig lora) {
        return TrainLoraJob.Spec.builder().baseModel(model).lora(lora).training(cfg).prompt(PROMPT).output(out)
                .device(new ModelOptions("cpu", "auto")).build();
    }
}
