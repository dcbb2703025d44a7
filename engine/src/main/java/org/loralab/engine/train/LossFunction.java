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

    LossFunction(CausalLM model, long padId) {
        this.model = model;
        this.padId = padId;
    }

    /** A padded batch: inputs, key mask, and the 0/1 weights of each predicted position. */
    record Batch(NDArray ids, NDArray positions, NDArray keyMask, NDArray targets, NDArray targetMask, long targetTokens,
            long tokens) {
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
                    targetTokens += counted ? 1 : 0;
                }
            }
        }
        return new Batch(NativeArrays.copy(m.create(ids, new Shape(b, t))), NativeArrays.copy(m.create(pos, new Shape(b, t))),
                NativeArrays.copy(m.create(mask, new Shape(b, t))), NativeArrays.copy(m.create(targets, new Shape(b, t - 1, 1))),
                NativeArrays.copy(m.create(targetMask, new Shape(b, t - 1))), targetTokens, tokens);
    }

    /** Sum of the token losses of the batch (a scalar), to be divided by the caller's token count. */
    NDArray summedLoss(Batch batch) {
        // Intermediates are closed here; autograd keeps what backward needs on the native side.
        try (NDScope scope = new NDScope();
                NDArray logits = model.forward(batch.ids(), batch.positions(), batch.keyMask(), null, false)) {
            long t = logits.getShape().get(1);
            NDArray logProbs = logits.get(":, :" + (t - 1) + ", :").logSoftmax(-1);
            NDArray picked = logProbs.gather(batch.targets(), 2).squeeze(2);
            NDArray loss = picked.mul(batch.targetMask()).sum().neg().toType(DataType.FLOAT32, false);
            NDScope.unregister(loss);
            scope.suppressNotUsedWarning();
            return loss;
        }
    }
}
