package org.loralab.engine.cli;

import org.loralab.engine.io.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralab.engine.io.OutputTargets;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.loralab.engine.summarize.SummarizeOptions;
import org.loralab.engine.summarize.SummarizeTable;
import org.loralab.engine.summarize.Summarizer;
import org.loralab.engine.summarize.SummaryResult;
import org.loralab.engine.table.TableFiles;
import org.loralab.engine.table.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The Summarize node from the command line. */
@Command(name = "summarize", mixinStandardHelpOptions = true, description = "Summarize a table of documents.")
final class SummarizeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true) Path model;
    @Option(names = "--adapter") Path adapter;
    @Option(names = "--merge", description = "merge the adapter into the weights first (faster)") boolean merge;
    @Option(names = "--data", required = true) Path data;
    @Option(names = "--document-col", defaultValue = "document") String documentCol;
    @Option(names = "--out", required = true, description = "output table (.arrow, .csv, .jsonl)") Path out;
    @Option(names = "--max-input-tokens", defaultValue = "1024") int maxInput;
    @Option(names = "--batch", defaultValue = "8") int batch;
    @Mixin ModelArgs modelArgs;
    @Mixin PromptArgs prompt;

    @Override
    public Integer call() throws Exception {
        OutputTargets.requireNotInput(out, "--out", data, model, adapter);
        AtomicFiles.requireWritable(out);
        try (BufferAllocator alloc = Tables.newAllocator("summarize");
                VectorSchemaRoot input = TableFiles.read(data, alloc);
                Summarizer s = Summarizer.open(new SummarizeOptions(model, adapter, merge, prompt.format(), maxInput, batch,
                        modelArgs.modelOptions()))) {
            List<SummaryResult> results = s.summarize(SummarizeTable.documents(input, documentCol), modelArgs.apply(s.defaults()),
                    new ConsoleProgress("summarize"));
            ConsoleProgress.clear();
            try (VectorSchemaRoot output = SummarizeTable.withSummaries(input, results, alloc)) {
                TableFiles.write(out, output);
            }
            long failed = results.stream().filter(r -> r.error() != null).count();
            System.out.printf("wrote %s: %d summaries, %d rows with errors%n", out, results.size() - failed, failed);
            return failed == results.size() && !results.isEmpty() ? 1 : 0;
        }
    }
}
