package org.loralab.engine.lora;

import org.loralab.engine.model.TorchRandom;

/**
 * The dropout masks of one training forward pass: every module draws its mask from the next seed
 * of the pass's own stream, so masks depend on the trainer's seed, never on other jobs.
 */
final class DropoutSeeds {

    private final long stream;
    private long draws;

    DropoutSeeds(long stream) {
        this.stream = stream;
    }

    long next() {
        return TorchRandom.seed(stream, draws++);
    }

    /** Draws made so far. */
    long position() {
        return draws;
    }

    /** Replays from an earlier {@link #position}: the next draws repeat the seeds drawn from there. */
    void rewind(long position) {
        if (position < 0 || position > draws) {
            throw new IllegalArgumentException("dropout stream position " + position + " outside 0.." + draws);
        }
        draws = position;
    }
}
