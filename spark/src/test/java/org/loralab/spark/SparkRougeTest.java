package org.loralab.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.cli.LoraLabCli;
import picocli.CommandLine;

/** ROUGE on local[2,3] against the single-machine CLI: per-row scores, means and bootstrap intervals. */
class SparkRougeTest {

    static final int ROWS = 300;
    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void setUp() throws Exception {
        String[] ja = {"東京で大雨が降った。", "大阪の株価が上がった。", "北海道に雪が降った。"};
        StringBuilder csv = new StringBuilder("summary,reference,reference2\n");
        for (int i = 0; i < ROWS; i++) {
            String pred = i % 50 == 1 ? ja[i % 3] : SparkBench.document(i * 5).substring(0, 40);
            String ref = i % 50 == 1 ? ja[(i + 1) % 3] : SparkBench.document(i * 5 + 1);
            // row 9 and 40 have no reference at all: left out of the summary, counted
            String r1 = i == 9 || i == 40 ? "" : i % 11 == 0 ? "" : "\"" + ref + "\"";
            String r2 = i == 9 || i == 40 ? "" : "\"" + SparkBench.document(i + 2) + "\"";
            csv.append('"').append(pred).append("\",").append(r1).append(',').append(r2).append('\n');
        }
        data = Files.writeString(dir.resolve("pairs.csv"), csv);
    }

    @Test
    void perRowScoresMeansAndIntervalsEqualTheCli() throws Exception {
        String[] common = {"--data", data.toString(), "--reference-col", "reference,reference2", "--language", "detect", "--bootstrap",
            "300", "--seed", "11"};
        String[] cli = concat(common, "--out", dir.resolve("cli.csv").toString(), "--summary", dir.resolve("cli-summary.csv").toString());
        assertEquals(0, new CommandLine(new LoraLabCli()).execute(concat(new String[] {"rouge"}, cli)));
        LocalSpark.get();
        String[] spark = concat(concat(new String[] {"rouge", "--master", LocalSpark.MASTER, "--partitions", "5"}, common),
                "--out", dir.resolve("spark.csv").toString(), "--summary", dir.resolve("spark-summary.csv").toString());
        assertEquals(0, SparkCli.commandLine().execute(spark));
        String summary = Files.readString(dir.resolve("cli-summary.csv"));
        assertEquals(summary, Files.readString(dir.resolve("spark-summary.csv")));
        assertEquals(Files.readString(dir.resolve("cli.csv")), Files.readString(dir.resolve("spark.csv")));
        assertTrue(summary.contains(",298,2\n"), summary); // 298 rows scored, 2 left out
        List<String> lines = Files.readAllLines(dir.resolve("spark.csv"));
        assertTrue(lines.get(10).endsWith(",row 9: every reference cell is missing"), lines.get(10));
        assertTrue(lines.get(2).contains(",ja,"), lines.get(2));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
