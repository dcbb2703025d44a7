package org.loralab.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A killed writer's temp file is removed by the next write into its folder, a live writer's never. */
class LeftoverTempsTest {

    @TempDir
    Path dir;

    private static void age(Path p) throws Exception {
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - AtomicFiles.staleTempMillis() - 60_000));
    }

    @Test
    void aKilledWritersTempGoesOnTheNextWriteALiveOneStays() throws Exception {
        Path killed = Files.writeString(dir.resolve(".summaries.arrow.1234567890123.tmp"), "half a table");
        age(killed);
        Path fresh = Files.writeString(dir.resolve(".other.csv.42.tmp"), "another writer's, just begun");
        Path notOurs = Files.writeString(dir.resolve(".notes.tmp"), "someone else's naming");
        age(notOurs);
        // a live writer in this process, slow: its temp is old but locked
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread slow = new Thread(() -> {
            try {
                AtomicFiles.write(dir.resolve("slow.arrow"), (OutputStream out) -> {
                    out.write('x');
                    out.flush();
                    writing.countDown();
                    try {
                        finish.await();
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                    out.write('y');
                });
            } catch (Throwable t) {
                failed.set(t);
                writing.countDown();
            }
        });
        slow.start();
        writing.await();
        Path live;
        try (var s = Files.list(dir)) {
            live = s.filter(p -> p.getFileName().toString().startsWith(".slow.arrow.")).findFirst().orElseThrow();
        }
        age(live);

        AtomicFiles.writeString(dir.resolve("summaries.arrow"), "the rerun");
        assertFalse(Files.exists(killed), "a killed writer's temp, unlocked and stale, is removed");
        assertTrue(Files.exists(fresh), "a recent temp may be a writer still at work");
        assertTrue(Files.exists(notOurs), "only our own naming is touched");
        assertTrue(Files.exists(live), "a locked temp belongs to a live writer, however old");

        finish.countDown();
        slow.join();
        assertEquals(null, failed.get());
        assertEquals("xy", Files.readString(dir.resolve("slow.arrow")));
        assertFalse(Files.exists(live));
    }

    @Test
    void aTempLockedByAnotherProcessIsLeftAlone() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process writer = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), SlowTableWriterMain.class.getName(),
                dir.resolve("summaries.arrow").toString()).redirectErrorStream(true).start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(writer.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            assertEquals("writing", out.readLine());
            Path live;
            try (var s = Files.list(dir)) {
                live = s.filter(p -> p.getFileName().toString().startsWith(".summaries.arrow.")).findFirst().orElseThrow();
            }
            age(live); // a slow row: untouched for long, but its writer is alive and holds the lock
            AtomicFiles.writeString(dir.resolve("other.csv"), "another table in the folder");
            assertTrue(Files.exists(live), "the other process's temp is still being written");
            writer.destroyForcibly(); // now killed: the lock goes with the process
            writer.waitFor();
            AtomicFiles.writeString(dir.resolve("other.csv"), "and again");
            assertFalse(Files.exists(live), "a killed writer's temp is removed by the next write");
        } finally {
            writer.destroyForcibly();
        }
    }
}
