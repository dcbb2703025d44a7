package org.loralab.engine.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.loralab.engine.io.BoundedFiles;

/**
 * Finds a model folder's chat template and special tokens the way transformers' tokenizer loading does:
 * {@code chat_template.jinja} beside {@code tokenizer_config.json} replaces the config's {@code chat_template};
 * {@code additional_chat_templates/<name>.jinja} and a config list of {name, template} make a set of named
 * templates of which {@code default} is used (none named so is an error, as in transformers); the special
 * tokens ({@code special_tokens_map.json} over the config's) become template variables.
 */
public final class ChatTemplateFiles {

    static final String TEMPLATE_FILE = "chat_template.jinja";
    static final String ADDITIONAL_DIR = "additional_chat_templates";
    private static final List<String> TOKEN_KEYS = List.of(
            "bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token");

    private ChatTemplateFiles() {}

    /** The folder's chat template, if it has one; {@code cfg} is its parsed tokenizer_config.json (may be empty). */
    public static Optional<ChatTemplate> load(Path dir, JsonObject cfg, Clock clock) throws IOException {
        Map<String, String> named = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        Path file = dir.resolve(TEMPLATE_FILE);
        if (Files.isRegularFile(file)) {
            named.put("default", BoundedFiles.readText(file, BoundedFiles.CONFIG_LIMIT));
            origins.put("default", file.toString());
        } else {
            String origin = dir.resolve("tokenizer_config.json") + " (chat_template)";
            readConfigTemplates(cfg, named, origin);
            named.keySet().forEach(k -> origins.put(k, origin + (named.size() > 1 ? " '" + k + "'" : "")));
        }
        Path extra = dir.resolve(ADDITIONAL_DIR);
        if (Files.isDirectory(extra)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(extra, "*.jinja")) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    String key = name.substring(0, name.length() - ".jinja".length());
                    if (!named.containsKey(key)) {
                        named.put(key, BoundedFiles.readText(f, BoundedFiles.CONFIG_LIMIT));
                        origins.put(key, f.toString());
                    }
                }
            }
        }
        if (named.isEmpty()) {
            return Optional.empty();
        }
        String template = named.get("default");
        if (template == null) {
            throw new IOException(dir + ": the model has chat templates " + named.keySet()
                    + " but none named 'default', so transformers would not pick one either");
        }
        return Optional.of(new ChatTemplate(template, origins.get("default"), specialTokens(dir, cfg), clock));
    }

    private static void readConfigTemplates(JsonObject cfg, Map<String, String> named, String origin) throws IOException {
        JsonElement t = cfg.get("chat_template");
        if (t == null || t.isJsonNull()) {
            return;
        }
        if (t.isJsonPrimitive()) {
            named.put("default", t.getAsString());
            return;
        }
        try {
            if (t.isJsonObject()) {
                for (Map.Entry<String, JsonElement> e : t.getAsJsonObject().entrySet()) {
                    named.put(e.getKey(), e.getValue().getAsString());
                }
                return;
            }
            for (JsonElement e : t.getAsJsonArray()) {
                JsonObject o = e.getAsJsonObject();
                named.put(o.get("name").getAsString(), o.get("template").getAsString());
            }
        } catch (RuntimeException e) {
            throw new IOException(origin + ": expected a string or a list of {name, template}: " + e.getMessage(), e);
        }
    }

    /**
     * transformers' {@code special_tokens_map}: the tokens that are set, as strings, plus
     * {@code additional_special_tokens}; special_tokens_map.json wins over tokenizer_config.json.
     */
    static Map<String, Object> specialTokens(Path dir, JsonObject cfg) throws IOException {
        JsonObject merged = cfg.deepCopy();
        Path mapFile = dir.resolve("special_tokens_map.json");
        if (Files.isRegularFile(mapFile)) {
            try {
                JsonObject map = JsonParser.parseString(BoundedFiles.readText(mapFile, BoundedFiles.CONFIG_LIMIT)).getAsJsonObject();
                for (Map.Entry<String, JsonElement> e : map.entrySet()) {
                    merged.add(e.getKey(), e.getValue());
                }
            } catch (RuntimeException e) {
                throw new IOException(mapFile + ": not valid JSON: " + e.getMessage(), e);
            }
        }
        Map<String, Object> tokens = new LinkedHashMap<>();
        for (String key : TOKEN_KEYS) {
            String v = tokenString(merged.get(key));
            if (v != null) {
                tokens.put(key, v);
            }
        }
        JsonElement extra = merged.get("additional_special_tokens");
        if (extra != null && extra.isJsonArray()) {
            List<String> list = new ArrayList<>();
            for (JsonElement e : extra.getAsJsonArray()) {
                list.add(tokenString(e));
            }
            tokens.put("additional_special_tokens", list);
        }
        return tokens;
    }

    /** A token written as a string or as an AddedToken object ({@code {"content": ...}}). */
    static String tokenString(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        return e.isJsonObject() ? e.getAsJsonObject().get("content").getAsString() : e.getAsString();
    }
}
