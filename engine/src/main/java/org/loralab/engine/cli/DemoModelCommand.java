package org.loralab.engine.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.loralab.engine.demo.DemoBaseModel;
import org.loralab.engine.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Rebuilds the demo's embedded base model (the command recorded beside the shipped checkpoint). */
@Command(name = "demo-model", mixinStandardHelpOptions = true, description = "Train the demo's small base model from scratch.")
final class DemoModelCommand implements Callable<Integer> {

    @Option(names = "--out", required = true) Path out;
    @Option(names = "--rounds", defaultValue = "6") int rounds;
    @Option(names = "--docs", defaultValue = "300", description = "documents per domain and language") int docs;

    @Override
    public Integer call() throws Exception {
        DemoBaseModel.build(out, rounds, docs, TrainingListener.of(new ConsoleProgress("pretraining")));
        System.out.println("wrote " + out);
        return 0;
    }
}
