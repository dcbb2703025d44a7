package org.loralab.engine.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;

/** Configs are parsed strictly; NaN and infinite values are refused in configs and in tensors read, written and merged. */
class NonFiniteValuesTest {

    @TempDir
    static Path dir;
    static CausalLM model;

    @BeforeAll
    static void load() throws Exception {
        model = CausalLM.load(new TinyCheckpoint().seed(9).write(dir.resolve("base")), new ModelOptions("cpu", "auto"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static String config(String r, String alpha) {
        return "{\"peft_type\": \"LORA\", \"r\": " + r + ", \"lora_alpha\": " + alpha
                + ", \"target_modules\": [\"q_proj\"], \"task_type\": \"CAUSAL_LM\"}";
    }

    private static IOException refusedConfig(String json) throws IOException {
        Path a = Files.createDirectories(dir.resolve("cfg-" + Integer.toHexString(json.hashCode())));
        Files.writeString(a.resolve(LoraConfig.FILE), json);
        IOException e = assertThrows(IOException.class, () -> LoraConfig.load(a), json);
        assertTrue(e.getMessage().contains(a.resolve(LoraConfig.FILE).toString()), e.getMessage());
        return e;
    }

    @Test
    void loraConfigNumbersAreStrict() throws IOException {
        assertTrue(refusedConfig(config("8", "NaN")).getMessage().contains("NaN"));
        assertTrue(refusedConfig(config("8", "1e309")).getMessage().contains("'lora_alpha'"));
        assertTrue(refusedConfig(config("8.9", "16")).getMessage().contains("'r' must be a whole number"));
        assertTrue(refusedConfig(config("4294967304", "16")).getMessage().contains("'r'"));
        assertTrue(refusedConfig(config("0", "16")).getMessage().contains("positive"));
        assertTrue(refusedConfig(config("8", "16") + " x").getMessage().contains("not valid JSON"));
        assertEquals(8, LoraConfig.fromPeftJson(com.google.gson.JsonParser.parseString(config("8.0", "16")).getAsJsonObject()).r());
    }

    @Test
    void modelConfigNumbersAreStrictAndLayersMustMatchTheCheckpoint() throws IOException {
        var c = new TinyCheckpoint().config();
        c.addProperty("hidden_size", 4294967360L);
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(c));
        assertTrue(big.getMessage().contains("'hidden_size'"), big.getMessage());

        Path fewer = new TinyCheckpoint().seed(9).write(dir.resolve("fewer"));
        var cfg = com.google.gson.JsonParser.parseString(Files.readString(fewer.resolve("config.json"))).getAsJsonObject();
        cfg.addProperty("num_hidden_layers", 1);
        Files.writeString(fewer.resolve("config.json"), cfg.toString());
        IOException e = assertThrows(IOException.class, () -> CausalLM.load(fewer, new ModelOptions("cpu", "auto")));
        assertTrue(e.getMessage().contains("num_hidden_layers 1") && e.getMessage().contains("model.layers.1."), e.getMessage());
    }

    @Test
    void nanTensorsAreNeitherWrittenNorMergedNorLoaded() throws IOException {
        Path out = dir.resolve("nan-adapter");
        try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(2, 4, java.util.List.of("q_proj")), false, 1)) {
            Path good = dir.resolve("good-adapter");
            a.saveFiles(good);
            NDArray b = a.modules().values().iterator().next().b();
            float[] values = new float[(int) b.getShape().size()];
            values[0] = Float.NaN;
            b.set(values);
            IllegalArgumentException written = assertThrows(IllegalArgumentException.class,
                    () -> AdapterWriter.write(a, AdapterMetadata.create("lora"), out, false));
            assertTrue(written.getMessage().contains("nan-adapter") && written.getMessage().contains("NaN"), written.getMessage());
            assertFalse(Files.exists(out));

            float[] before = LoraAdapterTest.logits(model);
            assertThrows(IllegalArgumentException.class, () -> a.mergeInto(model));
            assertEquals(0, LoraAdapterTest.maxAbsDiff(before, LoraAdapterTest.logits(model)), "a refused merge leaves the weights as they were");

            a.saveFiles(out); // bypassing the writer's check, as a foreign tool might
            IOException read = assertThrows(IOException.class, () -> LoraAdapter.load(out, model));
            assertTrue(read.getMessage().contains(PeftNames.WEIGHTS_FILE) && read.getMessage().contains("NaN"), read.getMessage());
        }
    }
}
