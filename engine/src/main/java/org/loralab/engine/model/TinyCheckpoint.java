package org.loralab.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.loralab.engine.io.AtomicFiles;
import org.loralab.engine.io.SafetensorsWriter;

/**
 * Writes a small random checkpoint in exactly the HF layout (config.json, safetensors, a byte-level
 * BPE tokenizer.json with ChatML special tokens, tokenizer_config.json, generation_config.json),
 * for tests and for trying the pipeline without downloading weights.
 */
public final class TinyCheckpoint {

    public static final String ENDOFTEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";

    /** 256 byte tokens, then the three special tokens. */
    public static final int VOCAB_SIZE = 259;

    private static final String CHATML_TEMPLATE = "{% for message in messages %}"
            + "{{ '<|im_start|>' + message.role + '\\n' + message.content.strip() + '<|im_end|>' + '\\n' }}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private Architecture architecture = Architecture.LLAMA;
    private int hiddenSize = 64;
    private int layers = 2;
    private int heads = 4;
    private int kvHeads = 2;
    private int intermediateSize = 128;
    private boolean tieEmbeddings;
    private String dtype = "float32";
    private int shards = 1;
    private long seed = 1;
    private double weightStd = 0.08;
    private JsonObject ropeScaling;
    private int vocabSize = VOCAB_SIZE;

    public TinyCheckpoint architecture(Architecture a) {
        architecture = a;
        return this;
    }

    /** Another vocabulary size, for a caller that writes its own tokenizer files over the byte-level ones. */
    public TinyCheckpoint vocabSize(int n) {
        this.vocabSize = n;
        return this;
    }

    public TinyCheckpoint hiddenSize(int h) {
        hiddenSize = h;
        return this;
    }

    public TinyCheckpoint layers(int n) {
        layers = n;
        return this;
    }

    public TinyCheckpoint heads(int n, int kv) {
        heads = n;
        kvHeads = kv;
        return this;
    }

    public TinyCheckpoint intermediateSize(int n) {
        intermediateSize = n;
        return this;
    }

    public TinyCheckpoint tieEmbeddings(boolean t) {
        tieEmbeddings = t;
        return this;
    }

    /** "float32" or "bfloat16": the dtype the tensors are stored in. */
    public TinyCheckpoint dtype(String d) {
        dtype = d;
        return this;
    }

    /** Split the weights over this many files with a model.safetensors.index.json. */
    public TinyCheckpoint shards(int n) {
        shards = n;
        return this;
    }

    /** Standard deviation of the random weights (default 0.08, lively for tiny models; use ~0.02 for larger ones). */
    public TinyCheckpoint weightStd(double std) {
        this.weightStd = std;
        return this;
    }

    public TinyCheckpoint seed(long s) {
        seed = s;
        return this;
    }

    public TinyCheckpoint ropeScaling(JsonObject scaling) {
        ropeScaling = scaling;
        return this;
    }

    public JsonObject config() {
        JsonObject c = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add(architecture.hfName());
        c.add("architectures", arch);
        c.addProperty("model_type", architecture.name().toLowerCase(java.util.Locale.ROOT));
        c.addProperty("vocab_size", vocabSize);
        c.addProperty("hidden_size", hiddenSize);
        c.addProperty("intermediate_size", intermediateSize);
        c.addProperty("num_hidden_layers", layers);
        c.addProperty("num_attention_heads", heads);
        c.addProperty("num_key_value_heads", kvHeads);
        c.addProperty("head_dim", hiddenSize / heads);
        c.addProperty("hidden_act", "silu");
        c.addProperty("rms_norm_eps", 1e-6);
        c.addProperty("rope_theta", 10000.0);
        if (ropeScaling != null) {
            c.add("rope_scaling", ropeScaling);
        }
        c.addProperty("max_position_embeddings", 2048);
        c.addProperty("tie_word_embeddings", tieEmbeddings);
        c.addProperty("attention_bias", false);
        c.addProperty("torch_dtype", dtype);
        c.addProperty("bos_token_id", VOCAB_SIZE - 3);
        c.addProperty("eos_token_id", VOCAB_SIZE - 1);
        return c;
    }

    /** Writes the checkpoint folder; returns it. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            writeFiles(dir);
        } catch (IOException | RuntimeException e) {
            // a full disk must not leave config.json without weights: remove what this call wrote
            for (String f : new String[] {"config.json", "model.safetensors", "model.safetensors.index.json", "tokenizer.json",
                    "tokenizer_config.json", "generation_config.json"}) {
                Files.deleteIfExists(dir.resolve(f));
            }
            try (var shards = Files.newDirectoryStream(dir, "model-*-of-*.safetensors")) {
                for (Path s : shards) {
                    Files.deleteIfExists(s);
                }
            }
            throw e;
        }
        return dir;
    }

    private void writeFiles(Path dir) throws IOException {
        JsonObject config = config();
        ModelConfig parsed = ModelConfig.parse(config);
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        AtomicFiles.writeString(dir.resolve("config.json"), gson.toJson(config));
        writeWeights(dir, parsed);
        AtomicFiles.writeString(dir.resolve("tokenizer.json"), ByteLevelTokenizerJson.build(
                List.of(ENDOFTEXT, IM_START, IM_END)));
        JsonObject tc = new JsonObject();
        tc.addProperty("bos_token", (String) null);
        tc.addProperty("eos_token", IM_END);
        tc.addProperty("pad_token", ENDOFTEXT);
        tc.addProperty("chat_template", CHATML_TEMPLATE);
        AtomicFiles.writeString(dir.resolve("tokenizer_config.json"), gson.toJson(tc));
        JsonObject gen = new JsonObject();
        JsonArray eos = new JsonArray();
        eos.add(VOCAB_SIZE - 1);
        eos.add(VOCAB_SIZE - 3);
        gen.add("eos_token_id", eos);
        gen.addProperty("pad_token_id", VOCAB_SIZE - 3);
        AtomicFiles.writeString(dir.resolve("generation_config.json"), gson.toJson(gen));
    }

    private void writeWeights(Path dir, ModelConfig c) throws IOException {
        Random random = new Random(seed);
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            int h = c.hiddenSize();
            int q = c.numHeads() * c.headDim();
            int kv = c.numKvHeads() * c.headDim();
            int ff = c.intermediateSize();
            tensors.put("model.embed_tokens.weight", gaussian(manager, random, c.vocabSize(), h));
            for (int i = 0; i < c.numLayers(); i++) {
                String p = "model.layers." + i + ".";
                tensors.put(p + "input_layernorm.weight", norm(manager, random, h));
                tensors.put(p + "post_attention_layernorm.weight", norm(manager, random, h));
                tensors.put(p + "self_attn.q_proj.weight", gaussian(manager, random, q, h));
                tensors.put(p + "self_attn.k_proj.weight", gaussian(manager, random, kv, h));
                tensors.put(p + "self_attn.v_proj.weight", gaussian(manager, random, kv, h));
                tensors.put(p + "self_attn.o_proj.weight", gaussian(manager, random, h, q));
                if (c.qkvBias()) {
                    tensors.put(p + "self_attn.q_proj.bias", gaussian(manager, random, q));
                    tensors.put(p + "self_attn.k_proj.bias", gaussian(manager, random, kv));
                    tensors.put(p + "self_attn.v_proj.bias", gaussian(manager, random, kv));
                }
                if (c.architecture().qkNorm()) {
                    tensors.put(p + "self_attn.q_norm.weight", norm(manager, random, c.headDim()));
                    tensors.put(p + "self_attn.k_norm.weight", norm(manager, random, c.headDim()));
                }
                tensors.put(p + "mlp.gate_proj.weight", gaussian(manager, random, ff, h));
                tensors.put(p + "mlp.up_proj.weight", gaussian(manager, random, ff, h));
                tensors.put(p + "mlp.down_proj.weight", gaussian(manager, random, h, ff));
            }
            tensors.put("model.norm.weight", norm(manager, random, h));
            if (!c.tieWordEmbeddings()) {
                tensors.put("lm_head.weight", gaussian(manager, random, c.vocabSize(), h));
            }
            Map<String, String> meta = Map.of("format", "pt");
            if (shards <= 1) {
                SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, meta, bf16());
                return;
            }
            writeSharded(dir, tensors, meta);
        }
    }

    private void writeSharded(Path dir, Map<String, NDArray> tensors, Map<String, String> meta) throws IOException {
        List<Map<String, NDArray>> parts = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            parts.add(new LinkedHashMap<>());
        }
        int i = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            parts.get(i++ * shards / tensors.size()).put(e.getKey(), e.getValue());
        }
        JsonObject weightMap = new JsonObject();
        long total = 0;
        for (int s = 0; s < shards; s++) {
            String name = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
            SafetensorsWriter.write(dir.resolve(name), parts.get(s), meta, bf16());
            for (Map.Entry<String, NDArray> e : parts.get(s).entrySet()) {
                weightMap.addProperty(e.getKey(), name);
                total += e.getValue().size() * (bf16() ? 2 : 4);
            }
        }
        JsonObject index = new JsonObject();
        JsonObject metadata = new JsonObject();
        metadata.addProperty("total_size", total);
        index.add("metadata", metadata);
        index.add("weight_map", weightMap);
        AtomicFiles.writeString(dir.resolve("model.safetensors.index.json"), index.toString());
    }

    private boolean bf16() {
        return "bfloat16".equals(dtype);
    }

    private NDArray gaussian(NDManager m, Random r, long... shape) {
        int n = (int) new ai.djl.ndarray.types.Shape(shape).size();
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) (r.nextGaussian() * weightStd);
        }
        return m.create(data).reshape(shape);
    }

    private static NDArray norm(NDManager m, Random r, int n) {
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) (1 + 0.1 * r.nextGaussian());
        }
        return m.create(data);
    }
}
