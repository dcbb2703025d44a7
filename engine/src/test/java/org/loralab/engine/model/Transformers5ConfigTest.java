package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** config.json as transformers >= 5 writes it: RoPE under rope_parameters, no top-level rope_theta. */
class Transformers5ConfigTest {

    private static JsonObject config(String arch, String extra) {
        return JsonParser.parseString("{\"architectures\":[\"" + arch + "\"],\"vocab_size\":64,\"hidden_size\":32,"
                + "\"intermediate_size\":48,\"num_hidden_layers\":2,\"num_attention_heads\":4,"
                + "\"num_key_value_heads\":2" + extra + "}").getAsJsonObject();
    }

    @Test
    void thetaComesFromRopeParameters() {
        RopeConfig rope = ModelConfig.parse(config("Qwen2ForCausalLM",
                ",\"rope_parameters\":{\"rope_theta\":1000000,\"rope_type\":\"default\"}")).rope();
        assertEquals(1_000_000.0, rope.theta());
        assertEquals("default", rope.type());
    }

    @Test
    void llama3ScalingInRopeParametersIsApplied() {
        RopeConfig rope = ModelConfig.parse(config("LlamaForCausalLM", ",\"rope_parameters\":{\"rope_theta\":500000.0,"
                + "\"rope_type\":\"llama3\",\"factor\":8.0,\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,"
                + "\"original_max_position_embeddings\":8192}")).rope();
        assertEquals(500000.0, rope.theta());
        assertEquals("llama3", rope.type());
        assertEquals(8.0, rope.factor());
        assertEquals(8192, rope.originalMaxPositions());
    }

    @Test
    void legacyRopeScalingStillWinsAndTopLevelThetaFillsIn() {
        RopeConfig rope = ModelConfig.parse(config("LlamaForCausalLM", ",\"rope_theta\":250000.0,"
                + "\"rope_scaling\":{\"type\":\"linear\",\"factor\":2.0},\"rope_parameters\":{\"rope_theta\":7.0}")).rope();
        assertEquals(250000.0, rope.theta());
        assertEquals("linear", rope.type());
    }

    @Test
    void identicalParametersPerLayerTypeAreHonoured() {
        RopeConfig rope = ModelConfig.parse(config("Qwen3ForCausalLM",
                ",\"layer_types\":[\"full_attention\",\"sliding_attention\"],\"rope_parameters\":{"
                + "\"full_attention\":{\"rope_type\":\"default\",\"rope_theta\":20000.0},"
                + "\"sliding_attention\":{\"rope_type\":\"default\",\"rope_theta\":20000.0}}")).rope();
        assertEquals(20000.0, rope.theta());
    }

    @Test
    void differentParametersPerLayerTypeAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(
                config("LlamaForCausalLM", ",\"layer_types\":[\"full_attention\",\"sliding_attention\"],"
                + "\"rope_parameters\":{\"full_attention\":{\"rope_type\":\"default\",\"rope_theta\":1000000.0},"
                + "\"sliding_attention\":{\"rope_type\":\"default\",\"rope_theta\":10000.0}}")));
        assertTrue(e.getMessage().contains("per layer type"), e.getMessage());
    }

    @Test
    void partialRotaryFactorInsideRopeParametersIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(config("LlamaForCausalLM",
                ",\"rope_parameters\":{\"rope_theta\":10000.0,\"rope_type\":\"default\",\"partial_rotary_factor\":0.5}")));
    }

    @Test
    void qwen3WithoutHeadDimUsesTransformersDefault128() {
        assertEquals(128, ModelConfig.parse(config("Qwen3ForCausalLM", "")).headDim());
        assertEquals(8, ModelConfig.parse(config("LlamaForCausalLM", "")).headDim());
    }
}
