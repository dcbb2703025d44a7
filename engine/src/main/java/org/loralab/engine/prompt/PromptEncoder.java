package org.loralab.engine.prompt;

import java.util.List;
import java.util.function.Function;
import org.loralab.engine.tokenizer.ChatTemplate;
import org.loralab.engine.tokenizer.TextTokenizer;

/**
 * Turns documents into prompt token ids within a token budget by truncating the document (never
 * the template): the longest prefix of the document's tokens whose filled prompt fits. The cut
 * is made in the document's text at a character boundary (from the tokenizer's offsets), so the
 * prompt holds a prefix of the document itself, never a decoded approximation of it.
 */
public final class PromptEncoder {

    private final TextTokenizer tokenizer;
    private final PromptFormat format;

    public PromptEncoder(TextTokenizer tokenizer, PromptFormat format) {
        this.tokenizer = tokenizer;
        this.format = format;
    }

    /** The prompt's text as the model receives it (chat template applied, with the generation prompt, when asked). */
    public String promptText(String document) {
        String filled = format.fill(document);
        return format.chat()
                ? tokenizer.applyChatTemplate(List.of(new ChatTemplate.Message("user", filled)), true, format.templateArgs())
                : filled;
    }

    /**
     * The prompt followed by {@code completion} as one text, as TRL's SFT builds prompt-completion
     * examples: in chat mode the conversation [user: filled prompt, assistant: completion] rendered
     * without the generation prompt, else the prompt text and the completion text concatenated.
     */
    public String promptAndCompletionText(String document, String completion) {
        String filled = format.fill(document);
        return format.chat()
                ? tokenizer.applyChatTemplate(List.of(new ChatTemplate.Message("user", filled),
                        new ChatTemplate.Message("assistant", completion)), false, format.templateArgs())
                : filled + completion;
    }

    public long[] encodeText(String promptText) {
        // A chat template already writes its special tokens; a plain prompt gets the tokenizer's own (BOS).
        return tokenizer.encode(promptText, !format.chat());
    }

    /** Even an empty document does not fit the token limit. */
    public static final class TooLongException extends IllegalArgumentException {
        public TooLongException(String message) {
            super(message);
        }
    }

    /** Result of fitting one document: the ids and how many document tokens were dropped. */
    public record Encoded(long[] ids, int documentTokens, int droppedTokens) {
    }

    /**
     * Result of {@link #fit}: the document prefix kept, the sequence built from it, and how many of
     * the document's tokens it holds and how many were dropped.
     */
    public record Fitted(String document, long[] ids, int documentTokens, int droppedTokens) {
    }

    /**
     * Encodes the prompt for {@code document} in at most {@code maxTokens} tokens.
     *
     * @throws TooLongException when even an empty document does not fit
     */
    public Encoded encode(String document, int maxTokens) {
        Fitted f = fit(document, maxTokens, d -> encodeText(promptText(d)), "the prompt template alone");
        return new Encoded(f.ids(), f.documentTokens(), f.droppedTokens());
    }

    /**
     * The longest prefix of the document's tokens for which {@code sequence} (the token sequence
     * built from a document prefix) is at most {@code maxTokens} long. A prefix is cut from the
     * document's text where its last whole character ends, so it never holds U+FFFD that the
     * document did not hold.
     *
     * @param what names the sequence with an empty document in the error
     * @throws TooLongException when even an empty document does not fit
     */
    public Fitted fit(String document, int maxTokens, Function<String, long[]> sequence, String what) {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("the token limit must be positive, got " + maxTokens);
        }
        document = boundedPrefix(document, maxTokens);
        long[] full = sequence.apply(document);
        int[] ends = tokenizer.tokenPrefixEnds(document);
        int docTokens = ends.length - 1;
        if (full.length <= maxTokens) {
            return new Fitted(document, full, docTokens, 0);
        }
        long[] empty = sequence.apply("");
        if (empty.length > maxTokens) {
            throw new TooLongException(what + " is " + empty.length + " tokens, over the limit of " + maxTokens);
        }
        // Binary search the longest document prefix whose sequence fits (re-encoding a prefix can merge tokens).
        int lo = 0;
        int hi = docTokens;
        long[] best = empty;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            long[] ids = sequence.apply(document.substring(0, ends[mid]));
            if (ids.length <= maxTokens) {
                lo = mid;
                best = ids;
            } else {
                hi = mid - 1;
            }
        }
        return new Fitted(document.substring(0, ends[lo]), best, lo, docTokens - lo);
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
        // A tokenizer call takes at most TextTokenizer.MAX_CHARS_PER_CALL: the cut leaves room for the template.
        while (Math.min(limit, DOCUMENT_CHAR_LIMIT) < document.length()) {
            int end = (int) Math.min(limit, DOCUMENT_CHAR_LIMIT);
            if (Character.isHighSurrogate(document.charAt(end - 1))) {
                end--; // never split a surrogate pair
            }
            String prefix = document.substring(0, end);
            if (limit >= DOCUMENT_CHAR_LIMIT || tokenizer.encode(prefix, false).length > maxTokens + PREFIX_MARGIN_TOKENS) {
                return prefix;
            }
            limit *= 2;
        }
        return document;
    }

    /** The longest document prefix ever tokenized: the tokenizer's per-call bound less room for a prompt template. */
    static final int DOCUMENT_CHAR_LIMIT = TextTokenizer.MAX_CHARS_PER_CALL - (64 << 10);

    /** Tokens past the limit that a prefix must hold, so the cut cannot change the kept tokens. */
    private static final int PREFIX_MARGIN_TOKENS = 64;

    public PromptFormat format() {
        return format;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }
}
