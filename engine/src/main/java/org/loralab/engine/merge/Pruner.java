package org.loralab.engine.merge;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loralab.engine.lora.PeftNames;
import org.loralab.engine.model.NativeArrays;
import org.loralab.engine.train.LoraTrainer;

/**
 * Prunes adapter parameters during training: after each optimizer step it scores the units
 * still alive, zeroes the lowest until the scheduled share of parameters is pruned, and holds
 * every pruned entry at zero from then on (masks only grow).
 */
final class Pruner implements LoraTrainer.StepHook {

    private final PruneSettings settings;
    private final Map<String, float[]> start = new LinkedHashMap<>();
    private final Map<String, boolean[]> pruned = new LinkedHashMap<>();
    private final Map<String, Integer> ranks;
    private long total;

    /** @param ranks per PEFT tensor name of A or B, the module's rank (to group rank components) */
    Pruner(PruneSettings settings, Map<String, NDArray> params, Map<String, Integer> ranks) {
        this.settings = settings;
        this.ranks = ranks;
        params.forEach((k, v) -> {
            float[] values = v.toFloatArray();
            start.put(k, values);
            pruned.put(k, new boolean[values.length]);
            total += values.length;
        });
    }

    /** One prunable group of entries (a rank component or a module) and its mean score. */
    private record Unit(List<int[]> entries, double score) {
    }

    @Override
    public void afterStep(int step, int totalSteps, Map<String, NDArray> params, Map<String, NDArray> grads) {
        long target = (long) Math.floor(settings.ratioAt(step, totalSteps) * total);
        long have = prunedCount();
        Map<String, float[]> values = new LinkedHashMap<>();
        params.forEach((k, v) -> values.put(k, v.toFloatArray()));
        if (target > have) {
            Map<String, float[]> g = new LinkedHashMap<>();
            if (settings.importance() == PruneSettings.Importance.SALIENCY) {
                grads.forEach((k, v) -> g.put(k, v.toFloatArray()));
            }
            List<String> names = new ArrayList<>(values.keySet());
            if (settings.granularity() == PruneSettings.Granularity.ELEMENT) {
                pruneElements(names, values, g, target - have);
            } else {
                pruneUnits(names, values, g, target - have);
            }
        }
        // Hold pruned entries at zero (AdamW would otherwise move them again).
        params.forEach((k, v) -> {
            float[] x = values.get(k);
            boolean[] mask = pruned.get(k);
            boolean changed = false;
            for (int i = 0; i < x.length; i++) {
                if (mask[i] && x[i] != 0) {
                    x[i] = 0;
                    changed = true;
                }
            }
            if (changed) {
                NativeArrays.assign(v, x);
            }
        });
    }

    /**
     * Element granularity without an object per entry: the {@code count} alive entries of lowest
     * score are pruned (ties in parameter order), via a sorted copy of the scores.
     */
    private void pruneElements(List<String> names, Map<String, float[]> values, Map<String, float[]> grads, long count) {
        int alive = 0;
        for (String name : names) {
            for (boolean b : pruned.get(name)) {
                alive += b ? 0 : 1;
            }
        }
        double[] scores = new double[alive];
        int k = 0;
        for (String name : names) {
            float[] x = values.get(name);
            boolean[] mask = pruned.get(name);
            for (int i = 0; i < x.length; i++) {
                if (!mask[i]) {
                    scores[k++] = score(name, i, x, grads);
                }
            }
        }
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        double threshold = sorted[(int) Math.min(count, alive) - 1];
        long below = 0;
        for (double v : scores) {
            below += v < threshold ? 1 : 0;
        }
        long tiesToTake = count - below;
        k = 0;
        for (String name : names) {
            boolean[] mask = pruned.get(name);
            for (int i = 0; i < mask.length; i++) {
                if (mask[i]) {
                    continue;
                }
                double v = scores[k++];
                if (v < threshold || (v == threshold && tiesToTake-- > 0)) {
                    mask[i] = true;
                }
            }
        }
    }

    /** Prunes whole ranks or modules, lowest mean score first, until {@code count} entries are pruned (may overshoot by part of one unit). */
    private void pruneUnits(List<String> names, Map<String, float[]> values, Map<String, float[]> grads, long count) {
        List<Unit> units = units(names, values, grads);
        units.sort((x, y) -> Double.compare(x.score, y.score));
        long done = 0;
        for (Unit u : units) {
            if (done >= count) {
                break;
            }
            for (int[] e : u.entries) {
                boolean[] mask = pruned.get(names.get(e[0]));
                if (!mask[e[1]]) {
                    mask[e[1]] = true;
                    done++;
                }
            }
        }
    }

    private List<Unit> units(List<String> names, Map<String, float[]> values, Map<String, float[]> grads) {
        List<Unit> units = new ArrayList<>();
        Map<String, List<int[]>> groups = new LinkedHashMap<>();
        Map<String, double[]> groupScore = new LinkedHashMap<>();
        for (int n = 0; n < names.size(); n++) {
            String name = names.get(n);
            float[] x = values.get(name);
            boolean[] mask = pruned.get(name);
            String[] parsed = PeftNames.parse(name);
            int r = ranks.getOrDefault(name, 1);
            int cols = x.length / r; // A is (r, in): row k = component k; B is (out, r): column k
            for (int i = 0; i < x.length; i++) {
                if (mask[i]) {
                    continue;
                }
                double score = score(name, i, x, grads);
                String module = parsed == null ? name : parsed[0];
                String key = settings.granularity() == PruneSettings.Granularity.RANK
                        ? module + "#" + (parsed != null && parsed[1].equals("lora_A") ? i / cols : i % r) : module;
                groups.computeIfAbsent(key, q -> new ArrayList<>()).add(new int[] {n, i});
                groupScore.computeIfAbsent(key, q -> new double[1])[0] += score;
            }
        }
        groups.forEach((key, entries) -> units.add(new Unit(entries, groupScore.get(key)[0] / entries.size())));
        return units;
    }

    private double score(String name, int i, float[] x, Map<String, float[]> grads) {
        return switch (settings.importance()) {
            case MAGNITUDE -> Math.abs(x[i]);
            case UPDATE -> Math.abs(x[i] - start.get(name)[i]);
            case SALIENCY -> Math.abs(x[i] * grads.get(name)[i]);
        };
    }

    long prunedCount() {
        return pruned.values().stream().mapToLong(m -> {
            long c = 0;
            for (boolean b : m) {
                c += b ? 1 : 0;
            }
            return c;
        }).sum();
    }

    double achievedRatio() {
        return total == 0 ? 0 : (double) prunedCount() / total;
    }

    static double zeroShare(Map<String, NDArray> params) {
        long zeros = 0;
        long all = 0;
        for (NDArray p : params.values()) {
            for (float v : p.toFloatArray()) {
                zeros += v == 0 ? 1 : 0;
                all++;
            }
        }
        return all == 0 ? 0 : (double) zeros / all;
    }
}
