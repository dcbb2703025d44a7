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
import org.loralab.engine.summarize.SummarizeOptions;
import org.loralab.engine.summarize.SummarizeTable;
import org.loralab.engine.summarize.Summarizer;
import org.loralab.engine.summarize.SummaryResult;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.table.TableChunks;
import org.loralab.engine.table.TableSink;
import org.loralab.engine.table.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The Summarize node from the command line. */
@Command(name = "summarize", mixinStandardHelpOptions = true, description = "Summarize a table of documents.")
final class SummarizeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, converter = ModelFolder.class, description = ModelFolder.HELP) Path model;
    @Option(names = "--adapter", description = "adapter folder (none: the base model alone)") Path adapter;
    @Option(names = "--adapters", description = "adapters the rows may name: a bank folder or a bank listing table (`bank --out`: "
            + "name and path columns); with --adapter-col") Path adapters;
    @Option(names = "--adapter-col", description = "column naming each row's adapter from --adapters (empty: the base model); "
            + "rows with different adapters share a batch") String adapterCol;
    @Option(names = "--merge", description = "merge the adapter into the weights first (faster)") boolean merge;
    @Option(names = "--data", required = true, description = "table of documents (.arrow, .csv, .jsonl)") Path data;
    @Option(names = "--document-col", defaultValue = "document", description = "column with the documents") String documentCol;
    @Option(names = "--out", required = true, description = "output table (.arrow, .csv, .jsonl)") Path out;
    @Option(names = "--max-input-tokens", defaultValue = "1024", description = "prompt tokens per row (longer documents are truncated)") int maxInput;
    @Option(names = "--batch", defaultValue = "8", description = "documents decoded together") int batch;
    @Mixin ModelArgs modelArgs;
    @Mixin PromptArgs prompt;

    @Option(names = "--chunk-rows", defaultValue = "2048",
            description = "rows read, summarized and written at a time: the job holds one chunk of the table, never all of it")
    int chunkRows;

    @Override
    public Integer call() throws Exception {
        InfoCommand.printEngine(modelArgs.device);
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
            AdapterTable table = adapters == null ? null : AdapterTable.read(adapters, prompt.template == null);
            PromptChoice promptChoice = prompt.choose(adapter);
            System.out.println("prompt: " + promptChoice.source());
            try (Summarizer s = Summarizer.open(new SummarizeOptions(model, adapter, merge, promptChoice.format(), maxInput, batch,
                    modelArgs.modelOptions()), table)) {
                System.out.println("model: " + s.model().dtypeChoice());
                if (table != null) {
                    System.out.println("row adapters: " + s.rowAdapters());
                }
                var generation = modelArgs.apply(s.defaults());
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
