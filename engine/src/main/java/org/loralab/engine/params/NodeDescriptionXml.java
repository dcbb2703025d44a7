package org.loralab.engine.params;

/**
 * The {@code <option>} part of a KNIME node description (XxxNodeFactory.xml), made from the node's
 * schema: one {@code <tab>} per dialog tab, one {@code <option>} per parameter, named by its label
 * and described by its help text. The rest of the description (name, intro, ports) is written by hand.
 */
public final class NodeDescriptionXml {

    private static final String START = "</intro>";
    private static final String END = "</fullDescription>";

    private NodeDescriptionXml() {
    }

    /** The description with everything between {@code </intro>} and {@code </fullDescription>} made from the schema. */
    public static String withOptions(String description, ParamSchema<?> schema) {
        int start = description.indexOf(START);
        int end = description.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("a node description needs <intro>...</intro> inside <fullDescription>");
        }
        return description.substring(0, start + START.length()) + "\n" + options(schema) + "    " + description.substring(end);
    }

    /** The tabs and options, indented as inside {@code <fullDescription>}. */
    public static String options(ParamSchema<?> schema) {
        StringBuilder sb = new StringBuilder();
        String tab = null;
        for (ParamSpec p : schema.params()) {
            if (!p.tab().equals(tab)) {
                if (tab != null && !tab.isEmpty()) {
                    sb.append("        </tab>\n");
                }
                if (!p.tab().isEmpty()) {
                    sb.append("        <tab name=\"").append(attribute(p.tab())).append("\">\n");
                }
                tab = p.tab();
            }
            sb.append(tab.isEmpty() ? "        " : "            ").append("<option name=\"").append(attribute(p.label())).append("\">")
                    .append(text(p.help())).append("</option>\n");
        }
        if (tab != null && !tab.isEmpty()) {
            sb.append("        </tab>\n");
        }
        return sb.toString();
    }

    private static String attribute(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
    }

    /** Help text as element content: its markup ({@code <tt>}, {@code <i>}, {@code <b>}) stays, a bare {@code &} is escaped. */
    private static String text(String s) {
        return s.replaceAll("&(?!(amp|lt|gt|quot|apos);)", "&amp;");
    }
}
