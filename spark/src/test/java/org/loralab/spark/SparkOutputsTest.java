package org.loralab.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark's commands refuse an output that is an input, or two outputs that are one file, before any Spark work. */
class SparkOutputsTest {

    @TempDir
    Path dir;

    private String run(String... args) {
        StringWriter err = new StringWriter();
        int rc = SparkCli.commandLine().setErr(new PrintWriter(err)).execute(args);
        assertEquals(1, rc, err.toString());
        return err.toString();
    }

    @Test
    void anOutputIsNeverAnInputAndTwoOutputsAreTwoFiles() throws Exception {
        Path data = dir.resolve("docs.csv");
        Files.writeString(data, "document,prediction,reference\nRain.,Rain.,Rain.\n");
        Path model = Files.createDirectories(dir.resolve("model"));
        assertTrue(run("summarize", "-m", model.toString(), "--data", data.toString(), "--out", data.toString())
                .contains("is also an input"));
        assertTrue(run("summarize", "-m", model.toString(), "--data", data.toString(), "--out", dir.toString())
                .contains("holds the input"));
        assertTrue(run("rouge", "--data", data.toString(), "--out", dir.resolve("./docs.csv").toString()).contains("is also an input"));
        assertTrue(run("rouge", "--data", data.toString(), "--out", dir.resolve("s.csv").toString(), "--summary",
                dir.resolve("x/../s.csv").toString()).contains("is the same file as --out"));
    }
}
