package org.loralab.engine.io;

import java.nio.file.Path;

/** A separate process writing a table slowly, as a streamed Summarize does (for LeftoverTempsTest): prints "writing", then waits until killed. */
public final class SlowTableWriterMain {

    private SlowTableWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        AtomicFiles.write(Path.of(args[0]), out -> {
            out.write('x');
            out.flush();
            System.out.println("writing");
            System.out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
        });
    }
}
