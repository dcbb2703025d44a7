package org.loralab.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.KvCache;

/**
 * The state of decoding one batch: prompts left-padded to a common length, the key mask, each row's
 * next rotary position, and the KV cache. Left padding keeps every row's newest token in the last
 * column, so one forward step serves all rows.
 */
final class DecodeSession implements AutoCloseable {

    private final CausalLM model;
    private final NDManager manager;
    private final KvCache cache;
    private final List<long[]> prompts;
    private final long padId;
    private final long[] nextPosition;
    private NDArray keyMask; // (batch, positions so far), int64 1/0; null while no row has padding

    /**
     * New positions the KV cache holds before its first growth. max_new_tokens may be 65,536 while
     * most outputs stop far earlier: the cache grows with the output (doubling, one copy each time)
     * instead of holding prompt + max_new_tokens positions from the start.
     */
    static final int INITIAL_NEW_POSITIONS = 64;

    /** @param newTokens how many tokens will follow the prompts at most (bounds the KV cache's first size) */
    DecodeSession(CausalLM model, List<long[]> prompts, long padId, int newTokens) {
        this.model = model;
        this.manager = model.manager().newSubManager();
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        this.cache = model.newCache(Math.max(1, (long) longest + Math.min(newTokens, INITIAL_NEW_POSITIONS)));
        this.prompts = prompts;
        this.padId = padId;
        this.nextPosition = new long[prompts.size()];
    }

    int batchSize() {
        return prompts.size();
    }

    /** Runs the prompts; returns float32 logits of each row's last prompt token, (batch, vocab). */
    NDArray prefill() {
        int b = prompts.size();
        int len = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        long[] ids = new long[b * len];
        long[] mask = new long[b * len];
        long[] pos = new long[b * len];
        for (int r = 0; r < b; r++) {
            long[] p = prompts.get(r);
            int offset = len - p.length;
            for (int c = 0; c < len; c++) {
                boolean real = c >= offset;
                ids[r * len + c] = real ? p[c - offset] : padId;
                mask[r * len + c] = real ? 1 : 0;
                // HF: position_ids = cumsum(mask) - 1, padding positions set to 1 (they are masked anyway).
                pos[r * len + c] = real ? c - offset : 1;
            }
            nextPosition[r] = p.length;
        }
        boolean padded = prompts.stream().anyMatch(p -> p.length < len);
        keyMask = padded ? manager.create(mask).reshape(b, len) : null;
        return run(manager.create(ids).reshape(b, len), manager.create(pos).reshape(b, len));
    }

    /** Feeds one token per row; returns the logits for the token after it, (batch, vocab). */
    NDArray step(long[] tokens) {
        int b = tokens.length;
        long[] pos = new long[b];
        for (int r = 0; r < b; r++) {
            pos[r] = nextPosition[r]++;
        }
        if (keyMask != null) {
            NDArray ones = manager.ones(new ai.djl.ndarray.types.Shape(b, 1), ai.djl.ndarray.types.DataType.INT64);
            NDArray grown = NDArrays.concat(new NDList(keyMask, ones), 1);
            keyMask.close();
            ones.close();
            keyMask = grown;
        }
        return run(manager.create(tokens).reshape(b, 1), manager.create(pos).reshape(b, 1));
    }

    private NDArray run(NDArray ids, NDArray pos) {
        try {
            NDArray logits = model.forward(ids, pos, keyMask, cache, true);
            NDArray rows = logits.squeeze(1);
            logits.close();
            return rows;
        } finally {
            ids.close();
            pos.close();
        }
    }

    /** Beam search: row i continues from old row {@code rows[i]}. */
    void selectRows(int[] rows) {
        long[] asLong = new long[rows.length];
        long[] positions = nextPosition.clone();
        for (int i = 0; i < rows.length; i++) {
            asLong[i] = rows[i];
            nextPosition[i] = positions[rows[i]];
        }
        try (NDArray index = manager.create(asLong)) {
            cache.selectRows(index);
            if (keyMask != null) {
                NDArray reordered = keyMask.get(index);
                keyMask.close();
                keyMask = reordered;
            }
        }
    }

    NDManager manager() {
        return manager;
    }

    /** Positions the KV cache holds now, before it grows again. */
    long cacheCapacity() {
        return cache.capacity();
    }

    @Override
    public void close() {
        cache.close();
        manager.close();
    }
}
