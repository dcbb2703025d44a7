package org.loralab.engine.model;

import ai.djl.ndarray.NDArray;

/**
 * Views without copying, straight through libtorch's {@code Tensor::slice}: DJL's
 * {@code get(NDIndex)} parses and dispatches an index in Java first, which costs about three times
 * the native call on the decode path (hundreds of views per step).
 */
final class Views {

    private Views() {
    }

    /** Elements [from, to) of axis {@code axis} (negative counts from the end), a view. */
    static NDArray narrow(NDArray x, int axis, long from, long to) {
        int a = axis < 0 ? x.getShape().dimension() + axis : axis;
        return PyTorchInternals.slice(x, a, from, to);
    }
}
