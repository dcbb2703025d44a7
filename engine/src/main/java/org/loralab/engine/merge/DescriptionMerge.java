package org.loralab.engine.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.LinearLayer;
import org.loralab.engine.tokenizer.TextTokenizer;

/**
 * Description-conditioned merging in the spirit of LoRA-Gen (Xiao et al., ICML 2025), without
 * target examples: the base model reads the task description and each adapter's description; at
 * every layer l the adapters are ranked by the cosine similarity of their mean hidden state to the
 * task's, the top k get weights softmax(similarity / temperature) renormalised over those k, and
 * the others weight 0. Layer l's modules are then merged exactly (rank concatenation) with that
 * layer's weights. LoRA-Gen trains a generator for this routing; here the routing is the base
 * model's own representation, so no training is needed.
 */
public final class DescriptionMerge {

    /** Per-layer weights (layers × adapters) and the merged modules. */
    public record Result(double[][] layerWeights, Map<String, LowRank> merged) {
    }

    private DescriptionMerge() {
    }

    public static Result merge(CausalLM model, TextTokenizer tokenizer, String taskDescription, List<String> adapterDescriptions,
            List<Map<String, LowRank>> adapters, int topK, double temperature) {
        if (taskDescription == null || taskDescription.isBlank()) {
            throw new IllegalArgumentException("the task description is empty");
        }
        for (int i = 0; i < adapterDescriptions.size(); i++) {
            if (adapterDescriptions.get(i) == null || adapterDescriptions.get(i).isBlank()) {
                throw new IllegalArgumentException("adapter " + i + " has no description (set description, or language/domain/task, in its loralab.json)");
            }
        }
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1");
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be positive");
        }
        float[][] task = model.meanHiddenStates(tokenizer.encode(taskDescription, false));
        List<float[][]> descs = new ArrayList<>();
        for (String d : adapterDescriptions) {
            descs.add(model.meanHiddenStates(tokenizer.encode(d, false)));
        }
        int layers = model.config().numLayers();
        int n = adapters.size();
        double[][] weights = new double[layers][n];
        for (int l = 0; l < layers; l++) {
            double[] sim = new double[n];
            for (int i = 0; i < n; i++) {
                sim[i] = cosine(task[l + 1], descs.get(i)[l + 1]); // the state after layer l
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -sim[i]).thenComparingInt(i -> i));
            int k = Math.min(topK, n);
            double max = sim[order[0]];
            double z = 0;
            for (int j = 0; j < k; j++) {
                z += Math.exp((sim[order[j]] - max) / temperature);
            }
            for (int j = 0; j < k; j++) {
                weights[l][order[j]] = Math.exp((sim[order[j]] - max) / temperature) / z;
            }
        }
        Map<String, LowRank> merged = new LinkedHashMap<>();
        java.util.LinkedHashSet<String> modules = new java.util.LinkedHashSet<>();
        adapters.forEach(a -> modules.addAll(a.keySet()));
        for (String module : modules) {
            int layer = Math.max(0, LinearLayer.layerIndex(module));
            List<Map<String, LowRank>> chosen = new ArrayList<>();
            List<Double> w = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (weights[layer][i] > 0 && adapters.get(i).containsKey(module)) {
                    chosen.add(Map.of(module, adapters.get(i).get(module)));
                    w.add(weights[layer][i]);
                }
            }
            if (chosen.isEmpty()) {
                continue;
            }
            merged.putAll(ClassicMerge.merge(chosen, MergeSettings.of(MergeMethod.CAT, w.stream().mapToDouble(Double::doubleValue).toArray())));
        }
        return new Result(weights, merged);
    }

    static double cosine(float[] x, float[] y) {
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int i = 0; i < x.length; i++) {
            dot += (double) x[i] * y[i];
            nx += (double) x[i] * x[i];
            ny += (double) y[i] * y[i];
        }
        return dot / Math.max(1e-12, Math.sqrt(nx) * Math.sqrt(ny));
    }
}
