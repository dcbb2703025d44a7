package org.loralab.engine.summarize;

import java.nio.file.Path;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.prompt.PromptFormat;

/**
 * Settings of the Summarize node.
 *
 * @param adapter PEFT adapter folder, or null for the base model alone
 * @param mergeAdapter add the adapter into the base weights before generating (faster; not for LoRA-TRF)
 * @param maxInputTokens prompt budget; longer documents are truncated, the template never
 * @param batchSize documents generated together (sorted by length to limit padding)
 */
public record SummarizeOptions(Path baseModel, Path adapter, boolean mergeAdapter, PromptFormat prompt,
        int maxInputTokens, int batchSize, ModelOptions device) {

    public SummarizeOptions {
        if (maxInputTokens < 1) {
            throw new IllegalArgumentException("max input tokens must be positive");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive");
        }
    }
}
