package org.loralab.extension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.loralab.engine.params.BankParams;
import org.loralab.engine.params.MergeParams;
import org.loralab.engine.params.ParamSchema;
import org.loralab.engine.params.RougeParams;
import org.loralab.engine.params.SummarizeParams;
import org.loralab.engine.params.TrainParams;

/**
 * One node's sources, named by convention from its factory: {@code XNodeFactory} has
 * {@code XNodeModel} and the description {@code XNodeFactory.xml} beside it; its parameters are the
 * engine record listed in {@link #SCHEMAS}. Ports are read from the model's source.
 */
record NodeSources(String factoryClass, Path dir, String prefix) {

    /** What a port carries. */
    enum Kind { TABLE, ADAPTER }

    record Port(Kind kind, boolean optional) {
    }

    private static final Pattern PORTS = Pattern.compile(
            "super\\(\\s*new PortType\\[(?:0\\]|\\]\\s*\\{([^}]*)\\})\\s*,\\s*new PortType\\[(?:0\\]|\\]\\s*\\{([^}]*)\\})");
    /** Each factory's parameter record. */
    static final Map<String, ParamSchema<?>> SCHEMAS = Map.of(
            "org.loralab.knime.train.TrainLoraNodeFactory", TrainParams.SCHEMA,
            "org.loralab.knime.bank.AdapterBankReaderNodeFactory", BankParams.SCHEMA,
            "org.loralab.knime.merge.AdaptiveMergeNodeFactory", MergeParams.SCHEMA,
            "org.loralab.knime.summarize.SummarizeNodeFactory", SummarizeParams.SCHEMA,
            "org.loralab.knime.rouge.RougeScorerNodeFactory", RougeParams.SCHEMA);

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

    /** The node's parameter schema (the engine record its factory's model and dialog are made from). */
    ParamSchema<?> schema() {
        ParamSchema<?> schema = SCHEMAS.get(factoryClass);
        if (schema == null) {
            throw new AssertionError(factoryClass + ": no parameter schema listed in NodeSources.SCHEMAS");
        }
        return schema;
    }

    /** Settings keys in dialog order, with the XML type KNIME saves them as. */
    Map<String, String> settings() {
        Map<String, String> keys = new LinkedHashMap<>();
        schema().params().forEach(p -> keys.put(p.key(), p.kind().xmlType));
        return keys;
    }

    boolean exists() {
        return Files.isRegularFile(factorySource());
    }
}
