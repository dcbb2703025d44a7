package org.loralab.engine.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.loralab.engine.bank.AdapterBank;
import org.loralab.engine.bank.BankEntry;
import org.loralab.engine.merge.MergeJob;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.params.MergeParams;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.table.Tables;
import org.loralab.engine.train.TrainingExample;
import org.loralab.engine.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The Adaptive Merge & Prune node (and the classic merges) from the command line: files here, parameters from {@link MergeParams}. */
@Command(name = "merge", mixinStandardHelpOptions = true, description = "Merge bank adapters into one adapter.",
        modelTransformer = MergeCommand.Options.class)
final class MergeCommand implements Callable<Integer> {

    /** Adds the node's parameters as options. */
    static final class Options implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return SchemaOptions.addTo(spec, MergeParams.SCHEMA);
        }
    }

    @Spec CommandSpec spec;
    @Option(names = {"-m", "--model"}, required = true, converter = ModelFolder.class, description = ModelFolder.HELP) Path model;
    @Option(names = "--adapters", split = ",", description = "adapter folders") List<Path> adapters;
    @Option(names = "--bank", description = "use every compatible adapter of this bank") Path bank;
    @Option(names = "--data", description = "the few target examples (lorahub, adaptive)") Path data;
    @Option(names = "--out", required = true, description = "adapter folder to write") Path out;
    @Mixin PromptArgs prompt;

    @Override
    public Integer call() throws Exception {
        MergeParams p = SchemaOptions.read(spec, MergeParams.SCHEMA);
        if (p.method().needsExamples() && data == null) {
            // without this, the job reports an empty target table, which does not say what to add
            throw new IllegalArgumentException("--method " + p.method().peftName() + " learns from the target examples: give them with "
                    + "--data (a table with the columns of --document-col and --summary-col)");
        }
        InfoCommand.printEngine(p.device().device());
        List<Path> chosen = adapters;
        if (bank != null) {
            chosen = new AdapterBank(bank).read(ModelConfig.load(model), ProgressListener.NONE).stream()
                    .filter(BankEntry::usable).map(BankEntry::path).toList();
        }
        if (chosen == null || chosen.isEmpty()) {
            throw new IllegalArgumentException("name adapters with --adapters or a bank with --bank");
        }
        try (BufferAllocator alloc = Tables.newAllocator("merge")) {
            List<TrainingExample> target = TableArgs.examples(data, p.documentColumn(), p.summaryColumn(), alloc);
            MergeJob.Result r = MergeJob.run(p.spec(model, chosen, out, p.output().overwrite(), prompt.templateArgs()), target,
                    TrainingListener.of(new ConsoleProgress("merge")));
            ConsoleProgress.clear();
            System.out.printf("wrote %s from %d adapters; weights %s%s%n", r.adapter(), chosen.size(), java.util.Arrays.toString(r.weights()),
                    r.prunedRatio() > 0 ? String.format(", %.1f%% of parameters pruned", 100 * r.prunedRatio()) : "");
            return 0;
        }
    }
}
