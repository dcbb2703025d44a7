package org.loralab.engine.model;

import ai.djl.ndarray.NDArray;

/**
 * PyTorch's grad mode on the calling thread, set explicitly by every job.
 *
 * <p>Grad mode is thread-local in PyTorch and on by default; DJL switches it off only on the thread
 * that started the engine. A KNIME worker thread therefore starts with it on, and an in-place
 * update of a parameter that requires a gradient (AdamW, pruning, checkpoint restore) then fails.
 * DJL's {@code GradientCollector} cannot be used either: only one may exist per process, so two
 * trainings in parallel branches would refuse each other. Every job enters through {@link Jobs#run}
 * (grad mode off, the thread's own mode restored after) and opens {@link #recording()} only around
 * the forward passes it differentiates; {@link #backward}
 * calls PyTorch directly, which is safe on any number of threads at once.
 */
public final class Autograd {

    /** Restores the thread's previous grad mode. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private Autograd() {
    }

    /** Grad mode off on this thread until the scope closes. */
    public static Scope inference() {
        return set(false);
    }

    /** Grad mode on on this thread until the scope closes: operations are recorded for backward. */
    public static Scope recording() {
        return set(true);
    }

    /** Whether operations on this thread are recorded. */
    public static boolean isRecording() {
        return PyTorchInternals.isGradMode();
    }

    /** Back-propagates a scalar, accumulating into the gradients of the leaves that require one. */
    public static void backward(NDArray scalar) {
        try (NDArray seed = scalar.onesLike()) {
            PyTorchInternals.backward(scalar, seed);
        }
    }

    /**
     * Back-propagates {@code gradient} (shaped as {@code output}) from {@code output}: the
     * vector-Jacobian product, accumulating into the leaves' gradients. How a graph cut in pieces
     * (chunked loss, activation checkpointing) is differentiated piece by piece.
     */
    public static void backward(NDArray output, NDArray gradient) {
        if (!output.getShape().equals(gradient.getShape())) {
            throw new IllegalArgumentException("gradient of shape " + gradient.getShape() + " for an output of shape " + output.getShape());
        }
        PyTorchInternals.backward(output, gradient);
    }

    /**
     * {@code x} in {@code type}. DJL's {@code toType} (DJL 0.35.1) returns an array cut from the
     * graph: while recording, a cast there would silently stop every gradient behind it (no LoRA
     * gradient at all with half-precision weights). While recording this copies into an array of the
     * new type instead (an in-place copy, which autograd differentiates, casting the gradient back).
     */
    public static NDArray cast(NDArray x, ai.djl.ndarray.types.DataType type) {
        if (x.getDataType() == type) {
            return x;
        }
        if (!isRecording()) {
            return x.toType(type, false);
        }
        NDArray out = x.getManager().zeros(x.getShape(), type, x.getDevice());
        out.set(new ai.djl.ndarray.index.NDIndex("..."), x);
        return out;
    }

    /** Whether the leaf {@code x} (a weight, not a computed array) requires a gradient. */
    public static boolean requiresGradient(NDArray leaf) {
        return PyTorchInternals.requiresGrad(leaf);
    }

    private static Scope set(boolean on) {
        boolean previous = isRecording();
        PyTorchInternals.setGradMode(on);
        return () -> PyTorchInternals.setGradMode(previous);
    }
}
