package org.loralab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.lora.PeftNames;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.table.TableFiles;

/**
 * KNIME cancels a node by interrupting its worker thread, and an interrupted NIO write throws
 * {@code ClosedByInterruptException}. Whenever the interrupt lands, a command either completes or
 * leaves nothing behind: no partial adapter, table or temporary file beside its output.
 */
class CancelByInterruptTest {

    @TempDir
    static Path dir;
    static Path model;
    static final String TEMPLATE = "--template={document}\\nSummary:";
    static final int INTERRUPTED_TRIALS = 5;
    static final int MAX_TRIALS = 30;
    final Random when = new Random(7);

    @BeforeAll
    static void inputs() throws Exception {
        model = new TinyCheckpoint().seed(4).write(dir.resolve("model"));
        Files.writeString(dir.resolve("train.csv"), "document,summary,reference\nRain in Osaka.,Rain Osaka.,Rain Osaka.\n"
                + "Sun in Kobe.,Sun Kobe.,Sun Kobe.\nSnow in Nara.,Snow Nara.,Snow.\nFog in Kyoto.,Fog Kyoto.,Fog.\n");
        for (String name : new String[] {"a", "b"}) {
            assertEquals(0, run(train(dir.resolve("bank").resolve(name))));
        }
    }

    static String[] train(Path out) {
        return new String[] {"train", "-m", model.toString(), "--data", dir.resolve("train.csv").toString(), "--out", out.toString(),
            "--epochs", "2", "--batch", "2", "--lr", "1e-2", "--rank", "2", "--max-length", "64", TEMPLATE};
    }

    static int run(String... args) {
        return InProcessCli.run(new StringWriter(), args);
    }

    /** Runs the command on a fresh thread interrupted after {@code delayNanos}; returns its exit code. */
    static int runInterrupted(String[] args, long delayNanos) throws InterruptedException {
        AtomicInteger code = new AtomicInteger(-1);
        Thread worker = new Thread(() -> code.set(run(args)), "KNIME-Worker-cancel");
        worker.start();
        Thread.sleep(delayNanos / 1_000_000, (int) (delayNanos % 1_000_000));
        worker.interrupt();
        worker.join(120_000);
        assertFalse(worker.isAlive(), "the command did not stop after the interrupt: " + String.join(" ", args));
        return code.get();
    }

    /** A command that writes the named outputs into a folder, and how to check that an output is complete. */
    record Output(Function<Path, String[]> command, List<String> names, Check checkComplete) {
        List<Path> outputs(Path folder) {
            return names.stream().map(folder::resolve).toList();
        }

        String[] command(Path folder) {
            return command.apply(folder);
        }
    }

    /** Throws when the output is not complete. */
    interface Check {
        void check(Path output) throws IOException;
    }

    private void interruptAtRandomPoints(String name, Output cmd) throws Exception {
        long duration = Long.MAX_VALUE;
        for (int warm = 0; warm < 2; warm++) { // the first run in a JVM loads classes: time the second
            Path solo = Files.createDirectories(dir.resolve(name + "-solo-" + warm));
            long t0 = System.nanoTime();
            assertEquals(0, run(cmd.command(solo)));
            duration = Math.min(duration, System.nanoTime() - t0);
            for (Path out : cmd.outputs(solo)) {
                cmd.checkComplete().check(out);
            }
        }
        // Load from other work changes how long a run takes: each completed run shortens the scale.
        int interrupted = 0;
        for (int trial = 0; trial < MAX_TRIALS && interrupted < INTERRUPTED_TRIALS; trial++) {
            Path folder = Files.createDirectories(dir.resolve(name + "-" + trial));
            // half the trials anywhere, half near the end, where outputs are written
            double at = trial % 2 == 0 ? when.nextDouble() : 0.7 + when.nextDouble() * 0.3;
            long delay = (long) (at * duration);
            long t0 = System.nanoTime();
            int code = runInterrupted(cmd.command(folder), delay);
            for (Path out : cmd.outputs(folder)) {
                if (Files.exists(out)) {
                    cmd.checkComplete().check(out);
                } else {
                    assertTrue(code != 0, out + " is missing though the command succeeded");
                }
            }
            if (code == 0) {
                duration = Math.min(duration, System.nanoTime() - t0);
            } else {
                interrupted++;
            }
            try (Stream<Path> left = Files.list(folder)) {
                List<Path> hidden = left.filter(p -> p.getFileName().toString().startsWith(".") && !ownedByAnOutput(p, cmd.outputs(folder)))
                        .toList();
                assertEquals(List.of(), hidden, name + " interrupted after " + delay / 1_000_000 + " ms left temporary files");
            }
        }
        assertEquals(INTERRUPTED_TRIALS, interrupted, name + ": too few interrupts landed while the command ran");
    }

    /**
     * An output folder is a link to its current hidden version, with a lock file for its writers
     * (see AtomicFolders): those two may stay beside it, nothing else (no temporary folder).
     */
    private static boolean ownedByAnOutput(Path hidden, List<Path> outputs) {
        String n = hidden.getFileName().toString();
        for (Path out : outputs) {
            String o = out.getFileName().toString();
            if (n.equals("." + o + ".lock")) {
                return true;
            }
            try {
                if (n.startsWith("." + o + ".v-") && Files.exists(out) && out.toRealPath().equals(hidden.toRealPath())) {
                    return true;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    private static void checkAdapter(Path adapter) throws IOException {
        for (String f : new String[] {"adapter_config.json", PeftNames.WEIGHTS_FILE, "loralab.json"}) {
            assertTrue(Files.size(adapter.resolve(f)) > 0, adapter + " lacks " + f);
        }
        org.loralab.engine.io.SafetensorsFile.open(adapter.resolve(PeftNames.WEIGHTS_FILE));
    }

    private static void checkTable(Path table) throws IOException {
        try (RootAllocator a = new RootAllocator(); var t = TableFiles.read(table, a)) {
            assertTrue(t.getRowCount() > 0, table + " is empty");
        }
    }

    @Test
    void trainingLeavesAWholeAdapterOrNothing() throws Exception {
        interruptAtRandomPoints("train", new Output(folder -> train(folder.resolve("adapter")), List.of("adapter"),
                CancelByInterruptTest::checkAdapter));
    }

    @Test
    void mergingLeavesAWholeAdapterOrNothing() throws Exception {
        interruptAtRandomPoints("merge", new Output(folder -> new String[] {"merge", "-m", model.toString(), "--bank",
            dir.resolve("bank").toString(), "--method", "adaptive", "--data", dir.resolve("train.csv").toString(), "--epochs", "2",
            "--out", folder.resolve("merged").toString(), TEMPLATE}, List.of("merged"), CancelByInterruptTest::checkAdapter));
    }

    @Test
    void summarizingLeavesAWholeTableOrNothing() throws Exception {
        interruptAtRandomPoints("summarize", new Output(folder -> new String[] {"summarize", "-m", model.toString(), "--adapter",
            dir.resolve("bank/a").toString(), "--data", dir.resolve("train.csv").toString(), "--out",
            folder.resolve("summaries.arrow").toString(), "--max-new-tokens", "8", TEMPLATE}, List.of("summaries.arrow"),
                CancelByInterruptTest::checkTable));
    }

    @Test
    void scoringLeavesWholeTablesOrNothing() throws Exception {
        interruptAtRandomPoints("rouge", new Output(folder -> new String[] {"rouge", "--data", dir.resolve("train.csv").toString(),
            "--prediction-col", "summary", "--reference-col", "reference", "--out", folder.resolve("scores.arrow").toString(),
            "--summary", folder.resolve("summary.csv").toString(), "--bootstrap", "2000"}, List.of("scores.arrow", "summary.csv"),
                CancelByInterruptTest::checkTable));
    }
}
