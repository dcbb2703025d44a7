package org.loralab.engine.tokenizer;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code str()} of the values a chat template sees: jinja2's {@code |string} of a list of tool
 * schemas prints {@code [{'type': 'function', ...}]} (Mistral v0.3 puts that in the prompt), where Java's
 * toString would print {@code [{type=function, ...}]}.
 */
final class PythonRepr {

    private PythonRepr() {}

    /** {@code str(value)}: strings as they are, everything else as its repr. */
    static String str(Object value) {
        return value instanceof CharSequence s ? s.toString() : repr(value);
    }

    static String repr(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("None");
        } else if (v instanceof Boolean bool) {
            b.append(bool ? "True" : "False");
        } else if (v instanceof Double || v instanceof Float) {
            b.append(PythonJson.pythonFloat(((Number) v).doubleValue()).replace("Infinity", "inf").replace("NaN", "nan"));
        } else if (v instanceof Number) {
            b.append(v);
        } else if (v instanceof CharSequence s) {
            string(b, s.toString());
        } else if (v instanceof Map<?, ?> map) {
            b.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                write(b, e.getKey());
                b.append(": ");
                write(b, e.getValue());
                if (it.hasNext()) {
                    b.append(", ");
                }
            }
            b.append('}');
        } else if (v instanceof Collection<?> c) {
            b.append('[');
            Iterator<?> it = c.iterator();
            while (it.hasNext()) {
                write(b, it.next());
                if (it.hasNext()) {
                    b.append(", ");
                }
            }
            b.append(']');
        } else {
            b.append(v);
        }
    }

    /** repr(str): single quotes unless the text has a single quote and no double quote; non-printables escaped. */
    private static void string(StringBuilder b, String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        b.append(quote);
        s.codePoints().forEach(cp -> {
            if (cp == quote || cp == '\\') {
                b.append('\\').appendCodePoint(cp);
            } else if (cp == '\t') {
                b.append("\\t");
            } else if (cp == '\n') {
                b.append("\\n");
            } else if (cp == '\r') {
                b.append("\\r");
            } else if (printable(cp)) {
                b.appendCodePoint(cp);
            } else if (cp < 0x100) {
                b.append(String.format("\\x%02x", cp));
            } else if (cp < 0x10000) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.append(String.format("\\U%08x", cp));
            }
        });
        b.append(quote);
    }

    /** Python's str.isprintable for one code point: not a control, format, surrogate, private, unassigned or separator (but space). */
    private static boolean printable(int cp) {
        if (cp == ' ') {
            return true;
        }
        int t = Character.getType(cp);
        return t != Character.CONTROL && t != Character.FORMAT && t != Character.SURROGATE && t != Character.PRIVATE_USE
                && t != Character.UNASSIGNED && t != Character.SPACE_SEPARATOR && t != Character.LINE_SEPARATOR
                && t != Character.PARAGRAPH_SEPARATOR;
    }
}
