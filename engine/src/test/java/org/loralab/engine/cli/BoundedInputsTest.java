package org.loralab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.AdapterWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.prompt.PromptEncoder;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.rouge.BootstrapAggregator;
import org.loralab.engine.tokenizer.TextTokenizer;

/** Sizes that used to end in OutOfMemoryError or minutes of work are refused or bounded up front. */
class BoundedInputsTest {

    @TempDir
    Path dir;

    @Test
    void aHugeDocumentIsCutBeforeTokenizingWithTheSameTokens() throws Exception {
        Path model = new TinyCheckpoint().seed(2).write(dir.resolve("model"));
        try (TextTokenizer tok = TextTokenizer.load(model)) {
            PromptEncoder enc = new PromptEncoder(tok, new PromptFormat("{document}\nSummary:", "", false));
            String huge = "Rain in Osaka, heavy at times; the river rose. ".repeat(60_000); // 2.8 M characters
            long start = System.nanoTime();
            PromptEncoder.Encoded cut = enc.encode(huge, 300);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < 5, "a 2.8 M character row took " + seconds + " s for a 300-token prompt");
            assertArrayEquals(enc.encode(huge.substring(0, 20_000), 300).ids(), cut.ids(), "the same tokens as cutting the whole text");
            assertTrue(cut.ids().length <= 300);
        }
    }

    @Test
    void sizesBeyondReasonAreRefusedWithTheirLimit() throws Exception {
        IllegalArgumentException boot = assertThrows(IllegalArgumentException.class, () -> new BootstrapAggregator(0.95, 2_000_000_000, 1));
        assertTrue(boot.getMessage().contains("at most"), boot.getMessage());
        assertEquals(1920, org.loralab.engine.summarize.SummarizerBudget.of(200_000, 2048, 128), "capped by the model's context");

        Path model = new TinyCheckpoint().seed(2).write(dir.resolve("m"));
        try (CausalLM m = CausalLM.load(model, new ModelOptions("cpu", "auto"))) {
            IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                    () -> LoraAdapter.create(m, LoraConfig.of(100_000_000, 16, List.of("q_proj")), false, 1));
            assertTrue(rank.getMessage().contains("q_proj") && rank.getMessage().contains("at most"), rank.getMessage());
            for (String name : List.of("a", "b")) {
                try (LoraAdapter a = LoraAdapter.create(m, LoraConfig.of(2, 4, List.of("q_proj")), false, 1)) {
                    AdapterWriter.write(a, AdapterMetadata.create("lora"), dir.resolve(name), false);
                }
            }
        }
        StringWriter err = new StringWriter();
        assertEquals(1, InProcessCli.run(err, "merge", "-m", model.toString(), "--adapters", dir.resolve("a") + "," + dir.resolve("b"), "--method", "svd",
                "--svd-rank", "4000", "--out", dir.resolve("merged").toString()));
        assertTrue(err.toString().contains("svd rank 4000 exceeds"), err.toString());
        // beyond the node's bound the parameter itself is refused, naming its flag and bounds
        StringWriter bound = new StringWriter();
        assertEquals(1, InProcessCli.run(bound, "merge", "-m", model.toString(), "--adapters", dir.resolve("a") + "," + dir.resolve("b"),
                "--method", "svd", "--svd-rank", "100000", "--out", dir.resolve("merged").toString()));
        assertTrue(bound.toString().contains("--svd-rank") && bound.toString().contains("[0, 4096]"), bound.toString());
    }

    @Test
    void trainingSequencesAreCappedByTheModelsContext() throws Exception {
        Path model = new TinyCheckpoint().seed(2).write(dir.resolve("short-context"));
        var cfg = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(model.resolve("config.json"))).getAsJsonObject();
        cfg.addProperty("max_position_embeddings", 48);
        java.nio.file.Files.writeString(model.resolve("config.json"), cfg.toString());
        var rows = List.of(new org.loralab.engine.train.TrainingExample(0, "Rain in Osaka. ".repeat(20), "Rain."),
                new org.loralab.engine.train.TrainingExample(1, "Sun in Kobe.", "Sun."));
        var spec = org.loralab.engine.train.TrainLoraJob.Spec.builder().baseModel(model).lora(LoraConfig.of(2, 4, List.of("q_proj")))
                .training(org.loralab.engine.train.TrainingConfig.defaults().withEpochs(1).withBatch(2, 1).withMaxSeqLength(100_000))
                .prompt(new PromptFormat("{document}\nSummary:", "", false)).output(dir.resolve("out"))
                .device(new ModelOptions("cpu", "auto")).build();
        var r = org.loralab.engine.train.TrainLoraJob.run(spec, rows, List.of(), org.loralab.engine.train.TrainingListener.NONE);
        assertTrue(r.droppedDocumentTokens() > 0, "the 300-character document was cut to the 48-token context");
    }
}
