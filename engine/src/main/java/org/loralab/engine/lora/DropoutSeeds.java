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
}
