package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cache must not change the maths: logits of one full forward pass equal those of feeding the
 * same tokens one at a time through the KV cache (float32, tolerance 1e-4 absolute).
 */
class ForwardConsistencyTest {

    static final float TOLERANCE = 1e-4f;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void fullForwardEqualsIncrementalDecoding(Architecture arch) throws Exception {
        new TinyCheckpoint().architecture(arch).write(dir);
        try (CausalLM model = CausalLM.load(dir, new ModelOptions("cpu", "auto"));
                NDManager m = model.manager().newSubManager()) {
            assertEquals(arch, model.config().architecture());
            long[] tokens = {5, 72, 101, 108, 108, 111, 32, 200, 7};
            int t = tokens.length;
            NDArray full = model.forward(m.create(tokens).reshape(1, t), m.arange(0L, (long) t).reshape(1, t),
                    m.ones(new ai.djl.ndarray.types.Shape(1, t), ai.djl.ndarray.types.DataType.INT64), null, false);
            assertEquals(new ai.djl.ndarray.types.Shape(1, t, TinyCheckpoint.VOCAB_SIZE), full.getShape());
            float[] fullLogits = full.toFloatArray();
            int v = TinyCheckpoint.VOCAB_SIZE;
            try (KvCache cache = model.newCache()) {
                for (int i = 0; i < t; i++) {
                    NDArray step = model.forward(m.create(new long[] {tokens[i]}).reshape(1, 1),
                            m.create(new long[] {i}).reshape(1, 1),
                            m.ones(new ai.djl.ndarray.types.Shape(1, i + 1), ai.djl.ndarray.types.DataType.INT64),
                            cache, true);
                    float[] stepLogits = step.toFloatArray();
                    float[] expected = java.util.Arrays.copyOfRange(fullLogits, i * v, (i + 1) * v);
                    assertArrayEquals(expected, stepLogits, TOLERANCE, "position " + i);
                }
                assertEquals(t, cache.length());
            }
            float spread = full.max().getFloat() - full.min().getFloat();
            assertTrue(spread > 0.1f, "logits should not be flat, spread " + spread);
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void leftPaddingDoesNotChangeARowsLogits(Architecture arch) throws Exception {
        new TinyCheckpoint().architecture(arch).write(dir);
        try (CausalLM model = CausalLM.load(dir, new ModelOptions("cpu", "float32"));
                NDManager m = model.manager().newSubManager()) {
            long[] tokens = {40, 41, 42, 43};
            NDArray alone = model.forward(m.create(tokens).reshape(1, 4), m.create(new long[] {0, 1, 2, 3}).reshape(1, 4),
                    m.create(new long[] {1, 1, 1, 1}).reshape(1, 4), null, true);
            // Same row behind three pad tokens: positions restart at 0 after the padding.
            NDArray padded = model.forward(m.create(new long[] {0, 0, 0, 40, 41, 42, 43}).reshape(1, 7),
                    m.create(new long[] {1, 1, 1, 0, 1, 2, 3}).reshape(1, 7),
                    m.create(new long[] {0, 0, 0, 1, 1, 1, 1}).reshape(1, 7), null, true);
            assertArrayEquals(alone.toFloatArray(), padded.toFloatArray(), TOLERANCE);
        }
    }
}
