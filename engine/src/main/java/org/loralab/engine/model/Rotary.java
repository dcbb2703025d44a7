package org.loralab.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** Rotary position embedding in the rotate-half layout used by HF Llama and Qwen checkpoints. */
final class Rotary {

    /** cos and sin of shape (batch, 1, seq, head_dim), in the compute dtype. */
    record Angles(NDArray cos, NDArray sin) {}

    private final NDArray inverseFrequencies; // (head_dim / 2), float32

    Rotary(NDManager manager, RopeConfig rope) {
        this.inverseFrequencies = NativeArrays.copy(manager.create(rope.inverseFrequencies()));
    }

    Angles angles(NDArray positions, DataType dtype) {
        long b = positions.getShape().get(0);
        long t = positions.getShape().get(1);
        NDArray freqs = positions.toType(DataType.FLOAT32, false).reshape(b, t, 1)
                .mul(inverseFrequencies.reshape(1, 1, -1));
        NDArray emb = NDArrays.concat(new NDList(freqs, freqs), -1).expandDims(1);
        return new Angles(emb.cos().toType(dtype, false), emb.sin().toType(dtype, false));
    }

    /** x * cos + rotate_half(x) * sin, with x of shape (batch, heads, seq, head_dim). */
    static NDArray apply(NDArray x, Angles a) {
        NDList halves = x.split(2, x.getShape().dimension() - 1);
        NDArray rotated = NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), -1);
        return x.mul(a.cos()).add(rotated.mul(a.sin()));
    }
}
