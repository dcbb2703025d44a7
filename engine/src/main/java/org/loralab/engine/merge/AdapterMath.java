package org.loralab.engine.merge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.lora.LoraModule;
import org.loralab.engine.lora.ModuleNames;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.LinearLayer;

/** Converts between loaded adapters and plain {@link LowRank} pairs. */
public final class AdapterMath {

    private AdapterMath() {
    }

    public static Map<String, LowRank> lowRanks(LoraAdapter adapter) {
        if (adapter.hasTaskFilter()) {
            throw new IllegalArgumentException("LoRA-TRF adapters carry an input-dependent gate and cannot be merged linearly");
        }
        Map<String, LowRank> out = new LinkedHashMap<>();
        for (LoraModule m : adapter.modules().values()) {
            int r = m.rank();
            int in = (int) m.a().getShape().get(1);
            int o = (int) m.b().getShape().get(0);
            out.put(m.modulePath(), new LowRank(r, in, o, toDouble(m.a().toFloatArray()), toDouble(m.b().toFloatArray()), m.scaling()));
        }
        return out;
    }

    /**
     * A new adapter holding {@code modules} with scaling 1 each (lora_alpha = r, per-module ranks in
     * rank_pattern), targeting the modules by short name when every layer has them, else by path.
     */
    public static LoraAdapter toAdapter(CausalLM model, Map<String, LowRank> modules, String baseModel) {
        Map<Integer, Integer> rankCounts = new HashMap<>();
        modules.values().forEach(m -> rankCounts.merge(m.r(), 1, Integer::sum));
        int r = rankCounts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        Map<String, Integer> rankPattern = new LinkedHashMap<>();
        Map<String, Double> alphaPattern = new LinkedHashMap<>();
        modules.forEach((path, m) -> {
            if (m.r() != r) {
                rankPattern.put(path, m.r());
                alphaPattern.put(path, (double) m.r());
            }
        });
        LinkedHashSet<String> shortNames = new LinkedHashSet<>();
        modules.keySet().forEach(p -> shortNames.add(p.substring(p.lastIndexOf('.') + 1)));
        List<String> byName = new ArrayList<>();
        for (LinearLayer l : model.linearLayers()) {
            if (shortNames.contains(l.modulePath().substring(l.modulePath().lastIndexOf('.') + 1))) {
                byName.add(l.modulePath());
            }
        }
        // Short names when they pick out exactly these modules, else full paths (PEFT accepts both).
        boolean everyLayer = new LinkedHashSet<>(byName).equals(modules.keySet());
        List<String> targets = new ArrayList<>(everyLayer ? shortNames : modules.keySet());
        LoraConfig config = new LoraConfig(r, r, 0.0, targets, null, false, List.of(), rankPattern, alphaPattern, baseModel, ModuleNames.NONE);
        Map<String, float[]> a = new LinkedHashMap<>();
        Map<String, float[]> b = new LinkedHashMap<>();
        modules.forEach((path, m) -> {
            a.put(path, toFloat(m.a()));
            b.put(path, toFloat(m.b()));
        });
        return LoraAdapter.fromWeights(model, config, a, b);
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
