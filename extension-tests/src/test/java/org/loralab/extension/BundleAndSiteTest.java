package org.loralab.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** MANIFEST.MF, build.properties, feature.xml and category.xml agree with each other and with the build. */
class BundleAndSiteTest {

    private static Manifest manifest() throws IOException {
        try (InputStream in = Files.newInputStream(Repo.PLUGIN.resolve("META-INF/MANIFEST.MF"))) {
            return new Manifest(in);
        }
    }

    private static String symbolicName(Manifest m) {
        return m.getMainAttributes().getValue("Bundle-SymbolicName").split(";")[0].trim();
    }

    @Test
    void manifestTargetsKnime55AndJava17() throws IOException {
        var a = manifest().getMainAttributes();
        assertEquals("org.loralab.knime", symbolicName(manifest()));
        assertTrue(a.getValue("Bundle-SymbolicName").contains("singleton:=true"), "bundles with extensions must be singletons");
        assertEquals("org.knime.core;bundle-version=\"[5.5.0,6.0.0)\"", a.getValue("Require-Bundle"));
        assertEquals("JavaSE-17", a.getValue("Bundle-RequiredExecutionEnvironment"));
        assertEquals(version(Repo.ROOT.resolve("pom.xml")), a.getValue("Bundle-Version").replace(".qualifier", "-SNAPSHOT"),
                "Tycho needs the bundle version to match the POM's");
    }

    /** The bundle embeds the engine and exactly its runtime jars, by the names the knime profile gives them. */
    @Test
    void bundleClassPathListsTheEngineAndEveryRuntimeJar() throws IOException {
        List<String> classPath = Arrays.stream(manifest().getMainAttributes().getValue("Bundle-ClassPath").split(","))
                .map(String::trim).toList();
        assertEquals(".", classPath.get(0), "the bundle's own classes come first");
        Set<String> expected = new TreeSet<>(List.of(".", "lib/loralab.jar"));
        Set<String> provided = providedByKnime();
        for (String line : Files.readAllLines(Path.of(System.getProperty("loralab.engineRuntime")))) {
            Matcher m = Pattern.compile("^\\s*([\\w.\\-]+):([\\w.\\-]+):jar(?::([\\w.\\-]+))?:[\\w.\\-]+:(compile|runtime)").matcher(line);
            if (!m.find() || m.group(2).equals("loralab-engine") || provided.contains(m.group(2))) {
                continue;
            }
            // copy-dependencies with prependGroupId and stripVersion: group.artifact[-classifier].jar
            expected.add("lib/" + m.group(1) + "." + m.group(2) + (m.group(3) == null ? "" : "-" + m.group(3)) + ".jar");
        }
        assertTrue(expected.size() > 30, "the engine's dependency list was not read: " + expected);
        assertEquals(expected, new TreeSet<>(classPath), "Bundle-ClassPath must list exactly the jars the knime profile copies");
        assertTrue(expected.contains("lib/ai.djl.pytorch.pytorch-native-cpu-linux-x86_64.jar"), "PyTorch's natives ship in the bundle");
    }

    /** The artifacts the engine's knime profile leaves out because KNIME provides them. */
    private static Set<String> providedByKnime() throws IOException {
        Matcher m = Pattern.compile("<excludeArtifactIds>([^<]+)</excludeArtifactIds>").matcher(Repo.read(Repo.ROOT.resolve("engine/pom.xml")));
        assertTrue(m.find(), "engine/pom.xml's knime profile names what KNIME provides");
        Set<String> ids = new TreeSet<>(Arrays.asList(m.group(1).split(",")));
        String imports = manifest().getMainAttributes().getValue("Import-Package");
        if (ids.contains("slf4j-api")) {
            assertTrue(imports != null && imports.contains("org.slf4j"), "SLF4J is left out of the bundle, so it must be imported");
        }
        return ids;
    }

    @Test
    void buildPropertiesPackEverythingTheBundleNeeds() {
        String props = Repo.read(Repo.PLUGIN.resolve("build.properties"));
        for (String entry : List.of("META-INF/", "plugin.xml", "icons/", "lib/", ".")) {
            assertTrue(props.contains(entry), "build.properties bin.includes lacks " + entry);
        }
        String ignored = Repo.read(Repo.PLUGIN.resolve(".gitignore"));
        assertTrue(ignored.contains("lib/") && ignored.contains("icons/"), "generated lib/ and icons/ stay out of git");
    }

    @Test
    void featureAndUpdateSiteNameTheBundle() throws IOException {
        Document feature = Repo.xml(Repo.ROOT.resolve("feature/feature.xml"));
        Element root = feature.getDocumentElement();
        List<Element> plugins = Repo.children(root, "plugin");
        assertEquals(1, plugins.size());
        assertEquals(symbolicName(manifest()), plugins.get(0).getAttribute("id"));
        assertEquals(manifest().getMainAttributes().getValue("Bundle-Version"), root.getAttribute("version"));
        assertEquals(root.getAttribute("id"), artifactId(Repo.ROOT.resolve("feature/pom.xml")), "Tycho: feature id = artifactId");
        assertEquals(symbolicName(manifest()), artifactId(Repo.PLUGIN.resolve("pom.xml")), "Tycho: bundle name = artifactId");
        List<String> imports = new ArrayList<>();
        Repo.elements(feature, "import").forEach(e -> imports.add(e.getAttribute("plugin")));
        assertTrue(imports.contains("org.knime.core"), "the feature requires KNIME core");

        Document site = Repo.xml(Repo.ROOT.resolve("update-site/category.xml"));
        List<Element> features = Repo.elements(site, "feature");
        assertEquals(1, features.size());
        assertEquals(root.getAttribute("id"), features.get(0).getAttribute("id"));
        String category = Repo.children(features.get(0), "category").get(0).getAttribute("name");
        assertTrue(Repo.elements(site, "category-def").stream().anyMatch(c -> c.getAttribute("name").equals(category)),
                "category.xml defines the category its feature is filed under");
    }

    @Test
    void theDefaultBuildNeverLoadsTycho() {
        String pom = Repo.read(Repo.ROOT.resolve("pom.xml"));
        int profiles = pom.indexOf("<profiles>");
        assertTrue(profiles > 0);
        String outside = pom.substring(0, profiles);
        assertTrue(!outside.contains("tycho") && !outside.contains("<module>plugin</module>"), "Tycho and the bundle belong to the knime profile only");
        assertTrue(!Files.exists(Repo.ROOT.resolve(".mvn/extensions.xml")) || !Repo.read(Repo.ROOT.resolve(".mvn/extensions.xml")).contains("tycho"));
        String knime = pom.substring(profiles);
        for (String module : List.of("plugin", "feature", "update-site")) {
            assertTrue(knime.contains("<module>" + module + "</module>"), "the knime profile builds " + module);
        }
    }

    private static String version(Path pom) {
        return firstTag(pom, "version");
    }

    private static String artifactId(Path pom) {
        String text = Repo.read(pom);
        int afterParent = text.indexOf("</parent>");
        Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(text.substring(Math.max(0, afterParent)));
        assertTrue(m.find(), pom.toString());
        return m.group(1);
    }

    private static String firstTag(Path pom, String tag) {
        Matcher m = Pattern.compile("<" + tag + ">([^<]+)</" + tag + ">").matcher(Repo.read(pom));
        assertTrue(m.find(), pom + " has no " + tag);
        return m.group(1);
    }
}
