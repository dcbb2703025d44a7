package org.loralab.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Written files get the modes the umask gives any new file, not a fixed 0600. */
class FileModesTest {

    @TempDir
    Path dir;

    @Test
    void writtenFilesRespectTheUmask() throws Exception {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Set<PosixFilePermission> plain = Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain.txt")));
        Path table = dir.resolve("scores.csv");
        AtomicFiles.writeString(table, "a,b\n1,2\n");
        assertEquals(plain, Files.getPosixFilePermissions(table));
        Path folder = dir.resolve("adapter");
        AtomicFolders.write(folder, false, tmp -> AtomicFiles.writeString(tmp.resolve("adapter_config.json"), "{}"));
        assertEquals(plain, Files.getPosixFilePermissions(folder.resolve("adapter_config.json")));
    }
}
