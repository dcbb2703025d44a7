package org.loralab.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.loralab.engine.params.NodeDescriptionXml;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Every node has a description naming its ports and every option its dialog shows, and an icon. */
class NodeDescriptionTest {

    private static final String NAMESPACE = "http://knime.org/node/v4.1";

    @Test
    void everyNodeHasACompleteDescription() {
        Set<String> names = new TreeSet<>();
        for (NodeSources node : Plugin.nodeSources()) {
            Path file = node.description();
            assertTrue(Files.isRegularFile(file), node.factoryClass() + ": no description " + file);
            if (Boolean.getBoolean("loralab.writeDescriptions")) {
                rewrite(node);
            }
            Document doc = Repo.xml(file);
            Element root = doc.getDocumentElement();
            assertEquals("knimeNode", root.getLocalName(), file.toString());
            assertEquals(NAMESPACE, root.getNamespaceURI(), file + ": use the KNIME 5.5 schema v4.1");
            String name = text(root, "name");
            assertFalse(name.isBlank(), file + ": empty name");
            assertTrue(names.add(name), "two nodes are called " + name);
            assertFalse(text(root, "shortDescription").isBlank(), file + ": empty short description");
            assertFalse(text(root, "intro").isBlank(), file + ": empty intro");
            assertIconResolves(node, root.getAttribute("icon"));
            assertPortsDescribed(node, doc);
            assertOptionsMatchTheSchema(node, Repo.xml(node.description()));
        }
        assertEquals(5, names.size());
    }

    /** KNIME resolves a relative icon path against the factory's package, folding "dir/../". */
    private static void assertIconResolves(NodeSources node, String icon) {
        assertFalse(icon.isBlank(), node.description() + ": no icon");
        String path = node.factoryClass().substring(0, node.factoryClass().lastIndexOf('.')).replace('.', '/') + "/" + icon;
        String folded;
        while (!(folded = path.replaceFirst("[^./]+/\\.\\./", "")).equals(path)) {
            path = folded;
        }
        assertTrue(path.startsWith("icons/"), node.description() + ": icon " + icon + " resolves to " + path + ", outside icons/");
        assertTrue(Files.isRegularFile(Repo.ROOT.resolve(path)), node.description() + ": icon " + path + " does not exist");
    }

    private static void assertPortsDescribed(NodeSources node, Document doc) {
        List<Element> in = Repo.elements(doc, "inPort");
        List<Element> out = Repo.elements(doc, "outPort");
        assertEquals(node.inPorts().size(), in.size(), node.description() + ": input ports described vs. in the model");
        assertEquals(node.outPorts().size(), out.size(), node.description() + ": output ports described vs. in the model");
        for (List<Element> ports : List.of(in, out)) {
            for (int i = 0; i < ports.size(); i++) {
                assertEquals(String.valueOf(i), ports.get(i).getAttribute("index"), node.description() + ": port indices run 0, 1, ...");
                assertFalse(ports.get(i).getTextContent().isBlank(), node.description() + ": port " + i + " has no description");
            }
        }
    }

    /** The options are made from the node's parameter schema (labels and help texts); -Dloralab.writeDescriptions=true rewrites them. */
    private static void assertOptionsMatchTheSchema(NodeSources node, Document doc) {
        Set<String> described = new LinkedHashSet<>();
        for (Element option : Repo.elements(doc, "option")) {
            assertTrue(described.add(option.getAttribute("name")), node.description() + ": option described twice: " + option.getAttribute("name"));
            assertFalse(option.getTextContent().isBlank(), node.description() + ": option " + option.getAttribute("name") + " has no text");
        }
        assertEquals(node.schema().params().stream().map(p -> p.label()).toList(), List.copyOf(described),
                node.description() + ": one option per parameter, in dialog order");
        String committed = Repo.read(node.description());
        String generated = NodeDescriptionXml.withOptions(committed, node.schema());
        assertEquals(generated, committed, node.description() + " differs from its schema: rewrite it with -Dloralab.writeDescriptions=true");
    }

    private static void rewrite(NodeSources node) {
        try {
            Files.writeString(node.description(), NodeDescriptionXml.withOptions(Repo.read(node.description()), node.schema()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String text(Element root, String tag) {
        List<Element> e = Repo.elements(root, tag);
        return e.isEmpty() ? "" : e.get(0).getTextContent().trim();
    }
}
