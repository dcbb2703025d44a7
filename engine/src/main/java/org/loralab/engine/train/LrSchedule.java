package org.loralab.engine.train;

/**
 * Learning-rate multipliers as Hugging Face's {@code get_*_schedule_with_warmup}: a linear warm-up
 * over {@code warmupSteps}, then constant, linear decay to zero, or half-cosine decay to zero at
 * {@code totalSteps}. {@code step} is the 0-based index of the optimizer step about to be taken.
 */
public enum LrSchedule {
    CONSTANT, LINEAR, COSINE;

    public double multiplier(int step, int warmupSteps, int totalSteps) {
        if (step < warmupSteps) {
            return (double) step / Math.max(1, warmupSteps);
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return switch (this) {
            case CONSTANT -> 1.0;
            case LINEAR -> Math.max(0.0, 1.0 - progress);
            case COSINE -> Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
        };
    }
}
