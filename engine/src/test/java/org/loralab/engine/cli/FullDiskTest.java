package org.loralab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.model.TinyCheckpoint;

/**
 * A disk that fills up in the middle of writing an adapter: a child process runs `train` under a
 * file-size limit (`ulimit -f`), so the operating system refuses the weights file part-way, as a
 * full disk would. The command must fail with a message naming the output, and leave neither the
 * adapter folder nor any temporary sibling behind.
 */
class FullDiskTest {

    @TempDir
    Path dir;

    @Test
    void runningOutOfSpaceWhileWritingAnAdapterLeavesNothingBehind() throws Exception {
        // hidden 256, rank 64 on every linear layer: about 2 MB of adapter weights, over the 512 KB limit
        Path model = new TinyCheckpoint().hiddenSize(256).intermediateSize(512).layers(2).heads(4, 2).seed(5).write(dir.resolve("model"));
        Path data = Files.writeString(dir.resolve("train.csv"), "document,summary\nRain in Osaka.,Rain.\nSun in Kobe.,Sun.\n");
        Path outDir = Files.createDirectories(dir.resolve("out"));
        Path out = outDir.resolve("adapter");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("bash", "-c", "ulimit -f 512 && exec \"$0\" \"$@\"", java, "-Dai.djl.offline=true", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), LoraLabCli.class.getName(), "train", "-m", model.toString(),
                "--data", data.toString(), "--out", out.toString(), "--epochs", "1", "--rank", "64", "--max-length", "128")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        assertNotEquals(0, rc, output);
        assertTrue(output.contains("could not write " + out), "the error names the output: " + output);
        try (Stream<Path> left = Files.list(outDir)) {
            assertEquals(List.of(), left.toList(), "left behind after the failed write; output: " + output);
        }
    }

    /** The same for a table: ROUGE's per-row scores outgrow the limit; the output is named, nothing is left. */
    @Test
    void runningOutOfSpaceWhileWritingATableLeavesNothingBehind() throws Exception {
        Path dir2 = Files.createDirectories(dir.resolve("table"));
        StringBuilder csv = new StringBuilder("summary,reference\n");
        for (int i = 0; i < 20_000; i++) {
            csv.append("rain in osaka ").append(i).append(",rain in kobe ").append(i % 7).append('\n');
        }
        Path data = Files.writeString(dir.resolve("pairs.csv"), csv.toString());
        Path out = dir2.resolve("scores.csv");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("bash", "-c", "ulimit -f 512 && exec \"$0\" \"$@\"", java, "-Dai.djl.offline=true",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), LoraLabCli.class.getName(),
                "rouge", "--data", data.toString(), "--out", out.toString(), "--bootstrap", "10").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertNotEquals(0, p.waitFor(), output);
        assertTrue(output.contains("could not write " + out), "the error names the output: " + output);
        try (Stream<Path> left = Files.list(dir2)) {
            assertEquals(List.of(), left.toList(), "left behind after the failed write; output: " + output);
        }
    }
}
