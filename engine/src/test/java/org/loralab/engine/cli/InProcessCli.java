package org.loralab.engine.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code loralab} command in this JVM, as the tests need it: errors as "error: ..." lines in {@code err}. */
final class InProcessCli {

    private InProcessCli() {
    }

    static int run(StringWriter err, String... args) {
        CommandLine cl = new CommandLine(new LoraLabCli());
        cl.setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return cl.execute(args);
    }
}
