package org.loralab.engine.summarize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.lora.AdapterWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.lora.LoraModule;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.NativeArrays;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.prompt.PromptFormat;

/** Finite but absurd values: bounded where they are read, and garbage generation is a row error, never a summary. */
class AbsurdValuesTest {

    @TempDir
    static Path dir;
    static Path model;
    static Path overflowing;

    @BeforeAll
    static void setUp() throws Exception {
        model = new TinyCheckpoint().seed(4).write(dir.resolve("base"));
        try (CausalLM m = CausalLM.load(model, new ModelOptions("cpu", "auto"));
                LoraAdapter a = LoraAdapter.create(m, LoraConfig.of(4, 8, LoraConfig.ALL_LINEAR), false, 3)) {
            // Finite weights whose products overflow float32: the activations become infinity, then NaN.
            for (LoraModule mod : a.modules().values()) {
                float[] b = new float[(int) mod.b().getShape().size()];
                java.util.Arrays.fill(b, 1e30f);
                NativeArrays.assign(mod.b(), b);
            }
            overflowing = dir.resolve("overflowing");
            AdapterWriter.write(a, null, overflowing, false);
        }
    }

    private static JsonObject peft(String alpha, String extra) {
        return JsonParser.parseString("{\"peft_type\": \"LORA\", \"r\": 8, \"lora_alpha\": " + alpha
                + ", \"target_modules\": [\"q_proj\"]" + extra + "}").getAsJsonObject();
    }

    @Test
    void absurdScalingIsRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoraConfig.fromPeftJson(peft("1e308", "")));
        assertTrue(e.getMessage().contains("'lora_alpha'") && e.getMessage().contains("10000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LoraConfig.fromPeftJson(peft("16", ", \"alpha_pattern\": {\"v_proj\": -1e9}")));
        assertTrue(e.getMessage().contains("'alpha_pattern.v_proj'"), e.getMessage());
        assertEquals(2.0, LoraConfig.fromPeftJson(peft("16", "")).scalingFor("model.layers.0.self_attn.q_proj"));
        assertEquals(8.0, LoraConfig.fromPeftJson(peft("512", ", \"use_rslora\": true, \"r\": 4096")).scalingFor("q_proj"));
    }

    @Test
    void absurdModelConfigValuesAreRefusedNamingTheKey() {
        String[][] cases = {{"rms_norm_eps", "-1e-6"}, {"rms_norm_eps", "1e300"}, {"rope_theta", "1e300"}, {"rope_theta", "0.5"}};
        for (String[] c : cases) {
            JsonObject cfg = new TinyCheckpoint().config();
            cfg.add(c[0], JsonParser.parseString(c[1]));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(cfg), c[0] + "=" + c[1]);
            assertTrue(e.getMessage().contains("'" + c[0] + "'"), e.getMessage());
        }
        JsonObject cfg = new TinyCheckpoint().config();
        cfg.add("rope_scaling", JsonParser.parseString("{\"rope_type\": \"linear\", \"factor\": 0}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(cfg));
        assertTrue(e.getMessage().contains("'rope_scaling.factor'"), e.getMessage());
    }

    @Test
    void overflowingGenerationIsARowErrorNotASummary() throws Exception {
        PromptFormat prompt = new PromptFormat("{document}\nSummary:", "", false);
        try (Summarizer s = Summarizer.open(new SummarizeOptions(model, overflowing, false, prompt, 64, 2, new ModelOptions("cpu", "auto")))) {
            for (GenerationConfig cfg : List.of(s.defaults().maxNewTokens(6), s.defaults().maxNewTokens(6).doSample(true).seed(3),
                    s.defaults().maxNewTokens(6).numBeams(2))) {
                List<SummaryResult> out = s.summarize(List.of("Rain in Osaka.", "Snow fell.", "Sun."), cfg, ProgressListener.NONE);
                for (SummaryResult r : out) {
                    assertNull(r.summary(), "row " + r.row() + " got a summary from non-finite scores: " + r.summary());
                    assertTrue(r.error().startsWith("row " + r.row() + ": ") && r.error().contains("not finite"), r.error());
                }
            }
        }
    }
}
