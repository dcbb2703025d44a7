package org.loralab.engine.bench;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelConfig;

/**
 * Writes a Llama model as a float32 GGUF (version 3) file, so llama.cpp can decode the very weights
 * LoRA Lab decodes: the tensor names and metadata keys of llama.cpp's convert_hf_to_gguf.py,
 * including its reordering of q and k rows for llama.cpp's rotary layout, and the model's BPE
 * vocabulary from its tokenizer.json. For benchmarks only.
 */
final class GgufWriter {

    private static final int ALIGNMENT = 32;
    private static final int UINT32 = 4;
    private static final int INT32 = 5;
    private static final int FLOAT32 = 6;
    private static final int STRING = 8;
    private static final int ARRAY = 9;

    private record Tensor(String name, long[] dims, float[] data) {
    }

    private GgufWriter() {
    }

    static void write(CausalLM model, Path modelDir, Path out) throws IOException {
        ModelConfig c = model.config();
        Map<String, NDArray> w = model.namedWeights();
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(tensor("token_embd.weight", w.get("model.embed_tokens.weight"), 0));
        for (int i = 0; i < c.numLayers(); i++) {
            String hf = "model.layers." + i + ".";
            String gg = "blk." + i + ".";
            tensors.add(tensor(gg + "attn_norm.weight", w.get(hf + "input_layernorm.weight"), 0));
            tensors.add(tensor(gg + "attn_q.weight", w.get(hf + "self_attn.q_proj.weight"), c.numHeads()));
            tensors.add(tensor(gg + "attn_k.weight", w.get(hf + "self_attn.k_proj.weight"), c.numKvHeads()));
            tensors.add(tensor(gg + "attn_v.weight", w.get(hf + "self_attn.v_proj.weight"), 0));
            tensors.add(tensor(gg + "attn_output.weight", w.get(hf + "self_attn.o_proj.weight"), 0));
            tensors.add(tensor(gg + "ffn_norm.weight", w.get(hf + "post_attention_layernorm.weight"), 0));
            tensors.add(tensor(gg + "ffn_gate.weight", w.get(hf + "mlp.gate_proj.weight"), 0));
            tensors.add(tensor(gg + "ffn_up.weight", w.get(hf + "mlp.up_proj.weight"), 0));
            tensors.add(tensor(gg + "ffn_down.weight", w.get(hf + "mlp.down_proj.weight"), 0));
        }
        tensors.add(tensor("output_norm.weight", w.get("model.norm.weight"), 0));
        NDArray head = w.getOrDefault("lm_head.weight", w.get("model.embed_tokens.weight"));
        tensors.add(tensor("output.weight", head, 0));

        List<String> tokens = vocabulary(modelDir, c.vocabSize());
        ByteBuffer header = ByteBuffer.allocate(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0x46554747).putInt(3).putLong(tensors.size());
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("general.architecture", "llama");
        kv.put("general.name", "loralab-bench");
        kv.put("general.alignment", ALIGNMENT);
        kv.put("general.file_type", 0);
        kv.put("llama.vocab_size", c.vocabSize());
        kv.put("llama.context_length", c.maxPositionEmbeddings());
        kv.put("llama.embedding_length", c.hiddenSize());
        kv.put("llama.block_count", c.numLayers());
        kv.put("llama.feed_forward_length", c.intermediateSize());
        kv.put("llama.attention.head_count", c.numHeads());
        kv.put("llama.attention.head_count_kv", c.numKvHeads());
        kv.put("llama.rope.dimension_count", c.headDim());
        kv.put("llama.rope.freq_base", (float) c.rope().theta());
        kv.put("llama.attention.layer_norm_rms_epsilon", (float) c.rmsNormEps());
        kv.put("tokenizer.ggml.model", "gpt2");
        kv.put("tokenizer.ggml.pre", "default");
        kv.put("tokenizer.ggml.tokens", tokens);
        int[] types = new int[tokens.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = tokens.get(i).startsWith("<|") ? 3 : 1; // control, normal
        }
        kv.put("tokenizer.ggml.token_type", types);
        kv.put("tokenizer.ggml.merges", List.<String>of());
        kv.put("tokenizer.ggml.eos_token_id", tokens.size() - 1);
        kv.put("tokenizer.ggml.padding_token_id", tokens.size() - 3);
        header.putLong(kv.size());
        kv.forEach((k, v) -> putKeyValue(header, k, v));
        long offset = 0;
        for (Tensor t : tensors) {
            putString(header, t.name());
            header.putInt(t.dims().length);
            for (long d : t.dims()) {
                header.putLong(d);
            }
            header.putInt(0); // F32
            header.putLong(offset);
            offset = align(offset + 4L * t.data().length);
        }
        while (header.position() % ALIGNMENT != 0) {
            header.put((byte) 0);
        }
        header.flip();
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(header);
            for (Tensor t : tensors) {
                long bytes = 4L * t.data().length;
                ByteBuffer data = ByteBuffer.allocate((int) align(bytes)).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(t.data());
                data.position(0);
                ch.write(data);
            }
        }
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /**
     * A HF [rows, cols] weight as GGUF dims [cols, rows]; {@code ropeHeads} > 0 reorders each head's
     * rows from HF's rotate-half layout to llama.cpp's interleaved one (convert_hf_to_gguf's permute).
     */
    private static Tensor tensor(String name, NDArray a, int ropeHeads) {
        long[] shape = a.getShape().getShape();
        float[] data = a.toFloatArray();
        if (ropeHeads > 0) {
            int rows = (int) shape[0];
            int cols = (int) shape[1];
            int d = rows / ropeHeads;
            float[] out = new float[data.length];
            for (int h = 0; h < ropeHeads; h++) {
                for (int i = 0; i < d / 2; i++) {
                    for (int j = 0; j < 2; j++) {
                        System.arraycopy(data, (h * d + j * (d / 2) + i) * cols, out, (h * d + i * 2 + j) * cols, cols);
                    }
                }
            }
            data = out;
        }
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[shape.length - 1 - i];
        }
        return new Tensor(name, dims, data);
    }

    private static List<String> vocabulary(Path modelDir, int size) throws IOException {
        JsonObject vocab = JsonParser.parseString(Files.readString(modelDir.resolve("tokenizer.json"))).getAsJsonObject()
                .getAsJsonObject("model").getAsJsonObject("vocab");
        String[] byId = new String[size];
        vocab.entrySet().forEach(e -> byId[e.getValue().getAsInt()] = e.getKey());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            out.add(byId[i] == null ? "<unused" + i + ">" : byId[i]);
        }
        return out;
    }

    private static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putLong(bytes.length).put(bytes);
    }

    @SuppressWarnings("unchecked")
    private static void putKeyValue(ByteBuffer b, String key, Object v) {
        putString(b, key);
        if (v instanceof String s) {
            b.putInt(STRING);
            putString(b, s);
        } else if (v instanceof Integer i) {
            b.putInt(UINT32).putInt(i);
        } else if (v instanceof Float f) {
            b.putInt(FLOAT32).putFloat(f);
        } else if (v instanceof int[] ints) {
            b.putInt(ARRAY).putInt(INT32).putLong(ints.length);
            for (int i : ints) {
                b.putInt(i);
            }
        } else if (v instanceof List<?> list) {
            b.putInt(ARRAY).putInt(STRING).putLong(list.size());
            for (String s : (List<String>) list) {
                putString(b, s);
            }
        } else {
            throw new IllegalArgumentException("no GGUF type for " + key);
        }
    }
}
