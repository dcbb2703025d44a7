package org.loralab.engine.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds out before the work, not after it, whether an output can be written where it is named:
 * creates (and removes) an entry named like the temporary sibling the atomic write will use, in
 * the nearest existing folder. A read-only folder or file system, or a name too long for the
 * sibling, fails here with the cause.
 */
final class WritableProbe {

    /** Longest file name most file systems take (ext4, NTFS, APFS: 255 bytes). */
    static final int MAX_NAME_BYTES = 255;

    private WritableProbe() {
    }

    /** @param siblingName a name as long as the temporary sibling's, unique */
    static void probe(Path target, String siblingName) throws IOException {
        PortableNames.requireAllowed(target);
        String name = siblingName;
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new FileSystemException(target.toString(), null, "the name is too long: its temporary sibling would exceed "
                    + MAX_NAME_BYTES + " bytes; choose a shorter name");
        }
        Path existing = target.toAbsolutePath().normalize().getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new FileSystemException(target.toString(), null, "cannot be written: " + existing + " is not a folder");
        }
        Path probe = existing.resolve(name);
        try {
            Files.createDirectory(probe);
        } catch (IOException e) {
            throw new FileSystemException(target.toString(), null, "cannot be written: " + existing + " refuses new entries ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        Files.deleteIfExists(probe);
    }
}
