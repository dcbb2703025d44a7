package org.loralab.engine.bank;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.loralab.engine.model.ModelConfig;

/**
 * What travels between nodes on an adapter connection: where the adapter lives, the base model it
 * was made for, and the metadata a user wants to see without opening the folder. The adapter
 * itself stays on disk; only this reference is saved with a workflow.
 *
 * <p>A workflow may be moved, exported or opened by a colleague after it ran, so the reference
 * keeps the user's setting (a path or a {@code knime://} URL) beside the folder it resolved to,
 * and the adapter's content fingerprint. A consumer re-resolves the setting ({@link #locate}) and
 * checks that the folder still holds the same adapter.
 *
 * @param adapter the PEFT adapter folder, as resolved when the reference was made
 * @param location the user's setting that names the folder (path or URL), or null
 * @param fingerprint the adapter's {@link AdapterFingerprint}, or null when unknown (older saves)
 * @param baseModel the base model folder (or {@code demo}) the producing node used; may be null
 * @param details display name to value, in display order (language, domain, rank, metrics, ...)
 */
public record AdapterReference(Path adapter, String location, String fingerprint, String baseModel, Map<String, String> details) {

    private static final String ADAPTER_KEY = "adapter";
    private static final String LOCATION_KEY = "location";
    private static final String FINGERPRINT_KEY = "fingerprint";
    private static final String BASE_MODEL_KEY = "base_model_setting";

    /** Resolves a location setting to a local folder; may throw when it cannot. */
    @FunctionalInterface
    public interface Resolver {
        Path resolve(String location) throws Exception;
    }

    public AdapterReference {
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /**
     * Reads an adapter folder's config, weight header and loralab.json (no tensor data).
     *
     * @param location the setting that named the folder, or null
     * @param base the base model's config to check compatibility against, or null
     */
    public static AdapterReference read(Path adapterDir, String location, String baseModelSetting, ModelConfig base) {
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
        try {
            return new AdapterReference(adapterDir, location, AdapterFingerprint.of(adapterDir), baseModelSetting, d);
        } catch (java.io.IOException x) {
            throw new IllegalArgumentException(adapterDir + " cannot be read: " + x.getMessage(), x);
        }
    }

    /** The same reference for an adapter that now lives in {@code folder} (e.g. a workflow's file store). */
    public AdapterReference at(Path folder) {
        return new AdapterReference(folder, location, fingerprint, baseModel, details);
    }

    /**
     * The folder that holds this adapter now: the location setting resolved again (the workflow
     * may have moved), else the folder recorded when the reference was made. The folder must hold
     * the same adapter (same fingerprint).
     *
     * @throws IllegalArgumentException naming the setting, the folders tried and what is wrong
     */
    public Path locate(Resolver resolver) {
        List<Path> candidates = new ArrayList<>();
        String resolveProblem = null;
        if (location != null && !location.isBlank()) {
            try {
                candidates.add(resolver.resolve(location));
            } catch (Exception e) {
                resolveProblem = e.getMessage();
            }
        }
        if (!candidates.contains(adapter)) {
            candidates.add(adapter);
        }
        String name = "the adapter " + (location == null ? adapter.toString() : "'" + location + "'");
        for (Path folder : candidates) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            String now;
            try {
                now = AdapterFingerprint.of(folder);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(name + " cannot be read at " + folder + ": " + e.getMessage(), e);
            }
            if (fingerprint != null && !fingerprint.equals(now)) {
                throw new IllegalArgumentException(name + " at " + folder + " has changed since the node that made it ran "
                        + "(another adapter was written there); execute that node again");
            }
            return folder;
        }
        throw new IllegalArgumentException(name + " no longer exists (looked in " + candidates.stream().map(Path::toString)
                .collect(java.util.stream.Collectors.joining(", ")) + (resolveProblem == null ? "" : "; the setting: " + resolveProblem)
                + "); execute the node that made it again, or keep adapters inside the workflow");
    }

    /** A flat string map for saving with a workflow; {@link #fromMap} reads it back. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ADAPTER_KEY, adapter.toString());
        putIfSet(m, LOCATION_KEY, location);
        putIfSet(m, FINGERPRINT_KEY, fingerprint);
        putIfSet(m, BASE_MODEL_KEY, baseModel);
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
        return new AdapterReference(Path.of(path), m.get(LOCATION_KEY), m.get(FINGERPRINT_KEY), m.get(BASE_MODEL_KEY), d);
    }

    private static void putIfSet(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
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
