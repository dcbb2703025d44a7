package org.loralab.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** What KNIME's metadata schema (metadata-1.0) asks of a workflow-metadata.xml, written as a rule. */
final class MetadataRule {

    static final String NAMESPACE = "http://www.knime.org/core/node/workflow/metadata/v1.0";

    /** The children in the order the schema allows them, and whether each is required. */
    private record Slot(String name, boolean required) {
    }

    private static final List<Slot> ORDER = List.of(new Slot("author", false), new Slot("created", false),
            new Slot("last-modified", true), new Slot("description", true), new Slot("tags", false), new Slot("links", false));

    private MetadataRule() {
    }

    static void check(Path file, Element root) {
        assertEquals("workflow-metadata", root.getLocalName(), file + ": root element");
        assertEquals(NAMESPACE, root.getNamespaceURI(), file + ": namespace");
        String type = root.getAttribute("content-type");
        assertTrue(type.equals("text/plain") || type.equals("text/html"), file + ": content-type must be text/plain or text/html, is '" + type + "'");
        List<Element> children = new ArrayList<>();
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                assertEquals(NAMESPACE, e.getNamespaceURI(), file + ": element " + e.getTagName() + " is outside KNIME's namespace");
                children.add(e);
            }
        }
        int slot = 0;
        for (Element e : children) {
            while (slot < ORDER.size() && !ORDER.get(slot).name().equals(e.getLocalName())) {
                assertTrue(!ORDER.get(slot).required(), file + ": <" + ORDER.get(slot).name() + "> is required before <" + e.getLocalName() + ">");
                slot++;
            }
            if (slot == ORDER.size()) {
                fail(file + ": <" + e.getLocalName() + "> is unknown or out of order (order: " + ORDER.stream().map(Slot::name).toList() + ")");
            }
            if (e.getLocalName().equals("created") || e.getLocalName().equals("last-modified")) {
                try {
                    OffsetDateTime.parse(e.getTextContent().trim());
                } catch (DateTimeParseException x) {
                    fail(file + ": <" + e.getLocalName() + "> must be a date-time with offset, is '" + e.getTextContent() + "'");
                }
            }
            slot++;
        }
        for (; slot < ORDER.size(); slot++) {
            assertTrue(!ORDER.get(slot).required(), file + ": <" + ORDER.get(slot).name() + "> is required");
        }
    }
}
