package org.loralab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.io.AtomicFolders;
import org.loralab.engine.io.ReplaceableFolders;
import org.loralab.engine.model.TinyCheckpoint;

/** --overwrite replaces only an adapter (or file) LoRA Lab wrote, never an input or a folder holding anything else. */
class OverwriteSafetyTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return InProcessCli.run(err, args);
    }

    private String[] train(Path model, Path data, Path out) {
        return new String[] {"train", "-m", model.toString(), "--data", data.toString(), "--out", out.toString(), "--overwrite",
                "--epochs", "1", "--batch", "2", "--rank", "2", "--max-length", "48", "--template={document}\\nSummary:"};
    }

    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    /** ROUGE's two outputs: one file named twice (here through a link) is refused as such, not called an input. */
    @Test
    void rougesTwoOutputsMustBeTwoFiles() throws Exception {
        Path data = dir.resolve("pred.csv");
        Files.writeString(data, "prediction,reference\nRain.,Rain.\n");
        Path sub = Files.createDirectories(dir.resolve("out"));
        Path alias = Files.createSymbolicLink(dir.resolve("alias"), sub);
        assertEquals(1, run("rouge", "--data", data.toString(), "--out", sub.resolve("s.csv").toString(),
                "--summary", alias.resolve("s.csv").toString()));
        assertTrue(err.toString().contains("is the same file as --out") && !err.toString().contains("input"), err.toString());
    }

    @Test
    void overwriteNeverDestroysInputsOrForeignFolders() throws Exception {
        Path model = new TinyCheckpoint().seed(3).write(dir.resolve("model"));
        Path data = model.resolve("train.csv"); // training data kept inside the model folder, as in the fault report
        Files.writeString(data, "document,summary\nRain in Osaka.,Rain.\nSun in Kobe.,Sun.\n");
        List<String> modelBefore = tree(model);

        assertEquals(1, run(train(model, data, model)));
        assertTrue(err.toString().contains("is also an input"), err.toString());
        assertEquals(modelBefore, tree(model));

        // a folder of someone else's files is not replaced, even though it is no input
        Path foreign = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(foreign.resolve("thesis.tex"), "years of work");
        assertEquals(1, run(train(model, data, foreign)));
        assertTrue(err.toString().contains("will not overwrite") && err.toString().contains("thesis.tex"), err.toString());
        assertTrue(Files.exists(foreign.resolve("thesis.tex")));

        // an adapter LoRA Lab wrote is replaced; once the user adds a file to it, it no longer is
        Path bank = dir.resolve("bank");
        Path adapter = bank.resolve("a");
        assertEquals(0, run(train(model, data, adapter)), err.toString());
        assertEquals(0, run(train(model, data, adapter)), err.toString());
        Files.writeString(adapter.resolve("my-notes.txt"), "keep me");
        assertEquals(1, run(train(model, data, adapter)));
        assertTrue(Files.exists(adapter.resolve("my-notes.txt")));

        // merge --bank B --out B: the output holds the inputs
        List<String> bankBefore = tree(bank);
        assertEquals(1, run("merge", "-m", model.toString(), "--bank", bank.toString(), "--method", "linear", "--out",
                bank.toString(), "--overwrite"));
        assertTrue(err.toString().contains("holds the input"), err.toString());
        assertEquals(bankBefore, tree(bank));

        // rouge --out equal to --data
        Path scores = dir.resolve("pred.csv");
        Files.writeString(scores, "summary,reference\nRain.,Rain.\n");
        assertEquals(1, run("rouge", "--data", scores.toString(), "--out", dir.resolve(".").resolve("pred.csv").toString()));
        assertEquals("summary,reference\nRain.,Rain.\n", Files.readString(scores));
    }

    @Test
    void theWorkingDirectoryAndFileSystemRootAreNeverReplaced() {
        assertThrows(IOException.class, () -> ReplaceableFolders.requireReplaceable(Path.of(".")));
        assertThrows(IOException.class, () -> ReplaceableFolders.requireReplaceable(Path.of("").toAbsolutePath().getParent()));
        assertThrows(IllegalArgumentException.class, () -> AtomicFolders.write(Path.of("/"), true, tmp -> { }));
    }
}
