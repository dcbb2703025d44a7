package org.loralab.engine.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.loralab.engine.params.TrainParams;
import org.loralab.engine.table.Tables;
import org.loralab.engine.train.TrainLoraJob;
import org.loralab.engine.train.TrainingExample;
import org.loralab.engine.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The Train LoRA node from the command line: its files here, its parameters from {@link TrainParams}. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a LoRA adapter on (document, summary) rows.",
        modelTransformer = TrainCommand.Options.class)
final class TrainCommand implements Callable<Integer> {

    /** Adds the node's parameters as options. */
    static final class Options implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return SchemaOptions.addTo(spec, TrainParams.SCHEMA);
        }
    }

    @Spec CommandSpec spec;
    @Option(names = {"-m", "--model"}, required = true, converter = ModelFolder.class, description = ModelFolder.HELP) Path model;
    @Option(names = "--data", required = true, description = "training table (.arrow, .csv, .jsonl)") Path data;
    @Option(names = "--validation", description = "validation table, same columns") Path validation;
    @Option(names = "--out", required = true, description = "adapter folder to write") Path out;
    @Option(names = "--init", description = "continue training this adapter") Path init;
    @Option(names = "--checkpoint", description = "checkpoint folder") Path checkpoint;
    @Mixin PromptArgs prompt;

    @Override
    public Integer call() throws Exception {
        TrainParams p = SchemaOptions.read(spec, TrainParams.SCHEMA);
        InfoCommand.printEngine(p.device().device());
        try (BufferAllocator alloc = Tables.newAllocator("train")) {
            List<TrainingExample> rows = TableArgs.examples(data, p.documentColumn(), p.summaryColumn(), alloc);
            List<TrainingExample> val = TableArgs.examples(validation, p.documentColumn(), p.summaryColumn(), alloc);
            ConsoleProgress console = new ConsoleProgress("train");
            TrainLoraJob.Result r = TrainLoraJob.run(p.spec(model, init, out, p.output().overwrite(), checkpoint, prompt.templateArgs()),
                    rows, val, new TrainingListener() {
                        @Override
                        public void onProgress(long done, long total, String message) {
                            console.onProgress(done, total, message);
                        }

                        @Override
                        public void onEpoch(int epoch, double trainLoss, double validationLoss) {
                            ConsoleProgress.clear();
                            System.out.printf("epoch %d: train loss %.4f%s%n", epoch, trainLoss,
                                    Double.isNaN(validationLoss) ? "" : String.format(", validation loss %.4f", validationLoss));
                        }
                    });
            System.out.printf("wrote %s: %d trainable parameters, %d steps, %.1f s%s%n", r.adapter(), r.trainableParameters(),
                    r.training().steps(), r.training().seconds(),
                    r.droppedDocumentTokens() > 0 ? ", " + r.droppedDocumentTokens() + " document tokens truncated" : "");
            return 0;
        }
    }
}
