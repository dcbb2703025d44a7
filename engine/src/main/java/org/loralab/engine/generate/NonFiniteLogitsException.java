package org.loralab.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * The model's next-token scores for some prompts hold NaN or infinity: whatever token is picked
 * from them is garbage (greedy decoding picked id 0 over and over and wrote NUL bytes), so those
 * prompts are failed instead. Finite but absurd weights or scalings overflow to this.
 */
public final class NonFiniteLogitsException extends IllegalStateException {

    private final int[] prompts;
    private final int newToken;

    NonFiniteLogitsException(int[] prompts, int newToken) {
        super("prompt(s) " + Arrays.toString(prompts) + " of the batch: " + reason(newToken));
        this.prompts = prompts.clone();
        this.newToken = newToken;
    }

    /** Why the generation failed, for one prompt. */
    public String reason() {
        return reason(newToken);
    }

    private static String reason(int newToken) {
        return "the model's next-token scores are not finite (NaN or infinity) at new token " + (newToken + 1)
                + ": the weights or the adapter hold values that overflow (e.g. an absurd lora_alpha);"
                + " the text generated from them would be garbage";
    }

    /** Positions in the batch given to the generator of the prompts whose scores are not finite. */
    public int[] prompts() {
        return prompts.clone();
    }

    public int newToken() {
        return newToken;
    }

    /**
     * Throws for the rows of {@code logits} [rows, vocab] that hold NaN or infinity, ignoring the
     * rows {@code ignore} marks (finished ones). One sum per row: NaN and infinity propagate, and
     * real logits are far too small to overflow it. Rows come {@code rowsPerPrompt} per prompt (beams).
     */
    static void require(NDArray logits, int newToken, boolean[] ignore, int rowsPerPrompt) {
        float[] sums;
        try (NDArray s = logits.sum(new int[] {1}); NDArray f = s.toType(DataType.FLOAT32, false)) {
            sums = f.toFloatArray();
        }
        int[] bad = new int[sums.length];
        int n = 0;
        for (int r = 0; r < sums.length; r++) {
            int prompt = r / rowsPerPrompt;
            if (!Float.isFinite(sums[r]) && (ignore == null || !ignore[prompt]) && (n == 0 || bad[n - 1] != prompt)) {
                bad[n++] = prompt;
            }
        }
        if (n > 0) {
            throw new NonFiniteLogitsException(Arrays.copyOf(bad, n), newToken);
        }
    }
}
