package org.loralab.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
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

    /** The same checks for URLs, which Spark resolves (file:// here; hdfs:// and s3a:// alike), before any work. */
    @Test
    void urlsAreCheckedAsSparkSeesThem() throws Exception {
        SparkSession spark = LocalSpark.get();
        Path parquet = dir.resolve("docs.parquet");
        spark.range(3).selectExpr("cast(id as string) as document").write().parquet(parquet.toString());
        long parts = Files.list(parquet).count();
        Path model = Files.createDirectories(dir.resolve("model"));
        String url = parquet.toUri().toString();
        assertTrue(run("summarize", "--master", LocalSpark.MASTER, "-m", model.toString(), "--data", url, "--out", url)
                .contains("is also an input"));
        assertTrue(run("summarize", "--master", LocalSpark.MASTER, "-m", model.toString(), "--data", parquet.toString(), "--out",
                "file://" + parquet).contains("is also an input"));
        assertEquals(parts, Files.list(parquet).count(), "the input is intact");
        Path notes = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(notes.resolve("thesis.txt"), "years of work");
        assertTrue(run("summarize", "--master", LocalSpark.MASTER, "-m", model.toString(), "--data", url, "--out",
                notes.toUri().toString()).contains("not a Spark output folder"));
        assertTrue(run("rouge", "--master", LocalSpark.MASTER, "--data", url, "--out", dir.resolve("scores").toUri().toString(),
                "--summary", "file://" + dir.resolve("scores")).contains("is the same path as --out"));
        assertTrue(Files.exists(notes.resolve("thesis.txt")));
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
