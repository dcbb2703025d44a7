package org.loralab.engine.io;

import java.nio.file.Files;
import java.nio.file.Path;

/** A separate process that replaces one folder again and again (for AtomicFoldersConcurrencyTest). */
public final class ConcurrentWriterMain {

    private ConcurrentWriterMain() {
    }

    /** Args: target folder, number of writes (0: until killed), writer id. Exit 1 on any failed write. */
    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]);
        int writes = Integer.parseInt(args[1]);
        int failures = 0;
        for (int i = 0; writes == 0 || i < writes; i++) {
            String token = args[2] + "-" + i;
            try {
                AtomicFolders.write(target, true, tmp -> {
                    Files.writeString(tmp.resolve("a.txt"), token);
                    Files.write(tmp.resolve("payload.bin"), new byte[64 * 1024]);
                    Files.writeString(tmp.resolve("b.txt"), token);
                });
            } catch (Exception e) {
                failures++;
                System.err.println("write " + token + " failed: " + e);
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }
}
