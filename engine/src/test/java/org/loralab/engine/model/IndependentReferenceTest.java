package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loralab.engine.lora.LoraAdapter;

/**
 * Our forward pass against an independent oracle: {@code src/test/python/reference_forward.py}, a
 * float64 numpy transcription of transformers' Llama/Qwen2/Qwen3 modeling code and PEFT's LoRA
 * semantics, wrote the checkpoints (transformers-5 style config.json), a PEFT-layout adapter and
 * the logits under {@code src/test/resources/reference}. Nothing here was produced by our code.
 */
class IndependentReferenceTest {

    /** float32 against float64 on logits of magnitude ~1. */
    private static final double TOLERANCE = 2e-5;

    /**
     * bf16 weights and matmuls against float64, relative to the largest logit: bf16 keeps 8
     * significant bits (2^-9 relative per rounding), compounded over the layers' roundings.
     */
    private static final double BF16_TOLERANCE = 0.02;

    private static Path root;
    private static JsonObject reference;

    @BeforeAll
    static void read() throws Exception {
        root = Path.of(IndependentReferenceTest.class.getResource("/reference").toURI());
        reference = JsonParser.parseString(Files.readString(root.resolve("reference.json"))).getAsJsonObject();
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama_v5_llama3", "qwen2_v5_theta", "qwen3_v5_no_head_dim", "llama_v5_llama3+peft_adapter"})
    void logitsMatchTheFloat64Reference(String name) throws Exception {
        String[] parts = name.split("\\+");
        try (CausalLM model = CausalLM.load(root.resolve(parts[0]), new ModelOptions("cpu", "auto"))) {
            LoraAdapter adapter = parts.length > 1 ? LoraAdapter.load(root.resolve(parts[0]).resolve(parts[1]), model) : null;
            try {
                if (adapter != null) {
                    adapter.attach(model);
                }
                assertClose(name, expected(name), logits(model));
            } finally {
                if (adapter != null) {
                    adapter.detach(model);
                    adapter.close();
                }
            }
        }
    }

    /**
     * The same checkpoints loaded as bf16 weights with bf16 matmuls (RMSNorm, softmax and logits in
     * float32): within bf16's precision of the float64 reference (8 significant bits, so about 1e-2
     * on logits of magnitude ~1 after a few layers), and not equal to the float32 result (the bf16 path ran).
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama_v5_llama3", "qwen2_v5_theta", "qwen3_v5_no_head_dim"})
    void bf16WeightsStayWithinBf16PrecisionOfTheReference(String name) throws Exception {
        float[] f32;
        try (CausalLM model = CausalLM.load(root.resolve(name), new ModelOptions("cpu", "float32"))) {
            f32 = logits(model);
        }
        try (CausalLM model = CausalLM.load(root.resolve(name), new ModelOptions("cpu", "bfloat16"))) {
            assertEquals(ai.djl.ndarray.types.DataType.BFLOAT16, model.dtype());
            float[] bf16 = logits(model);
            double[] expected = expected(name);
            double worst = 0;
            double fromF32 = 0;
            double scale = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(expected[i] - bf16[i]));
                fromF32 = Math.max(fromF32, Math.abs(f32[i] - bf16[i]));
                scale = Math.max(scale, Math.abs(expected[i]));
            }
            double tolerance = BF16_TOLERANCE * scale;
            assertTrue(worst <= tolerance, name + ": bf16 max |ours - reference| = " + worst + " > " + tolerance);
            assertTrue(fromF32 > 1e-4, name + ": bf16 logits equal the float32 ones (" + fromF32 + "): bf16 did not run");
            System.out.printf("%s: bf16 max |diff| from the float64 reference %.4f (largest logit %.2f)%n", name, worst, scale);
        }
    }

    private static float[] logits(CausalLM model) {
        JsonArray idsJson = reference.getAsJsonArray("ids");
        long[] ids = new long[idsJson.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = idsJson.get(i).getAsLong();
        }
        int t = ids.length;
        try (NDManager m = model.manager().newSubManager()) {
            return model.forward(m.create(ids).reshape(1, t), m.arange(0L, (long) t).reshape(1, t),
                    m.ones(new Shape(1, t), DataType.INT64), null, false).toFloatArray();
        }
    }

    private static double[] expected(String name) {
        JsonArray a = reference.getAsJsonObject("logits").getAsJsonArray(name);
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsDouble();
        }
        return v;
    }

    private static void assertClose(String name, double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, name + ": logits count");
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        // A reference of zeros would compare nothing.
        assertTrue(scale > 0.5, name + ": reference logits too small to test anything (max " + scale + ")");
        assertTrue(worst <= TOLERANCE, name + ": max |ours - reference| = " + worst + " > " + TOLERANCE);
    }
}
