package org.loralab.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Superseded versions stay bounded; a kill while a plain folder is replaced loses neither copy. */
class InterruptedReplacementTest {

    @TempDir
    Path dir;

    private static long entries(Path parent, String prefix) throws Exception {
        try (var s = Files.list(parent)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
        }
    }

    @Test
    void aBurstOfWritesWithinTheGracePeriodIsCleanedUpWithoutAnotherWrite() throws Exception {
        System.setProperty("loralab.atomicGraceMillis", "300");
        try {
            Path target = dir.resolve("out");
            for (int i = 0; i < 30; i++) {
                String text = "write " + i;
                AtomicFolders.write(target, true, tmp -> Files.writeString(tmp.resolve("a.txt"), text));
            }
            assertTrue(entries(dir, ".out.v-") > 1, "superseded versions stay for their grace period");
            for (int wait = 0; wait < 100 && entries(dir, ".out.v-") > 1; wait++) {
                Thread.sleep(100);
            }
            assertEquals(1, entries(dir, ".out.v-"), "only the current version is left once the grace period is over");
            assertEquals("write 29", Files.readString(target.resolve("a.txt")));
        } finally {
            System.clearProperty("loralab.atomicGraceMillis");
        }
    }

    /** The state a kill leaves between setting the plain folder aside and linking the new version. */
    private static Path killedWhileReplacing(Path target) throws Exception {
        Path old = Files.createDirectory(target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID()));
        Files.writeString(old.resolve("trainer_state.json"), "the complete old checkpoint");
        Path orphan = Files.createDirectory(target.resolveSibling("." + target.getFileName() + ".v-" + UUID.randomUUID()));
        Files.writeString(orphan.resolve("trainer_state.json"), "the new one, never linked");
        return old;
    }

    @Test
    void theNextRunRestoresTheSetAsideCopyAndSaysSo() throws Exception {
        Path target = dir.resolve("checkpoint");
        Path old = killedWhileReplacing(target);
        String message = AtomicFolders.recoverInterrupted(target);
        assertTrue(message != null && message.contains("was interrupted") && message.contains(old.getFileName().toString()), message);
        assertEquals("the complete old checkpoint", Files.readString(target.resolve("trainer_state.json")));
        assertFalse(Files.exists(old));
        assertNull(AtomicFolders.recoverInterrupted(target), "nothing more to recover");
    }

    @Test
    void aReaderAfterTheKillFindsTheOldCopyAndTheNextWriteReplacesIt() throws Exception {
        Path target = dir.resolve("checkpoint");
        killedWhileReplacing(target);
        Path read = AtomicFolders.resolveForReading(target);
        assertEquals("the complete old checkpoint", Files.readString(read.resolve("trainer_state.json")));
        AtomicFolders.write(target, true, tmp -> Files.writeString(tmp.resolve("trainer_state.json"), "next"));
        assertEquals("next", Files.readString(target.resolve("trainer_state.json")));
        assertEquals(0, entries(dir, ".checkpoint.old-"));
    }
}
