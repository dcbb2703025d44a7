package org.loralab.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The plugin depends on the engine through the parameter records and the five node jobs only, so
 * that node logic stays in the engine and the engine's inner packages can change under the plugin.
 */
class PluginEngineImportsTest {

    static final Set<String> JOBS = Set.of("TrainLora", "Merge", "Summarize", "Rouge", "BankReader");

    /** Every engine name the plugin writes, imported or fully qualified: package and first type (a nested type counts as its outer one). */
    private static final Pattern ENGINE_NAME = Pattern.compile("org\\.loralab\\.engine\\.([a-z][a-z0-9_]*)\\.([A-Z][A-Za-z0-9_]*|\\*)");

    @Test
    void pluginUsesOnlyParamsAndTheFiveJobs() throws IOException {
        List<String> bad = new ArrayList<>();
        int seen = 0;
        try (Stream<Path> files = Files.walk(Repo.PLUGIN_SRC)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = ENGINE_NAME.matcher(Repo.read(f));
                while (m.find()) {
                    seen++;
                    String pkg = m.group(1);
                    String type = m.group(2);
                    boolean ok = pkg.equals("params") || pkg.equals("jobs") && JOBS.contains(type);
                    if (!ok) {
                        bad.add(Repo.ROOT.relativize(f) + ": " + m.group());
                    }
                }
            }
        }
        assertTrue(seen > 0, "no engine name found in plugin/src: is the pattern still right?");
        assertTrue(bad.isEmpty(), "plugin/src uses engine types outside org.loralab.engine.params and the five jobs "
            + JOBS + " (add what it needs to a job instead): " + bad);
    }

    @Test
    void jobsPackageHoldsTheFiveJobs() throws IOException {
        Path jobs = Repo.ROOT.resolve("engine/src/main/java/org/loralab/engine/jobs");
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.list(jobs)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java") && !n.equals("package-info.java"))
                .forEach(n -> found.add(n.substring(0, n.length() - ".java".length())));
        }
        assertEquals(new TreeSet<>(JOBS), found, "org.loralab.engine.jobs is the plugin's whole view of the engine: the five jobs");
    }
}
