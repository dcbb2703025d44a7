package org.loralab.engine.lora;

import org.loralab.engine.io.BoundedFiles;
import org.loralab.engine.io.StrictJson;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.loralab.engine.io.AtomicFiles;
import org.loralab.engine.model.LinearLayer;

/**
 * A LoRA adapter's settings, read from and written to PEFT's {@code adapter_config.json}.
 *
 * @param r default rank
 * @param alpha default lora_alpha
 * @param dropout lora_dropout, applied to the adapter's input while training
 * @param targetModules module names (matched as the last path component, as PEFT does) or, when
 *     {@code targetRegex} is set, one regex that must match the whole module path
 * @param targetRegex PEFT's string form of target_modules, or null; {@value #ALL_LINEAR_SHORTHAND} (any case)
 *     is PEFT's shorthand for every linear layer but lm_head, not a regex
 * @param useRslora scale by alpha/sqrt(r) instead of alpha/r
 * @param layersToTransform layer indices to adapt, or empty for all
 * @param rankPattern per-module rank overrides (PEFT rank_pattern)
 * @param alphaPattern per-module alpha overrides (PEFT alpha_pattern)
 * @param baseModel base_model_name_or_path
 * @param excludeModules modules never adapted even when target_modules names them (PEFT exclude_modules)
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules, String targetRegex,
        boolean useRslora, List<Integer> layersToTransform, Map<String, Integer> rankPattern,
        Map<String, Double> alphaPattern, String baseModel, ModuleNames excludeModules) {

    public static final String FILE = "adapter_config.json";
    public static final List<String> ALL_LINEAR = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    /**
     * PEFT's INCLUDE_LINEAR_LAYERS_SHORTHAND: a string target_modules equal to it once lower-cased
     * means every linear layer but the output layer (_maybe_include_all_linear_layers), which for
     * the Llama family are the {@link #ALL_LINEAR} projections; lm_head is left out.
     */
    public static final String ALL_LINEAR_SHORTHAND = "all-linear";

    public LoraConfig {
        if (r <= 0) {
            throw new IllegalArgumentException("LoRA rank r must be positive, got " + r);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("lora_dropout must lie in [0, 1), got " + dropout);
        }
        if (targetRegex == null && (targetModules == null || targetModules.isEmpty())) {
            throw new IllegalArgumentException("target_modules is empty: name at least one module, e.g. q_proj");
        }
        targetModules = targetModules == null ? List.of() : List.copyOf(targetModules);
        layersToTransform = layersToTransform == null ? List.of() : List.copyOf(layersToTransform);
        // PEFT takes the first matching pattern key in the file's order, so the order must survive.
        rankPattern = rankPattern == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(rankPattern));
        alphaPattern = alphaPattern == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(alphaPattern));
        excludeModules = excludeModules == null ? ModuleNames.NONE : excludeModules;
        requireSaneScaling(r, alpha, useRslora, rankPattern, alphaPattern);
    }

    /**
     * The largest |scaling| (alpha/r, alpha/sqrt(r) with rsLoRA) accepted. Real adapters use about
     * 0.1 to 64; a finite but absurd lora_alpha (1e308) overflowed the activations and produced
     * garbage summaries.
     */
    public static final double MAX_SCALING = 10_000;

    /**
     * Each alpha with the smallest rank it may meet, named by its key: a pattern's alpha with the
     * same pattern's rank (else the smallest), lora_alpha with r and the ranks no alpha pattern covers.
     */
    private static void requireSaneScaling(int r, double alpha, boolean rs, Map<String, Integer> ranks, Map<String, Double> alphas) {
        int minRank = r;
        int defaultMin = r;
        for (Map.Entry<String, Integer> k : ranks.entrySet()) {
            minRank = Math.min(minRank, k.getValue());
            if (!alphas.containsKey(k.getKey())) {
                defaultMin = Math.min(defaultMin, k.getValue());
            }
        }
        Map<String, double[]> all = new LinkedHashMap<>();
        all.put("lora_alpha", new double[] {alpha, defaultMin});
        for (Map.Entry<String, Double> e : alphas.entrySet()) {
            all.put("alpha_pattern." + e.getKey(), new double[] {e.getValue(), ranks.getOrDefault(e.getKey(), minRank)});
        }
        for (Map.Entry<String, double[]> e : all.entrySet()) {
            double a = e.getValue()[0];
            int rank = (int) e.getValue()[1];
            double scaling = rs ? a / Math.sqrt(rank) : a / rank;
            if (!(Math.abs(scaling) <= MAX_SCALING)) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is " + a + ": with rank " + rank
                        + " the LoRA scaling " + (rs ? "alpha/sqrt(r)" : "alpha/r") + " is " + scaling
                        + ", beyond the " + (long) MAX_SCALING + " LoRA Lab accepts (real adapters use about 0.1 to 64)");
            }
        }
    }

    /** r, alpha and the modules to adapt; everything else at PEFT's defaults. */
    public static LoraConfig of(int r, double alpha, List<String> targets) {
        return new LoraConfig(r, alpha, 0.0, targets, null, false, List.of(), Map.of(), Map.of(), null, ModuleNames.NONE);
    }

    public LoraConfig withDropout(double d) {
        return new LoraConfig(r, alpha, d, targetModules, targetRegex, useRslora, layersToTransform, rankPattern, alphaPattern, baseModel, excludeModules);
    }

    public LoraConfig withRslora(boolean rs) {
        return new LoraConfig(r, alpha, dropout, targetModules, targetRegex, rs, layersToTransform, rankPattern, alphaPattern, baseModel, excludeModules);
    }

    public LoraConfig withBaseModel(String b) {
        return new LoraConfig(r, alpha, dropout, targetModules, targetRegex, useRslora, layersToTransform, rankPattern, alphaPattern, b, excludeModules);
    }

    public LoraConfig withRank(int newR, double newAlpha) {
        return new LoraConfig(newR, newAlpha, dropout, targetModules, targetRegex, useRslora, layersToTransform, Map.of(), Map.of(), baseModel, excludeModules);
    }

    /**
     * Whether the module at HF path {@code modulePath} (e.g. model.layers.0.self_attn.q_proj) is
     * adapted, as PEFT's check_target_module_exists decides: exclusions first.
     */
    public boolean targets(String modulePath) {
        if (excludeModules.matches(modulePath)) {
            return false;
        }
        boolean named = allLinear() ? ModuleNames.of(ALL_LINEAR).matches(modulePath)
                : new ModuleNames(targetModules, targetRegex).matches(modulePath);
        if (!named || layersToTransform.isEmpty()) {
            return named;
        }
        return layersToTransform.contains(LinearLayer.layerIndex(modulePath));
    }

    /** Whether target_modules is PEFT's "all-linear" shorthand, which PEFT checks before any regex match. */
    public boolean allLinear() {
        // Python's str.lower(), not equalsIgnoreCase: "ALL-L\u0130NEAR" is no shorthand in PEFT
        return targetRegex != null && targetRegex.toLowerCase(Locale.ROOT).equals(ALL_LINEAR_SHORTHAND);
    }

    public int rankFor(String modulePath) {
        return patternValue(rankPattern, modulePath, r);
    }

    public double alphaFor(String modulePath) {
        return patternValue(alphaPattern, modulePath, alpha);
    }

    /** alpha/r, or alpha/sqrt(r) with rsLoRA. */
    public double scalingFor(String modulePath) {
        int rank = rankFor(modulePath);
        double a = alphaFor(modulePath);
        return useRslora ? a / Math.sqrt(rank) : a / rank;
    }

    /**
     * PEFT's get_pattern_key: the first key, in the file's order, with {@code (.*\.)?(key)$}
     * matching the module path; the group keeps an alternation such as {@code q_proj|v_proj} whole.
     */
    private static <T> T patternValue(Map<String, T> patterns, String modulePath, T fallback) {
        for (Map.Entry<String, T> e : patterns.entrySet()) {
            if (modulePath.matches("(.*\\.)?(" + e.getKey() + ")")) {
                return e.getValue();
            }
        }
        return fallback;
    }

    // ---- PEFT JSON --------------------------------------------------------------------------

    public JsonObject toPeftJson() {
        JsonObject o = new JsonObject();
        o.add("alpha_pattern", new Gson().toJsonTree(alphaPattern));
        o.add("auto_mapping", null);
        o.addProperty("base_model_name_or_path", baseModel);
        o.addProperty("bias", "none");
        o.add("exclude_modules", excludeModules.toJson());
        o.addProperty("fan_in_fan_out", false);
        o.addProperty("inference_mode", true);
        o.addProperty("init_lora_weights", true);
        o.add("layers_pattern", null);
        if (layersToTransform.isEmpty()) {
            o.add("layers_to_transform", null);
        } else {
            o.add("layers_to_transform", new Gson().toJsonTree(layersToTransform));
        }
        o.addProperty("lora_alpha", alpha == Math.rint(alpha) ? (Number) (long) alpha : alpha);
        o.addProperty("lora_dropout", dropout);
        o.add("modules_to_save", null);
        o.addProperty("peft_type", "LORA");
        o.addProperty("r", r);
        o.add("rank_pattern", new Gson().toJsonTree(rankPattern));
        o.add("revision", null);
        if (targetRegex != null) {
            o.addProperty("target_modules", targetRegex);
        } else {
            JsonArray t = new JsonArray();
            targetModules.forEach(t::add);
            o.add("target_modules", t);
        }
        o.addProperty("task_type", "CAUSAL_LM");
        o.addProperty("use_dora", false);
        o.addProperty("use_rslora", useRslora);
        return o;
    }

    public void save(Path adapterDir) throws IOException {
        AtomicFiles.writeString(adapterDir.resolve(FILE),
                new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(toPeftJson()) + "\n");
    }

    public static LoraConfig load(Path adapterDir) throws IOException {
        Path file = adapterDir.resolve(FILE);
        JsonObject o;
        try {
            o = StrictJson.parseObject(BoundedFiles.readText(file, BoundedFiles.CONFIG_LIMIT));
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": the adapter folder has no " + FILE, e);
        } catch (RuntimeException e) {
            throw new IOException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        try {
            return fromPeftJson(o);
        } catch (RuntimeException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Reads PEFT's keys; refuses the LoRA variants we do not compute rather than loading them wrongly. */
    public static LoraConfig fromPeftJson(JsonObject o) {
        String type = str(o, "peft_type");
        if (type == null) {
            throw new IllegalArgumentException("missing key 'peft_type'");
        }
        if (!type.equals("LORA")) {
            throw new IllegalArgumentException("peft_type is " + type + "; only LORA adapters are supported");
        }
        for (String key : new String[] {"r", "lora_alpha", "target_modules"}) {
            if (!o.has(key) || o.get(key).isJsonNull()) {
                throw new IllegalArgumentException("missing key '" + key + "'");
            }
        }
        if (bool(o, "use_dora")) {
            throw new IllegalArgumentException("use_dora is true; DoRA adapters are not supported");
        }
        // fan_in_fan_out is accepted: PEFT resets it to false for nn.Linear, which all our layers are.
        PeftVariants.refuseUnsupported(o);
        String bias = str(o, "bias");
        if (bias != null && !bias.equals("none")) {
            throw new IllegalArgumentException("bias is '" + bias + "'; only 'none' is supported");
        }
        if (bool(o, "lora_bias")) {
            throw new IllegalArgumentException("lora_bias is true; LoRA adapters with a bias on B are not supported");
        }
        if (o.has("modules_to_save") && !o.get("modules_to_save").isJsonNull()
                && !o.getAsJsonArray("modules_to_save").isEmpty()) {
            throw new IllegalArgumentException("modules_to_save is set; adapters that retrain whole modules are not supported");
        }
        List<String> modules = new ArrayList<>();
        String regex = null;
        JsonElement t = o.get("target_modules");
        if (t.isJsonPrimitive()) {
            regex = t.getAsString();
        } else {
            t.getAsJsonArray().forEach(e -> modules.add(e.getAsString()));
        }
        List<Integer> layers = new ArrayList<>();
        JsonElement l = o.get("layers_to_transform");
        if (l != null && !l.isJsonNull()) {
            if (l.isJsonPrimitive()) {
                layers.add(StrictJson.wholeInt(l, "layers_to_transform"));
            } else {
                l.getAsJsonArray().forEach(e -> layers.add(StrictJson.wholeInt(e, "layers_to_transform")));
            }
        }
        Map<String, Integer> ranks = new LinkedHashMap<>();
        Map<String, Double> alphas = new LinkedHashMap<>();
        if (o.has("rank_pattern") && o.get("rank_pattern").isJsonObject()) {
            o.getAsJsonObject("rank_pattern").entrySet().forEach(e -> ranks.put(e.getKey(), positiveRank(e.getValue(), "rank_pattern." + e.getKey())));
        }
        if (o.has("alpha_pattern") && o.get("alpha_pattern").isJsonObject()) {
            o.getAsJsonObject("alpha_pattern").entrySet().forEach(e -> alphas.put(e.getKey(), StrictJson.finite(e.getValue(), "alpha_pattern." + e.getKey())));
        }
        double dropout = o.has("lora_dropout") && !o.get("lora_dropout").isJsonNull() ? StrictJson.finite(o.get("lora_dropout"), "lora_dropout") : 0;
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("'lora_dropout' is " + dropout + "; it must lie in [0, 1)");
        }
        return new LoraConfig(positiveRank(o.get("r"), "r"), StrictJson.finite(o.get("lora_alpha"), "lora_alpha"), dropout, modules, regex,
                bool(o, "use_rslora"), layers, ranks, alphas, str(o, "base_model_name_or_path"),
                ModuleNames.fromJson(o.get("exclude_modules")));
    }

    /** Ranks are whole and positive; 8.9 or 2^32+8 is refused, not read as 8. */
    private static int positiveRank(JsonElement e, String key) {
        int r = StrictJson.wholeInt(e, key);
        if (r <= 0) {
            throw new IllegalArgumentException("'" + key + "' is " + r + "; a LoRA rank must be positive");
        }
        return r;
    }

    private static String str(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : null;
    }

    private static boolean bool(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() && o.get(key).getAsBoolean();
    }
}
