package org.loralab.engine.train;

import org.loralab.engine.progress.ProgressListener;

/** Training progress: per optimizer step and per epoch, plus the general progress and cancellation. */
public interface TrainingListener extends ProgressListener {

    TrainingListener NONE = new TrainingListener() {};

    /** After each optimizer step. */
    default void onStep(StepReport report) {}

    /** After each epoch, with the validation loss (NaN without validation data). */
    default void onEpoch(int epoch, double trainLoss, double validationLoss) {}

    /**
     * @param step 1-based optimizer step
     * @param totalSteps planned optimizer steps
     * @param loss mean token loss of the step
     * @param learningRate the rate used for the step
     * @param tokensPerSecond trained (non-padding) tokens per second in the step
     */
    record StepReport(int epoch, int step, int totalSteps, double loss, double learningRate, double tokensPerSecond,
            double gradNorm) {
    }

    /** Wraps a plain progress listener (a KNIME monitor, the console). */
    static TrainingListener of(ProgressListener p) {
        return new TrainingListener() {
            @Override
            public void onProgress(long done, long total, String message) {
                p.onProgress(done, total, message);
            }

            @Override
            public boolean isCancelled() {
                return p.isCancelled();
            }
        };
    }
}
