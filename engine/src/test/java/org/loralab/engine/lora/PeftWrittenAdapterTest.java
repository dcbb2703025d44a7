package org.loralab.engine.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.io.SafetensorsWriter;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.LinearLayer;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;

/**
 * An adapter laid out as PEFT 0.13+ saves one (every key of its LoraConfig, float16 weights,
 * target_modules in set order, no sidecar) loads, and computes W + (alpha/r) B A. The tensors are
 * written here with our SafetensorsWriter; the fixture written independently (by
 * src/test/python/reference_forward.py, checked against float64 logits) is in
 * {@code IndependentReferenceTest}.
 */
class PeftWrittenAdapterTest {

    @TempDir
    Path dir;

    static final String PEFT_CONFIG = """
            {
              "alpha_pattern": {},
              "auto_mapping": null,
              "base_model_name_or_path": "Qwen/Qwen2-0.5B",
              "bias": "none",
              "eva_config": null,
              "exclude_modules": null,
              "fan_in_fan_out": false,
              "inference_mode": true,
              "init_lora_weights": true,
              "layer_replication": null,
              "layers_pattern": null,
              "layers_to_transform": null,
              "loftq_config": {},
              "lora_alpha": 16,
              "lora_bias": false,
              "lora_dropout": 0.05,
              "megatron_config": null,
              "megatron_core": "megatron.core",
              "modules_to_save": null,
              "peft_type": "LORA",
              "r": 8,
              "rank_pattern": {},
              "revision": null,
              "target_modules": [
                "v_proj",
                "q_proj"
              ],
              "task_type": "CAUSAL_LM",
              "use_dora": false,
              "use_rslora": false
            }
            """;

    @Test
    void loadsAndAppliesTheUpdate() throws Exception {
        Path base = new TinyCheckpoint().seed(2).write(dir.resolve("base"));
        Path adapterDir = dir.resolve("peft");
        Files.createDirectories(adapterDir);
        Files.writeString(adapterDir.resolve("adapter_config.json"), PEFT_CONFIG);
        Random r = new Random(1);
        Map<String, float[]> a = new LinkedHashMap<>();
        Map<String, float[]> b = new LinkedHashMap<>();
        try (CausalLM model = CausalLM.load(base, new ModelOptions("cpu", "auto")); NDManager m = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (LinearLayer l : model.linearLayers()) {
                if (!l.modulePath().endsWith("q_proj") && !l.modulePath().endsWith("v_proj")) {
                    continue;
                }
                float[] av = gaussian(r, 8 * (int) l.inFeatures());
                float[] bv = gaussian(r, (int) l.outFeatures() * 8);
                a.put(l.modulePath(), av);
                b.put(l.modulePath(), bv);
                tensors.put("base_model.model." + l.modulePath() + ".lora_A.weight",
                        m.create(av, new Shape(8, l.inFeatures())).toType(DataType.FLOAT16, false));
                tensors.put("base_model.model." + l.modulePath() + ".lora_B.weight",
                        m.create(bv, new Shape(l.outFeatures(), 8)).toType(DataType.FLOAT16, false));
            }
            SafetensorsWriter.write(adapterDir.resolve("adapter_model.safetensors"), tensors, Map.of("format", "pt"));

            try (LoraAdapter adapter = LoraAdapter.load(adapterDir, model)) {
                assertEquals(4, adapter.modules().size());
                assertEquals("Qwen/Qwen2-0.5B", adapter.config().baseModel());
                assertEquals(null, AdapterMetadata.load(adapterDir));
                LoraModule q0 = adapter.modules().get("model.layers.0.self_attn.q_proj");
                assertEquals(2.0, q0.scaling(), 0);
                // Delta weight equals (alpha/r) B A computed here in double from the same fp16-rounded values.
                float[] aRounded = q0.a().toFloatArray();
                float[] bRounded = q0.b().toFloatArray();
                assertArrayEquals(a.get("model.layers.0.self_attn.q_proj"), aRounded, 1e-3f);
                float[] delta = q0.deltaWeight().toFloatArray();
                int in = 64;
                for (int o : new int[] {0, 17, 63}) {
                    for (int i : new int[] {0, 5, 63}) {
                        double expected = 0;
                        for (int k = 0; k < 8; k++) {
                            expected += (double) bRounded[o * 8 + k] * aRounded[k * in + i];
                        }
                        assertEquals(2.0 * expected, delta[o * in + i], 1e-5);
                    }
                }
                assertTrue(adapter.parameterCount() > 0);
            }
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * 0.1);
        }
        return v;
    }
}
