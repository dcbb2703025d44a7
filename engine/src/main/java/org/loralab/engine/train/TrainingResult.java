package org.loralab.engine.train;

import java.util.List;

/**
 * What a training run did.
 *
 * @param epochs per-epoch losses, in order (validation NaN without validation data)
 * @param steps optimizer steps taken in total (including before a resume)
 * @param trainedTokens summary tokens the loss was computed on, in total (including before a resume)
 * @param seconds wall time of training in total (including the runs before a resume)
 * @param stoppedEarly early stopping ended the run and the best epoch's weights were restored
 * @param bestEpoch 1-based epoch whose weights the adapter holds
 * @param trainedExamples training rows passed through the model, in total (an example counts once per epoch)
 * @param resumes how many times the run was resumed from a checkpoint
 */
public record TrainingResult(List<EpochLoss> epochs, int steps, long trainedTokens, double seconds,
        boolean stoppedEarly, int bestEpoch, long trainedExamples, int resumes) {

    public record EpochLoss(int epoch, double trainLoss, double validationLoss) {
    }

    public double finalTrainLoss() {
        return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).trainLoss();
    }

    public double bestValidationLoss() {
        return epochs.stream().mapToDouble(EpochLoss::validationLoss).filter(d -> !Double.isNaN(d)).min().orElse(Double.NaN);
    }
}
