package org.loralab.engine.cli;

import org.loralab.engine.io.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralab.engine.io.OutputTargets;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.loralab.engine.bank.AdapterBank;
import org.loralab.engine.bank.BankEntry;
import org.loralab.engine.bank.BankTable;
import org.loralab.engine.model.ModelConfig;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.table.TableFiles;
import org.loralab.engine.table.Tables;
import picocli.CommandLine.Command;
import org.loralab.engine.params.BankParams;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

/** The Adapter Bank Reader node from the command line. */
@Command(name = "bank", mixinStandardHelpOptions = true, description = "List a folder of adapters with their metadata.",
        modelTransformer = BankCommand.Options.class)
final class BankCommand implements Callable<Integer> {

    /** Adds the node's parameters as options. */
    static final class Options implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return SchemaOptions.addTo(spec, BankParams.SCHEMA);
        }
    }

    @Spec CommandSpec spec;

    @Parameters(index = "0", description = "bank folder") Path bank;
    @Option(names = {"-m", "--model"}, converter = ModelFolder.class, description = "check compatibility with this base model (a model folder, or 'demo')") Path model;
    @Option(names = "--out", description = "write the listing as a table (.arrow, .csv, .jsonl)") Path out;

    @Override
    public Integer call() throws Exception {
        OutputTargets.requireNotInput(out, "--out", bank, model);
        if (out != null) {
            AtomicFiles.requireWritable(out);
        }
        BankParams p = SchemaOptions.read(spec, BankParams.SCHEMA);
        List<BankEntry> entries = new AdapterBank(bank).read(model == null ? null : ModelConfig.load(model), ProgressListener.NONE);
        if (p.onlyUsable()) {
            entries = entries.stream().filter(BankEntry::usable).toList();
        }
        for (BankEntry e : entries) {
            System.out.printf("%-28s %-12s r=%-3s %-4s %-10s %s%n", e.name(), e.status().name().toLowerCase(),
                    e.rank() == null ? "-" : e.rank(), e.language() == null ? "-" : e.language(), e.domain() == null ? "-" : e.domain(),
                    e.reason() == null ? "" : e.reason());
        }
        if (out != null) {
            try (BufferAllocator alloc = Tables.newAllocator("bank"); VectorSchemaRoot t = BankTable.of(entries, alloc)) {
                TableFiles.write(out, t);
            }
        }
        return 0;
    }
}
