package org.loralab.engine.model;

import ai.djl.ndarray.NDArray;

/**
 * DJL's {@code NDManager.create(float[]...)} wraps a Java direct buffer with {@code torch::from_blob}:
 * the tensor borrows memory whose lifetime only the Java object guards. Anything autograd or an
 * optimizer may touch later is copied into memory PyTorch owns.
 */
public final class NativeArrays {

    private NativeArrays() {
    }

    /** A PyTorch-owned copy of {@code javaBacked}, which is closed. */
    public static NDArray copy(NDArray javaBacked) {
        NDArray owned = javaBacked.duplicate();
        javaBacked.close();
        return owned;
    }

    /**
     * Overwrites {@code target}'s values in place. Unlike {@code NDArray.set(float[])}, which swaps
     * in borrowed Java memory, the tensor keeps its own storage (and its autograd identity).
     */
    public static void assign(NDArray target, float[] values) {
        try (NDArray src = target.getManager().create(values, target.getShape())) {
            target.set(new ai.djl.ndarray.index.NDIndex("..."), src);
        }
    }

    /**
     * A scalar in PyTorch-owned memory. DJL's {@code mul(Number)}/{@code div(Number)} wrap the
     * number in a borrowed Java buffer that is freed as soon as the call returns, yet autograd keeps
     * that scalar for the backward pass (MulBackward saves it); the freed memory then feeds the
     * gradients (garbage or NaN, depending on the garbage collector's timing). Scalars that take
     * part in anything differentiated must come from here.
     */
    public static NDArray scalar(ai.djl.ndarray.NDManager manager, double value, ai.djl.ndarray.types.DataType type) {
        return manager.full(new ai.djl.ndarray.types.Shape(), (float) value, type);
    }

    /** {@code x * value} with the scalar kept in PyTorch-owned memory (safe under autograd). */
    public static NDArray times(NDArray x, double value) {
        try (NDArray s = scalar(x.getManager(), value, x.getDataType())) {
            return x.mul(s);
        }
    }
}
