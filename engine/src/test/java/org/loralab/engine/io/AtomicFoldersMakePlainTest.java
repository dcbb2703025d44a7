package org.loralab.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder that travels as it is (a KNIME file store) must hold the files itself, not a link to a hidden sibling. */
class AtomicFoldersMakePlainTest {

    @TempDir
    Path dir;

    @Test
    void aVersionLinkBecomesThePlainFolderItPointedTo() throws Exception {
        Path target = dir.resolve("adapter");
        AtomicFolders.write(target, false, tmp -> Files.writeString(tmp.resolve("weights"), "v1"));
        AtomicFolders.makePlain(target);
        assertTrue(Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS), "a plain folder, not a link");
        assertFalse(Files.isSymbolicLink(target));
        assertEquals("v1", Files.readString(target.resolve("weights")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(target), s.toList(), "no hidden version or lock left beside it");
        }
        AtomicFolders.makePlain(target); // a plain folder stays as it is
        assertEquals("v1", Files.readString(target.resolve("weights")));
    }
}
