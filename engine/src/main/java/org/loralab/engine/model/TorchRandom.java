package org.loralab.engine.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;

/**
 * Random draws inside PyTorch that depend only on the caller's own seeds.
 *
 * <p>PyTorch keeps one global generator per process, and DJL offers no per-call generator. Two
 * jobs drawing from it at once would each get a share of the other's stream. So every draw is
 * made under one lock, right after seeding the generator from the caller's stream: a job's result
 * is the same whatever runs beside it. The lock is held only for the single operation.
 */
public final class TorchRandom {

    private static final Object GENERATOR = new Object();

    private TorchRandom() {
    }

    /** Inverted dropout of {@code x} with probability {@code p}, its mask drawn from {@code seed}. */
    public static NDArray dropout(NDArray x, double p, long seed) {
        Engine.getEngine("PyTorch");
        synchronized (GENERATOR) {
            PyTorchInternals.setSeed(seed);
            return Dropout.dropout(x, (float) p, true).singletonOrThrow();
        }
    }

    /** A well-mixed seed for draw {@code index} of stream {@code stream} (SplitMix64's finaliser). */
    public static long seed(long stream, long index) {
        long z = stream * 0x9E3779B97F4A7C15L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
