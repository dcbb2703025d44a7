package org.loralab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.summarize.PromptChoice;
import org.loralab.engine.summarize.SummarizeOptions;
import org.loralab.engine.summarize.Summarizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Summarize prompts as the adapter was trained (its loralab.json) unless --template and friends say otherwise. */
class SummarizePromptTest {

    @TempDir
    static Path dir;
    static Path model;
    static Path adapter;

    /** The prompt parameters as the commands get them. */
    static final class PromptOptions implements CommandLine.IModelTransformer {
        @Override
        public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
            return SchemaOptions.addTo(spec, PromptArgs.SCHEMA);
        }
    }

    @Command(name = "probe", modelTransformer = PromptOptions.class)
    static final class Probe {
        @Mixin PromptArgs prompt;
    }

    @BeforeAll
    static void trainWithOwnTemplate() throws Exception {
        model = new TinyCheckpoint().seed(5).write(dir.resolve("model"));
        Files.writeString(dir.resolve("train.csv"), "document,summary\nRain in Osaka.,Rain.\nSun in Kobe.,Sun.\n");
        StringWriter err = new StringWriter();
        adapter = dir.resolve("adapter");
        assertEquals(0, InProcessCli.run(err, "train", "-m", model.toString(), "--data", dir.resolve("train.csv").toString(),
                "--out", adapter.toString(), "--epochs", "1", "--batch", "2", "--rank", "2", "--max-length", "64",
                "--template=Brief {language} of: {document}\\n=", "--language-hint", "Kansai"), err.toString());
    }

    private static String promptOf(String... args) throws Exception {
        Probe p = new Probe();
        new CommandLine(p).parseArgs(args);
        PromptChoice choice = p.prompt.choose(adapter);
        try (Summarizer s = Summarizer.open(new SummarizeOptions(model, adapter, false, choice.format(), 64, 1,
                new ModelOptions("cpu", "auto")))) {
            return s.promptText("Fog in Kyoto.");
        }
    }

    @Test
    void theAdaptersTemplateAndLanguageApplyWhenNoneIsGiven() throws Exception {
        assertEquals("Brief Kansai of: Fog in Kyoto.\n=", promptOf());
    }

    @Test
    void anExplicitTemplateOrLanguageWins() throws Exception {
        assertEquals("Own: Fog in Kyoto.", promptOf("--template=Own: {document}"));
        assertEquals("Brief English of: Fog in Kyoto.\n=", promptOf("--language-hint", "English"));
        // the default text typed out is still "given", not "not given"
        assertTrue(promptOf("--template", org.loralab.engine.prompt.PromptFormat.DEFAULT_TEMPLATE).startsWith("Summarize the following"));
    }

    @Test
    void summarizeSaysWhichTemplateItUses() throws Exception {
        Files.writeString(dir.resolve("docs.csv"), "document\nFog in Kyoto.\n");
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = InProcessCli.run(err, "summarize", "-m", model.toString(), "--adapter", adapter.toString(), "--data",
                    dir.resolve("docs.csv").toString(), "--out", dir.resolve("out.csv").toString(), "--max-new-tokens", "2");
        } finally {
            System.setOut(stdout);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString());
        assertTrue(out.contains("prompt: the adapter's template (from " + adapter.resolve("loralab.json") + ")"), out);
    }
}
