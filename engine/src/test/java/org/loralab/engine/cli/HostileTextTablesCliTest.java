package org.loralab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.model.TinyCheckpoint;

/**
 * Truncated CSV and JSON Lines tables end the commands with one error line naming the file: at the
 * record limit, or, where the limit is above what the heap holds, when the read runs out of memory
 * (an OutOfMemoryError, which picocli would print as a stack trace).
 */
class HostileTextTablesCliTest {

    private static final String LIMIT_PROPERTY = "loralab.table.maxRecordChars";

    @TempDir
    Path dir;

    /** A header, a good row, then a record that never ends after {@code tail} characters. */
    private Path truncated(String name, long tail) throws IOException {
        Path f = dir.resolve(name);
        String head = name.endsWith(".csv") ? "document,summary\n\"ok doc\",s\n\"unterminated "
                : "{\"document\":\"ok doc\",\"summary\":\"s\"}\n{\"document\":\"unterminated ";
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write(head.getBytes(StandardCharsets.UTF_8));
            byte[] block = new byte[1 << 20];
            Arrays.fill(block, (byte) 'x');
            for (long left = tail; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return f;
    }

    @Test
    void summarizeAndRougeStopAtTheRecordLimitNamingTheFile() throws Exception {
        Path model = new TinyCheckpoint().seed(12).write(dir.resolve("model"));
        String before = System.getProperty(LIMIT_PROPERTY);
        System.setProperty(LIMIT_PROPERTY, "4096");
        try {
            for (String name : new String[] {"docs.csv", "docs.jsonl"}) {
                Path data = truncated(name, 100_000);
                String cause = name.endsWith(".csv") ? "the record starting on line 3 holds more than 4096 characters"
                        : "line 2 holds more than 4096 characters";
                String hint = name.endsWith(".csv") ? "an unclosed quote?" : "a line that never ends?";
                Path out = dir.resolve("out-" + name);
                StringWriter err = new StringWriter();
                assertEquals(1, InProcessCli.run(err, "summarize", "-m", model.toString(), "--data", data.toString(), "--out",
                        out.toString(), "--chunk-rows", "1", "--max-new-tokens", "2", "--template={document}\\nSummary:"));
                assertTrue(err.toString().contains("error: " + data + ": " + cause) && err.toString().contains(hint), err.toString());
                assertFalse(Files.exists(out), "no output from a table that could not be read");
                err = new StringWriter();
                assertEquals(1, InProcessCli.run(err, "rouge", "--data", data.toString(), "--out", dir.resolve("r.csv").toString(),
                        "--prediction-col", "document", "--reference-col", "summary"));
                assertTrue(err.toString().contains("error: " + data + ": " + cause) && err.toString().contains(hint), err.toString());
            }
        } finally {
            if (before == null) {
                System.clearProperty(LIMIT_PROPERTY);
            } else {
                System.setProperty(LIMIT_PROPERTY, before);
            }
        }
    }

    @Test
    void runningOutOfMemoryReadingATableIsAnErrorNamingItNotAStackTrace() throws Exception {
        Path model = new TinyCheckpoint().seed(12).write(dir.resolve("model"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String name : new String[] {"big.csv", "big.jsonl"}) {
            Path data = truncated(name, 48L << 20); // 48 Mi characters in one record: more than a 32 MiB heap holds
            for (List<String> command : List.of(
                    List.of("summarize", "-m", model.toString(), "--data", data.toString(), "--out", dir.resolve("s.csv").toString(),
                            "--max-new-tokens", "2", "--template={document}\\nSummary:"),
                    List.of("train", "-m", model.toString(), "--data", data.toString(), "--out", dir.resolve("a").toString()))) {
                List<String> args = new ArrayList<>(List.of(java, "-Xmx32m", "-D" + LIMIT_PROPERTY + "=1000000000",
                        "-Dai.djl.offline=true", "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        LoraLabCli.class.getName()));
                args.addAll(command);
                Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(1, p.waitFor(), output);
                assertTrue(output.contains("error: " + data + ": ran out of memory reading the table"), output);
                assertFalse(output.contains("Exception in thread") || output.contains("\tat "), output);
            }
        }
    }
}
