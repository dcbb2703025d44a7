package org.loralab.engine.tokenizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Python's {@code json.dumps} output for the values a chat template sees (maps, lists, strings, numbers). */
final class PythonJson {

    private PythonJson() {}

    /**
     * @param indent null (one line), a number of spaces or an indent string, as json.dumps takes it
     * @param separators null for json.dumps' default, else a two-element list (item, key)
     */
    static String dumps(Object value, boolean ensureAscii, Object indent, Object separators, boolean sortKeys) {
        String indentText = indent == null ? null
                : indent instanceof Number num ? " ".repeat(Math.max(0, num.intValue())) : indent.toString();
        String itemSep = indentText == null ? ", " : ",";
        String keySep = ": ";
        if (separators instanceof List<?> seps && seps.size() == 2) {
            itemSep = String.valueOf(seps.get(0));
            keySep = String.valueOf(seps.get(1));
        }
        StringBuilder b = new StringBuilder();
        new Writer(b, ensureAscii, indentText, itemSep, keySep, sortKeys).write(value, 0);
        return b.toString();
    }

    private record Writer(StringBuilder b, boolean ensureAscii, String indent, String itemSep, String keySep,
            boolean sortKeys) {

        void write(Object v, int level) {
            if (v == null) {
                b.append("null");
            } else if (v instanceof Boolean bool) {
                b.append(bool ? "true" : "false");
            } else if (v instanceof Double || v instanceof Float) {
                b.append(pythonFloat(((Number) v).doubleValue()));
            } else if (v instanceof Number) {
                b.append(v);
            } else if (v instanceof Map<?, ?> map) {
                List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
                if (sortKeys) {
                    entries.sort((x, y) -> String.valueOf(x.getKey()).compareTo(String.valueOf(y.getKey())));
                }
                if (entries.isEmpty()) {
                    b.append("{}");
                    return;
                }
                b.append('{');
                for (int i = 0; i < entries.size(); i++) {
                    b.append(i == 0 ? "" : itemSep);
                    newline(level + 1);
                    Object k = entries.get(i).getKey();
                    string(k instanceof Boolean bool ? (bool ? "true" : "false") : k == null ? "null" : k.toString());
                    b.append(keySep);
                    write(entries.get(i).getValue(), level + 1);
                }
                newline(level);
                b.append('}');
            } else if (v instanceof Collection<?> || v instanceof Object[]) {
                List<?> items = v instanceof Object[] arr ? List.of(arr) : new ArrayList<>((Collection<?>) v);
                if (items.isEmpty()) {
                    b.append("[]");
                    return;
                }
                b.append('[');
                for (int i = 0; i < items.size(); i++) {
                    b.append(i == 0 ? "" : itemSep);
                    newline(level + 1);
                    write(items.get(i), level + 1);
                }
                newline(level);
                b.append(']');
            } else {
                string(v.toString());
            }
        }

        private void newline(int level) {
            if (indent != null) {
                b.append('\n').append(indent.repeat(level));
            }
        }

        private void string(String s) {
            b.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    case '\b' -> b.append("\\b");
                    case '\f' -> b.append("\\f");
                    default -> {
                        if (c < 0x20 || (ensureAscii && c > 0x7f)) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            b.append('"');
        }
    }

    /** Python's float repr: shortest round-trip digits, ".0" on integral values, e+NN exponents. */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        java.math.BigDecimal bd = new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exp = bd.precision() - bd.scale() - 1;
        if (exp >= -5 && exp < 16) {
            String plain = bd.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = bd.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d < 0 ? "-" : "") + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
}
