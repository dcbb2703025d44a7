package org.loralab.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;

/** Whatever would make the adapter unwritable is found before the first training step, not after the last. */
class ChecksBeforeTrainingTest {

    @TempDir
    Path dir;

    private Exception refusedBeforeAnyStep(Path model, Path out, Path checkpoint) {
        TrainLoraJob.Spec spec = TrainLoraJob.Spec.builder().baseModel(model).lora(LoraConfig.of(2, 4, List.of("q_proj")))
                .training(TrainingFixtures.config(1)).prompt(TrainingFixtures.PROMPT).output(out).checkpointDir(checkpoint)
                .device(new ModelOptions("cpu", "auto")).build();
        AtomicInteger steps = new AtomicInteger();
        Exception e = assertThrows(Exception.class, () -> TrainLoraJob.run(spec, TrainingFixtures.rows(), List.of(), new TrainingListener() {
            @Override
            public void onStep(StepReport s) {
                steps.incrementAndGet();
            }
        }));
        assertEquals(0, steps.get(), "refused only after training: " + e);
        return e;
    }

    @Test
    void unwritableOutputsAreRefusedBeforeTheFirstStep() throws Exception {
        Path model = new TinyCheckpoint().seed(3).write(dir.resolve("base"));

        Path existing = Files.createDirectories(dir.resolve("existing"));
        assertTrue(refusedBeforeAnyStep(model, existing, null).getMessage().contains("already exists"));

        Path out = dir.resolve("out");
        Exception same = refusedBeforeAnyStep(model, out, out);
        assertTrue(same.getMessage().contains("checkpoint") && same.getMessage().contains("separate"), same.getMessage());
        assertFalse(Files.exists(out));

        Exception longName = refusedBeforeAnyStep(model, dir.resolve("a".repeat(230)), null);
        assertTrue(longName.getMessage().contains("too long"), longName.getMessage());

        Path notAFolder = Files.writeString(dir.resolve("file"), "x");
        Exception under = refusedBeforeAnyStep(model, notAFolder.resolve("adapter"), null);
        assertTrue(under.getMessage().contains("not a folder"), under.getMessage());

        // a read-only folder; root writes into one anyway, so for root a folder nobody may add to: sysfs's top
        Path readOnly = Files.createDirectories(dir.resolve("ro"));
        readOnly.toFile().setWritable(false, false);
        Path unwritable = Files.isWritable(readOnly) ? Path.of("/sys") : readOnly;
        Exception ro = refusedBeforeAnyStep(model, unwritable.resolve("loralab-adapter"), null);
        assertTrue(ro.getMessage().contains("refuses new entries") && ro.getMessage().contains(unwritable.toString()), ro.getMessage());
        readOnly.toFile().setWritable(true, false);
    }
}
