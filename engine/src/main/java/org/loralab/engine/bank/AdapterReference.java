package org.loralab.engine.bank;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.loralab.engine.model.ModelConfig;

/**
 * What travels between nodes on an adapter connection: where the adapter lives, the base model it
 * was made for, and the metadata a user wants to see without opening the folder. The adapter
 * itself stays on disk; only this reference is saved with a workflow.
 *
 * @param adapter the PEFT adapter folder
 * @param baseModel the base model folder (or {@code demo}) the producing node used; may be null
 * @param details display name to value, in display order (language, domain, rank, metrics, ...)
 */
public record AdapterReference(Path adapter, String baseModel, Map<String, String> details) {

    private static final String ADAPTER_KEY = "adapter";
    private static final String BASE_MODEL_KEY = "base_model_setting";

    public AdapterReference {
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /**
     * Reads an adapter folder's config, weight header and loralab.json (no tensor data).
     *
     * @param base the base model's config to check compatibility against, or null
     */
    public static AdapterReference read(Path adapterDir, String baseModelSetting, ModelConfig base) {
        BankEntry e = AdapterBank.inspect(adapterDir, base);
        if (e.status() == BankEntry.Status.INVALID) {
            throw new IllegalArgumentException(adapterDir + " is not a readable adapter: " + e.reason());
        }
        Map<String, String> d = new LinkedHashMap<>();
        d.put("Name", e.name());
        d.put("Status", e.status().name().toLowerCase(Locale.ROOT) + (e.reason() == null ? "" : " (" + e.reason() + ")"));
        put(d, "Language", e.language());
        put(d, "Domain", e.domain());
        put(d, "Task", e.task());
        put(d, "Description", e.description());
        put(d, "Method", e.method());
        put(d, "Base model", e.baseModel());
        put(d, "Rank", e.rank());
        put(d, "Alpha", e.alpha());
        put(d, "Target modules", e.targetModules().isEmpty() ? null : String.join(", ", e.targetModules()));
        put(d, "Trainable parameters", e.parameterCount());
        d.put("Size on disk", String.format(Locale.ROOT, "%.1f kB", e.sizeOnDisk() / 1024.0));
        put(d, "Created", e.created());
        e.metrics().forEach((k, v) -> d.put("Metric " + k, formatNumber(v)));
        return new AdapterReference(adapterDir, baseModelSetting, d);
    }

    /** A flat string map for saving with a workflow; {@link #fromMap} reads it back. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ADAPTER_KEY, adapter.toString());
        if (baseModel != null) {
            m.put(BASE_MODEL_KEY, baseModel);
        }
        details.forEach((k, v) -> m.put("detail." + k, v));
        return m;
    }

    public static AdapterReference fromMap(Map<String, String> m) {
        String path = m.get(ADAPTER_KEY);
        if (path == null) {
            throw new IllegalArgumentException("saved adapter reference has no '" + ADAPTER_KEY + "' entry");
        }
        Map<String, String> d = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (k.startsWith("detail.")) {
                d.put(k.substring("detail.".length()), v);
            }
        });
        return new AdapterReference(Path.of(path), m.get(BASE_MODEL_KEY), d);
    }

    /** One line for port tooltips: name, language/domain, rank. */
    public String summary() {
        StringBuilder sb = new StringBuilder("LoRA adapter ").append(details.getOrDefault("Name", adapter.getFileName().toString()));
        String lang = details.get("Language");
        String domain = details.get("Domain");
        if (lang != null || domain != null) {
            sb.append(" (").append(lang == null ? "?" : lang).append(", ").append(domain == null ? "?" : domain).append(')');
        }
        if (details.containsKey("Rank")) {
            sb.append(", rank ").append(details.get("Rank"));
        }
        return sb.toString();
    }

    private static void put(Map<String, String> d, String key, Object value) {
        if (value != null) {
            d.put(key, value instanceof Double x ? formatNumber(x) : value.toString());
        }
    }

    private static String formatNumber(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
    }
}
