package org.loralab.engine.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.loralab.engine.bank.AdapterBank;
import org.loralab.engine.bank.BankEntry;
import org.loralab.engine.merge.MergeJob;
import org.loralab.engine.merge.MergeMethod;
import org.loralab.engine.merge.MergeSettings;
import org.loralab.engine.merge.PruneSettings;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.table.Tables;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.engine.train.TrainingExample;
import org.loralab.engine.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The Adaptive Merge & Prune node (and the classic merges) from the command line. */
@Command(name = "merge", mixinStandardHelpOptions = true, description = "Merge bank adapters into one adapter.")
final class MergeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, converter = ModelFolder.class, description = ModelFolder.HELP) Path model;
    @Option(names = "--adapters", split = ",", description = "adapter folders") List<Path> adapters;
    @Option(names = "--bank", description = "use every compatible adapter of this bank") Path bank;
    @Option(names = "--method", defaultValue = "adaptive",
            description = "linear, cat, svd, ties, dare_linear, dare_ties, magnitude_prune, lorahub, adaptive, description") String method;
    @Option(names = "--weights", split = ",", description = "one per adapter (default uniform)") double[] weights;
    @Option(names = "--density", defaultValue = "0.5", description = "fraction of values kept (ties, dare_linear, dare_ties, magnitude_prune)") double density;
    @Option(names = "--svd-rank", defaultValue = "0", description = "rank of the svd merge (0: the largest input rank)") int svdRank;
    @Option(names = "--seed", defaultValue = "42", description = "seed of DARE's drops, LoraHub's search and the fine-tune") long seed;
    @Option(names = "--data", description = "the few target examples (lorahub, adaptive)") Path data;
    @Option(names = "--document-col", defaultValue = "document", description = "column of --data with the documents") String documentCol;
    @Option(names = "--summary-col", defaultValue = "summary", description = "column of --data with the summaries") String summaryCol;
    @Option(names = "--budget", defaultValue = "40", description = "LoraHub loss evaluations") int budget;
    @Option(names = "--prune-ratio", defaultValue = "0.5", description = "adaptive: fraction of the merged adapter's parameters pruned") double pruneRatio;
    @Option(names = "--importance", defaultValue = "saliency", description = "magnitude, update or saliency") String importance;
    @Option(names = "--granularity", defaultValue = "rank", description = "element, rank or module") String granularity;
    @Option(names = "--prune-schedule", defaultValue = "iterative", description = "one_shot or iterative") String pruneSchedule;
    @Option(names = "--epochs", defaultValue = "8", description = "adaptive: fine-tune epochs on --data") int epochs;
    @Option(names = "--lr", defaultValue = "3e-3", description = "adaptive: fine-tune learning rate") double lr;
    @Option(names = "--task-description", description = "for the description-conditioned merge") String taskDescription;
    @Option(names = "--top-k", defaultValue = "2", description = "description: how many adapters, by similarity of their descriptions") int topK;
    @Option(names = "--temperature", defaultValue = "0.05", description = "description: softmax temperature of the similarity weights") double temperature;
    @Option(names = "--out", required = true, description = "adapter folder to write") Path out;
    @Option(names = "--overwrite", description = "replace an existing --out folder") boolean overwrite;
    @Option(names = "--export-model", description = "also write base + adapter as one checkpoint (<out>-model)") boolean exportModel;
    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N") String device;
    @Mixin PromptArgs prompt;

    @Override
    public Integer call() throws Exception {
        MergeJob.Method parsed = MergeJob.Method.parse(method);
        if (parsed.needsExamples() && data == null) {
            // without this, the job reports an empty target table, which does not say what to add
            throw new IllegalArgumentException("--method " + method + " learns from the target examples: give them with --data "
                    + "(a table with the columns of --document-col and --summary-col)");
        }
        InfoCommand.printEngine(device);
        List<Path> chosen = adapters;
        if (bank != null) {
            chosen = new AdapterBank(bank).read(ModelConfig.load(model), ProgressListener.NONE).stream()
                    .filter(BankEntry::usable).map(BankEntry::path).toList();
        }
        if (chosen == null || chosen.isEmpty()) {
            throw new IllegalArgumentException("name adapters with --adapters or a bank with --bank");
        }
        try (BufferAllocator alloc = Tables.newAllocator("merge")) {
            List<TrainingExample> target = TableArgs.examples(data, documentCol, summaryCol, alloc);
            PruneSettings prune = new PruneSettings(PruneSettings.parse(PruneSettings.Importance.class, importance),
                    PruneSettings.parse(PruneSettings.Granularity.class, granularity),
                    PruneSettings.parse(PruneSettings.Schedule.class, pruneSchedule), pruneRatio);
            TrainingConfig tune = TrainingConfig.defaults().withEpochs(epochs).withLearningRate(lr).withBatch(4, 1)
                    .withSchedule(LrSchedule.LINEAR, 0.1).withSeed(seed);
            MergeJob.Result r = MergeJob.run(new MergeJob.Spec(model, chosen, parsed, weights,
                    MergeSettings.of(MergeMethod.LINEAR).withDensity(density).withSvdRank(svdRank).withDare(true, seed), budget, prune,
                    tune, prompt.format(), taskDescription, topK, temperature, out, overwrite, exportModel, new ModelOptions(device, "auto")),
                    target, TrainingListener.of(new ConsoleProgress("merge")));
            ConsoleProgress.clear();
            System.out.printf("wrote %s from %d adapters; weights %s%s%n", r.adapter(), chosen.size(), java.util.Arrays.toString(r.weights()),
                    r.prunedRatio() > 0 ? String.format(", %.1f%% of parameters pruned", 100 * r.prunedRatio()) : "");
            return 0;
        }
    }
}
