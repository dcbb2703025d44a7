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
}
