package org.loralab.engine.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes the input of {@code src/test/python/compare_with_transformers.py}: one tiny checkpoint per
 * case and {@code ours.json} with our logits for a fixed token sequence. Run it, then the script
 * where torch and transformers are installed:
 *
 * <pre>
 * mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -pl engine
 * java -cp "$(cat engine/cp.txt):engine/target/classes:engine/target/test-classes" \
 *     org.loralab.engine.model.ReferenceCases OUT_DIR
 * python3 engine/src/test/python/compare_with_transformers.py OUT_DIR
 * </pre>
 */
public final class ReferenceCases {

    /** ChatML-wrapped bytes, Japanese UTF-8 and special tokens: every code path of the embedding. */
    static final long[] IDS = {257, 117, 115, 101, 114, 10, 72, 101, 108, 108, 111, 32, 229, 164, 167, 258, 10, 42, 7, 200};

    private ReferenceCases() {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        Path root = Path.of(args[0]);
        int t = IDS.length;
        StringBuilder json = new StringBuilder("{\"ids\":" + Arrays.toString(IDS));
        String[] cases = {"llama", "qwen2", "qwen3", "llama_rope3_tied", "qwen3_bf16"};
        for (String name : cases) {
            Path dir = checkpoint(name).write(root.resolve(name));
            try (CausalLM model = CausalLM.load(dir, new ModelOptions("cpu", "auto"));
                    NDManager m = model.manager().newSubManager()) {
                float[] logits = model.forward(m.create(IDS).reshape(1, t), m.arange(0L, (long) t).reshape(1, t),
                        m.ones(new Shape(1, t), DataType.INT64), null, false).toFloatArray();
                json.append(",\"").append(name).append("\":").append(Arrays.toString(logits));
            }
        }
        Files.writeString(root.resolve("ours.json"), json.append('}').toString());
        System.out.println("wrote " + cases.length + " cases and ours.json to " + root);
    }

    private static TinyCheckpoint checkpoint(String name) {
        TinyCheckpoint c = new TinyCheckpoint().seed(name.hashCode()).heads(4, 2);
        if (name.startsWith("qwen2")) {
            c.architecture(Architecture.QWEN2);
        }
        if (name.startsWith("qwen3")) {
            c.architecture(Architecture.QWEN3);
        }
        if (name.equals("llama_rope3_tied")) {
            // original_max_position_embeddings 16 puts the 20-token input in the scaled regime.
            c.tieEmbeddings(true).ropeScaling(JsonParser.parseString("{\"rope_type\":\"llama3\",\"factor\":8.0,"
                    + "\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,\"original_max_position_embeddings\":16}")
                    .getAsJsonObject());
        }
        if (name.endsWith("bf16")) {
            c.dtype("bfloat16");
        }
        return c;
    }
}
