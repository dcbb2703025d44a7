package org.loralab.engine.lora;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;

/**
 * Modules named as PEFT names them in target_modules and exclude_modules: a list matches a path
 * equal to a name or ending in "." + name; a string is one regex the whole path must match.
 *
 * @param names the list form (empty when {@code regex} is set)
 * @param regex the string form, or null
 */
public record ModuleNames(List<String> names, String regex) {

    public static final ModuleNames NONE = new ModuleNames(List.of(), null);

    public ModuleNames {
        names = names == null ? List.of() : List.copyOf(names);
    }

    /** The list form. */
    public static ModuleNames of(List<String> names) {
        return new ModuleNames(names, null);
    }

    public boolean isEmpty() {
        return regex == null && names.isEmpty();
    }

    public boolean matches(String modulePath) {
        if (regex != null) {
            return modulePath.matches(regex);
        }
        return names.stream().anyMatch(n -> modulePath.equals(n) || modulePath.endsWith("." + n));
    }

    /** Null, a string or a list of strings, as in adapter_config.json. */
    public static ModuleNames fromJson(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return NONE;
        }
        if (e.isJsonPrimitive()) {
            return new ModuleNames(List.of(), e.getAsString());
        }
        List<String> list = new ArrayList<>();
        e.getAsJsonArray().forEach(x -> list.add(x.getAsString()));
        return new ModuleNames(list, null);
    }

    public JsonElement toJson() {
        if (regex != null) {
            return new JsonPrimitive(regex);
        }
        if (names.isEmpty()) {
            return JsonNull.INSTANCE;
        }
        JsonArray a = new JsonArray();
        names.forEach(a::add);
        return a;
    }

    @Override
    public String toString() {
        return regex != null ? regex : names.toString();
    }
}
