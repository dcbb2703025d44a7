package org.loralab.extension;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The repository's files as the tests read them: text and XML, never KNIME classes. */
final class Repo {

    static final Path ROOT = Path.of(System.getProperty("loralab.root", "..")).toAbsolutePath().normalize();
    static final Path PLUGIN = ROOT.resolve("plugin");
    static final Path PLUGIN_SRC = PLUGIN.resolve("src");

    private Repo() {
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Document xml(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            return f.newDocumentBuilder().parse(in);
        } catch (Exception e) {
            throw new AssertionError(ROOT.relativize(p) + " is not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** Elements with this local name anywhere below {@code parent}, in document order. */
    static List<Element> elements(Node parent, String localName) {
        NodeList nodes = parent instanceof Document d ? d.getElementsByTagNameNS("*", localName)
                : ((Element) parent).getElementsByTagNameNS("*", localName);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    /** The direct children of {@code parent} with this local name. */
    static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    /** The source file of a class in the plugin, nested classes resolved to their outer file. */
    static Path pluginSource(String className) {
        String outer = className.contains("$") ? className.substring(0, className.indexOf('$')) : className;
        return PLUGIN_SRC.resolve(outer.replace('.', '/') + ".java");
    }
}
