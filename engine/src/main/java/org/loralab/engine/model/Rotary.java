package org.loralab.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Rotary position embedding in the rotate-half layout used by HF Llama and Qwen checkpoints. */
final class Rotary {

    /** cos and sin of shape (batch, 1, seq, head_dim), in the compute dtype. */
    record Angles(NDArray cos, NDArray sin) {}

    private final NDArray inverseFrequencies; // (1, 1, head_dim / 2), float32: shaped once, as no op may run on a cached model's arrays alone
    private final NDArray rotateHalf; // (head_dim, head_dim) of 0 and +-1: x @ R = cat(-x2, x1), exactly

    Rotary(NDManager manager, RopeConfig rope, int headDim, DataType dtype) {
        float[] inv = rope.inverseFrequencies();
        this.inverseFrequencies = NativeArrays.copy(manager.create(inv, new Shape(1, 1, inv.length)));
        float[] r = new float[headDim * headDim];
        int half = headDim / 2;
        for (int k = 0; k < half; k++) {
            r[(k + half) * headDim + k] = -1f; // out[k] = -x[k + half]
            r[k * headDim + k + half] = 1f; // out[k + half] = x[k]
        }
        NDArray matrix = NativeArrays.copy(manager.create(r, new Shape(headDim, headDim)));
        this.rotateHalf = Bf16.cast(matrix, dtype);
        if (rotateHalf != matrix) {
            matrix.close();
        }
    }

    Angles angles(NDArray positions, DataType dtype) {
        long b = positions.getShape().get(0);
        long t = positions.getShape().get(1);
        NDArray freqs = positions.toType(DataType.FLOAT32, false).reshape(b, t, 1)
                .mul(inverseFrequencies);
        NDArray emb = NDArrays.concat(new NDList(freqs, freqs), -1).expandDims(1);
        return new Angles(Bf16.cast(emb.cos(), dtype), Bf16.cast(emb.sin(), dtype));
    }

    /**
     * x * cos + rotate_half(x) * sin, with x of shape (batch, heads, seq, head_dim); rotate_half is
     * one matmul with a signed permutation (each output is one input, negated or not: exact).
     */
    NDArray apply(NDArray x, Angles a) {
        return x.mul(a.cos()).add(x.matMul(rotateHalf).mul(a.sin()));
    }
}
