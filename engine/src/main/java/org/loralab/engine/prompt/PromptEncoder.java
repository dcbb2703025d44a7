package org.loralab.engine.prompt;

import java.util.Arrays;
import java.util.List;
import org.loralab.engine.tokenizer.ChatTemplate;
import org.loralab.engine.tokenizer.TextTokenizer;

/**
 * Turns documents into prompt token ids within a token budget by truncating the document (never
 * the template): the longest prefix of the document's tokens whose filled prompt fits.
 */
public final class PromptEncoder {

    private final TextTokenizer tokenizer;
    private final PromptFormat format;

    public PromptEncoder(TextTokenizer tokenizer, PromptFormat format) {
        this.tokenizer = tokenizer;
        this.format = format;
    }

    /** The prompt's text as the model receives it (chat template applied when asked). */
    public String promptText(String document) {
        String filled = format.fill(document);
        return format.chat() ? tokenizer.applyChatTemplate(List.of(new ChatTemplate.Message("user", filled)), true) : filled;
    }

    public long[] encodeText(String promptText) {
        // A chat template already writes its special tokens; a plain prompt gets the tokenizer's own (BOS).
        return tokenizer.encode(promptText, !format.chat());
    }

    /** Result of fitting one document: the ids and how many document tokens were dropped. */
    public record Encoded(long[] ids, int documentTokens, int droppedTokens) {
    }

    /**
     * Encodes the prompt for {@code document} in at most {@code maxTokens} tokens.
     *
     * @throws IllegalArgumentException when even an empty document does not fit
     */
    public Encoded encode(String document, int maxTokens) {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("the token limit must be positive, got " + maxTokens);
        }
        document = boundedPrefix(document, maxTokens);
        long[] full = encodeText(promptText(document));
        long[] docIds = tokenizer.encode(document, false);
        if (full.length <= maxTokens) {
            return new Encoded(full, docIds.length, 0);
        }
        long[] empty = encodeText(promptText(""));
        if (empty.length > maxTokens) {
            throw new IllegalArgumentException("the prompt template alone is " + empty.length
                    + " tokens, over the limit of " + maxTokens);
        }
        // Binary search the longest document prefix whose prompt fits (re-encoding decoded text can merge tokens).
        int lo = 0;
        int hi = docIds.length;
        long[] best = empty;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            long[] ids = encodeText(promptText(tokenizer.decode(Arrays.copyOf(docIds, mid), false)));
            if (ids.length <= maxTokens) {
                lo = mid;
                best = ids;
            } else {
                hi = mid - 1;
            }
        }
        return new Encoded(best, lo, docIds.length - lo);
    }

    /**
     * A prefix of {@code document} long enough to hold more than {@code maxTokens} tokens, so a
     * 10 MB row costs about what a row of the limit costs: tokenizing the whole text only to cut
     * it took minutes and gigabytes. The first {@code maxTokens} tokens are those of the whole
     * text (a margin of tokens past the limit keeps the cut away from them). Dropped-token counts
     * then count only the dropped tokens within that prefix.
     */
    String boundedPrefix(String document, int maxTokens) {
        long limit = 8L * maxTokens + 256;
        while (limit < document.length()) {
            int end = (int) limit;
            if (Character.isHighSurrogate(document.charAt(end - 1))) {
                end--; // never split a surrogate pair
            }
            String prefix = document.substring(0, end);
            if (tokenizer.encode(prefix, false).length > maxTokens + PREFIX_MARGIN_TOKENS) {
                return prefix;
            }
            limit *= 2;
        }
        return document;
    }

    /** Tokens past the limit that a prefix must hold, so the cut cannot change the kept tokens. */
    private static final int PREFIX_MARGIN_TOKENS = 64;

    public PromptFormat format() {
        return format;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }
}
