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
        assertTrue(Files.readString(dir.resolve("scores.csv")).startsWith("rouge1_precision,"));
        assertTrue(Files.size(dir.resolve("rouge-summary.arrow")) > 0);
        assertEquals(1, run("train", "-m", model.toString(), "--data", dir.resolve("missing.csv").toString(), "--out",
                dir.resolve("x").toString()));
    }
}
