package org.loralab.engine.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;

/** --resume refuses a checkpoint made with another rank, alpha or base model instead of scrambling it into the adapter. */
class ResumeIdentityTest {

    @TempDir
    Path dir;

    private TrainLoraJob.Spec spec(Path model, LoraConfig lora, Path ckpt, String out) {
        return TrainLoraJob.Spec.builder().baseModel(model).lora(lora).training(TrainingFixtures.config(1))
                .prompt(TrainingFixtures.PROMPT).output(dir.resolve(out)).checkpointDir(ckpt).resume(true)
                .device(new ModelOptions("cpu", "auto")).build();
    }

    private String refused(TrainLoraJob.Spec spec) {
        return assertThrows(IllegalArgumentException.class,
                () -> TrainLoraJob.run(spec, TrainingFixtures.rows(), List.of(), TrainingListener.NONE)).getMessage();
    }

    @Test
    void aCheckpointOfAnotherRankAlphaOrBaseModelIsRefused() throws Exception {
        Path model = new TinyCheckpoint().seed(3).write(dir.resolve("base"));
        Path otherModel = new TinyCheckpoint().seed(3).intermediateSize(96).write(dir.resolve("other-base"));
        Path ckpt = dir.resolve("ckpt");
        List<String> targets = List.of("q_proj", "v_proj");
        TrainLoraJob.run(spec(model, LoraConfig.of(2, 4, targets), ckpt, "first"), TrainingFixtures.rows(), List.of(), TrainingListener.NONE);

        String alpha = refused(spec(model, LoraConfig.of(2, 8, targets), ckpt, "a"));
        assertTrue(alpha.contains(ckpt.toString()) && alpha.contains("lora_alpha"), alpha);
        String rank = refused(spec(model, LoraConfig.of(4, 4, targets), ckpt, "b"));
        assertTrue(rank.contains("lora.r "), rank);
        String base = refused(spec(otherModel, LoraConfig.of(2, 4, targets), ckpt, "c"));
        assertTrue(base.contains("base_model"), base);
        // the same settings still resume
        TrainLoraJob.run(spec(model, LoraConfig.of(2, 4, targets), ckpt, "d"), TrainingFixtures.rows(), List.of(), TrainingListener.NONE);
    }
}
