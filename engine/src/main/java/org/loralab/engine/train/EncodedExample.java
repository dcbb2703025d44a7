package org.loralab.engine.train;

import java.util.ArrayList;
import java.util.List;
import org.loralab.engine.prompt.PromptEncoder;

/**
 * A training sequence: prompt tokens (masked out of the loss) followed by the summary tokens and
 * the end-of-sequence token (trained on).
 */
public record EncodedExample(int row, long[] ids, int promptLength, int droppedDocumentTokens) {

    public int targetLength() {
        return ids.length - promptLength;
    }

    /**
     * Encodes rows for training: the summary is kept whole and the document truncated to fit
     * {@code maxSeqLength}. A row whose summary alone leaves no room is an error naming the row.
     */
    public static List<EncodedExample> encode(List<TrainingExample> rows, PromptEncoder prompts, long eosId, int maxSeqLength) {
        List<EncodedExample> out = new ArrayList<>();
        for (TrainingExample e : rows) {
            long[] target = targetIds(prompts, e.summary(), eosId);
            int budget = maxSeqLength - target.length;
            PromptEncoder.Encoded p;
            try {
                p = prompts.encode(e.document(), budget);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("row " + e.row() + ": the summary is " + target.length
                        + " tokens, which leaves no room for the prompt within max sequence length " + maxSeqLength, ex);
            }
            long[] ids = new long[p.ids().length + target.length];
            System.arraycopy(p.ids(), 0, ids, 0, p.ids().length);
            System.arraycopy(target, 0, ids, p.ids().length, target.length);
            out.add(new EncodedExample(e.row(), ids, p.ids().length, p.droppedTokens()));
        }
        return out;
    }

    /** The summary as the model should continue the prompt: a leading space in plain mode, then EOS. */
    static long[] targetIds(PromptEncoder prompts, String summary, long eosId) {
        String text = prompts.format().chat() ? summary : " " + summary.strip();
        long[] s = prompts.tokenizer().encode(text, false);
        long[] ids = new long[s.length + 1];
        System.arraycopy(s, 0, ids, 0, s.length);
        ids[s.length] = eosId;
        return ids;
    }

}
