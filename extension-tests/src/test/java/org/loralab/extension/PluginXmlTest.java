package org.loralab.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** plugin.xml names only classes and files that exist, and puts every node in our category. */
class PluginXmlTest {

    @Test
    void registersTheFiveNodesOnceEachWithExistingFactories() {
        List<String> factories = Plugin.factories();
        assertEquals(List.of("org.loralab.knime.train.TrainLoraNodeFactory", "org.loralab.knime.bank.AdapterBankReaderNodeFactory",
                "org.loralab.knime.merge.AdaptiveMergeNodeFactory", "org.loralab.knime.summarize.SummarizeNodeFactory",
                "org.loralab.knime.rouge.RougeScorerNodeFactory"), factories);
        for (NodeSources node : Plugin.nodeSources()) {
            assertTrue(node.exists(), node.factoryClass() + " is registered but " + node.factorySource() + " does not exist");
            String source = Repo.read(node.factorySource());
            String simple = node.prefix() + "NodeFactory";
            assertTrue(source.contains("public final class " + simple + " extends LoraLabNodeFactory<" + node.prefix() + "NodeModel>"),
                    simple + " must be a public LoraLabNodeFactory of its model");
            assertTrue(source.contains("public " + simple + "()"), simple + " needs the public no-argument constructor KNIME calls");
            assertTrue(source.contains(node.prefix() + "NodeModel::new")
                    && (source.contains(node.prefix() + "NodeDialog::new") || source.contains("new ParamsDialog<>(")),
                    simple + " creates its own model and a dialog (its own, or the one made from its parameter schema)");
            assertTrue(Files.isRegularFile(node.modelSource()), "missing " + node.modelSource());
        }
    }

    @Test
    void everyNodeSitsInTheDeclaredCategoryInAChainedOrder() {
        List<Element> categories = Plugin.elements("org.knime.workbench.repository.categories", "category");
        assertEquals(1, categories.size());
        Element category = categories.get(0);
        String path = category.getAttribute("path") + "/" + category.getAttribute("level-id");
        assertEquals("/community/loralab", path);
        assertTrue(Files.isRegularFile(Repo.ROOT.resolve(category.getAttribute("icon"))), "category icon " + category.getAttribute("icon")
                + " must be one of the repository's icons (the bundle gets a copy of icons/)");
        Set<String> seen = new HashSet<>();
        for (Element node : Plugin.nodes()) {
            assertEquals(path, node.getAttribute("category-path"), node.getAttribute("factory-class"));
            String after = node.getAttribute("after");
            assertTrue(after.isEmpty() || seen.contains(after), node.getAttribute("factory-class") + " is sorted after an unknown node " + after);
            seen.add(node.getAttribute("factory-class"));
        }
    }

    @Test
    void portTypeClassesAndSerializersExist() {
        List<Element> portTypes = Plugin.elements("org.knime.core.PortType", "portType");
        assertEquals(1, portTypes.size());
        Element pt = portTypes.get(0);
        assertFalse(pt.getAttribute("name").isBlank());
        assertTrue(pt.getAttribute("color").matches("#[0-9a-fA-F]{6}"), "port colour " + pt.getAttribute("color"));
        for (String attribute : List.of("objectClass", "objectSerializer", "specClass", "specSerializer")) {
            String cls = pt.getAttribute(attribute);
            var file = Repo.pluginSource(cls);
            assertTrue(Files.isRegularFile(file), attribute + " " + cls + ": no source " + file);
            String source = Repo.read(file);
            if (cls.contains("$")) {
                String nested = cls.substring(cls.indexOf('$') + 1);
                assertTrue(source.contains("public static final class " + nested + " extends "),
                        cls + ": the serializer must be a public static nested class KNIME can instantiate");
            } else {
                String simple = cls.substring(cls.lastIndexOf('.') + 1);
                assertTrue(source.contains("public final class " + simple + " extends AbstractSimple")
                        || source.contains("public final class " + simple + " extends FileStorePortObject"), cls);
                if (source.contains(" extends AbstractSimple")) { // KNIME's simple serializers instantiate it
                    assertTrue(source.contains("public " + simple + "() {"), cls + " needs a public no-argument constructor for its serializer");
                }
            }
        }
        String object = Repo.read(Repo.pluginSource(pt.getAttribute("objectClass")));
        assertTrue(object.contains("public AdapterPortObjectSpec getSpec()"), "the port object returns its declared spec class");
    }
}
