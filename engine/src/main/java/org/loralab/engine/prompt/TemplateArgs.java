package org.loralab.engine.prompt;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chat-template arguments from {@code key=value} text (the command line's
 * {@code --chat-template-arg enable_thinking=false}): a value that is a JSON literal (true, false,
 * null, a number, a quoted string, an array or object) is that value, as Python would pass it to
 * apply_chat_template; anything else is the text itself.
 */
public final class TemplateArgs {

    private TemplateArgs() {
    }

    /** The arguments of {@code pairs} in order; a later key replaces an earlier one. */
    public static Map<String, Object> parse(List<String> pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (pairs == null) {
            return out;
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? "" : pair.substring(0, eq).strip();
            if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("a chat template argument must be name=value with a name as Python allows,"
                        + " e.g. enable_thinking=false; got '" + pair + "'");
            }
            out.put(key, value(pair.substring(eq + 1)));
        }
        return out;
    }

    /** The arguments recorded as a JSON object (an adapter's loralab.json); null or absent means none. */
    public static Map<String, Object> fromJson(JsonElement recorded) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (recorded != null && recorded.isJsonObject()) {
            recorded.getAsJsonObject().entrySet().forEach(x -> out.put(x.getKey(), java(x.getValue())));
        }
        return out;
    }

    /** The Java value of one argument's text: Boolean, Long, Double, String, null, List or Map. */
    public static Object value(String text) {
        if (text.isBlank()) {
            return text; // Gson reads an empty document as null
        }
        JsonReader r = new JsonReader(new StringReader(text));
        r.setStrictness(Strictness.STRICT);
        try {
            JsonElement e = JsonParser.parseReader(r);
            if (r.peek() != JsonToken.END_DOCUMENT) {
                return text;
            }
            return java(e);
        } catch (IOException | RuntimeException notJson) {
            return text;
        }
    }

    private static Object java(JsonElement e) {
        if (e.isJsonNull()) {
            return null;
        }
        if (e.isJsonArray()) {
            List<Object> list = new ArrayList<>();
            e.getAsJsonArray().forEach(x -> list.add(java(x)));
            return list;
        }
        if (e.isJsonObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            e.getAsJsonObject().entrySet().forEach(x -> map.put(x.getKey(), java(x.getValue())));
            return map;
        }
        var p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isString()) {
            return p.getAsString();
        }
        String literal = p.getAsString();
        if (!literal.matches(".*[.eE].*")) {
            try {
                return Long.parseLong(literal); // 3 is Python's int, 3.0 its float
            } catch (NumberFormatException beyondLong) {
                // falls through to a float
            }
        }
        return new BigDecimal(literal).doubleValue();
    }
}
