package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.io.SafetensorsFile;
import org.loralab.engine.io.SafetensorsWriter;

class CheckpointLoadingTest {

    @TempDir
    Path dir;

    private static float[] logits(Path modelDir) throws IOException {
        try (CausalLM model = CausalLM.load(modelDir, new ModelOptions("cpu", "auto"));
                NDManager m = model.manager().newSubManager()) {
            long[] ids = {10, 20, 30, 40, 50};
            return model.forward(m.create(ids).reshape(1, 5), m.arange(0L, 5L).reshape(1, 5),
                    m.ones(new Shape(1, 5), DataType.INT64), null, false).toFloatArray();
        }
    }

    @Test
    void shardedCheckpointLoadsTheSameWeights() throws IOException {
        Path single = new TinyCheckpoint().seed(3).write(dir.resolve("single"));
        Path sharded = new TinyCheckpoint().seed(3).shards(3).write(dir.resolve("sharded"));
        assertTrue(Files.exists(sharded.resolve("model.safetensors.index.json")));
        assertTrue(Files.exists(sharded.resolve("model-00003-of-00003.safetensors")));
        assertArrayEquals(logits(single), logits(sharded), 0f);
    }

    @Test
    void bf16CheckpointStaysBf16WhereTheCpuComputesIt() throws IOException {
        Path bf16 = new TinyCheckpoint().seed(3).dtype("bfloat16").write(dir.resolve("bf16"));
        Path fp32 = new TinyCheckpoint().seed(3).write(dir.resolve("fp32"));
        assertEquals("BF16", SafetensorsFile.open(bf16.resolve("model.safetensors")).info("model.norm.weight").dtype());
        try (CausalLM model = CausalLM.load(bf16, new ModelOptions("cpu", "auto"))) {
            assertEquals(CpuFeatures.computesBf16() ? DataType.BFLOAT16 : DataType.FLOAT32, model.dtype(), model.dtypeChoice());
        }
        // bf16 rounding of the weights (and, where the CPU computes bf16, of activations) moves logits only a little.
        float[] a = logits(bf16);
        float[] b = logits(fp32);
        double maxDiff = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
        }
        assertTrue(maxDiff > 0 && maxDiff < 0.15, "max |diff| " + maxDiff);
        // Asked for explicitly, bf16 works on any CPU (it used to abort the JVM, see Bf16).
        try (CausalLM model = CausalLM.load(bf16, new ModelOptions("cpu", "bfloat16"))) {
            assertEquals(DataType.BFLOAT16, model.dtype());
        }
        try (CausalLM model = CausalLM.load(bf16, new ModelOptions("cpu", "auto").forTraining())) {
            assertEquals(DataType.FLOAT32, model.dtype(), "training loads float32");
        }
    }

    @Test
    void tiedEmbeddingsNeedNoLmHead() throws IOException {
        Path tied = new TinyCheckpoint().tieEmbeddings(true).write(dir);
        assertTrue(!SafetensorsFile.open(tied.resolve("model.safetensors")).tensors().containsKey("lm_head.weight"));
        assertEquals(5 * TinyCheckpoint.VOCAB_SIZE, logits(tied).length);
    }

    @Test
    void llama3RopeScalingKeepsHighFrequenciesAndSlowsLowOnes() {
        JsonObject scaling = JsonParser.parseString("{\"rope_type\":\"llama3\",\"factor\":8.0,\"low_freq_factor\":1.0,"
                + "\"high_freq_factor\":4.0,\"original_max_position_embeddings\":8192}").getAsJsonObject();
        RopeConfig plain = RopeConfig.parse(500000.0, null, 128);
        RopeConfig scaled = RopeConfig.parse(500000.0, scaling, 128);
        float[] p = plain.inverseFrequencies();
        float[] s = scaled.inverseFrequencies();
        assertEquals(p[0], s[0], 0f); // wavelength 2*pi, far below 8192/4
        assertEquals(p[63] / 8, s[63], 1e-12f); // wavelength far above 8192
        // A middle frequency is interpolated between the two regimes.
        int mid = -1;
        for (int i = 0; i < 64; i++) {
            double wavelen = 2 * Math.PI / p[i];
            if (wavelen > 2048 && wavelen < 8192) {
                mid = i;
                break;
            }
        }
        assertTrue(mid > 0);
        assertTrue(s[mid] < p[mid] && s[mid] > p[mid] / 8);
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        NoSuchFileException noConfig = assertThrows(NoSuchFileException.class, () -> CausalLM.load(dir, ModelOptions.defaults()));
        assertTrue(noConfig.getMessage().contains("config.json"), noConfig.getMessage());
        new TinyCheckpoint().write(dir);
        Files.delete(dir.resolve("model.safetensors"));
        NoSuchFileException noWeights = assertThrows(NoSuchFileException.class, () -> CausalLM.load(dir, ModelOptions.defaults()));
        assertTrue(noWeights.getReason().contains("safetensors"), noWeights.getReason());
    }

    @Test
    void unsupportedArchitectureIsNamed() throws IOException {
        new TinyCheckpoint().write(dir);
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("LlamaForCausalLM", "GPT2LMHeadModel"));
        IOException e = assertThrows(IOException.class, () -> CausalLM.load(dir, ModelOptions.defaults()));
        assertTrue(e.getMessage().contains("GPT2LMHeadModel") && e.getMessage().contains("Qwen3ForCausalLM"), e.getMessage());
    }

    @Test
    void wrongShapeNamesTheTensor() throws IOException {
        new TinyCheckpoint().write(dir);
        Path weights = dir.resolve("model.safetensors");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            SafetensorsFile file = SafetensorsFile.open(weights);
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : file.tensors().keySet()) {
                tensors.put(name, file.load(m, name));
            }
            tensors.put("model.layers.1.mlp.up_proj.weight", m.zeros(new Shape(64, 128)));
            SafetensorsWriter.write(weights, tensors, Map.of());
        }
        IOException e = assertThrows(IOException.class, () -> CausalLM.load(dir, ModelOptions.defaults()));
        assertTrue(e.getMessage().contains("model.layers.1.mlp.up_proj.weight") && e.getMessage().contains("(128, 64)"),
                e.getMessage());
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        new TinyCheckpoint().write(dir);
        Path weights = dir.resolve("model.safetensors");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            SafetensorsFile file = SafetensorsFile.open(weights);
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : file.tensors().keySet()) {
                if (!name.equals("model.layers.0.self_attn.k_proj.weight")) {
                    tensors.put(name, file.load(m, name));
                }
            }
            SafetensorsWriter.write(weights, tensors, Map.of());
        }
        IOException e = assertThrows(IOException.class, () -> CausalLM.load(dir, ModelOptions.defaults()));
        assertTrue(e.getMessage().contains("model.layers.0.self_attn.k_proj.weight"), e.getMessage());
    }

    @Test
    void badDeviceIsExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("tpu"));
        assertTrue(e.getMessage().contains("tpu"));
        if (ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount() == 0) {
            IllegalArgumentException gpu = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("gpu:0"));
            assertTrue(gpu.getMessage().contains("no GPU"), gpu.getMessage());
        }
        // Syntax alone, as settings dialogs check it.
        for (String ok : new String[] {"auto", " CPU ", "gpu", "gpu:3", "cuda:1", ""}) {
            DeviceChoice.requireValidSyntax(ok);
        }
        for (String bad : new String[] {"tpu", "gpu:x", "gpu:-1", "cpu:0"}) {
            assertThrows(IllegalArgumentException.class, () -> DeviceChoice.requireValidSyntax(bad), bad);
        }
    }
}
