package org.loralab.engine.demo;

/**
 * Size of a demo run.
 *
 * @param bankRows training rows per bank adapter
 * @param bankEpochs epochs per bank adapter
 * @param targetRows the low-resource target's training rows (16 in the full demo)
 * @param devRows target rows on which every method's settings are chosen
 * @param testRows target rows scored once, with the chosen settings
 * @param tuningBudget settings each method may try on dev (the same for every method)
 * @param tuneEpochs epochs of the target fine-tunes at their default settings
 * @param bootstrap resamples for the confidence intervals
 * @param maxNewTokens summary length limit
 * @param seed training seeds and the draw of the settings tried
 */
public record DemoSettings(int bankRows, int bankEpochs, int targetRows, int devRows, int testRows, int tuningBudget, int tuneEpochs,
        int bootstrap, int maxNewTokens, long seed) {

    public static DemoSettings full() {
        return new DemoSettings(200, 5, 16, 24, 40, 4, 20, 1000, 48, 7);
    }

    /** Under a minute: a small bank, default settings only, but real training (tens of optimizer steps). */
    public static DemoSettings reduced() {
        return new DemoSettings(48, 2, 16, 8, 12, 1, 20, 200, 32, 7);
    }

    public DemoSettings withSeed(long s) {
        return new DemoSettings(bankRows, bankEpochs, targetRows, devRows, testRows, tuningBudget, tuneEpochs, bootstrap, maxNewTokens, s);
    }
}
