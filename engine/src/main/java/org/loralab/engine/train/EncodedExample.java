package org.loralab.engine.train;

import java.util.ArrayList;
import java.util.List;
import org.loralab.engine.prompt.PromptEncoder;
import org.loralab.engine.prompt.PromptFormat;

/**
 * A training sequence: prompt tokens (masked out of the loss) followed by the completion tokens
 * (trained on). Built as TRL's SFTTrainer builds prompt-completion examples: prompt and completion
 * rendered and tokenized as one text, the loss on the tokens past the prompt's own token count.
 */
public record EncodedExample(int row, long[] ids, int promptLength, int droppedDocumentTokens) {

    public int targetLength() {
        return ids.length - promptLength;
    }

    /**
     * Encodes rows for training: the summary is kept whole and the document truncated to fit
     * {@code maxSeqLength}. A row whose summary alone leaves no room is an error naming the row.
     *
     * <p>As TRL: the sequence is the tokens of prompt + completion as one text (so a SentencePiece
     * target starts as it would after the prompt, with no extra word-start marker), the prompt's
     * tokens are those of the prompt alone, and the loss starts at the prompt's token count. Where
     * the whole text's tokens do not start with the prompt's (a merge across the boundary), TRL
     * warns and masks by that count all the same; so does this. In plain mode EOS is appended
     * unless the sequence already ends with it (TRL appends the EOS token to the completion); in
     * chat mode the template's own end-of-turn tokens end the completion and nothing is appended.
     */
    public static List<EncodedExample> encode(List<TrainingExample> rows, PromptEncoder prompts, long eosId, int maxSeqLength) {
        List<EncodedExample> out = new ArrayList<>();
        for (TrainingExample e : rows) {
            String completion = completionText(prompts.format(), e.summary());
            PromptEncoder.Fitted f;
            try {
                f = prompts.fit(e.document(), maxSeqLength, d -> sequence(prompts, d, completion, eosId),
                        "the prompt template and the summary");
            } catch (PromptEncoder.TooLongException ex) {
                int summaryTokens = sequence(prompts, "", completion, eosId).length - prompts.encodeText(prompts.promptText("")).length;
                throw new IllegalArgumentException("row " + e.row() + ": the summary is " + summaryTokens
                        + " tokens, which leaves no room for the prompt within max sequence length " + maxSeqLength, ex);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("row " + e.row() + ": " + ex.getMessage(), ex); // e.g. the chat template refused it
            }
            int promptLength = prompts.encodeText(prompts.promptText(f.document())).length;
            if (promptLength >= f.ids().length) {
                throw new IllegalArgumentException("row " + e.row() + ": the summary adds no tokens after the prompt");
            }
            out.add(new EncodedExample(e.row(), f.ids(), promptLength, f.droppedTokens()));
        }
        return out;
    }

    /**
     * The completion text: in chat mode the summary as the assistant's message; in plain mode the
     * stripped summary after one space, so it follows a prompt such as "...Summary:" as generated
     * text would (the space is the completion's, as transformers' generate starts after the prompt).
     */
    static String completionText(PromptFormat format, String summary) {
        return format.chat() ? summary : " " + summary.strip();
    }

    /** The ids of prompt + completion as one text, EOS appended in plain mode unless already last. */
    static long[] sequence(PromptEncoder prompts, String document, String completion, long eosId) {
        long[] ids = prompts.encodeText(prompts.promptAndCompletionText(document, completion));
        if (prompts.format().chat() || ids.length > 0 && ids[ids.length - 1] == eosId) {
            return ids;
        }
        long[] withEos = java.util.Arrays.copyOf(ids, ids.length + 1);
        withEos[ids.length] = eosId;
        return withEos;
    }
}
