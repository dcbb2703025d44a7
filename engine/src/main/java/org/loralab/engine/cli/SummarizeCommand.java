package org.loralab.engine.cli;

import org.loralab.engine.io.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralab.engine.io.OutputTargets;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.loralab.engine.summarize.AdapterTable;
import org.loralab.engine.summarize.PromptChoice;
import org.loralab.engine.params.SummarizeParams;
import org.loralab.engine.summarize.SummarizeTable;
import org.loralab.engine.summarize.Summarizer;
import org.loralab.engine.summarize.SummaryResult;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.table.TableChunks;
import org.loralab.engine.table.TableSink;
import org.loralab.engine.table.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The Summarize node from the command line. */
@Command(name = "summarize", mixinStandardHelpOptions = true, description = "Summarize a table of documents.",
        modelTransformer = SummarizeCommand.Options.class)
final class SummarizeCommand implements Callable<Integer> {

    /** Adds the node's parameters as options. */
    static final class Options implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return SchemaOptions.addTo(spec, SummarizeParams.SCHEMA);
        }
    }

    @Spec CommandSpec spec;
    @Option(names = {"-m", "--model"}, required = true, converter = ModelFolder.class, description = ModelFolder.HELP) Path model;
    @Option(names = "--adapter", description = "adapter folder (none: the base model alone)") Path adapter;
    @Option(names = "--adapters", description = "adapters the rows may name: a bank folder or a bank listing table (`bank --out`: "
            + "name and path columns); with --adapter-col") Path adapters;
    @Option(names = "--data", required = true, description = "table of documents (.arrow, .csv, .jsonl)") Path data;
    @Option(names = "--out", required = true, description = "output table (.arrow, .csv, .jsonl)") Path out;
    @Mixin PromptArgs prompt;

    @Option(names = "--chunk-rows", defaultValue = "2048",
            description = "rows read, summarized and written at a time: the job holds one chunk of the table, never all of it")
    int chunkRows;

    @Override
    public Integer call() throws Exception {
        SummarizeParams p = SchemaOptions.read(spec, SummarizeParams.SCHEMA);
        String documentCol = p.documentColumn();
        String adapterCol = p.adapterColumnOrNull();
        InfoCommand.printEngine(p.device().device());
        if (chunkRows < 1) {
            throw new IllegalArgumentException("--chunk-rows must be at least 1");
        }
        OutputTargets.requireNotInput(out, "--out", data, model, adapter, adapters);
        if ((adapters == null) != (adapterCol == null)) {
            throw new IllegalArgumentException("--adapters and --adapter-col go together");
        }
        if (adapters != null && adapter != null) {
            throw new IllegalArgumentException("give --adapter or --adapters with --adapter-col, not both");
        }
        AtomicFiles.requireWritable(out);
        long[] counts = new long[2]; // rows, failed rows
        try (BufferAllocator alloc = Tables.newAllocator("summarize");
                TableChunks chunks = TableChunks.open(data, alloc, chunkRows)) {
            if (!chunks.columns().contains(documentCol)) {
                throw new IllegalArgumentException(data + ": no column '" + documentCol + "' (columns: " + chunks.columns() + ")");
            }
            if (adapterCol != null && !chunks.columns().contains(adapterCol)) {
                throw new IllegalArgumentException(data + ": no column '" + adapterCol + "' (columns: " + chunks.columns() + ")");
            }
            // Each adapter's rows use its recorded prompt unless a template is given here.
            AdapterTable table = adapters == null ? null : AdapterTable.read(adapters, !prompt.given("prompt_template"));
            PromptChoice promptChoice = prompt.choose(adapter);
            System.out.println("prompt: " + promptChoice.source());
            try (Summarizer s = Summarizer.open(p.options(model, adapter, promptChoice.format()), table)) {
                System.out.println("model: " + s.model().dtypeChoice());
                if (table != null) {
                    System.out.println("row adapters: " + s.rowAdapters());
                }
                var generation = p.apply(s.defaults());
                ConsoleProgress progress = new ConsoleProgress("summarize");
                AtomicFiles.write(out, stream -> {
                    try (TableSink sink = TableSink.of(out, stream, alloc)) {
                        for (VectorSchemaRoot next = chunks.next(); next != null; next = chunks.next()) {
                            try (VectorSchemaRoot chunk = next) {
                                long first = chunks.rowsRead() - chunk.getRowCount();
                                List<SummaryResult> results = s.summarize(SummarizeTable.documents(chunk, documentCol),
                                        adapterCol == null ? null : Tables.strings(chunk, adapterCol), generation,
                                        ProgressListener.offset(progress, first, 0), first);
                                counts[0] += results.size();
                                counts[1] += results.stream().filter(r -> r.error() != null).count();
                                try (VectorSchemaRoot output = SummarizeTable.withSummaries(chunk, results, alloc)) {
                                    sink.append(output);
                                }
                            }
                        }
                    }
                });
            }
        }
        ConsoleProgress.clear();
        System.out.printf("wrote %s: %d summaries, %d rows with errors%n", out, counts[0] - counts[1], counts[1]);
        return counts[1] == counts[0] && counts[0] > 0 ? 1 : 0;
    }
}
