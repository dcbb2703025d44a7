package org.loralab.engine.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.bank.AdapterBank;
import org.loralab.engine.bank.BankEntry;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;

/** PEFT loads weights only into the modules its config targets; tensors for other modules are dropped. */
class UntargetedTensorsTest {

    @TempDir
    Path dir;

    @Test
    void tensorsForModulesTheConfigDoesNotTargetAreDroppedAndListed() throws Exception {
        Path base = new TinyCheckpoint().seed(3).write(dir.resolve("base"));
        Path adapterDir = dir.resolve("bank").resolve("extra");
        try (CausalLM model = CausalLM.load(base, new ModelOptions("cpu", "auto"))) {
            try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(2, 4, List.of("q_proj", "v_proj")), false, 1)) {
                AdapterWriter.write(a, null, adapterDir, false);
            }
            Path cfg = adapterDir.resolve(LoraConfig.FILE);
            Files.writeString(cfg, Files.readString(cfg).replaceAll("(?s)\"target_modules\": \\[.*?\\]",
                    "\"target_modules\": [\"q_proj\"]"));
            try (LoraAdapter loaded = LoraAdapter.load(adapterDir, model)) {
                assertEquals(List.of("model.layers.0.self_attn.q_proj", "model.layers.1.self_attn.q_proj"), loaded.modulePaths());
            }
        }
        BankEntry entry = AdapterBank.inspect(adapterDir, ModelConfig.load(base));
        assertEquals(BankEntry.Status.VALID, entry.status());
        assertTrue(entry.reason().contains("4 tensor(s) for modules that target_modules does not name are ignored"),
                entry.reason());
        assertEquals(2L * 2 * (64 + 64), entry.parameterCount());
    }

    /** The bank lists it invalid, and loading it (Summarize, merge, continued training) fails with the same reason. */
    @Test
    void targetsMatchingNoTensorAreOneErrorEverywhere() throws Exception {
        Path base = new TinyCheckpoint().seed(3).write(dir.resolve("base"));
        Path adapterDir = dir.resolve("bank").resolve("nothing");
        try (CausalLM model = CausalLM.load(base, new ModelOptions("cpu", "auto"))) {
            try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(2, 4, List.of("q_proj", "v_proj")), false, 1)) {
                AdapterWriter.write(a, null, adapterDir, false);
            }
            Path cfg = adapterDir.resolve(LoraConfig.FILE);
            Files.writeString(cfg, Files.readString(cfg).replaceAll("(?s)\"target_modules\": \\[.*?\\]",
                    "\"target_modules\": [\"c_attn\"]")); // GPT-2's name: no layer of this model, no tensor
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> LoraAdapter.load(adapterDir, model).close());
            assertTrue(e.getMessage().startsWith(adapterDir + ": target_modules [c_attn] match none of its 8 LoRA tensors"),
                    e.getMessage());
            BankEntry entry = AdapterBank.inspect(adapterDir, ModelConfig.load(base));
            assertEquals(BankEntry.Status.INVALID, entry.status());
            assertEquals(e.getMessage(), entry.reason());
        }
    }

    /** PEFT's "all-linear" shorthand: the bank lists it valid and loading takes every tensor (lm_head excluded). */
    @Test
    void allLinearShorthandLoadsEveryProjection() throws Exception {
        Path base = new TinyCheckpoint().seed(3).write(dir.resolve("base"));
        Path adapterDir = dir.resolve("bank").resolve("all");
        try (CausalLM model = CausalLM.load(base, new ModelOptions("cpu", "auto"))) {
            try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(2, 4, LoraConfig.ALL_LINEAR), false, 1)) {
                AdapterWriter.write(a, null, adapterDir, false);
            }
            Path cfg = adapterDir.resolve(LoraConfig.FILE);
            Files.writeString(cfg, Files.readString(cfg).replaceAll("(?s)\"target_modules\": \\[.*?\\]",
                    "\"target_modules\": \"all-linear\""));
            try (LoraAdapter loaded = LoraAdapter.load(adapterDir, model)) {
                assertEquals(model.linearLayers().size(), loaded.modulePaths().size());
                assertTrue(loaded.config().allLinear());
            }
            BankEntry entry = AdapterBank.inspect(adapterDir, ModelConfig.load(base));
            assertEquals(BankEntry.Status.VALID, entry.status(), entry.reason());
            assertEquals(null, entry.reason());
        }
    }
}
