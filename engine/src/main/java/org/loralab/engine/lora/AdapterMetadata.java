package org.loralab.engine.lora;

import org.loralab.engine.io.BoundedFiles;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loralab.engine.io.AtomicFiles;
import org.loralab.engine.model.ModelFingerprint;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.prompt.TemplateArgs;
import com.google.gson.JsonElement;

/**
 * Our sidecar {@code loralab.json} beside PEFT's files: what the adapter is for and how it was
 * made. PEFT never reads it, so it can never break loading in PEFT. Unknown values stay null.
 */
public final class AdapterMetadata {

    public static final String FILE = "loralab.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    public String name;
    public String language;
    public String domain;
    public String task;
    /** Free text describing the task; used by description-conditioned merging. */
    public String description;
    /** How the adapter was made: "lora", "lora-trf", "continued", or a merge method. */
    public String method;
    public JsonObject baseModel; // ModelFingerprint JSON
    public String trainingDataHash;
    public Integer trainingRows;
    public Map<String, Double> metrics = new LinkedHashMap<>();
    /** The method's settings, enough to reproduce the adapter. */
    public JsonObject settings;
    /** Source adapters of a merge or continued training (their names or paths). */
    public List<String> sources = new ArrayList<>();
    public String created;
    public String createdBy = "LoRA Lab 0.1.0";

    public static AdapterMetadata create(String method) {
        AdapterMetadata m = new AdapterMetadata();
        m.method = method;
        m.created = Instant.now().toString();
        return m;
    }

    public ModelFingerprint fingerprint() {
        return baseModel == null ? null : ModelFingerprint.fromJson(baseModel);
    }

    public AdapterMetadata withFingerprint(ModelFingerprint f) {
        baseModel = f.toJson();
        return this;
    }

    /**
     * The prompt the adapter was made with ({@code settings.prompt}, as training and merging record
     * it), or null when none is recorded (PEFT's own adapters, older merges).
     *
     * @throws IllegalArgumentException when the recorded prompt is not a valid one
     */
    public PromptFormat prompt() {
        JsonElement p = settings == null ? null : settings.get("prompt");
        if (p == null || !p.isJsonObject()) {
            return null;
        }
        JsonObject o = p.getAsJsonObject();
        JsonElement template = o.get("template");
        if (template == null || !template.isJsonPrimitive()) {
            return null;
        }
        JsonElement language = o.get("language");
        JsonElement chat = o.get("chat");
        return new PromptFormat(template.getAsString(),
                language == null || !language.isJsonPrimitive() ? "" : language.getAsString(),
                chat != null && chat.isJsonPrimitive() && chat.getAsBoolean(),
                TemplateArgs.fromJson(o.get("templateArgs")));
    }

    /** Records {@code p} as the adapter's prompt (what Summarize uses unless told otherwise). */
    public void recordPrompt(PromptFormat p) {
        if (settings == null) {
            settings = new JsonObject();
        }
        settings.add("prompt", new Gson().toJsonTree(p));
    }

    public void save(Path adapterDir) throws IOException {
        AtomicFiles.writeString(adapterDir.resolve(FILE), GSON.toJson(this) + "\n");
    }

    /** The sidecar of {@code adapterDir}, or null when the adapter has none (written by PEFT itself). */
    public static AdapterMetadata load(Path adapterDir) throws IOException {
        Path file = adapterDir.resolve(FILE);
        String text;
        try {
            text = BoundedFiles.readText(file, BoundedFiles.LARGE_JSON_LIMIT);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            AdapterMetadata m = GSON.fromJson(JsonParser.parseString(text), AdapterMetadata.class);
            if (m == null) {
                throw new IllegalArgumentException("the file holds no JSON object");
            }
            // a null here or there (hand-edited, another tool) is dropped, not fatal to a whole bank listing
            m.metrics = m.metrics == null ? new LinkedHashMap<>() : new LinkedHashMap<>(m.metrics);
            m.metrics.values().removeIf(java.util.Objects::isNull);
            m.sources = m.sources == null ? new ArrayList<>() : new ArrayList<>(m.sources);
            m.sources.removeIf(java.util.Objects::isNull);
            if (m.baseModel != null) {
                m.fingerprint(); // a fingerprint with missing fields is reported here, naming this file
            }
            return m;
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a valid " + FILE + " (" + e.getMessage() + ")", e);
        }
    }
}
