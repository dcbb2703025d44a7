package org.loralab.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes replace one folder while this one reads it: every write succeeds, a reader
 * never finds the folder missing or half-written, a writer killed at any moment leaves the last
 * complete folder, and no hidden copies pile up.
 */
class AtomicFoldersConcurrencyTest {

    private static final String GRACE = "loralab.atomicGraceMillis";
    private static final long GRACE_MILLIS = 3000;

    @TempDir
    Path dir;

    @org.junit.jupiter.api.BeforeEach
    void shortGrace() {
        System.setProperty(GRACE, Long.toString(GRACE_MILLIS));
    }

    @org.junit.jupiter.api.AfterEach
    void defaultGrace() {
        System.clearProperty(GRACE);
    }

    private Process writer(Path target, int writes, String id) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-D" + GRACE + "=" + GRACE_MILLIS, "-cp", System.getProperty("java.class.path"),
                ConcurrentWriterMain.class.getName(),
                target.toString(), Integer.toString(writes), id).redirectErrorStream(true)
                .redirectOutput(dir.resolve("writer-" + id + ".log").toFile()).start();
    }

    private static void write(Path target, String token) throws IOException {
        AtomicFolders.write(target, true, tmp -> {
            Files.writeString(tmp.resolve("a.txt"), token);
            Files.writeString(tmp.resolve("b.txt"), token);
        });
    }

    /** Null when the folder is complete (a.txt and b.txt of one version), else what is wrong. */
    private static String problem(Path target) {
        try {
            Path version = AtomicFolders.resolveForReading(target);
            String a = Files.readString(version.resolve("a.txt"));
            String b = Files.readString(version.resolve("b.txt"));
            return a.equals(b) ? null : "mixed versions " + a + " / " + b;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private List<String> leftovers(Path parent) throws IOException {
        try (Stream<Path> s = Files.list(parent)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".tmp-") || n.contains(".old-") || n.contains(".link-")).toList();
        }
    }

    private long versions(Path parent) throws IOException {
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(p -> p.getFileName().toString().matches("\\.target\\.v-[0-9a-f-]{36}")).count();
        }
    }

    @Test
    void concurrentWritersInSeveralProcessesAndAReader() throws Exception {
        Path parent = Files.createDirectories(dir.resolve("out"));
        Path target = parent.resolve("target");
        write(target, "start");
        List<Process> writers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            writers.add(writer(target, 40, "w" + i));
        }
        int polls = 0;
        List<String> problems = new ArrayList<>();
        while (writers.stream().anyMatch(Process::isAlive)) {
            polls++;
            String p = problem(target);
            if (p != null) {
                problems.add(p);
            }
            if (!Files.isRegularFile(target.resolve("a.txt"))) {
                problems.add("a.txt missing when read through the folder's own name");
            }
        }
        for (int i = 0; i < writers.size(); i++) {
            assertTrue(writers.get(i).waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, writers.get(i).exitValue(), Files.readString(dir.resolve("writer-w" + i + ".log")));
        }
        assertTrue(polls > 10, "the reader polled while the writers ran: " + polls);
        assertEquals(List.of(), problems.stream().distinct().toList(), problems.size() + " of " + polls + " polls went wrong");
        assertEquals(null, problem(target));
        assertEquals(List.of(), leftovers(parent));
        Thread.sleep(GRACE_MILLIS + 500);
        write(target, "last");
        assertEquals(2, versions(parent), "after the grace period only the current version and the one just superseded remain");
    }

    @Test
    void aWriterKilledAtAnyMomentLeavesTheLastCompleteFolder() throws Exception {
        Path parent = Files.createDirectories(dir.resolve("killed"));
        Path target = parent.resolve("target");
        write(target, "start");
        Path neighbour = parent.resolve("target.v-1");
        write(neighbour, "neighbour");
        for (int round = 0; round < 6; round++) {
            Process w = writer(target, 0, "k" + round);
            Thread.sleep(400 + 150L * round);
            w.destroyForcibly(); // SIGKILL: no clean-up runs
            w.waitFor();
            assertEquals(null, problem(target), "after kill " + round);
        }
        Path deadTmp = Files.createDirectories(parent.resolve(".target.tmp-" + java.util.UUID.randomUUID()));
        Files.setLastModifiedTime(deadTmp, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 25L * 3600 * 1000));
        Path deadLink = Files.createSymbolicLink(parent.resolve(".target.link-" + java.util.UUID.randomUUID()), Path.of(".target.v-gone"));
        Thread.sleep(GRACE_MILLIS + 500);
        write(target, "after");
        assertTrue(!Files.exists(deadTmp) && !Files.exists(deadLink, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                "a killed writer's leftovers are removed by the next write");
        assertEquals("neighbour", Files.readString(neighbour.resolve("a.txt")), "a folder named like a version keeps its own");
        assertEquals("after", Files.readString(target.resolve("a.txt")));
        assertTrue(versions(parent) <= 2, "stale versions are cleaned on the next write: " + versions(parent));
    }
}
