package org.loralab.engine.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/** One point of a method's search space: named values, shown as "lr=0.003, epochs=20". */
public record Setting(Map<String, Object> values) {

    public static final Setting NONE = new Setting(Map.of());

    public double number(String key) {
        return ((Number) values.get(key)).doubleValue();
    }

    public int integer(String key) {
        return ((Number) values.get(key)).intValue();
    }

    @SuppressWarnings("unchecked")
    public <T> T get(String key) {
        return (T) values.get(key);
    }

    @Override
    public String toString() {
        return values.isEmpty() ? "(none)" : values.entrySet().stream()
                .map(e -> e.getKey() + "=" + String.valueOf(e.getValue()).toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.joining(", "));
    }

    /**
     * Every combination of the axes' values, in order; each axis's first value is its default, so the
     * first setting is the method's default.
     */
    public static List<Setting> grid(Map<String, List<?>> axes) {
        List<Setting> out = new ArrayList<>();
        out.add(NONE);
        for (Map.Entry<String, List<?>> axis : axes.entrySet()) {
            List<Setting> next = new ArrayList<>();
            for (Setting s : out) {
                for (Object v : axis.getValue()) {
                    Map<String, Object> m = new LinkedHashMap<>(s.values());
                    m.put(axis.getKey(), v);
                    next.add(new Setting(Collections.unmodifiableMap(m)));
                }
            }
            out = next;
        }
        return out;
    }

    /**
     * The settings a method tries within a budget: its default, then a seeded random draw from the
     * rest of its space (random search, the same budget for every method).
     */
    public static List<Setting> tried(List<Setting> space, int budget, long seed) {
        List<Setting> rest = new ArrayList<>(space.subList(1, space.size()));
        Collections.shuffle(rest, new Random(seed));
        List<Setting> out = new ArrayList<>();
        out.add(space.get(0));
        out.addAll(rest.subList(0, Math.min(Math.max(0, budget - 1), rest.size())));
        return out;
    }
}
