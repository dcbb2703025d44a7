package org.loralab.extension;

import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** What plugin.xml declares: the category, the nodes (by factory) and the port type. */
final class Plugin {

    static final Document XML = Repo.xml(Repo.PLUGIN.resolve("plugin.xml"));

    private Plugin() {
    }

    static List<Element> extensions(String point) {
        return Repo.elements(XML, "extension").stream().filter(e -> point.equals(e.getAttribute("point"))).toList();
    }

    /** The elements named {@code name} inside every extension of {@code point}. */
    static List<Element> elements(String point, String name) {
        return extensions(point).stream().flatMap(e -> Repo.children(e, name).stream()).toList();
    }

    static List<Element> nodes() {
        return elements("org.knime.workbench.repository.nodes", "node");
    }

    static List<String> factories() {
        return nodes().stream().map(n -> n.getAttribute("factory-class")).toList();
    }

    static List<NodeSources> nodeSources() {
        return factories().stream().map(NodeSources::of).toList();
    }
}
