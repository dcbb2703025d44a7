package org.loralab.engine.summarize;

/**
 * One row's outcome: a summary, or an error message naming the row (never both).
 *
 * @param promptTokens tokens of the prompt after truncation
 * @param truncatedTokens document tokens dropped to fit the prompt budget
 */
public record SummaryResult(int row, String summary, String error, int promptTokens, int truncatedTokens, int generatedTokens) {

    static SummaryResult failed(int row, String error) {
        return new SummaryResult(row, null, error, 0, 0, 0);
    }
}
