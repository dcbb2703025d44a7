package org.loralab.extension;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes KNIME's settings XML (the XMLConfig format of workflow.knime and settings.xml): nested
 * {@code config} elements holding typed {@code entry} elements, values escaped as KNIME does.
 */
final class ConfigXml {

    private final String key;
    private final List<Object> items = new ArrayList<>(); // String[] {key, type, value} entries or ConfigXml children

    ConfigXml(String key) {
        this.key = key;
    }

    ConfigXml string(String k, String value) {
        return typed(k, "xstring", value);
    }

    ConfigXml bool(String k, boolean value) {
        return typed(k, "xboolean", Boolean.toString(value));
    }

    ConfigXml integer(String k, int value) {
        return typed(k, "xint", Integer.toString(value));
    }

    /** An entry of the given XML type from its text form (as the node tables below list them). */
    ConfigXml typed(String k, String type, String value) {
        items.add(new String[] {k, type, value});
        return this;
    }

    /** Adds a config built elsewhere (a node's "model" settings). */
    ConfigXml add(ConfigXml child) {
        items.add(child);
        return this;
    }

    ConfigXml config(String k) {
        ConfigXml child = new ConfigXml(k);
        items.add(child);
        return child;
    }

    String document() {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<config xmlns=\"http://www.knime.org/2008/09/XMLConfig\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                + "xsi:schemaLocation=\"http://www.knime.org/2008/09/XMLConfig http://www.knime.org/XMLConfig_2008_09.xsd\" key=\"")
                .append(attr(key)).append("\">\n");
        body(sb, 1);
        return sb.append("</config>\n").toString();
    }

    private void body(StringBuilder sb, int depth) {
        String indent = "    ".repeat(depth);
        for (Object item : items) {
            if (item instanceof ConfigXml c) {
                if (c.items.isEmpty()) {
                    sb.append(indent).append("<config key=\"").append(attr(c.key)).append("\"/>\n");
                } else {
                    sb.append(indent).append("<config key=\"").append(attr(c.key)).append("\">\n");
                    c.body(sb, depth + 1);
                    sb.append(indent).append("</config>\n");
                }
            } else {
                String[] e = (String[]) item;
                sb.append(indent).append("<entry key=\"").append(attr(e[0])).append("\" type=\"").append(e[1]).append('"');
                if (e[2] == null) {
                    sb.append(" isnull=\"true\" value=\"\"/>\n");
                } else {
                    sb.append(" value=\"").append(attr(knimeEscape(e[2]))).append("\"/>\n");
                }
            }
        }
    }

    /** KNIME's own escaping of characters XML cannot hold: %%ddddd with the decimal code. */
    static String knimeEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 32 || c > 0xd7ff || (c == '%' && i + 1 < s.length() && s.charAt(i + 1) == '%')) {
                sb.append("%%").append(String.format("%05d", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String attr(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
