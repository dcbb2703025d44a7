package org.loralab.engine.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.model.Architecture;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;

class LoraAdapterTest {

    @TempDir
    static Path dir;
    static CausalLM model;

    @BeforeAll
    static void load() throws Exception {
        model = CausalLM.load(new TinyCheckpoint().architecture(Architecture.QWEN2).seed(5).write(dir.resolve("base")),
                new ModelOptions("cpu", "auto"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Logits of a fixed two-row batch. */
    static float[] logits(CausalLM m) {
        try (NDManager nd = m.manager().newSubManager()) {
            NDArray ids = nd.create(new long[] {72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33}, new Shape(2, 6));
            NDArray pos = nd.create(new long[] {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5}, new Shape(2, 6));
            NDArray mask = nd.ones(new Shape(2, 6), ai.djl.ndarray.types.DataType.INT64);
            try (NDArray out = m.forward(ids, pos, mask, null, false)) {
                return out.toFloatArray();
            }
        }
    }

    /** Gives B random values: a fresh adapter's B is zero, which would make every comparison trivial. */
    static void randomiseB(LoraAdapter a, long seed) {
        RandomB.fill(a, seed, 0.05);
    }

    static double maxAbsDiff(float[] x, float[] y) {
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            d = Math.max(d, Math.abs(x[i] - y[i]));
        }
        return d;
    }

    @Test
    void freshAdapterLeavesTheModelUnchangedAndFollowsPeftInit() {
        float[] base = logits(model);
        try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(4, 8, List.of("q_proj", "v_proj")), false, 1)) {
            a.attach(model);
            assertArrayEquals(base, logits(model), 1e-6f);
            a.detach(model);
            assertEquals(4, a.modules().size()); // 2 layers x q, v
            for (LoraModule mod : a.modules().values()) {
                float[] av = mod.a().toFloatArray();
                double bound = 1 / Math.sqrt(64);
                for (float v : av) {
                    assertTrue(Math.abs(v) <= bound);
                }
                assertEquals(0.0, mod.b().abs().sum().getFloat(), 0);
                assertEquals(2.0, mod.scaling(), 0);
            }
        }
    }

    @Test
    void mergedWeightsGiveTheSameLogitsAsTheUnmergedAdapter() {
        float[] base = logits(model);
        for (boolean rs : new boolean[] {false, true}) {
            try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(4, 16, LoraConfig.ALL_LINEAR).withRslora(rs), false, 2)) {
                randomiseB(a, 3);
                a.attach(model);
                float[] unmerged = logits(model);
                assertTrue(maxAbsDiff(base, unmerged) > 1e-2, "the adapter must change the output");
                a.mergeInto(model);
                float[] merged = logits(model);
                assertTrue(maxAbsDiff(unmerged, merged) < 1e-4, "merged vs unmerged " + maxAbsDiff(unmerged, merged));
                a.unmergeFrom(model); // subtracts: exact up to float32 rounding
                assertTrue(maxAbsDiff(base, logits(model)) < 1e-5, "unmerged vs base " + maxAbsDiff(base, logits(model)));
                assertEquals(rs ? 16 / 2.0 : 16 / 4.0, a.modules().values().iterator().next().scaling(), 0);
            }
        }
    }

    @Test
    void saveAndLoadRoundTripInPeftLayout() throws Exception {
        Path out = dir.resolve("roundtrip");
        try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(2, 4, List.of("o_proj", "down_proj")).withDropout(0.05), false, 4)) {
            randomiseB(a, 5);
            a.attach(model);
            float[] before = logits(model);
            a.detach(model);
            AdapterWriter.write(a, AdapterMetadata.create("lora"), out, false);
            JsonObject cfg = JsonParser.parseString(Files.readString(out.resolve("adapter_config.json"))).getAsJsonObject();
            assertEquals("LORA", cfg.get("peft_type").getAsString());
            assertEquals(2, cfg.get("r").getAsInt());
            assertEquals(4, cfg.get("lora_alpha").getAsInt());
            assertEquals("CAUSAL_LM", cfg.get("task_type").getAsString());
            var names = org.loralab.engine.io.SafetensorsFile.open(out.resolve("adapter_model.safetensors")).tensors().keySet();
            assertTrue(names.contains("base_model.model.model.layers.1.self_attn.o_proj.lora_A.weight"), names.toString());
            assertTrue(names.contains("base_model.model.model.layers.0.mlp.down_proj.lora_B.weight"), names.toString());
            assertEquals(8, names.size());
            try (LoraAdapter b = LoraAdapter.load(out, model)) {
                b.attach(model);
                assertArrayEquals(before, logits(model), 0f);
                b.detach(model);
                assertEquals(0.05, b.config().dropout(), 0);
            }
        }
    }

    @Test
    void taskFilterAddsRSquaredPlusRParametersPerModuleAndRoundTrips() throws Exception {
        LoraConfig cfg = LoraConfig.of(4, 8, List.of("q_proj", "v_proj"));
        try (LoraAdapter plain = LoraAdapter.create(model, cfg, false, 1);
                LoraAdapter trf = LoraAdapter.create(model, cfg, true, 1)) {
            assertEquals(plain.parameterCount() + 4L * (4 * 4 + 4), trf.parameterCount());
            randomiseB(trf, 9);
            randomiseB(plain, 9);
            plain.attach(model);
            float[] p = logits(model);
            plain.detach(model);
            trf.attach(model);
            float[] t = logits(model);
            assertArrayEquals(p, t, 1e-5f); // the filter starts as the identity
            // Make the gate non-trivial, save, load, compare.
            for (LoraModule mod : trf.modules().values()) {
                mod.filter().weight().set(new float[16]);
                mod.filter().bias().set(new float[] {1f, -1f, 0.5f, -2f});
            }
            float[] gated = logits(model);
            trf.detach(model);
            assertTrue(maxAbsDiff(gated, p) > 1e-4);
            Path out = dir.resolve("trf");
            AdapterWriter.write(trf, null, out, false);
            assertTrue(Files.exists(out.resolve(PeftNames.FILTER_FILE)));
            try (LoraAdapter back = LoraAdapter.load(out, model)) {
                assertTrue(back.hasTaskFilter());
                back.attach(model);
                assertArrayEquals(gated, logits(model), 0f);
                back.detach(model);
                assertThrows(IllegalStateException.class, () -> back.mergeInto(model));
            }
        }
    }

    @Test
    void loadingChecksShapesAndNamesAgainstTheModel() throws Exception {
        Path out = dir.resolve("wrong");
        try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(2, 4, List.of("q_proj")), false, 1)) {
            AdapterWriter.write(a, null, out, false);
        }
        // Claim rank 3 in the config: every tensor's shape now disagrees.
        String cfg = Files.readString(out.resolve("adapter_config.json")).replace("\"r\": 2", "\"r\": 3");
        Files.writeString(out.resolve("adapter_config.json"), cfg);
        IOException e = assertThrows(IOException.class, () -> LoraAdapter.load(out, model));
        assertTrue(e.getMessage().contains("has shape (3, 64)") || e.getMessage().contains("expected (3, 64)"), e.getMessage());
        assertTrue(e.getMessage().contains("lora_A.weight"), e.getMessage());

        Files.writeString(out.resolve("adapter_config.json"), cfg.replace("\"r\": 3", "\"r\": 2").replace("\"LORA\"", "\"IA3\""));
        e = assertThrows(IOException.class, () -> LoraAdapter.load(out, model));
        assertTrue(e.getMessage().endsWith("peft_type is IA3; only LORA adapters are supported"), e.getMessage());

        Files.delete(out.resolve("adapter_config.json"));
        e = assertThrows(IOException.class, () -> LoraAdapter.load(out, model));
        assertTrue(e.getMessage().contains("has no adapter_config.json"), e.getMessage());
    }

    @Test
    void noMatchingTargetIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoraAdapter.create(model, LoraConfig.of(2, 4, List.of("query_key_value")), false, 1));
        assertTrue(e.getMessage().contains("match no linear layer"), e.getMessage());
    }

    @Test
    void peftConfigVariantsAreReadAsPeftMeansThem() {
        String json = "{\"peft_type\":\"LORA\",\"r\":8,\"lora_alpha\":16,\"target_modules\":\".*\\\\.(q_proj|v_proj)\","
                + "\"rank_pattern\":{\"layers.1.self_attn.q_proj\":2},\"alpha_pattern\":{\"v_proj\":4},"
                + "\"layers_to_transform\":[1],\"use_rslora\":false,\"lora_dropout\":0.1,\"bias\":\"none\"}";
        LoraConfig c = LoraConfig.fromPeftJson(JsonParser.parseString(json).getAsJsonObject());
        assertTrue(c.targets("model.layers.1.self_attn.q_proj"));
        assertFalse(c.targets("model.layers.0.self_attn.q_proj")); // layers_to_transform
        assertFalse(c.targets("model.layers.1.self_attn.k_proj"));
        assertEquals(2, c.rankFor("model.layers.1.self_attn.q_proj"));
        assertEquals(8, c.rankFor("model.layers.1.self_attn.v_proj"));
        assertEquals(4 / 8.0, c.scalingFor("model.layers.1.self_attn.v_proj"), 0);
        assertEquals(16 / 2.0, c.scalingFor("model.layers.1.self_attn.q_proj"), 0);
        assertThrows(IllegalArgumentException.class, () -> LoraConfig.fromPeftJson(JsonParser.parseString(
                "{\"peft_type\":\"LORA\",\"r\":8,\"lora_alpha\":16,\"target_modules\":[\"q_proj\"],\"use_dora\":true}").getAsJsonObject()));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> LoraConfig.fromPeftJson(
                JsonParser.parseString("{\"peft_type\":\"LORA\",\"lora_alpha\":16,\"target_modules\":[\"q_proj\"]}").getAsJsonObject()));
        assertEquals("missing key 'r'", missing.getMessage());
    }

    @Test
    void peftNamesParseWithAndWithoutAdapterName() {
        assertArrayEquals(new String[] {"model.layers.0.mlp.up_proj", "lora_B"},
                PeftNames.parse("base_model.model.model.layers.0.mlp.up_proj.lora_B.weight"));
        assertArrayEquals(new String[] {"model.layers.0.mlp.up_proj", "lora_A"},
                PeftNames.parse("base_model.model.model.layers.0.mlp.up_proj.lora_A.default.weight"));
        assertEquals(null, PeftNames.parse("base_model.model.lm_head.weight"));
    }
}
