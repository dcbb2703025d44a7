package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The decode fast path must not change the maths: the preallocated KV cache (written in place,
 * grown when full) gives the logits of the full-sequence forward pass, and fused q/k/v and gate/up
 * projections give each module's own output with its own adapter.
 */
class DecodePathTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void preallocatedCacheEqualsFullForwardAcrossGrowth(Architecture arch) throws Exception {
        new TinyCheckpoint().architecture(arch).write(dir);
        try (CausalLM model = CausalLM.load(dir, new ModelOptions("cpu", "float32"));
                NDManager m = model.manager().newSubManager()) {
            long[] tokens = {5, 72, 101, 108, 108, 111, 32, 200, 7, 9, 250};
            int t = tokens.length;
            int v = TinyCheckpoint.VOCAB_SIZE;
            float[] full = model.forward(m.create(tokens).reshape(1, t), m.arange(0L, (long) t).reshape(1, t),
                    m.ones(new Shape(1, t), DataType.INT64), null, false).toFloatArray();
            // Capacity 5: the 4-token prefill fits, the steps after the fifth position make it grow twice.
            try (KvCache cache = model.newCache(5)) {
                int prefill = 4;
                float[] first = model.forward(m.create(Arrays.copyOf(tokens, prefill)).reshape(1, prefill),
                        m.arange(0L, (long) prefill).reshape(1, prefill), m.ones(new Shape(1, prefill), DataType.INT64),
                        cache, true).toFloatArray();
                assertArrayEquals(Arrays.copyOfRange(full, (prefill - 1) * v, prefill * v), first,
                        ForwardConsistencyTest.TOLERANCE, "prefill");
                for (int i = prefill; i < t; i++) {
                    float[] step = model.forward(m.create(new long[] {tokens[i]}).reshape(1, 1),
                            m.create(new long[] {i}).reshape(1, 1), m.ones(new Shape(1, i + 1), DataType.INT64),
                            cache, true).toFloatArray();
                    assertArrayEquals(Arrays.copyOfRange(full, i * v, (i + 1) * v), step,
                            ForwardConsistencyTest.TOLERANCE, "position " + i);
                }
                assertEquals(t, cache.length());
                assertTrue(cache.capacity() >= t);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void noKeyMaskMeansNoPaddingButStillCausal(Architecture arch) throws Exception {
        new TinyCheckpoint().architecture(arch).write(dir);
        try (CausalLM model = CausalLM.load(dir, new ModelOptions("cpu", "float32"));
                NDManager m = model.manager().newSubManager();
                KvCache masked = model.newCache(8);
                KvCache unmasked = model.newCache(8)) {
            long[] prompt = {40, 41, 42, 43, 44};
            NDArray ids = m.create(prompt).reshape(1, 5);
            NDArray pos = m.arange(0L, 5L).reshape(1, 5);
            assertClose(model.forward(ids, pos, m.ones(new Shape(1, 5), DataType.INT64), masked, false),
                    model.forward(ids, pos, null, unmasked, false), "prefill, every position");
            NDArray next = m.create(new long[] {45}).reshape(1, 1);
            NDArray nextPos = m.create(new long[] {5}).reshape(1, 1);
            assertClose(model.forward(next, nextPos, m.ones(new Shape(1, 6), DataType.INT64), masked, true),
                    model.forward(next, nextPos, null, unmasked, true), "one new token");
        }
    }

    @Test
    void fusedProjectionAddsEachModulesOwnAdapterToItsOwnSlice() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            m.getEngine().setRandomSeed(11);
            LinearLayer q = layer(m, "q", 8, 6, true);
            LinearLayer k = layer(m, "k", 4, 6, true);
            LinearLayer v = layer(m, "v", 4, 6, true);
            NDArray[] originals = {q.weight().duplicate(), k.weight().duplicate(), v.weight().duplicate()};
            FusedLinear fused = new FusedLinear(q, k, v);
            for (int i = 0; i < originals.length; i++) {
                assertArrayEquals(originals[i].toFloatArray(), new LinearLayer[] {q, k, v}[i].weight().toFloatArray(), 0f,
                        "part weights keep their values as views of the stack");
            }
            NDArray x = m.randomNormal(new Shape(2, 3, 6));
            assertClose(separate(x, q, k, v), fused.forward(x), "no adapters");

            // Different adapters on q and v, none on k: each must land on its own columns only.
            NDArray aq = m.randomNormal(new Shape(8, 6));
            NDArray av = m.randomNormal(new Shape(4, 6));
            q.setAdapter(in -> in.matMul(aq.transpose()));
            v.setAdapter(in -> in.matMul(av.transpose()).mul(3f));
            assertClose(separate(x, q, k, v), fused.forward(x), "adapters on q and v");
            q.setAdapter(null);
            k.setAdapter(in -> in.matMul(av.transpose()).neg());
            assertClose(separate(x, q, k, v), fused.forward(x), "adapter on k only");

            // A merge replaces one part's weight: the stack follows, and again when it is restored.
            NDArray before = k.replaceWeight(k.weight().add(1f));
            assertClose(separate(x, q, k, v), fused.forward(x), "k merged");
            k.replaceWeight(before).close();
            assertClose(separate(x, q, k, v), fused.forward(x), "k restored");
        }
    }

    private static LinearLayer layer(NDManager m, String name, int out, int in, boolean bias) {
        return new LinearLayer(name, m.randomNormal(new Shape(out, in)), bias ? m.randomNormal(new Shape(out)) : null);
    }

    private static NDArray separate(NDArray x, LinearLayer... parts) {
        NDList outs = new NDList();
        for (LinearLayer p : parts) {
            outs.add(p.forward(x));
        }
        return NDArrays.concat(outs, -1);
    }

    private static void assertClose(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what);
        assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), 1e-5f, what);
    }
}
