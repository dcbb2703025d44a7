package org.loralab.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.loralab.engine.model.Autograd;
import org.loralab.engine.model.CausalLM;

/**
 * Trains every weight of a model (embeddings, norms, projections, head) as language modelling:
 * what building a small base model from scratch needs, where LoRA's frozen random embeddings would
 * cap what the model can learn. Same loss, AdamW, schedule and clipping as {@link LoraTrainer}, without
 * its checkpointing and early stopping (a base model is built once, offline). Updates the model in
 * place: load it with {@link CausalLM#loadWritable}.
 */
public final class FullModelTrainer {

    private final CausalLM model;
    private final TrainingConfig cfg;
    private final LossFunction loss;
    private ActivationCheckpointing checkpointing = ActivationCheckpointing.fromSystemProperty();

    public FullModelTrainer(CausalLM model, TrainingConfig cfg, long padId) {
        this.model = model;
        this.cfg = cfg;
        this.loss = new LossFunction(model, padId);
    }

    /** Activation checkpointing (default {@link ActivationCheckpointing#fromSystemProperty}); the result does not depend on it. */
    public FullModelTrainer withActivationCheckpointing(ActivationCheckpointing c) {
        this.checkpointing = java.util.Objects.requireNonNull(c);
        return this;
    }

    /** Trains for the configured epochs; returns the mean token loss of each epoch. */
    public List<Double> train(List<EncodedExample> data, TrainingListener listener) {
        try (Autograd.Scope inference = Autograd.inference()) {
            Map<String, NDArray> params = model.trainableLeaves();
            params.values().forEach(p -> p.setRequiresGradient(true));
            try {
                return run(data, params, listener);
            } finally {
                params.values().forEach(p -> p.setRequiresGradient(false));
            }
        }
    }

    private List<Double> run(List<EncodedExample> data, Map<String, NDArray> params, TrainingListener listener) {
        try (NDManager state = model.manager().newSubManager()) { // AdamW's moments go when training ends
            return run(data, params, new AdamW(params, state, cfg.weightDecay()), listener);
        }
    }

    private List<Double> run(List<EncodedExample> data, Map<String, NDArray> params, AdamW optimizer, TrainingListener listener) {
        int perEpoch = (data.size() + cfg.batchSize() - 1) / cfg.batchSize();
        int total = perEpoch * cfg.epochs();
        int warmup = (int) Math.ceil(cfg.warmupRatio() * total);
        List<Double> epochLosses = new ArrayList<>();
        int step = 0;
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            List<EncodedExample> order = new ArrayList<>(data);
            Collections.shuffle(order, new Random(cfg.seed() * 31 + epoch));
            double lossSum = 0;
            long tokenSum = 0;
            for (int i = 0; i < order.size(); i += cfg.batchSize()) {
                listener.checkCancelled();
                long t0 = System.nanoTime();
                double lr = cfg.learningRate() * cfg.schedule().multiplier(step, warmup, total);
                List<EncodedExample> batch = order.subList(i, Math.min(i + cfg.batchSize(), order.size()));
                double[] lossAndTokens = step(batch, params, optimizer, lr);
                step++;
                lossSum += lossAndTokens[0];
                tokenSum += (long) lossAndTokens[1];
                double seconds = (System.nanoTime() - t0) / 1e9;
                listener.onProgress(step, total, String.format("epoch %d step %d/%d loss %.4f, %.0f tokens/s", epoch + 1, step, total,
                        lossAndTokens[0] / Math.max(1, lossAndTokens[1]), lossAndTokens[2] / seconds));
            }
            epochLosses.add(lossSum / Math.max(1, tokenSum));
            listener.onEpoch(epoch + 1, lossSum / Math.max(1, tokenSum), Double.NaN);
        }
        return epochLosses;
    }

    /** One batch: forward, backward, clip, update; returns {loss sum, target tokens, all tokens}. */
    private double[] step(List<EncodedExample> examples, Map<String, NDArray> params, AdamW optimizer, double lr) {
        double value;
        LossFunction.Batch batch;
        try (NDManager m = model.manager().newSubManager()) {
            batch = loss.batch(examples, m);
            try (Autograd.Scope recording = Autograd.recording()) {
                boolean recompute = checkpointing.appliesTo(model.config(), batch.ids().getShape().get(0),
                        batch.ids().getShape().get(1), model.dtype().getNumOfBytes());
                value = new TrainingPass(model, loss, null).run(batch, 1.0 / Math.max(1, batch.targetTokens()), recompute);
                if (!Double.isFinite(value)) {
                    throw new ArithmeticException("the loss became " + value + "; lower the learning rate");
                }
            }
        }
        optimizer.applyGradients(lr, cfg.maxGradNorm(), grads -> { });
        return new double[] {value, batch.targetTokens(), batch.tokens()};
    }
}
