package org.loralab.engine.io;

import java.nio.file.Path;

/** A separate process that holds a writer lock until killed (for GuardHolesTest). Prints "locked" once it holds it. */
public final class LockHolderMain {

    private LockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        try (CrossProcessLock lock = CrossProcessLock.acquire(Path.of(args[0]))) {
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
