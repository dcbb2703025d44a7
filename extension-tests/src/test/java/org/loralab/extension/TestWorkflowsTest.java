package org.loralab.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.loralab.engine.bank.BankTable;
import org.loralab.engine.summarize.SummarizeTable;
import org.loralab.engine.table.Tables;
import org.w3c.dom.Element;

/**
 * The test workflows reference only existing node factories, set exactly the keys each node
 * reads, connect ports of matching kinds (every required input once), and name columns that the
 * upstream tables have, and carry the metadata KNIME's schema requires. The workflows equal what
 * {@link TestWorkflow} writes.
 */
class TestWorkflowsTest {

    private static final Path WORKFLOWS = Repo.ROOT.resolve("test-workflows");

    /** KNIME nodes the workflows may use besides ours, with their ports (checked against knime-base 5.5). */
    private static final Map<String, List<NodeSources.Port>> KNIME_NODES = Map.of(
            TestWorkflow.TABLE_CREATOR, List.of(new NodeSources.Port(NodeSources.Kind.TABLE, false)));

    /** Which settings name a column of which input port (1-based, as in workflow.knime). */
    private static final Map<String, Map<String, Integer>> COLUMN_SETTINGS = Map.of(
            "org.loralab.knime.train.TrainLoraNodeFactory", Map.of("document_column", 1, "summary_column", 1),
            "org.loralab.knime.merge.AdaptiveMergeNodeFactory", Map.of("path_column", 1, "document_column", 2, "summary_column", 2),
            "org.loralab.knime.summarize.SummarizeNodeFactory", Map.of("document_column", 2, "adapter_column", 2),
            "org.loralab.knime.rouge.RougeScorerNodeFactory", Map.of("prediction_column", 1, "reference_column", 1));

    /** With -Dloralab.writeWorkflows=true, rewrites the workflows before anything is checked. */
    @BeforeAll
    static void writeWhenAsked() throws IOException {
        if (Boolean.getBoolean("loralab.writeWorkflows")) {
            for (TestWorkflow w : TestWorkflow.all()) {
                w.write(WORKFLOWS.resolve(w.name));
            }
        }
    }

    @Test
    void theWorkflowsAreUpToDate() throws IOException {
        for (TestWorkflow w : TestWorkflow.all()) {
            Path dir = WORKFLOWS.resolve(w.name);
            for (Map.Entry<String, String> f : w.files().entrySet()) {
                Path p = dir.resolve(f.getKey());
                assertTrue(Files.isRegularFile(p), p + " is missing: run mvn test -pl extension-tests -Dloralab.writeWorkflows=true");
                assertEquals(f.getValue(), Files.readString(p), p + " differs from TestWorkflow: rewrite it with -Dloralab.writeWorkflows=true");
            }
        }
    }

    /**
     * KNIME refuses to load a workflow whose workflow-metadata.xml breaks its metadata schema (the
     * BatchExecutor exits 3 before any node runs). The rule, as that schema states it: the root
     * element in KNIME's metadata namespace has a content-type of text/plain or text/html, and its
     * children come in this order: author and created (each optional), last-modified (required, a
     * date-time), description (required), tags and links (each optional); nothing else.
     */
    @Test
    void everyWorkflowHasTheMetadataKnimeRequires() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(WORKFLOWS)) {
            files = s.filter(p -> p.getFileName().toString().equals("workflow.knime")).map(p -> p.resolveSibling("workflow-metadata.xml")).toList();
        }
        for (Path f : files) {
            assertTrue(Files.isRegularFile(f), f + " is missing");
            MetadataRule.check(f, Repo.xml(f).getDocumentElement());
        }
    }

    @Test
    void everyWorkflowIsWellFormedAndConnectedByTheRules() throws IOException {
        List<Path> workflows;
        try (Stream<Path> s = Files.walk(WORKFLOWS)) {
            workflows = s.filter(p -> p.getFileName().toString().equals("workflow.knime")).sorted().toList();
        }
        assertFalse(workflows.isEmpty(), "no test workflows under " + WORKFLOWS);
        for (Path wf : workflows) {
            check(wf);
        }
    }

    private record Node(int id, String factory, Element model, List<NodeSources.Port> in, List<NodeSources.Port> out) {
    }

    private static void check(Path workflowFile) {
        Path dir = workflowFile.getParent();
        Element root = Repo.xml(workflowFile).getDocumentElement();
        Map<Integer, Node> nodes = new TreeMap<>();
        Set<String> ourFactories = Set.copyOf(Plugin.factories());
        for (Element n : children(config(root, "nodes"))) {
            int id = Integer.parseInt(entry(n, "id"));
            assertEquals("NativeNode", entry(n, "node_type"), workflowFile + ": node " + id + " (metanodes and components are not checked)");
            Path settingsFile = dir.resolve(entry(n, "node_settings_file"));
            assertTrue(Files.isRegularFile(settingsFile), workflowFile + ": node " + id + " has no " + settingsFile);
            Element settings = Repo.xml(settingsFile).getDocumentElement();
            String factory = entry(settings, "factory");
            Element model = config(settings, "model");
            Node node;
            if (ourFactories.contains(factory)) {
                NodeSources src = NodeSources.of(factory);
                node = new Node(id, factory, model, src.inPorts(), src.outPorts());
                assertModelMatchesTheNodesSettings(settingsFile, src, model);
                assertEquals(nodeName(src), entry(settings, "node-name"), settingsFile + ": node name");
            } else {
                assertTrue(KNIME_NODES.containsKey(factory), settingsFile + ": factory " + factory + " is neither ours nor a known KNIME node");
                node = new Node(id, factory, model, List.of(), KNIME_NODES.get(factory));
            }
            assertTrue(nodes.put(id, node) == null, workflowFile + ": node id " + id + " twice");
        }

        Map<String, Integer> incoming = new HashMap<>();
        Map<Integer, Map<Integer, Integer>> sources = new HashMap<>(); // dest -> (dest port -> source node)
        for (Element c : children(config(root, "connections"))) {
            int from = Integer.parseInt(entry(c, "sourceID"));
            int to = Integer.parseInt(entry(c, "destID"));
            int fromPort = Integer.parseInt(entry(c, "sourcePort"));
            int toPort = Integer.parseInt(entry(c, "destPort"));
            String what = workflowFile.getFileName() + " connection " + from + ":" + fromPort + " -> " + to + ":" + toPort;
            Node source = nodes.get(from);
            Node dest = nodes.get(to);
            assertNotNull(source, what + ": no source node");
            assertNotNull(dest, what + ": no destination node");
            if (fromPort == 0 || toPort == 0) {
                assertEquals(fromPort, toPort, what + ": flow-variable ports connect only to each other");
            } else {
                assertTrue(fromPort <= source.out().size(), what + ": the source has " + source.out().size() + " output ports");
                assertTrue(toPort <= dest.in().size(), what + ": the destination has " + dest.in().size() + " input ports");
                assertEquals(source.out().get(fromPort - 1).kind(), dest.in().get(toPort - 1).kind(), what + ": port kinds differ");
            }
            assertTrue(incoming.merge(to + ":" + toPort, 1, Integer::sum) == 1, what + ": an input port takes one connection");
            sources.computeIfAbsent(to, k -> new HashMap<>()).put(toPort, from);
        }
        for (Node n : nodes.values()) {
            for (int p = 0; p < n.in().size(); p++) {
                if (!n.in().get(p).optional()) {
                    assertTrue(incoming.containsKey(n.id() + ":" + (p + 1)), workflowFile + ": node " + n.id() + " input " + (p + 1) + " is required");
                }
            }
        }
        assertColumnsExistUpstream(workflowFile, nodes, sources);
    }

    /**
     * The saved settings are the node's keys with their types (a key added later may be absent), and
     * they load through the node's parameter record with the same values.
     */
    private static void assertModelMatchesTheNodesSettings(Path file, NodeSources src, Element model) {
        Map<String, String> saved = new LinkedHashMap<>();
        for (Element e : Repo.children(model, "entry")) {
            saved.put(e.getAttribute("key"), e.getAttribute("type"));
        }
        Map<String, String> expected = new LinkedHashMap<>(src.settings());
        src.schema().params().stream().filter(p -> p.addedLater() && !saved.containsKey(p.key())).forEach(p -> expected.remove(p.key()));
        assertEquals(expected, saved, file + ": the model settings must be exactly the node's keys and types");
        SavedSettings.assertLoadsWithTheSameValues(file, src.schema(), model);
    }

    private static String nodeName(NodeSources src) {
        return Repo.elements(Repo.xml(src.description()), "name").get(0).getTextContent().trim();
    }

    /** Column settings must name columns of the table arriving on their port, where that table's columns are known. */
    private static void assertColumnsExistUpstream(Path wf, Map<Integer, Node> nodes, Map<Integer, Map<Integer, Integer>> sources) {
        for (Node n : nodes.values()) {
            Map<String, Integer> columnSettings = COLUMN_SETTINGS.getOrDefault(n.factory(), Map.of());
            for (Map.Entry<String, Integer> cs : columnSettings.entrySet()) {
                Integer from = sources.getOrDefault(n.id(), Map.of()).get(cs.getValue());
                if (from == null) {
                    continue;
                }
                List<String> columns = columns(nodes, sources, from);
                boolean saved = Repo.children(n.model(), "entry").stream().anyMatch(e -> cs.getKey().equals(e.getAttribute("key")));
                if (!saved || entry(n.model(), cs.getKey()).isEmpty()) {
                    continue; // an optional column setting (a later key, or empty for none)
                }
                String column = entry(n.model(), cs.getKey());
                if (columns != null) {
                    assertTrue(columns.contains(column), wf.getFileName() + ": node " + n.id() + " " + cs.getKey() + " '" + column
                            + "' is not among node " + from + "'s columns " + columns);
                }
            }
        }
    }

    /** The columns of a node's first table output, where they can be known without running it; null otherwise. */
    private static List<String> columns(Map<Integer, Node> nodes, Map<Integer, Map<Integer, Integer>> sources, int id) {
        Node n = nodes.get(id);
        switch (n.factory()) {
            case TestWorkflow.TABLE_CREATOR: {
                List<String> names = new ArrayList<>();
                for (Element p : children(config(n.model(), "columnProperties"))) {
                    names.add(entry(p, "ColumnName"));
                }
                return names;
            }
            case "org.loralab.knime.bank.AdapterBankReaderNodeFactory": {
                try (BufferAllocator a = Tables.newAllocator("columns"); VectorSchemaRoot t = BankTable.of(List.of(), a)) {
                    return t.getSchema().getFields().stream().map(f -> f.getName()).toList();
                }
            }
            case "org.loralab.knime.summarize.SummarizeNodeFactory": {
                Integer docs = sources.getOrDefault(id, Map.of()).get(2);
                List<String> upstream = docs == null ? null : columns(nodes, sources, docs);
                if (upstream == null) {
                    return null;
                }
                List<String> names = new ArrayList<>(upstream);
                try (BufferAllocator a = Tables.newAllocator("columns");
                        VectorSchemaRoot t = SummarizeTable.resultColumns(List.of(), a)) {
                    t.getSchema().getFields().forEach(f -> names.add(f.getName()));
                }
                return names;
            }
            default:
                return null;
        }
    }

    // ---- KNIME config XML ----

    private static List<Element> children(Element config) {
        return Repo.children(config, "config");
    }

    private static Element config(Element parent, String key) {
        return Repo.children(parent, "config").stream().filter(c -> key.equals(c.getAttribute("key"))).findFirst()
                .orElseThrow(() -> new AssertionError("no config '" + key + "' in " + parent.getAttribute("key")));
    }

    private static String entry(Element parent, String key) {
        return Repo.children(parent, "entry").stream().filter(c -> key.equals(c.getAttribute("key"))).findFirst()
                .map(e -> e.getAttribute("value")).orElseThrow(() -> new AssertionError("no entry '" + key + "' in " + parent.getAttribute("key")));
    }
}
