package org.loralab.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.model.Autograd;
import org.loralab.engine.model.CausalLM;

/**
 * Trains a LoRA adapter on a frozen base model with DJL autograd: AdamW, warm-up and decay,
 * gradient accumulation and clipping, loss on summary tokens only, validation each epoch, early
 * stopping, and checkpoints from which an interrupted run resumes to the same result.
 *
 * <p>Determinism: the data order of epoch e is a shuffle seeded by (seed, e), and the dropout
 * masks of every forward pass come from a stream seeded by (seed, epoch, batch), so a run resumed
 * from a checkpoint replays exactly what the uninterrupted run would have done, and a run gives
 * the same adapter whatever other jobs run beside it.
 *
 * <p>Threads: grad mode is set on the calling thread ({@link Autograd}), so a trainer works on any
 * thread and beside other trainers.
 */
public final class LoraTrainer {

    private final CausalLM model;
    private final LoraAdapter adapter;
    private final TrainingConfig cfg;
    private final LossFunction loss;
    private StepHook hook;
    private ActivationCheckpointing checkpointing = ActivationCheckpointing.fromSystemProperty();

    /** Called after every optimizer step, before the gradients are cleared (pruning uses it). */
    public interface StepHook {
        void afterStep(int step, int totalSteps, Map<String, NDArray> params, Map<String, NDArray> grads);
    }

    public LoraTrainer withStepHook(StepHook h) {
        this.hook = h;
        return this;
    }

    /** Activation checkpointing (default {@link ActivationCheckpointing#fromSystemProperty}); the result does not depend on it. */
    public LoraTrainer withActivationCheckpointing(ActivationCheckpointing c) {
        this.checkpointing = java.util.Objects.requireNonNull(c);
        return this;
    }

    public LoraTrainer(CausalLM model, LoraAdapter adapter, TrainingConfig cfg, long padId) {
        this.model = model;
        this.adapter = adapter;
        this.cfg = cfg;
        this.loss = new LossFunction(model, padId);
    }

    /** Optimizer steps a run of {@code examples} rows takes. */
    public int totalSteps(int examples) {
        return cfg.epochs() * stepsPerEpoch(examples);
    }

    private int stepsPerEpoch(int examples) {
        int batches = (examples + cfg.batchSize() - 1) / cfg.batchSize();
        return (batches + cfg.gradientAccumulation() - 1) / cfg.gradientAccumulation();
    }

    /**
     * Trains, checkpointing into {@code checkpointDir} (null for none). With {@code resume} and an
     * existing checkpoint there, continues from it.
     *
     * @param dataHash identifies the training data; a checkpoint made on other data is refused
     */
    public TrainingResult train(List<EncodedExample> train, List<EncodedExample> validation, Path checkpointDir,
            boolean resume, String dataHash, TrainingListener listener) throws IOException {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training rows");
        }
        try (Autograd.Scope inference = Autograd.inference()) {
            return trainWithoutRecording(train, validation, checkpointDir, resume, dataHash, listener);
        }
    }

    /** The run; grad mode is off, so in-place updates of the parameters are allowed. */
    private TrainingResult trainWithoutRecording(List<EncodedExample> train, List<EncodedExample> validation, Path checkpointDir,
            boolean resume, String dataHash, TrainingListener listener) throws IOException {
        long start = System.nanoTime();
        Map<String, NDArray> params = adapter.parameters();
        params.values().forEach(p -> p.setRequiresGradient(true));
        adapter.attach(model);
        AdamW optimizer = new AdamW(params, adapter.manager(), cfg.weightDecay());
        TrainerState state = new TrainerState();
        String recovered = checkpointDir == null ? null : TrainerCheckpoint.recover(checkpointDir);
        if (recovered != null) {
            listener.onProgress(0, totalSteps(train.size()), recovered);
        }
        if (resume && checkpointDir != null && TrainerCheckpoint.exists(checkpointDir)) {
            state = TrainerCheckpoint.restore(checkpointDir, adapter, model, optimizer, cfg, dataHash);
            state.resumes++;
            listener.onProgress(state.globalStep, totalSteps(train.size()), "resumed at step " + state.globalStep
                    + (recovered != null ? " of the restored checkpoint" : ""));
        }
        double secondsBefore = state.seconds; // the runs before a resume count too
        int totalSteps = totalSteps(train.size());
        int warmup = (int) Math.ceil(cfg.warmupRatio() * totalSteps);
        boolean stoppedEarly = false;
        try {
            for (int epoch = state.nextEpoch; epoch < cfg.epochs(); epoch++) {
                List<List<EncodedExample>> batches = batches(train, epoch);
                int firstBatch = epoch == state.nextEpoch ? state.nextBatch : 0;
                double epochLossSum = epoch == state.nextEpoch ? state.epochLossSum : 0;
                long epochTokens = epoch == state.nextEpoch ? state.epochTokens : 0;
                for (int b = firstBatch; b < batches.size(); b += cfg.gradientAccumulation()) {
                    listener.checkCancelled();
                    List<List<EncodedExample>> window = batches.subList(b, Math.min(b + cfg.gradientAccumulation(), batches.size()));
                    long t0 = System.nanoTime();
                    double lr = cfg.learningRate() * cfg.schedule().multiplier(state.globalStep, warmup, totalSteps);
                    StepOutcome outcome = step(window, epoch, b, params, optimizer, lr, totalSteps);
                    state.globalStep++;
                    epochLossSum += outcome.lossSum;
                    epochTokens += outcome.targetTokens;
                    state.trainedTokens += outcome.targetTokens;
                    state.trainedExamples += window.stream().mapToInt(List::size).sum();
                    state.seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    listener.onStep(new TrainingListener.StepReport(epoch + 1, state.globalStep, totalSteps,
                            outcome.lossSum / Math.max(1, outcome.targetTokens), lr, outcome.tokens / seconds, outcome.gradNorm));
                    listener.onProgress(state.globalStep, totalSteps, String.format("epoch %d step %d/%d loss %.4f, %.0f tokens/s",
                            epoch + 1, state.globalStep, totalSteps, outcome.lossSum / Math.max(1, outcome.targetTokens), outcome.tokens / seconds));
                    boolean epochDone = b + cfg.gradientAccumulation() >= batches.size();
                    if (!epochDone && checkpointDir != null && cfg.saveEverySteps() > 0
                            && state.globalStep % cfg.saveEverySteps() == 0) {
                        state.nextEpoch = epoch;
                        state.nextBatch = b + cfg.gradientAccumulation();
                        state.epochLossSum = epochLossSum;
                        state.epochTokens = epochTokens;
                        TrainerCheckpoint.save(checkpointDir, adapter, model, optimizer, state, cfg, dataHash);
                    }
                }
                double trainLoss = epochLossSum / Math.max(1, epochTokens);
                double valLoss = validation.isEmpty() ? Double.NaN : validationLoss(validation);
                state.history.add(new TrainingResult.EpochLoss(epoch + 1, trainLoss, valLoss));
                listener.onEpoch(epoch + 1, trainLoss, valLoss);
                boolean stop = trackBest(state, epoch, valLoss, params);
                state.nextEpoch = epoch + 1;
                state.nextBatch = 0;
                state.epochLossSum = 0;
                state.epochTokens = 0;
                state.seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
                if (checkpointDir != null) {
                    TrainerCheckpoint.save(checkpointDir, adapter, model, optimizer, state, cfg, dataHash);
                }
                if (stop) {
                    stoppedEarly = true;
                    break;
                }
            }
            if (state.best != null) {
                restore(params, state.best);
            }
        } finally {
            params.values().forEach(p -> p.setRequiresGradient(false));
            adapter.stopTraining();
        }
        return new TrainingResult(List.copyOf(state.history), state.globalStep, state.trainedTokens,
                secondsBefore + (System.nanoTime() - start) / 1e9, stoppedEarly, state.bestEpoch > 0 ? state.bestEpoch : state.history.size(),
                state.trainedExamples, state.resumes);
    }

    /** Keeps a copy of the best epoch's weights when early stopping is on; true when patience has run out. */
    private boolean trackBest(TrainerState state, int epoch, double valLoss, Map<String, NDArray> params) {
        if (cfg.earlyStoppingPatience() == 0 || Double.isNaN(valLoss)) {
            return false;
        }
        if (valLoss < state.bestValLoss) {
            state.bestValLoss = valLoss;
            state.bestEpoch = epoch + 1;
            state.epochsWithoutImprovement = 0;
            state.best = snapshot(params);
            return false;
        }
        state.epochsWithoutImprovement++;
        return state.epochsWithoutImprovement >= cfg.earlyStoppingPatience();
    }

    static Map<String, float[]> snapshot(Map<String, NDArray> params) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        params.forEach((k, v) -> copy.put(k, v.toFloatArray()));
        return copy;
    }

    static void restore(Map<String, NDArray> params, Map<String, float[]> values) {
        values.forEach((k, v) -> org.loralab.engine.model.NativeArrays.assign(params.get(k), v));
    }

    /** The batches of one epoch, in a seeded shuffle. */
    private List<List<EncodedExample>> batches(List<EncodedExample> train, int epoch) {
        List<EncodedExample> order = new ArrayList<>(train);
        Collections.shuffle(order, new Random(cfg.seed() * 31 + epoch));
        List<List<EncodedExample>> out = new ArrayList<>();
        for (int i = 0; i < order.size(); i += cfg.batchSize()) {
            out.add(order.subList(i, Math.min(i + cfg.batchSize(), order.size())));
        }
        return out;
    }

    private record StepOutcome(double lossSum, long targetTokens, long tokens, double gradNorm) {
    }

    /** Forward and backward over each batch of the window, then clip and update once. */
    private StepOutcome step(List<List<EncodedExample>> window, int epoch, int firstBatch, Map<String, NDArray> params,
            AdamW optimizer, double lr, int totalSteps) {
        long windowTokens = 0;
        for (List<EncodedExample> batch : window) {
            for (EncodedExample e : batch) {
                windowTokens += e.targetLength();
            }
        }
        double lossSum = 0;
        long tokens = 0;
        for (int i = 0; i < window.size(); i++) {
            adapter.startTrainingPass(cfg.seed() * 1_000_003L + epoch * 100_003L + firstBatch + i);
            try (NDManager m = model.manager().newSubManager()) {
                LossFunction.Batch batch = loss.batch(window.get(i), m);
                tokens += batch.tokens();
                try (Autograd.Scope recording = Autograd.recording()) {
                    boolean recompute = checkpointing.appliesTo(model.config(), batch.ids().getShape().get(0),
                            batch.ids().getShape().get(1), model.dtype().getNumOfBytes());
                    double value = new TrainingPass(model, loss, adapter).run(batch, 1.0 / Math.max(1, windowTokens), recompute);
                    if (!Double.isFinite(value)) {
                        if (Boolean.getBoolean("loralab.debug")) {
                            diagnoseNonFinite(params, batch);
                        }
                        throw new ArithmeticException("the loss became " + value + " at epoch " + (epoch + 1)
                                + ", batch " + (firstBatch + i + 1) + " (rows " + window.get(i).stream().map(e -> "" + e.row()).toList()
                                + "); lower the learning rate or enable gradient clipping");
                    }
                    lossSum += value;
                }
            }
        }
        adapter.stopTraining();
        double norm = optimizer.applyGradients(lr, cfg.maxGradNorm(), grads -> {
            if (hook != null) {
                hook.afterStep(optimizer.stepCount(), totalSteps, params, grads);
            }
        });
        return new StepOutcome(lossSum, windowTokens, tokens, norm);
    }

    /** After a non-finite loss: which adapter arrays and which forward outputs hold NaN or infinity. */
    private void diagnoseNonFinite(Map<String, NDArray> params, LossFunction.Batch batch) {
        params.forEach((k, p) -> {
            if (!Float.isFinite(p.abs().sum().getFloat())) {
                System.err.println("non-finite adapter array " + k);
            }
        });
        for (int attempt = 0; attempt < 2; attempt++) {
            try (NDArray again = loss.summedLoss(batch)) {
                System.err.println("recomputed loss " + again.getFloat());
            }
        }
        adapter.detach(model);
        try (NDArray base = loss.summedLoss(batch)) {
            System.err.println("loss without the adapter " + base.getFloat());
        }
        adapter.attach(model);
    }

    /** Mean token loss over {@code examples}, adapter in inference mode. */
    public double validationLoss(List<EncodedExample> examples) {
        try (Autograd.Scope inference = Autograd.inference()) {
            return meanLoss(examples);
        }
    }

    private double meanLoss(List<EncodedExample> examples) {
        adapter.attach(model);
        adapter.stopTraining();
        double sum = 0;
        long count = 0;
        for (int i = 0; i < examples.size(); i += cfg.batchSize()) {
            try (NDManager m = model.manager().newSubManager()) {
                LossFunction.Batch batch = loss.batch(examples.subList(i, Math.min(i + cfg.batchSize(), examples.size())), m);
                NDArray s = loss.summedLoss(batch);
                s.attach(m);
                sum += s.getFloat();
                count += batch.targetTokens();
            }
        }
        return sum / Math.max(1, count);
    }

    /** Mutable progress of a run, as checkpointed. */
    static final class TrainerState {
        int globalStep;
        int nextEpoch;
        int nextBatch;
        double epochLossSum;
        long epochTokens;
        double bestValLoss = Double.POSITIVE_INFINITY;
        int bestEpoch;
        int epochsWithoutImprovement;
        /** Totals over every run of this training, resumed ones included (checkpointed with the rest). */
        long trainedTokens;
        long trainedExamples;
        double seconds;
        int resumes;
        Map<String, float[]> best;
        final List<TrainingResult.EpochLoss> history = new ArrayList<>();
    }
}
