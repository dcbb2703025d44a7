package org.loralab.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.prompt.PromptEncoder;
import org.loralab.engine.tokenizer.TextTokenizer;

/** What the trainer must compute, checked where a wrong implementation would give other numbers. */
class TrainingSemanticsTest {

    @TempDir
    static Path dir;
    static Path model;

    private static final LoraConfig LORA = LoraConfig.of(4, 8, List.of("q_proj", "v_proj", "down_proj"));

    @BeforeAll
    static void writeModel() throws Exception {
        model = new TinyCheckpoint().seed(4).write(dir.resolve("base"));
    }

    /** The gradient norm of every optimizer step of one epoch. */
    private static List<Double> gradNorms(TrainingConfig cfg, List<TrainingExample> rows, String out) throws Exception {
        List<Double> norms = new ArrayList<>();
        TrainLoraJob.run(TrainingFixtures.spec(model, dir.resolve(out), cfg, LORA), rows, List.of(),
                new TrainingListener() {
                    @Override
                    public void onStep(StepReport report) {
                        norms.add(report.gradNorm());
                    }

                    @Override
                    public void onProgress(long done, long total, String message) {
                    }
                });
        return norms;
    }

    @Test
    void anAccumulationWindowAveragesLikeOneBatchOfTheSameRows() throws Exception {
        // No clipping, which would hide a wrongly scaled gradient; the same rows per optimizer step.
        TrainingConfig base = TrainingFixtures.config(1).withRegularisation(0, 0);
        List<Double> oneBatch = gradNorms(base.withBatch(2, 1), TrainingFixtures.rows(), "batch2");
        List<Double> accumulated = gradNorms(base.withBatch(1, 2), TrainingFixtures.rows(), "accum2");
        assertEquals(3, oneBatch.size());
        assertEquals(oneBatch.size(), accumulated.size());
        for (int i = 0; i < oneBatch.size(); i++) {
            assertTrue(oneBatch.get(i) > 0);
            assertEquals(oneBatch.get(i), accumulated.get(i), 1e-4 * oneBatch.get(i), "step " + (i + 1));
        }
    }

    @Test
    void theLossIsATokenMeanSoRepeatingARowLeavesTheGradientAlone() throws Exception {
        // Six copies of one row: the mean token loss of any window is that row's, whatever its size;
        // a summed loss would double the gradient with two rows per step.
        List<TrainingExample> same = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            same.add(new TrainingExample(i, "Heavy rain hit Osaka.", "Rain in Osaka."));
        }
        TrainingConfig base = TrainingFixtures.config(1).withRegularisation(0, 0);
        double single = gradNorms(base.withBatch(1, 1), same, "single").get(0);
        assertEquals(single, gradNorms(base.withBatch(1, 2), same, "window").get(0), 1e-4 * single);
        assertEquals(single, gradNorms(base.withBatch(2, 1), same, "pair").get(0), 1e-4 * single);
    }

    @Test
    void earlyStoppingWritesTheBestEpochsWeights() throws Exception {
        // A learning rate this high overfits the validation row within a few epochs.
        TrainingConfig cfg = TrainingFixtures.config(12).withLearningRate(5e-2).withEarlyStopping(1);
        List<TrainingExample> val = List.of(new TrainingExample(0, "Thunder over Kyoto.", "Thunder in Kyoto."));
        Path out = dir.resolve("early");
        TrainingResult r = TrainLoraJob.run(TrainingFixtures.spec(model, out, cfg, LORA), TrainingFixtures.rows(), val,
                TrainingListener.NONE).training();
        assertTrue(r.stoppedEarly(), "the fixture must stop early to test anything");
        double last = r.epochs().get(r.epochs().size() - 1).validationLoss();
        assertTrue(last > r.bestValidationLoss() + 1e-3, "last epoch " + last + ", best " + r.bestValidationLoss());
        assertEquals(r.bestValidationLoss(), validationLossOf(out, cfg, val), 1e-5);
    }

    /** The validation loss of the adapter as written to disk. */
    private static double validationLossOf(Path adapterDir, TrainingConfig cfg, List<TrainingExample> val) throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.load(model);
                CausalLM m = CausalLM.load(model, new ModelOptions("cpu", "auto"));
                LoraAdapter adapter = LoraAdapter.load(adapterDir, m)) {
            long eos = TrainLoraJob.eosId(model, tokenizer);
            List<EncodedExample> encoded = EncodedExample.encode(val,
                    new PromptEncoder(tokenizer, TrainingFixtures.PROMPT), eos, cfg.maxSeqLength());
            return new LoraTrainer(m, adapter, cfg, eos).validationLoss(encoded);
        }
    }
}
