package org.loralab.extension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node's sources, named by convention from its factory: {@code XNodeFactory} has
 * {@code XNodeModel}, {@code XNodeDialog}, {@code XSettings} and the description {@code XNodeFactory.xml}
 * beside it. Ports, settings keys and dialog labels are read from the sources.
 */
record NodeSources(String factoryClass, Path dir, String prefix) {

    /** What a port carries. */
    enum Kind { TABLE, ADAPTER }

    record Port(Kind kind, boolean optional) {
    }

    private static final Pattern PORTS = Pattern.compile(
            "super\\(\\s*new PortType\\[(?:0\\]|\\]\\s*\\{([^}]*)\\})\\s*,\\s*new PortType\\[(?:0\\]|\\]\\s*\\{([^}]*)\\})");
    private static final Pattern SETTING = Pattern.compile("\\b(string|bool|integer|number|seed)\\(\"([^\"]+)\"");
    private static final Pattern FIELD = Pattern.compile("final (?:SettingsModel\\w+|SharedOptions\\.Prompt) (\\w+) =");
    private static final Pattern LABEL = Pattern.compile("new DialogComponent\\w+\\(\\s*[\\w.]+\\s*,\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern BASE_MODEL_LABEL = Pattern.compile("SharedOptions\\.add(?:BaseModel|Folder)\\(this, s\\.\\w+, \"([^\"]+)\"");

    static NodeSources of(String factoryClass) {
        Path source = Repo.pluginSource(factoryClass);
        String simple = factoryClass.substring(factoryClass.lastIndexOf('.') + 1);
        if (!simple.endsWith("NodeFactory")) {
            throw new AssertionError(factoryClass + ": factory names end in NodeFactory");
        }
        return new NodeSources(factoryClass, source.getParent(), simple.substring(0, simple.length() - "NodeFactory".length()));
    }

    Path factorySource() {
        return dir.resolve(prefix + "NodeFactory.java");
    }

    Path modelSource() {
        return dir.resolve(prefix + "NodeModel.java");
    }

    Path dialogSource() {
        return dir.resolve(prefix + "NodeDialog.java");
    }

    Path settingsSource() {
        return dir.resolve(prefix + "Settings.java");
    }

    Path description() {
        return dir.resolve(prefix + "NodeFactory.xml");
    }

    List<Port> inPorts() {
        return ports(1);
    }

    List<Port> outPorts() {
        return ports(2);
    }

    private List<Port> ports(int group) {
        Matcher m = PORTS.matcher(Repo.read(modelSource()));
        if (!m.find()) {
            throw new AssertionError(modelSource() + ": no super(new PortType[] {...}, new PortType[] {...}) call");
        }
        List<Port> ports = new ArrayList<>();
        String list = m.group(group);
        if (list == null || list.isBlank()) {
            return ports;
        }
        for (String token : list.split(",")) {
            ports.add(switch (token.trim()) {
                case "BufferedDataTable.TYPE" -> new Port(Kind.TABLE, false);
                case "BufferedDataTable.TYPE_OPTIONAL" -> new Port(Kind.TABLE, true);
                case "AdapterPortObject.TYPE" -> new Port(Kind.ADAPTER, false);
                case "AdapterPortObject.TYPE_OPTIONAL" -> new Port(Kind.ADAPTER, true);
                default -> throw new AssertionError(modelSource() + ": unknown port type " + token.trim());
            });
        }
        return ports;
    }

    /** Settings keys in declaration order, with the XML type KNIME saves them as. */
    Map<String, String> settings() {
        Map<String, String> keys = new LinkedHashMap<>();
        Matcher m = SETTING.matcher(Repo.read(settingsSource()));
        while (m.find()) {
            String type = switch (m.group(1)) {
                case "string" -> "xstring";
                case "bool" -> "xboolean";
                case "integer" -> "xint";
                case "number" -> "xdouble";
                case "seed" -> "xlong";
                default -> throw new IllegalStateException(m.group(1));
            };
            if (keys.put(m.group(2), type) != null) {
                throw new AssertionError(settingsSource() + ": key '" + m.group(2) + "' is declared twice");
            }
        }
        return keys;
    }

    private static final Pattern LATER_SETTING = Pattern.compile("new SettingsModel(String|Boolean)\\((\\w+),");

    /**
     * Keys added after workflows were saved without them, kept apart from the group so such
     * settings still load (e.g. {@code new SettingsModelString(ADAPTER_COLUMN, "")}): a saved
     * workflow may or may not hold them. Key constants are resolved in the same source.
     */
    Map<String, String> laterSettings() {
        String src = Repo.read(settingsSource());
        Map<String, String> keys = new LinkedHashMap<>();
        Matcher m = LATER_SETTING.matcher(src);
        while (m.find()) {
            Matcher constant = Pattern.compile("static final String " + m.group(2) + " = \"([^\"]+)\"").matcher(src);
            if (!constant.find()) {
                throw new AssertionError(settingsSource() + ": no constant " + m.group(2));
            }
            keys.put(constant.group(1), m.group(1).equals("String") ? "xstring" : "xboolean");
        }
        return keys;
    }

    /** Fields of the settings class (each one a user-visible option). */
    List<String> settingsFields() {
        List<String> fields = new ArrayList<>();
        Matcher m = FIELD.matcher(Repo.read(settingsSource()));
        while (m.find()) {
            fields.add(m.group(1));
        }
        return fields;
    }

    /** The labels the dialog shows, including the shared rows (base model and other folders, device, prompt) it adds. */
    Set<String> dialogLabels() {
        String dialog = Repo.read(dialogSource());
        Set<String> labels = new LinkedHashSet<>(labels(dialog));
        Matcher base = BASE_MODEL_LABEL.matcher(dialog);
        while (base.find()) {
            labels.add(base.group(1));
        }
        String shared = Repo.read(Repo.PLUGIN_SRC.resolve("org/loralab/knime/SharedOptions.java"));
        if (dialog.contains("SharedOptions.addDevice(")) {
            labels.addAll(labels(method(shared, "addDevice")));
        }
        if (dialog.contains(".prompt.addTo(")) {
            labels.addAll(labels(method(shared, "addTo")));
        }
        return labels;
    }

    private static List<String> labels(String source) {
        List<String> out = new ArrayList<>();
        Matcher m = LABEL.matcher(source);
        while (m.find()) {
            out.add(m.group(1).replace("\\\"", "\""));
        }
        return out;
    }

    /** The body of a method, from its name to the next method (good enough for these small classes). */
    private static String method(String source, String name) {
        int start = source.indexOf(" " + name + "(");
        if (start < 0) {
            throw new AssertionError("SharedOptions has no method " + name);
        }
        int end = source.indexOf("\n    }\n", start);
        return source.substring(start, end < 0 ? source.length() : end);
    }

    boolean exists() {
        return Files.isRegularFile(factorySource());
    }
}
