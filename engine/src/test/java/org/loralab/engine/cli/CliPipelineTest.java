package org.loralab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.model.TinyCheckpoint;

/** The five node commands chained on files, as a scheduled job would run them. */
class CliPipelineTest {

    @TempDir
    Path dir;

    private int run(String... args) {
        StringWriter err = new StringWriter();
        int code = InProcessCli.run(err, args);
        if (code != 0) {
            System.err.println(err);
        }
        return code;
    }

    @Test
    void trainBankMergeSummarizeRouge() throws Exception {
        Path model = new TinyCheckpoint().seed(12).write(dir.resolve("model"));
        Files.writeString(dir.resolve("train.csv"), "document,summary\n\"Rain in Osaka, heavy.\",Rain Osaka.\n"
                + "Sun in Kobe.,Sun Kobe.\nSnow in Nara.,Snow Nara.\n");
        Files.writeString(dir.resolve("docs.jsonl"), "{\"id\": 1, \"document\": \"Fog in Kyoto.\", \"reference\": \"Fog Kyoto.\"}\n"
                + "{\"id\": 2, \"document\": \"\", \"reference\": \"nothing\"}\n");
        String tiny = "--template={document}\\nSummary:";
        for (String name : new String[] {"a", "b"}) {
            assertEquals(0, run("train", "-m", model.toString(), "--data", dir.resolve("train.csv").toString(), "--out",
                    dir.resolve("bank/" + name).toString(), "--epochs", "1", "--batch", "2", "--lr", "1e-2", "--rank", "2",
                    "--seed", name.equals("a") ? "1" : "2", "--max-length", "64", "--language", "en", "--domain", "weather", tiny));
        }
        assertEquals(0, run("bank", dir.resolve("bank").toString(), "-m", model.toString(), "--out", dir.resolve("bank.csv").toString()));
        assertTrue(Files.readString(dir.resolve("bank.csv")).contains("valid"));
        assertEquals(0, run("merge", "-m", model.toString(), "--bank", dir.resolve("bank").toString(), "--method", "adaptive",
                "--data", dir.resolve("train.csv").toString(), "--epochs", "1", "--out", dir.resolve("merged").toString(), tiny));
        assertEquals(0, run("summarize", "-m", model.toString(), "--adapter", dir.resolve("merged").toString(), "--data",
                dir.resolve("docs.jsonl").toString(), "--out", dir.resolve("summaries.jsonl").toString(), "--max-new-tokens", "6", tiny));
        String summaries = Files.readString(dir.resolve("summaries.jsonl"));
        assertTrue(summaries.contains("\"summary_error\":\"row 1: the document is empty\""), summaries);
        assertEquals(0, run("rouge", "--data", dir.resolve("summaries.jsonl").toString(), "--prediction-col", "summary",
                "--reference-col", "reference", "--out", dir.resolve("scores.csv").toString(), "--summary",
                dir.resolve("rouge-summary.arrow").toString(), "--bootstrap", "50"));
        String scores = Files.readString(dir.resolve("scores.csv"));
        assertTrue(scores.startsWith("id,document,reference,summary,") && scores.contains(",rouge1_precision,"), scores);
        assertTrue(Files.size(dir.resolve("rouge-summary.arrow")) > 0);
        assertEquals(1, run("train", "-m", model.toString(), "--data", dir.resolve("missing.csv").toString(), "--out",
                dir.resolve("x").toString()));
    }

    /** A table summarized a chunk at a time gives the table summarized whole, row numbers in errors included. */
    @Test
    void summarizingInChunksChangesNothing() throws Exception {
        Path model = new TinyCheckpoint().seed(12).write(dir.resolve("model"));
        StringBuilder csv = new StringBuilder("id,document\n");
        for (int i = 0; i < 7; i++) {
            csv.append(i).append(',').append(i == 5 ? "" : "Rain number " + i + " in Osaka.").append('\n');
        }
        Files.writeString(dir.resolve("docs.csv"), csv.toString());
        for (String chunk : new String[] {"1000", "2"}) {
            for (String format : new String[] {"csv", "arrow"}) {
                assertEquals(0, run("summarize", "-m", model.toString(), "--data", dir.resolve("docs.csv").toString(), "--out",
                        dir.resolve("out-" + chunk + "." + format).toString(), "--max-new-tokens", "5", "--chunk-rows", chunk,
                        "--sample", "--seed", "3", "--template={document}\\nSummary:"));
            }
        }
        String whole = Files.readString(dir.resolve("out-1000.csv"));
        assertTrue(whole.contains("row 5: the document is missing"), whole);
        assertEquals(8, whole.lines().count());
        assertEquals(whole, Files.readString(dir.resolve("out-2.csv")));
        try (var alloc = org.loralab.engine.table.Tables.newAllocator("t");
                var a = org.loralab.engine.table.TableFiles.read(dir.resolve("out-1000.arrow"), alloc);
                var b = org.loralab.engine.table.TableFiles.read(dir.resolve("out-2.arrow"), alloc)) {
            assertEquals(a.contentToTSVString(), b.contentToTSVString());
            assertEquals(7, b.getRowCount());
        }
    }

    /** A bad input row found while the output is being written is reported as the input's error, not as a write failure. */
    @Test
    void anInputErrorFoundMidStreamNamesTheInput() throws Exception {
        Path model = new TinyCheckpoint().seed(12).write(dir.resolve("model"));
        Path bad = Files.writeString(dir.resolve("bad.csv"), "id,document\n0,Rain.\n1,Sun.,extra\n");
        StringWriter err = new StringWriter();
        assertEquals(1, InProcessCli.run(err, "summarize", "-m", model.toString(), "--data", bad.toString(), "--out",
                dir.resolve("out.csv").toString(), "--max-new-tokens", "2", "--chunk-rows", "1"));
        assertTrue(err.toString().contains(bad + ": row 1 has 3 cells") && !err.toString().contains("could not write"), err.toString());
        assertTrue(!Files.exists(dir.resolve("out.csv")));
    }
}
