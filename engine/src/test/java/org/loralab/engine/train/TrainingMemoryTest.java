package org.loralab.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.prompt.PromptEncoder;
import org.loralab.engine.tokenizer.TextTokenizer;

/**
 * A training step leaves nothing behind in the long-lived managers: the arrays they hold after
 * training do not grow with the number of steps. (A gradient-sized temporary left per step once
 * leaked a copy of every trainable array per step: gigabytes when a whole model was trained.)
 */
class TrainingMemoryTest {

    @TempDir
    Path dir;

    private int arraysLeftAfter(Path model, int epochs, boolean wholeModel) throws Exception {
        return arraysLeftAfter(model, epochs, wholeModel, ActivationCheckpointing.AUTO);
    }

    private int arraysLeftAfter(Path model, int epochs, boolean wholeModel, ActivationCheckpointing checkpointing) throws Exception {
        try (TextTokenizer tok = TextTokenizer.load(model);
                CausalLM lm = wholeModel ? CausalLM.loadWritable(model, new ModelOptions("cpu", "auto")) : CausalLM.load(model, new ModelOptions("cpu", "auto"))) {
            List<EncodedExample> data = EncodedExample.encode(TrainingFixtures.rows(), new PromptEncoder(tok, TrainingFixtures.PROMPT),
                    tok.tokenId(TinyCheckpoint.IM_END).orElseThrow(), 64);
            TrainingConfig cfg = TrainingFixtures.config(epochs);
            if (wholeModel) {
                new FullModelTrainer(lm, cfg, 0).withActivationCheckpointing(checkpointing).train(data, TrainingListener.NONE);
                return count(lm.manager());
            }
            try (LoraAdapter a = LoraAdapter.create(lm, LoraConfig.of(4, 8, LoraConfig.ALL_LINEAR), false, 1)) {
                new LoraTrainer(lm, a, cfg.withRegularisation(0, 1e-6), 0).withActivationCheckpointing(checkpointing).train(data, List.of(), null, false, null, TrainingListener.NONE);
                return count(lm.manager()) + count(a.manager());
            }
        }
    }

    private static int count(NDManager m) {
        return m.getManagedArrays().size();
    }

    @Test
    void loraTrainingLeavesNoArraysBehindPerStep() throws Exception {
        Path model = new TinyCheckpoint().seed(3).write(dir.resolve("base"));
        assertEquals(arraysLeftAfter(model, 1, false), arraysLeftAfter(model, 4, false));
    }

    @Test
    void wholeModelTrainingLeavesNoArraysBehindPerStep() throws Exception {
        Path model = new TinyCheckpoint().seed(3).write(dir.resolve("base"));
        assertEquals(arraysLeftAfter(model, 1, true), arraysLeftAfter(model, 4, true));
    }

    @Test
    void checkpointedTrainingLeavesNoArraysBehindPerStep() throws Exception {
        Path model = new TinyCheckpoint().seed(3).tieEmbeddings(true).write(dir.resolve("base"));
        assertEquals(arraysLeftAfter(model, 1, false, ActivationCheckpointing.ON), arraysLeftAfter(model, 4, false, ActivationCheckpointing.ON));
        assertEquals(arraysLeftAfter(model, 1, true, ActivationCheckpointing.ON), arraysLeftAfter(model, 4, true, ActivationCheckpointing.ON));
    }
}
