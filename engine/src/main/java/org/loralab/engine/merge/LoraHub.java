package org.loralab.engine.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.CMAESOptimizer;
import org.apache.commons.math3.random.MersenneTwister;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.NativeArrays;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.train.EncodedExample;
import org.loralab.engine.train.LoraTrainer;
import org.loralab.engine.train.TrainingConfig;

/**
 * LoraHub (Huang et al., 2023): a gradient-free search of the merge weights w on a few target
 * examples, the adapters frozen. The merged module is A = Σ w_i A_i, B = Σ w_i s_i B_i (LoraHub sums
 * both factors; scalings are folded into B so adapters with different alpha combine correctly).
 * Objective: mean token loss + 0.05 · mean |w|; bounds [-1.5, 1.5]; CMA-ES from Apache Commons
 * Math (LoraHub uses Nevergrad), seeded, within a budget of loss evaluations; starts at w = 0.
 */
public final class LoraHub {

    /** The weights found and the objective's history. */
    public record Result(double[] weights, double loss, double objective, int evaluations) {
    }

    private final CausalLM model;
    private final List<Map<String, LowRank>> adapters;
    private final List<String> modules;
    private final LoraAdapter work;
    private final LoraTrainer evaluator;

    public LoraHub(CausalLM model, List<Map<String, LowRank>> adapters, long padId) {
        this.model = model;
        this.adapters = adapters;
        int r = adapters.get(0).values().iterator().next().r();
        for (Map<String, LowRank> a : adapters) {
            for (LowRank p : a.values()) {
                if (p.r() != r) {
                    throw new IllegalArgumentException("LoraHub sums A and B factors, so every adapter needs the same rank; got "
                            + r + " and " + p.r() + "; use the cat or svd merge for mixed ranks");
                }
            }
        }
        Map<String, LowRank> shape = new LinkedHashMap<>();
        adapters.forEach(a -> a.forEach((k, v) -> shape.putIfAbsent(k, LowRank.zeros(r, v.in(), v.out()))));
        this.modules = new ArrayList<>(shape.keySet());
        this.work = AdapterMath.toAdapter(model, shape, null);
        this.evaluator = new LoraTrainer(model, work, TrainingConfig.defaults().withBatch(8, 1), padId);
    }

    /** The LoraHub combination for weights w, with scaling 1. */
    public Map<String, LowRank> combine(double[] w) {
        Map<String, LowRank> out = new LinkedHashMap<>();
        for (String m : modules) {
            LowRank first = null;
            double[] a = null;
            double[] b = null;
            for (int i = 0; i < adapters.size(); i++) {
                LowRank p = adapters.get(i).get(m);
                if (p == null) {
                    continue;
                }
                if (first == null) {
                    first = p;
                    a = new double[p.a().length];
                    b = new double[p.b().length];
                }
                for (int k = 0; k < a.length; k++) {
                    a[k] += w[i] * p.a()[k];
                }
                for (int k = 0; k < b.length; k++) {
                    b[k] += w[i] * p.scaling() * p.b()[k];
                }
            }
            out.put(m, new LowRank(first.r(), first.in(), first.out(), a, b, 1.0));
        }
        return out;
    }

    /** Mean token loss of the model with the combination for w on {@code examples}. */
    public double loss(double[] w, List<EncodedExample> examples) {
        Map<String, LowRank> merged = combine(w);
        work.modules().forEach((path, mod) -> {
            NativeArrays.assign(mod.a(), AdapterMath.toFloat(merged.get(path).a()));
            NativeArrays.assign(mod.b(), AdapterMath.toFloat(merged.get(path).b()));
        });
        double l = evaluator.validationLoss(examples);
        work.detach(model);
        return l;
    }

    public Result search(List<EncodedExample> examples, int budget, long seed, ProgressListener progress) {
        return searchWithoutRecording(examples, budget, seed, progress);
    }

    private Result searchWithoutRecording(List<EncodedExample> examples, int budget, long seed, ProgressListener progress) {
        int n = adapters.size();
        double[] best = new double[n];
        double[] bestValues = {Double.POSITIVE_INFINITY, Double.NaN};
        int[] evals = {0};
        ObjectiveFunction objective = new ObjectiveFunction(w -> {
            progress.checkCancelled();
            double l = loss(w, examples);
            double value = l + 0.05 * Arrays.stream(w).map(Math::abs).sum() / n;
            evals[0]++;
            if (value < bestValues[0]) {
                bestValues[0] = value;
                bestValues[1] = l;
                System.arraycopy(w, 0, best, 0, n);
            }
            progress.onProgress(evals[0], budget, String.format("LoraHub evaluation %d/%d, best %.4f", evals[0], budget, bestValues[0]));
            return value;
        });
        double[] sigma = new double[n];
        Arrays.fill(sigma, 0.5);
        int lambda = 4 + (int) Math.floor(3 * Math.log(n));
        CMAESOptimizer cma = new CMAESOptimizer(Integer.MAX_VALUE, 0, true, 0, 0, new MersenneTwister(seed), false, null);
        double[] lo = new double[n];
        double[] hi = new double[n];
        Arrays.fill(lo, -1.5);
        Arrays.fill(hi, 1.5);
        try {
            objective.getObjectiveFunction().value(new double[n]); // the start point, w = 0 (the base model)
            cma.optimize(new MaxEval(budget - 1), new MaxIter(Integer.MAX_VALUE), objective, GoalType.MINIMIZE,
                    new InitialGuess(new double[n]), new SimpleBounds(lo, hi),
                    new CMAESOptimizer.Sigma(sigma), new CMAESOptimizer.PopulationSize(lambda));
        } catch (TooManyEvaluationsException e) {
            // the budget is the stopping rule; the best point seen is kept
        }
        return new Result(best, bestValues[1], bestValues[0], evals[0]);
    }

    public void close() {
        work.close();
    }
}
