package org.loralab.engine;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that run a tool from outside the JVM (Debian's python3 with torch, the lz4 tool) skip where
 * a developer's machine lacks it, but fail in CI, whose {@code .ci/run} installs them: a missing
 * tool must not turn a CI run green by skipping.
 */
public final class ExternalTool {

    private ExternalTool() {
    }

    /** Skips the calling test when {@code present} is false, or fails it when the environment variable CI is set. */
    public static void require(boolean present, String missing) {
        if (present) {
            return;
        }
        if (System.getenv("CI") != null) {
            fail(missing + " (CI is set: .ci/run should have installed it)");
        }
        Assumptions.assumeTrue(false, missing);
    }
}
