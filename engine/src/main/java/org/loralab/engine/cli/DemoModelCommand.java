package org.loralab.engine.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.loralab.engine.demo.DemoBaseModel;
import org.loralab.engine.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Rebuilds the demo's embedded base model (the command recorded in its TRAINING.md). */
@Command(name = "demo-model", mixinStandardHelpOptions = true, description = "Train the demo's small base model from scratch.")
final class DemoModelCommand implements Callable<Integer> {

    private static final DemoBaseModel.Recipe SHIPPED = DemoBaseModel.Recipe.shipped();

    @Option(names = "--out", required = true) Path out;
    @Option(names = "--docs", description = "documents per domain and language (default: the shipped model's)") Integer docs;
    @Option(names = "--merges", description = "BPE merges of the tokenizer") Integer merges;
    @Option(names = "--epochs") Integer epochs;
    @Option(names = "--lr") Double lr;
    @Option(names = "--seed") Long seed;

    @Override
    public Integer call() throws Exception {
        DemoBaseModel.Recipe r = new DemoBaseModel.Recipe(docs != null ? docs : SHIPPED.docsPerPair(),
                merges != null ? merges : SHIPPED.merges(), epochs != null ? epochs : SHIPPED.epochs(),
                lr != null ? lr : SHIPPED.learningRate(), seed != null ? seed : SHIPPED.seed());
        DemoBaseModel.build(out, r, TrainingListener.of(new ConsoleProgress("pretraining")));
        System.out.println("wrote " + out);
        return 0;
    }
}
