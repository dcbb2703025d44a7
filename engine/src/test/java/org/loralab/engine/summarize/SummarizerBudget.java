package org.loralab.engine.summarize;

/** Opens Summarizer's prompt budget to tests in other packages. */
public final class SummarizerBudget {

    private SummarizerBudget() {
    }

    public static int of(int maxInputTokens, int contextLength, int maxNewTokens) {
        return Summarizer.promptBudget(maxInputTokens, contextLength, maxNewTokens);
    }
}
