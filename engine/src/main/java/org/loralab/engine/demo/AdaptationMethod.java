package org.loralab.engine.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One way to get an adapter for the target, as the demo compares them: its search space (the first
 * setting is its default) and how to build an adapter from a setting.
 *
 * @param learnedOnTarget how many values it fits to the target examples, given the built adapter's size
 */
record AdaptationMethod(String label, List<Setting> space, Builder builder, LearnedCount learnedOnTarget) {

    interface Builder {
        /** Builds the adapter for {@code s} into {@code out}; null for "no adapter" (the base model). */
        Path build(Setting s, long seed, Path out) throws IOException;
    }

    interface LearnedCount {
        long of(Setting s, AdapterSize built);
    }
}
