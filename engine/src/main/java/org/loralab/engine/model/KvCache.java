package org.loralab.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer seen so far, shape (batch, kv_heads, seq, head_dim) each, kept in
 * buffers allocated once for {@code capacity} positions: each step writes its new positions in
 * place and attention reads a view of the filled prefix, so decoding copies nothing that was cached
 * before (concatenating every step copies O(T^2)). A step past the capacity grows the buffers
 * (doubling, one copy). The cache owns its buffers; they outlive the per-step scope of the forward
 * pass and are closed when replaced or when the cache closes.
 */
public final class KvCache implements AutoCloseable {

    private static final int DEFAULT_CAPACITY = 64;

    private final NDArray[] keys;
    private final NDArray[] values;
    private final long[] lengths;
    private final long initialCapacity;

    public KvCache(int numLayers) {
        this(numLayers, DEFAULT_CAPACITY);
    }

    /** A cache that holds {@code capacity} positions before it has to grow. */
    public KvCache(int numLayers, long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("KV cache capacity must be positive, got " + capacity);
        }
        keys = new NDArray[numLayers];
        values = new NDArray[numLayers];
        lengths = new long[numLayers];
        initialCapacity = capacity;
    }

    /** Number of positions cached. */
    public long length() {
        return lengths[0];
    }

    /** Positions the buffers hold before they grow. */
    public long capacity() {
        return keys[0] == null ? initialCapacity : keys[0].getShape().get(2);
    }

    /** Writes {@code k}, {@code v} (batch, kv_heads, t, head_dim) after the cached positions; returns views of all. */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        long past = lengths[layer];
        long end = past + k.getShape().get(2);
        keys[layer] = ensureCapacity(keys[layer], k, past, end);
        values[layer] = ensureCapacity(values[layer], v, past, end);
        write(keys[layer], k, past);
        write(values[layer], v, past);
        lengths[layer] = end;
        return new NDArray[] {Views.narrow(keys[layer], 2, 0, end), Views.narrow(values[layer], 2, 0, end)};
    }

    /**
     * {@code buffer[:, :, from:from + t] = added} in place, straight through libtorch: DJL's
     * {@code set(NDIndex, NDArray)} parses the index in Java first, twice per layer per step.
     */
    private static void write(NDArray buffer, NDArray added, long from) {
        Shape s = added.getShape();
        PyTorchInternals.indexSet(buffer, added, new long[] {0, 0, from, 0},
                new long[] {s.get(0), s.get(1), from + s.get(2), s.get(3)}, new long[] {1, 1, 1, 1});
    }

    private NDArray ensureCapacity(NDArray buffer, NDArray added, long past, long end) {
        long have = buffer == null ? 0 : buffer.getShape().get(2);
        if (end <= have) {
            return buffer;
        }
        long capacity = Math.max(end, buffer == null ? initialCapacity : 2 * have);
        Shape s = added.getShape();
        NDArray grown = Bf16.zeros(new Shape(s.get(0), s.get(1), capacity, s.get(3)), added);
        NDScope.unregister(grown);
        if (buffer != null) {
            try (NDArray filled = Views.narrow(buffer, 2, 0, past)) {
                write(grown, filled, 0);
            }
            buffer.close();
        }
        return grown;
    }

    /** Reorders the batch rows (beam search): row i becomes old row {@code rows[i]}. */
    public void selectRows(NDArray rows) {
        for (int i = 0; i < keys.length; i++) {
            keys[i] = reorder(keys[i], rows);
            values[i] = reorder(values[i], rows);
        }
    }

    private static NDArray reorder(NDArray old, NDArray rows) {
        if (old == null) {
            return null;
        }
        NDArray result = old.get(rows);
        NDScope.unregister(result);
        old.close();
        return result;
    }

    @Override
    public void close() {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                keys[i].close();
                values[i].close();
                keys[i] = null;
                values[i] = null;
            }
            lengths[i] = 0;
        }
    }
}
