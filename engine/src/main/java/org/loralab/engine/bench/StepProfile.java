package org.loralab.engine.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a decoding step's time goes, from PyTorch's own profiler (a Chrome trace written by
 * libtorch): native time per top-level operator (nested calls such as linear's addmm are counted in
 * their caller) and what remains of the wall time, which is Java, JNI and NDArray bookkeeping.
 */
final class StepProfile {

    private final Map<String, double[]> byOp = new HashMap<>(); // name -> {microseconds, calls}
    private double nativeMicros;
    private long calls;

    /** Runs {@code work} under the profiler and reads the trace back. */
    static StepProfile of(Runnable work, Path dir) throws IOException {
        Path trace = dir.resolve("trace-" + System.nanoTime() + ".json");
        org.loralab.engine.model.PyTorchInternals.startProfile();
        try {
            work.run();
        } finally {
            org.loralab.engine.model.PyTorchInternals.stopProfile(trace.toString());
        }
        StepProfile p = new StepProfile();
        p.read(JsonParser.parseString(Files.readString(trace)));
        Files.deleteIfExists(trace);
        return p;
    }

    private void read(JsonElement root) {
        JsonArray events = root.isJsonArray() ? root.getAsJsonArray() : root.getAsJsonObject().getAsJsonArray("traceEvents");
        List<JsonObject> ops = new ArrayList<>();
        for (JsonElement e : events) {
            JsonObject o = e.getAsJsonObject();
            if ("X".equals(str(o, "ph")) && o.has("dur") && str(o, "name").startsWith("aten::")) {
                ops.add(o);
            }
        }
        ops.sort(Comparator.comparingDouble((JsonObject o) -> o.get("ts").getAsDouble())
                .thenComparing(o -> -o.get("dur").getAsDouble()));
        Map<String, Double> openUntil = new HashMap<>(); // per thread: end of the current top-level op
        for (JsonObject o : ops) {
            String tid = str(o, "tid");
            double ts = o.get("ts").getAsDouble();
            double dur = o.get("dur").getAsDouble();
            if (ts < openUntil.getOrDefault(tid, Double.NEGATIVE_INFINITY)) {
                continue; // nested inside a top-level op
            }
            openUntil.put(tid, ts + dur);
            double[] agg = byOp.computeIfAbsent(str(o, "name").substring(6), k -> new double[2]);
            agg[0] += dur;
            agg[1]++;
            nativeMicros += dur;
            calls++;
        }
    }

    private static String str(JsonObject o, String key) {
        return o.has(key) ? o.get(key).getAsString() : "";
    }

    /** One line per step: native calls, the top operators' share of the wall time, and the rest. */
    String summary(double wallMicros, int steps, int top) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%.0f native calls/step; of %.2f ms/step: ", calls / (double) steps, wallMicros / steps / 1000));
        byOp.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0])).limit(top)
                .forEach(e -> sb.append(String.format("%s %.0f%% (%.0f/step), ", e.getKey(),
                        100 * e.getValue()[0] / wallMicros, e.getValue()[1] / steps)));
        sb.append(String.format("other native %.0f%%, outside native ops (Java, JNI, NDArray bookkeeping) %.0f%%",
                100 * (nativeMicros - topMicros(top)) / wallMicros, 100 * Math.max(0, wallMicros - nativeMicros) / wallMicros));
        return sb.toString();
    }

    private double topMicros(int top) {
        return byOp.values().stream().mapToDouble(v -> v[0]).boxed().sorted(Comparator.reverseOrder()).limit(top)
                .mapToDouble(Double::doubleValue).sum();
    }
}
