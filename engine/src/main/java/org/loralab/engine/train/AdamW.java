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
