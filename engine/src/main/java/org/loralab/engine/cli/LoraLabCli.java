package org.loralab.engine.cli;

import org.loralab.engine.model.EngineSetup;
import org.loralab.engine.model.ModelCache;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code loralab} command: one subcommand per node, plus the demo. */
@Command(name = "loralab", mixinStandardHelpOptions = true, version = "LoRA Lab 0.1.0",
        description = "LoRA adapters for low-resource summarization, from the command line.",
        subcommands = {InfoCommand.class, DemoCommand.class, GenerateCommand.class, TinyModelCommand.class, BenchCommand.class, DemoModelCommand.class, TrainCommand.class, BankCommand.class, MergeCommand.class, SummarizeCommand.class, RougeCommand.class})
public final class LoraLabCli implements Runnable {

    public static void main(String[] args) {
        // The bundled pytorch-native-cpu jar has the natives: offline unless the user configured otherwise;
        // and the native libraries' environment (OpenMP wait policy, reproducible mode) before they load.
        EngineSetup.prepare(true);
        // One process, one job: nothing to share, so no model stays loaded after its job unless asked for.
        if (System.getProperty(ModelCache.BUDGET_PROPERTY) == null) {
            System.setProperty(ModelCache.BUDGET_PROPERTY, "0");
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error reporting, and every option's default shown in --help. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new LoraLabCli()).setExecutionExceptionHandler(LoraLabCli::reportError);
        showDefaults(cl);
        return cl;
    }

    private static void showDefaults(CommandLine cl) {
        // picocli leaves out the "Default:" line where a description already names ${DEFAULT-VALUE}
        cl.getCommandSpec().usageMessage().showDefaultValues(true);
        cl.getSubcommands().values().forEach(LoraLabCli::showDefaults);
    }

    static int reportError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        if (Boolean.getBoolean("loralab.debug")) {
            e.printStackTrace(cmd.getErr());
        }
        return 1;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
