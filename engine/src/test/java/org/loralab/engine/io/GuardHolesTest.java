package org.loralab.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.model.ModelFingerprint;

/** The overwrite, lock, name and number guards hold against the holes found in issue 27. */
class GuardHolesTest {

    @TempDir
    Path dir;

    private static void writeOurs(Path target, String config) throws Exception {
        AtomicFolders.write(target, true, tmp -> Files.writeString(tmp.resolve("config.json"), config));
    }

    @Test
    void aCopiedManifestDoesNotMakeAnotherFolderReplaceable() throws Exception {
        Path ours = dir.resolve("ours");
        writeOurs(ours, "{\"a\": 1}");
        ReplaceableFolders.requireReplaceable(ours); // what LoRA Lab wrote may be replaced
        // a model folder with the same file name and size, and the manifest copied in
        Path model = Files.createDirectory(dir.resolve("model"));
        Files.writeString(model.resolve("config.json"), "{\"b\": 2}");
        Files.copy(ours.resolve(ReplaceableFolders.MANIFEST), model.resolve(ReplaceableFolders.MANIFEST));
        FileSystemException e = assertThrows(FileSystemException.class, () -> ReplaceableFolders.requireReplaceable(model));
        assertTrue(e.getMessage().contains("'config.json' is not the file LoRA Lab wrote there (its content differs)"), e.getMessage());
        // a file LoRA Lab wrote, edited afterwards, is no longer LoRA Lab's to delete
        Path edited = dir.resolve("edited");
        writeOurs(edited, "{\"a\": 1}");
        Files.writeString(edited.resolve("config.json"), "{\"a\": 1, \"mine\": true}");
        e = assertThrows(FileSystemException.class, () -> ReplaceableFolders.requireReplaceable(edited));
        assertTrue(e.getMessage().contains("its size differs"), e.getMessage());
    }

    @Test
    void aManifestOfNamesOnlyProvesNothing() throws Exception {
        Path model = Files.createDirectory(dir.resolve("model"));
        Files.writeString(model.resolve("config.json"), "{}");
        Files.writeString(model.resolve(ReplaceableFolders.MANIFEST), "config.json\n");
        FileSystemException e = assertThrows(FileSystemException.class, () -> ReplaceableFolders.requireReplaceable(model));
        assertTrue(e.getMessage().contains("lists names, not content"), e.getMessage());
    }

    @Test
    void theWorkingDirectoryReachedThroughALinkIsStillTheWorkingDirectory() throws Exception {
        Path cwd = Path.of("").toAbsolutePath().toRealPath();
        Path alias = dir.resolve("alias");
        Files.createSymbolicLink(alias, cwd.getParent());
        Path target = alias.resolve(cwd.getFileName());
        FileSystemException e = assertThrows(FileSystemException.class, () -> ReplaceableFolders.requireReplaceable(target));
        assertTrue(e.getMessage().contains("it is the working directory or holds it (through a symbolic link)"), e.getMessage());
    }

    @Test
    void aLinkAtTheLockFileIsRefusedAndItsTargetNotCreated() throws Exception {
        Path victim = dir.resolve("victim.txt");
        Path lock = dir.resolve(".out.lock");
        Files.createSymbolicLink(lock, victim);
        FileSystemException e = assertThrows(FileSystemException.class, () -> CrossProcessLock.acquire(lock).close());
        assertTrue(e.getMessage().contains("the lock file is a symbolic link"), e.getMessage());
        assertFalse(Files.exists(victim));
        // and the write that needs the lock fails with it, leaving nothing behind
        assertThrows(FileSystemException.class, () -> writeOurs(dir.resolve("out"), "{}"));
        assertFalse(Files.exists(victim));
    }

    @Test
    void aPipeAtTheLockFileIsRefusedNotWaitedOn() throws Exception {
        Path lock = dir.resolve(".out.lock");
        assertEquals(0, new ProcessBuilder("mkfifo", lock.toString()).inheritIO().start().waitFor());
        FileSystemException e = assertThrows(FileSystemException.class, () -> CrossProcessLock.acquire(lock).close());
        assertTrue(e.getMessage().contains("not a regular file (a pipe or device)"), e.getMessage());
    }

    @Test
    void waitingForALockTimesOutNamingItsHolder() throws Exception {
        Path lock = dir.resolve(".out.lock");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockHolderMain.class.getName(),
                lock.toString()).redirectErrorStream(true).start();
        String was = System.getProperty("loralab.lockTimeoutMillis");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("locked", out.readLine());
            System.setProperty("loralab.lockTimeoutMillis", "500");
            FileSystemException e = assertThrows(FileSystemException.class, () -> CrossProcessLock.acquire(lock).close());
            assertTrue(e.getMessage().contains("still locked after 0 s, held by pid " + holder.pid() + " on "), e.getMessage());
        } finally {
            if (was == null) {
                System.clearProperty("loralab.lockTimeoutMillis");
            } else {
                System.setProperty("loralab.lockTimeoutMillis", was);
            }
            holder.destroy();
            holder.waitFor();
        }
        CrossProcessLock.acquire(lock).close(); // free again once the holder is gone
    }

    @Test
    void windowsDeviceNamesAreRefusedAsOutputNames() throws Exception {
        for (String name : List.of("COM4", "com4.txt", "Nul", "lpt9.tar.gz", "CON ", "aux.", "PRN.arrow",
                "CONIN$", "conout$.csv", "ConOut$ ", "CONIN$.tar.gz")) {
            assertTrue(PortableNames.isReserved(name), name);
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> AtomicFolders.requireWritable(dir.resolve(name), false), name);
            assertTrue(e.getMessage().contains("is a device name on Windows"), e.getMessage());
            assertTrue(e.getMessage().contains("CONIN$, CONOUT$"), e.getMessage());
            assertThrows(FileSystemException.class, () -> AtomicFiles.writeString(dir.resolve(name), "x"), name);
            assertFalse(Files.exists(dir.resolve(name)), name);
        }
        for (String name : List.of("CONSOLE", "COM10", "xcon", "con-1", "nul_model", "lpt",
                "CONIN", "CONOUT", "CONIN$1", "CON$")) {
            assertFalse(PortableNames.isReserved(name), name);
        }
        // a folder to be created above the output counts too
        assertThrows(FileSystemException.class, () -> AtomicFiles.writeString(dir.resolve("nul").resolve("out.csv"), "x"));
        AtomicFiles.writeString(dir.resolve("console").resolve("out.csv"), "x");
    }

    @Test
    void wholeNumbersAreNeverNarrowedInConfigReaders() {
        String base = "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 64, \"num_attention_heads\": 4,"
                + " \"vocab_size\": 100, \"intermediate_size\": 128, \"num_hidden_layers\": 2";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelConfig.parse(StrictJson.parseObject(base + ", \"eos_token_id\": [2, 18446744073709551618]}")));
        assertTrue(e.getMessage().contains("eos_token_id"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(StrictJson.parseObject(base
                + ", \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8, \"low_freq_factor\": 1, \"high_freq_factor\": 4,"
                + " \"original_max_position_embeddings\": 4294975488}}")));
        assertTrue(e.getMessage().contains("original_max_position_embeddings"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(StrictJson.parseObject(base
                + ", \"rope_theta\": \"10000\"}")));
        assertTrue(e.getMessage().contains("rope_theta"), e.getMessage());
        JsonObject fp = JsonParser.parseString("{\"architecture\": \"llama\", \"hidden_size\": 4294967360, \"num_layers\": 2,"
                + " \"config_hash\": \"x\"}").getAsJsonObject();
        e = assertThrows(IllegalArgumentException.class, () -> ModelFingerprint.fromJson(fp));
        assertTrue(e.getMessage().contains("hidden_size"), e.getMessage());
    }
}
