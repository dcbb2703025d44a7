package org.loralab.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.loralab.engine.params.ParamSchema;
import org.w3c.dom.Element;

/** Saved node settings ("model" entries of a settings.xml) read as the nodes read them: through the parameter record. */
final class SavedSettings {

    private SavedSettings() {
    }

    /** The typed values of the entries, as KNIME's settings models load them. */
    static Map<String, Object> values(Element model) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Element e : Repo.children(model, "entry")) {
            String v = e.getAttribute("value");
            values.put(e.getAttribute("key"), switch (e.getAttribute("type")) {
                case "xstring" -> unescape(v);
                case "xboolean" -> Boolean.parseBoolean(v);
                case "xint" -> Integer.parseInt(v);
                case "xdouble" -> Double.parseDouble(v);
                case "xlong" -> Long.parseLong(v);
                default -> throw new AssertionError("entry type " + e.getAttribute("type"));
            });
        }
        return values;
    }

    /** KNIME's %%ddddd escape of characters XML cannot hold. */
    static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("%%", i) && i + 7 <= s.length() && s.substring(i + 2, i + 7).chars().allMatch(Character::isDigit)) {
                sb.append((char) Integer.parseInt(s.substring(i + 2, i + 7)));
                i += 6;
            } else {
                sb.append(s.charAt(i));
            }
        }
        return sb.toString();
    }

    /** Loads the saved values into the node's record and back: every saved value comes back unchanged. */
    static <R extends Record> R assertLoadsWithTheSameValues(Path file, ParamSchema<R> schema, Element model) {
        Map<String, Object> saved = values(model);
        R record = schema.fromValues(saved);
        Map<String, Object> back = schema.values(record);
        saved.forEach((key, value) -> assertEquals(value, back.get(key), file + ": setting " + key + " does not load as saved"));
        return record;
    }
}
