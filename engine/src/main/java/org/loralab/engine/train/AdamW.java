package org.loralab.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.loralab.engine.model.NativeArrays;

/**
 * torch.optim.AdamW's update, step for step: decoupled weight decay, bias-corrected moments, and
 * eps added after dividing sqrt(v) by sqrt(1 - beta2^t). Moments are kept per parameter name so
 * they can be checkpointed and restored exactly.
 */
final class AdamW {

    private final Map<String, NDArray> params;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private final double weightDecay;
    private int step;

    AdamW(Map<String, NDArray> params, NDManager manager, double weightDecay) {
        this.params = params;
        this.weightDecay = weightDecay;
        params.forEach((name, p) -> {
            m.put(name, manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            v.put(name, manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
        });
    }

    /**
     * One optimizer step from the gradients the parameters hold: clips their global norm to
     * {@code maxGradNorm} (0: no clipping) as torch.nn.utils.clip_grad_norm_ does, updates, hands the
     * gradients to {@code afterUpdate} (pruning reads them), then zeroes them, as PyTorch accumulates
     * {@code .grad}. Returns the norm before clipping.
     */
    double applyGradients(double lr, double maxGradNorm, java.util.function.Consumer<Map<String, NDArray>> afterUpdate) {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        params.forEach((k, p) -> grads.put(k, p.getGradient()));
        try {
            double norm = globalNorm(grads);
            if (maxGradNorm > 0 && norm > maxGradNorm) {
                double scale = maxGradNorm / (norm + 1e-6);
                grads.values().forEach(g -> g.muli(scale));
            }
            step(lr, grads);
            afterUpdate.accept(grads);
            grads.values().forEach(g -> g.muli(0));
            return norm;
        } finally {
            grads.values().forEach(NDArray::close);
        }
    }

    /** The gradients' global L2 norm, as clip_grad_norm_ computes it. */
    static double globalNorm(Map<String, NDArray> grads) {
        double sq = 0;
        for (NDArray g : grads.values()) {
            try (NDArray squares = g.square(); NDArray s = squares.sum()) { // both closed: they live in the parameters' manager
                sq += s.getFloat();
            }
        }
        return Math.sqrt(sq);
    }

    /** Applies one update with the gradients currently held by the parameters. */
    void step(double lr, Map<String, NDArray> grads) {
        step++;
        double bc1 = 1 - Math.pow(TrainingConfig.BETA1, step);
        double bc2 = 1 - Math.pow(TrainingConfig.BETA2, step);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            NDArray g = grads.get(e.getKey());
            NDArray mi = m.get(e.getKey());
            NDArray vi = v.get(e.getKey());
            if (weightDecay > 0) {
                p.muli(1 - lr * weightDecay);
            }
            try (NDArray gm = g.mul(1 - TrainingConfig.BETA1); NDArray g2 = g.square().muli(1 - TrainingConfig.BETA2)) {
                mi.muli(TrainingConfig.BETA1).addi(gm);
                vi.muli(TrainingConfig.BETA2).addi(g2);
            }
            try (NDArray denom = vi.sqrt().divi(Math.sqrt(bc2)).addi(TrainingConfig.EPS);
                    NDArray update = mi.div(denom).muli(lr / bc1)) {
                p.subi(update);
            }
        }
    }

    int stepCount() {
        return step;
    }

    Map<String, NDArray> firstMoments() {
        return m;
    }

    Map<String, NDArray> secondMoments() {
        return v;
    }

    /** Restores the state of a checkpoint. */
    void restore(int stepCount, Map<String, float[]> first, Map<String, float[]> second) {
        step = stepCount;
        first.forEach((k, a) -> NativeArrays.assign(m.get(k), a));
        second.forEach((k, a) -> NativeArrays.assign(v.get(k), a));
    }
}
