package org.loralab.engine.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainLoraJob;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.engine.train.TrainingExample;
import org.loralab.engine.train.TrainingListener;

class MergeJobTest {

    @TempDir
    static Path dir;
    static Path base;
    static final PromptFormat PROMPT = new PromptFormat("{document}\n=", "", false);
    static final TrainingConfig CFG = TrainingConfig.defaults().withEpochs(2).withLearningRate(1e-2).withBatch(2, 1)
            .withSchedule(LrSchedule.CONSTANT, 0).withMaxSeqLength(64);
    static final List<TrainingExample> ROWS = List.of(new TrainingExample(0, "rain osaka", "wet osaka"),
            new TrainingExample(1, "rain kobe", "wet kobe"), new TrainingExample(2, "goal gifu", "win gifu"));

    @BeforeAll
    static void bank() throws Exception {
        base = new TinyCheckpoint().seed(9).write(dir.resolve("base"));
        for (String name : new String[] {"a", "b"}) {
            AdapterMetadata meta = AdapterMetadata.create(null);
            meta.description = name.equals("a") ? "weather" : "sports";
            TrainLoraJob.run(TrainLoraJob.Spec.builder().baseModel(base).lora(LoraConfig.of(2, 4, List.of("q_proj", "v_proj")))
                    .training(CFG.withSeed(name.hashCode())).prompt(PROMPT).output(dir.resolve(name)).metadata(meta)
                    .device(new ModelOptions("cpu", "auto")).build(),
                    ROWS, List.of(), TrainingListener.NONE);
        }
    }

    static MergeJob.Spec spec(MergeMethod m, String out) {
        return MergeJob.Spec.builder().baseModel(base).adapters(List.of(dir.resolve("a"), dir.resolve("b"))).method(m)
                .classic(MergeSettings.of(MergeMethod.LINEAR).withDensity(0.5).withSvdRank(2)).loraHubBudget(8)
                .prune(PruneSettings.defaults()).tune(CFG).prompt(PROMPT).taskDescription("weather").topK(1).temperature(0.5)
                .output(dir.resolve(out)).device(new ModelOptions("cpu", "auto")).build();
    }

    @Test
    void everyMethodWritesAReproducibleAdapterWithItsRecipe() throws Exception {
        for (MergeMethod m : MergeMethod.values()) {
            String name = m.name().toLowerCase();
            MergeJob.run(spec(m, name), ROWS, TrainingListener.NONE);
            AdapterMetadata meta = AdapterMetadata.load(dir.resolve(name));
            assertEquals(name, meta.method);
            assertEquals(List.of(dir.resolve("a").toString(), dir.resolve("b").toString()), meta.sources);
            assertEquals(name, meta.settings.get("method").getAsString());
            assertEquals(PROMPT, meta.prompt(), name + " records the prompt Summarize is to use");
            assertTrue(Files.exists(dir.resolve(name).resolve("adapter_model.safetensors")));
        }
        AdapterMetadata adaptive = AdapterMetadata.load(dir.resolve("adaptive"));
        assertTrue(adaptive.metrics.get("pruned_ratio") >= 0.5 - 1e-9 && adaptive.metrics.get("pruned_ratio") < 0.56); // whole ranks: may overshoot
        MergeJob.run(spec(MergeMethod.ADAPTIVE, "adaptive-again"), ROWS, TrainingListener.NONE);
        assertArrayEquals(Files.readAllBytes(dir.resolve("adaptive/adapter_model.safetensors")),
                Files.readAllBytes(dir.resolve("adaptive-again/adapter_model.safetensors")));
    }

    /** Merges that fit on target data record the data's prompt; the others their sources' when all agree, else none. */
    @Test
    void theMergedPromptIsTheTargetDatasOrTheSourcesCommonOne() {
        PromptFormat other = new PromptFormat("Other {document}", "ja", true);
        List<PromptFormat> agree = List.of(other, other);
        assertEquals(other, MergeJob.mergedPrompt(spec(MergeMethod.LINEAR, "unused"), agree));
        assertEquals(PROMPT, MergeJob.mergedPrompt(spec(MergeMethod.ADAPTIVE, "unused"), agree));
        assertEquals(PROMPT, MergeJob.mergedPrompt(spec(MergeMethod.LORAHUB, "unused"), agree));
        assertEquals(null, MergeJob.mergedPrompt(spec(MergeMethod.TIES, "unused"), List.of(other, PROMPT)));
        java.util.ArrayList<PromptFormat> oneUnrecorded = new java.util.ArrayList<>(List.of(other));
        oneUnrecorded.add(null);
        assertEquals(null, MergeJob.mergedPrompt(spec(MergeMethod.CAT, "unused"), oneUnrecorded));
    }

    @Test
    void adaptersOfAnotherBaseModelAreRefused() throws Exception {
        Path other = new TinyCheckpoint().hiddenSize(32).heads(4, 2).write(dir.resolve("other"));
        TrainLoraJob.run(TrainLoraJob.Spec.builder().baseModel(other).lora(LoraConfig.of(2, 4, List.of("q_proj"))).training(CFG)
                .prompt(PROMPT).output(dir.resolve("foreign")).device(new ModelOptions("cpu", "auto")).build(), ROWS, List.of(), TrainingListener.NONE);
        MergeJob.Spec s = MergeJob.Spec.builder().baseModel(base).adapters(List.of(dir.resolve("a"), dir.resolve("foreign")))
                .method(MergeMethod.CAT).classic(MergeSettings.of(MergeMethod.CAT)).loraHubBudget(8)
                .prune(PruneSettings.defaults()).tune(CFG).prompt(PROMPT).topK(1).temperature(1).output(dir.resolve("x"))
                .device(new ModelOptions("cpu", "auto")).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MergeJob.run(s, List.of(), TrainingListener.NONE));
        assertTrue(e.getMessage().contains("made for another base model") && e.getMessage().contains("hidden size 32 ≠ 64"), e.getMessage());
    }
}
