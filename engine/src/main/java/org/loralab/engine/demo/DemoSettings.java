package org.loralab.engine.demo;

/**
 * Size of a demo run.
 *
 * @param bankRows training rows per bank adapter
 * @param bankEpochs epochs per bank adapter
 * @param targetRows the low-resource target's training rows (16 in the full demo)
 * @param testRows held-out target rows scored with ROUGE
 * @param tuneEpochs epochs of the target fine-tunes (LoRA alone, continued, Adaptive Merge &amp; Prune)
 * @param loraHubBudget LoraHub's loss evaluations
 * @param bootstrap resamples for the confidence intervals
 */
public record DemoSettings(int bankRows, int bankEpochs, int targetRows, int testRows, int tuneEpochs, int loraHubBudget,
        int bootstrap, int maxNewTokens) {

    public static DemoSettings full() {
        return new DemoSettings(200, 5, 16, 40, 20, 40, 1000, 64);
    }

    /** A few seconds' worth, for tests. */
    public static DemoSettings reduced() {
        return new DemoSettings(8, 1, 4, 3, 1, 6, 50, 8);
    }
}
