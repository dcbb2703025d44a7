package org.loralab.engine.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A checkpoint resumes under the settings that change the result, compared by name; the checkpoint interval may differ. */
class ResumeSettingsTest {

    private static final Path FOLDER = Path.of("ckpt");

    /** The state file as written (and read back as text, as restore reads it). */
    private static JsonObject stateOf(TrainingConfig cfg) {
        JsonObject o = new JsonObject();
        o.addProperty("training_config", cfg.toString());
        o.add("training_settings", new Gson().toJsonTree(cfg.resultSettings()));
        return JsonParser.parseString(o.toString()).getAsJsonObject();
    }

    @Test
    void aSettingThatChangesTheResultIsNamed() {
        TrainingConfig cfg = TrainingConfig.defaults().withSeed(7).withEpochs(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainerCheckpoint.requireSameSettings(FOLDER, stateOf(cfg), cfg.withLearningRate(1e-3)));
        assertTrue(e.getMessage().contains("learning_rate 0.001 now, 2.0E-4 in the checkpoint"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainerCheckpoint.requireSameSettings(FOLDER, stateOf(cfg), cfg.withSeed(8)));
        assertThrows(IllegalArgumentException.class, () -> TrainerCheckpoint.requireSameSettings(FOLDER, stateOf(cfg),
                cfg.withSchedule(LrSchedule.COSINE, 0)));
    }

    @Test
    void theSameSettingsAndAnotherCheckpointIntervalResume() {
        TrainingConfig cfg = TrainingConfig.defaults().withSeed(7).withEpochs(2);
        assertDoesNotThrow(() -> TrainerCheckpoint.requireSameSettings(FOLDER, stateOf(cfg), cfg));
        assertDoesNotThrow(() -> TrainerCheckpoint.requireSameSettings(FOLDER, stateOf(cfg), cfg.withSaveEverySteps(5)));
        assertDoesNotThrow(() -> TrainerCheckpoint.requireSameSettings(FOLDER, stateOf(cfg.withSeed(Long.MAX_VALUE - 1)),
                cfg.withSeed(Long.MAX_VALUE - 1)));
        assertThrows(IllegalArgumentException.class, () -> TrainerCheckpoint.requireSameSettings(FOLDER, stateOf(cfg.withSeed(Long.MAX_VALUE - 1)),
                cfg.withSeed(Long.MAX_VALUE)), "seeds differing in the last bit");
    }
}
