package org.loralab.engine.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.io.OutOfMemoryInJob;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;

/** An OutOfMemoryError inside a job reaches the caller as an error naming the job's input, after its resources are closed. */
class OutOfMemoryInJobTest {

    @TempDir
    Path dir;

    @Test
    void anOutOfMemoryErrorDuringTrainingNamesTheInput() throws Exception {
        Path model = new TinyCheckpoint().seed(3).write(dir.resolve("base"));
        Path out = dir.resolve("out");
        TrainLoraJob.Spec spec = TrainLoraJob.Spec.builder().baseModel(model).lora(LoraConfig.of(2, 4, List.of("q_proj")))
                .training(TrainingFixtures.config(1)).prompt(TrainingFixtures.PROMPT).output(out)
                .device(new ModelOptions("cpu", "auto")).build();
        // Injected where a real one strikes: inside the training loop, with the model and adapter open.
        Throwable thrown = null;
        try {
            TrainLoraJob.run(spec, TrainingFixtures.rows(), List.of(), new TrainingListener() {
                @Override
                public void onStep(StepReport s) {
                    throw new OutOfMemoryError("Java heap space");
                }
            });
        } catch (Throwable t) { // JUnit's assertThrows passes an OutOfMemoryError on, which would end the test JVM
            thrown = t;
        }
        OutOfMemoryInJob e = assertInstanceOf(OutOfMemoryInJob.class, thrown);
        assertTrue(e.getMessage().startsWith("Training ran out of Java memory on the base model " + model)
                && e.getMessage().contains(TrainingFixtures.rows().size() + " training"), e.getMessage());
        assertFalse(Files.exists(out));
    }
}
