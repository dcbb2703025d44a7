package org.loralab.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;

/**
 * Keys and values of every layer seen so far, shape (batch, kv_heads, seq, head_dim) each. The
 * cache owns its arrays: they outlive the per-step scope of the forward pass and are closed when
 * replaced or when the cache closes.
 */
public final class KvCache implements AutoCloseable {

    private final NDArray[] keys;
    private final NDArray[] values;

    public KvCache(int numLayers) {
        keys = new NDArray[numLayers];
        values = new NDArray[numLayers];
    }

    /** Number of positions cached. */
    public long length() {
        return keys[0] == null ? 0 : keys[0].getShape().get(2);
    }

    NDArray[] append(int layer, NDArray k, NDArray v) {
        keys[layer] = extend(keys[layer], k);
        values[layer] = extend(values[layer], v);
        return new NDArray[] {keys[layer], values[layer]};
    }

    private static NDArray extend(NDArray old, NDArray added) {
        NDArray result = old == null ? added : NDArrays.concat(new NDList(old, added), 2);
        NDScope.unregister(result);
        if (old != null) {
            old.close();
        }
        return result;
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
        }
    }
}
