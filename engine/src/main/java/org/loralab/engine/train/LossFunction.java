package org.loralab.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.NativeArrays;

/**
 * Next-token cross-entropy on the summary tokens only: the prompt and the padding are masked,
 * as labels of -100 are in Hugging Face. Batches are right-padded.
 */
final class LossFunction {

    private final CausalLM model;
    private final long padId;
    private final long chunkElements;

    LossFunction(CausalLM model, long padId) {
        this(model, padId, CHUNK_ELEMENTS);
    }

    /** With logits chunks of at most {@code chunkElements} elements (tests use small chunks on small vocabularies). */
    LossFunction(CausalLM model, long padId, long chunkElements) {
        this.model = model;
        this.padId = padId;
        this.chunkElements = chunkElements;
    }

    /** A padded batch: inputs, key mask, and the 0/1 weights of each predicted position. */
    record Batch(NDArray ids, NDArray positions, NDArray keyMask, NDArray targets, NDArray targetMask, long targetTokens,
            long tokens, NDArray rows, NDArray rowTargets) {
    }

    Batch batch(List<EncodedExample> examples, NDManager m) {
        int b = examples.size();
        int t = examples.stream().mapToInt(e -> e.ids().length).max().orElseThrow();
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        long[] pos = new long[b * t];
        long[] targets = new long[b * (t - 1)];
        float[] targetMask = new float[b * (t - 1)];
        long targetTokens = 0;
        long tokens = 0;
        long[] rows = new long[b * (t - 1)];
        long[] rowTargets = new long[b * (t - 1)];
        for (int i = 0; i < b; i++) {
            EncodedExample e = examples.get(i);
            for (int j = 0; j < t; j++) {
                boolean real = j < e.ids().length;
                ids[i * t + j] = real ? e.ids()[j] : padId;
                mask[i * t + j] = real ? 1 : 0;
                pos[i * t + j] = j;
                tokens += real ? 1 : 0;
                if (j > 0) {
                    // position j-1 predicts token j; only summary tokens (j >= promptLength) count
                    boolean counted = real && j >= e.promptLength();
                    targets[i * (t - 1) + j - 1] = real ? e.ids()[j] : 0;
                    targetMask[i * (t - 1) + j - 1] = counted ? 1f : 0f;
                    if (counted) {
                        rows[(int) targetTokens] = (long) i * t + j - 1; // row of (b * t) that predicts token j
                        rowTargets[(int) targetTokens] = e.ids()[j];
                        targetTokens++;
                    }
                }
            }
        }
        return new Batch(NativeArrays.copy(m.create(ids, new Shape(b, t))), NativeArrays.copy(m.create(pos, new Shape(b, t))),
                NativeArrays.copy(m.create(mask, new Shape(b, t))), NativeArrays.copy(m.create(targets, new Shape(b, t - 1, 1))),
                NativeArrays.copy(m.create(targetMask, new Shape(b, t - 1))), targetTokens, tokens,
                NativeArrays.copy(m.create(java.util.Arrays.copyOf(rows, (int) targetTokens))),
                NativeArrays.copy(m.create(java.util.Arrays.copyOf(rowTargets, (int) targetTokens))));
    }

    /**
     * Sum of the token losses of the batch (a scalar), to be divided by the caller's token count.
     * Only the rows that predict a summary token reach the LM head, a chunk of rows at a time: in
     * inference no more than one chunk's logits exist at once. Under recording every chunk stays in
     * the graph; training uses {@link TrainingPass}, which back-propagates each chunk on its own.
     */
    NDArray summedLoss(Batch batch) {
        try (NDScope scope = new NDScope()) {
            CausalLM.LayerInputs in = model.layerInputs(batch.positions(), batch.keyMask());
            NDArray stream = model.embed(batch.ids());
            for (int l = 0; l < model.layers().size(); l++) {
                NDArray next = model.layerForward(l, stream, in);
                stream.close(); // the handle only (under recording autograd keeps what it needs)
                stream = next;
            }
            NDScope.register(stream); // layerForward's result is the caller's: closed with this scope
            NDArray hidden = model.finalHidden(targetRows(stream, batch.rows()));
            NDScope.register(hidden);
            NDArray loss = null;
            for (long from = 0; from < batch.targetTokens(); from += chunkRows()) {
                NDArray part = chunkLoss(hidden, batch.rowTargets(), from, Math.min(from + chunkRows(), batch.targetTokens()));
                loss = loss == null ? part : loss.add(part);
            }
            if (loss == null) {
                loss = hidden.getManager().zeros(new Shape(), DataType.FLOAT32);
            }
            NDScope.unregister(loss);
            scope.suppressNotUsedWarning();
            return loss;
        }
    }

    /** Logits of at most this many elements (32 MiB of float32) exist at a time: rows per chunk of the loss. */
    private static final long CHUNK_ELEMENTS = 1L << 23;

    long chunkRows() {
        return Math.max(1, chunkElements / model.config().vocabSize());
    }

    /** The rows {@code rows} (int64 (n)) of the residual stream (b * t, hidden): (n, hidden). */
    static NDArray targetRows(NDArray stream, NDArray rows) {
        long hidden = stream.getShape().get(1);
        long n = rows.getShape().get(0);
        return stream.gather(rows.reshape(n, 1).broadcast(n, hidden), 0);
    }

    /**
     * The summed negative log-likelihood (float32 scalar) of rows [from, to) of the final hidden
     * states (n, hidden) against their targets (int64 (n)); only this chunk's logits are computed.
     */
    NDArray chunkLoss(NDArray hidden, NDArray rowTargets, long from, long to) {
        try (NDScope scope = new NDScope()) {
            NDArray logits = model.logitsOf(hidden.get(from + ":" + to));
            NDScope.register(logits);
            NDArray targets = rowTargets.get(from + ":" + to).reshape(to - from, 1);
            NDArray loss = logits.logSoftmax(-1).gather(targets, 1).sum().neg();
            NDScope.unregister(loss);
            scope.suppressNotUsedWarning();
            return loss;
        }
    }
}
