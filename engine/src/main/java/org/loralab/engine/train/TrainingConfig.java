package org.loralab.engine.train;

/**
 * Optimisation settings. Defaults suit few-shot adapter training on small data.
 *
 * @param epochs passes over the training data
 * @param learningRate peak learning rate of AdamW
 * @param batchSize sequences per forward pass
 * @param gradientAccumulation forward passes per optimizer step
 * @param warmupRatio fraction of optimizer steps spent warming up (HF semantics: the first step has lr 0 when > 0)
 * @param schedule decay after warm-up
 * @param weightDecay AdamW's decoupled weight decay
 * @param maxGradNorm clip the global gradient norm to this (0 = no clipping)
 * @param maxSeqLength tokens per sequence; the document is truncated, never the summary
 * @param seed fixes initialisation, data order and dropout
 * @param earlyStoppingPatience stop after this many epochs without a better validation loss (0 = off)
 * @param saveEverySteps also checkpoint every this many optimizer steps (0 = only at epoch ends)
 */
public record TrainingConfig(int epochs, double learningRate, int batchSize, int gradientAccumulation,
        double warmupRatio, LrSchedule schedule, double weightDecay, double maxGradNorm, int maxSeqLength,
        long seed, int earlyStoppingPatience, int saveEverySteps) {

    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPS = 1e-8;

    public TrainingConfig {
        require(epochs > 0, "epochs must be positive");
        require(learningRate > 0, "learning rate must be positive");
        require(batchSize > 0, "batch size must be positive");
        require(gradientAccumulation > 0, "gradient accumulation must be positive");
        require(warmupRatio >= 0 && warmupRatio < 1, "warm-up ratio must lie in [0, 1)");
        require(weightDecay >= 0, "weight decay must not be negative");
        require(maxGradNorm >= 0, "max gradient norm must not be negative");
        require(maxSeqLength >= 8, "max sequence length must be at least 8 tokens");
        require(earlyStoppingPatience >= 0 && saveEverySteps >= 0, "patience and save interval must not be negative");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * The settings that change what training computes, by name: a checkpoint resumes only under
     * the same. The checkpoint interval is not among them (a resumed run may checkpoint more often).
     */
    public java.util.Map<String, Object> resultSettings() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("epochs", epochs);
        m.put("learning_rate", learningRate);
        m.put("batch_size", batchSize);
        m.put("gradient_accumulation", gradientAccumulation);
        m.put("warmup_ratio", warmupRatio);
        m.put("lr_schedule", schedule.name().toLowerCase(java.util.Locale.ROOT));
        m.put("weight_decay", weightDecay);
        m.put("max_grad_norm", maxGradNorm);
        m.put("max_length", maxSeqLength);
        m.put("seed", seed);
        m.put("early_stopping_patience", earlyStoppingPatience);
        return m;
    }

    public static TrainingConfig defaults() {
        return new TrainingConfig(3, 2e-4, 4, 1, 0.0, LrSchedule.LINEAR, 0.0, 1.0, 512, 42, 0, 0);
    }

    public TrainingConfig withEpochs(int e) {
        return new TrainingConfig(e, learningRate, batchSize, gradientAccumulation, warmupRatio, schedule, weightDecay, maxGradNorm, maxSeqLength, seed, earlyStoppingPatience, saveEverySteps);
    }

    public TrainingConfig withLearningRate(double lr) {
        return new TrainingConfig(epochs, lr, batchSize, gradientAccumulation, warmupRatio, schedule, weightDecay, maxGradNorm, maxSeqLength, seed, earlyStoppingPatience, saveEverySteps);
    }

    public TrainingConfig withBatch(int size, int accumulation) {
        return new TrainingConfig(epochs, learningRate, size, accumulation, warmupRatio, schedule, weightDecay, maxGradNorm, maxSeqLength, seed, earlyStoppingPatience, saveEverySteps);
    }

    public TrainingConfig withSchedule(LrSchedule s, double warmup) {
        return new TrainingConfig(epochs, learningRate, batchSize, gradientAccumulation, warmup, s, weightDecay, maxGradNorm, maxSeqLength, seed, earlyStoppingPatience, saveEverySteps);
    }

    public TrainingConfig withRegularisation(double wd, double clip) {
        return new TrainingConfig(epochs, learningRate, batchSize, gradientAccumulation, warmupRatio, schedule, wd, clip, maxSeqLength, seed, earlyStoppingPatience, saveEverySteps);
    }

    public TrainingConfig withMaxSeqLength(int n) {
        return new TrainingConfig(epochs, learningRate, batchSize, gradientAccumulation, warmupRatio, schedule, weightDecay, maxGradNorm, n, seed, earlyStoppingPatience, saveEverySteps);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(epochs, learningRate, batchSize, gradientAccumulation, warmupRatio, schedule, weightDecay, maxGradNorm, maxSeqLength, s, earlyStoppingPatience, saveEverySteps);
    }

    public TrainingConfig withEarlyStopping(int patience) {
        return new TrainingConfig(epochs, learningRate, batchSize, gradientAccumulation, warmupRatio, schedule, weightDecay, maxGradNorm, maxSeqLength, seed, patience, saveEverySteps);
    }

    public TrainingConfig withSaveEverySteps(int n) {
        return new TrainingConfig(epochs, learningRate, batchSize, gradientAccumulation, warmupRatio, schedule, weightDecay, maxGradNorm, maxSeqLength, seed, earlyStoppingPatience, n);
    }
}
