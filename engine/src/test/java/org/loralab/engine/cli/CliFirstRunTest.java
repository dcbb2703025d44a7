package org.loralab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** What a new user meets first on the command line (issue 26): the demo model, messages that say what to do, --help. */
class CliFirstRunTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return InProcessCli.run(err, args);
    }

    /** -m demo, as in the KNIME dialogs: the shipped model, in every command that takes -m. */
    @Test
    void demoIsAModel() throws Exception {
        Files.createDirectories(dir.resolve("bank"));
        assertEquals(0, run("bank", dir.resolve("bank").toString(), "-m", "demo", "--out", dir.resolve("bank.csv").toString()), err.toString());
        CommandLine cli = LoraLabCli.commandLine();
        for (String command : List.of("train", "merge", "summarize", "generate", "bank")) {
            OptionSpec m = cli.getSubcommands().get(command).getCommandSpec().findOption("-m");
            Path demo = (Path) m.converters()[0].convert("demo");
            assertTrue(Files.isRegularFile(demo.resolve("tokenizer.json")), command + ": " + demo);
        }
        Path demo = (Path) cli.getSubcommands().get("demo").getCommandSpec().findOption("--base-model").converters()[0].convert("demo");
        assertTrue(Files.isRegularFile(demo.resolve("config.json")));
    }

    @Test
    void aMissingModelFolderIsNamedMissing() {
        Path missing = dir.resolve("no-such-model");
        assertEquals(2, run("train", "-m", missing.toString(), "--data", "x.csv", "--out", dir.resolve("a").toString()));
        assertTrue(err.toString().contains(missing + ": the base model folder does not exist"), err.toString());
        assertFalse(err.toString().contains("has no tokenizer.json"), err.toString());
    }

    @Test
    void adaptiveMergeWithoutDataAsksForData() {
        assertEquals(1, run("merge", "-m", "demo", "--adapters", dir.resolve("a").toString(), "--method", "adaptive", "--out",
                dir.resolve("m").toString()));
        assertTrue(err.toString().contains("--method adaptive learns from the target examples: give them with --data"), err.toString());
        assertFalse(err.toString().contains("has no rows"), err.toString());
    }

    @Test
    void anExistingOutputNamesOverwrite() throws Exception {
        Files.createDirectories(dir.resolve("taken"));
        Files.writeString(dir.resolve("train.csv"), "document,summary\nRain in Osaka.,Rain.\n");
        assertEquals(1, run("train", "-m", "demo", "--data", dir.resolve("train.csv").toString(), "--out", dir.resolve("taken").toString()));
        assertTrue(err.toString().contains("already exists") && err.toString().contains("--overwrite"), err.toString());
    }

    /** Like the node, rouge --out is the input table with the scores appended (clashing names get " (#1)"). */
    @Test
    void rougeKeepsTheInputColumns() throws Exception {
        Files.writeString(dir.resolve("s.csv"), "id,summary,reference,rouge_error\n1,rain in osaka,rain in osaka today,x\n"
                + "2,sun in kobe,snow in nara,y\n");
        assertEquals(0, run("rouge", "--data", dir.resolve("s.csv").toString(), "--types", "rouge1", "--out",
                dir.resolve("o.csv").toString(), "--bootstrap", "20"), err.toString());
        List<String> lines = Files.readAllLines(dir.resolve("o.csv"));
        assertEquals("id,summary,reference,rouge_error,rouge1_precision,rouge1_recall,rouge1_fmeasure,rouge_language,rouge_error (#1)",
                lines.get(0));
        assertTrue(lines.get(1).startsWith("1,rain in osaka,rain in osaka today,x,1.0,0.75,"), lines.get(1));
        assertEquals(3, lines.size());
    }

    @Test
    void anAllEmptyReferenceColumnIsAnError() throws Exception {
        Files.writeString(dir.resolve("s.csv"), "summary,reference\nrain in osaka,\nsun in kobe,\n");
        assertEquals(1, run("rouge", "--data", dir.resolve("s.csv").toString(), "--out", dir.resolve("o.csv").toString()));
        assertTrue(err.toString().contains("no row could be scored, for example row 0: every reference cell is missing"), err.toString());
        assertFalse(Files.exists(dir.resolve("o.csv")));
    }

    /** Every option says what it is, and --help shows every default. */
    @Test
    void helpDescribesEveryOptionAndShowsItsDefault() {
        List<String> problems = new ArrayList<>();
        check(LoraLabCli.commandLine(), problems);
        assertEquals(List.of(), problems);
        StringWriter out = new StringWriter();
        CommandLine cli = LoraLabCli.commandLine();
        cli.setOut(new java.io.PrintWriter(out));
        assertEquals(0, cli.execute("train", "--help"));
        assertTrue(out.toString().matches("(?s).*--rank=<rank>\\s+Rank of the low-rank update BA\\..*Default: 8.*"), out.toString());
    }

    /** Benchmarks and model makers for developers: not what a user's --help is about. */
    private static final List<String> DEVELOPER_TOOLS = List.of("bench", "tiny-model", "demo-model");

    private static void check(CommandLine cl, List<String> problems) {
        CommandSpec spec = cl.getCommandSpec();
        String usage = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            String name = spec.qualifiedName() + " " + o.longestName();
            if (o.description().length == 0 || String.join("", o.description()).isBlank()) {
                problems.add(name + ": no description");
            }
            String d = o.defaultValue() == null ? "" : o.defaultValue().replaceAll("\\s", "");
            String description = String.join("", o.description()).replaceAll("\\s", "");
            if (!d.isEmpty() && !description.contains("${DEFAULT-VALUE}") && !description.contains(d)
                    && !usage.replaceAll("\\s", "").contains("Default:" + d)) {
                problems.add(name + ": default " + d + " not shown");
            }
        }
        cl.getSubcommands().forEach((name, c) -> {
            if (!DEVELOPER_TOOLS.contains(name)) {
                check(c, problems);
            }
        });
    }
}
