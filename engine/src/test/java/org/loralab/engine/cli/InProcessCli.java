package org.loralab.engine.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code loralab} command in this JVM as main does (same error reporting): "error: ..." lines in {@code err}. */
final class InProcessCli {

    private InProcessCli() {
    }

    static int run(StringWriter err, String... args) {
        CommandLine cl = LoraLabCli.commandLine();
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }
}
