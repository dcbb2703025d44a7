package org.loralab.engine.cli;

import org.loralab.engine.io.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralab.engine.io.OutputTargets;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.loralab.engine.params.RougeParams;
import org.loralab.engine.rouge.RougeOptions;
import org.loralab.engine.rouge.RougeTableScorer;
import org.loralab.engine.rouge.RougeType;
import org.loralab.engine.table.AppendColumns;
import org.loralab.engine.table.TableFiles;
import org.loralab.engine.table.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The ROUGE Scorer node from the command line. */
@Command(name = "rouge", mixinStandardHelpOptions = true, description = "Score predictions against references with ROUGE.",
        modelTransformer = RougeCommand.Options.class)
final class RougeCommand implements Callable<Integer> {

    /** Adds the node's parameters as options. */
    static final class Options implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return SchemaOptions.addTo(spec, RougeParams.SCHEMA);
        }
    }

    @Spec CommandSpec spec;
    @Option(names = "--data", required = true, description = "table with predictions and references (.arrow, .csv, .jsonl)") Path data;
    @Option(names = "--types", split = ",", description = "ROUGE types, comma-separated (default: all four: rouge1, rouge2, rougeL, rougeLsum)")
    List<String> types;
    @Option(names = "--out", required = true, description = "the input table with the per-row scores appended") Path out;
    @Option(names = "--summary", description = "summary table (mean and interval per type and measure)") Path summary;

    @Override
    public Integer call() throws Exception {
        OutputTargets.requireNotInput(out, "--out", data);
        OutputTargets.requireNotInput(summary, "--summary", data);
        OutputTargets.requireDistinct(out, "--out", summary, "--summary");
        AtomicFiles.requireWritable(out);
        if (summary != null) {
            AtomicFiles.requireWritable(summary);
        }
        RougeParams p = SchemaOptions.read(spec, RougeParams.SCHEMA);
        if (types != null) {
            p = p.withTypes(types.stream().map(RougeType::parse).toList());
        }
        RougeOptions options = p.options();
        String predictionCol = p.predictionColumn();
        List<String> referenceCols = p.referenceColumns();
        String languageCol = p.languageColumnOrNull();
        try (BufferAllocator alloc = Tables.newAllocator("rouge");
                VectorSchemaRoot input = TableFiles.read(data, alloc);
                RougeTableScorer.Result r = new RougeTableScorer(options).score(input, predictionCol, referenceCols, languageCol, alloc,
                        new ConsoleProgress("rouge"))) {
            ConsoleProgress.clear();
            if (r.scoredRows() == 0) {
                // every row left out: the means would be NaN, which is no result
                throw new IllegalArgumentException(input.getRowCount() == 0 ? data + " has no rows"
                        : "no row could be scored, for example " + Tables.strings(r.rows(), RougeTableScorer.ERROR_COLUMN).get(0)
                        + "; check --prediction-col and --reference-col");
            }
            // the input's columns, then the scores, as the node's output table
            try (VectorSchemaRoot rows = AppendColumns.of(input, r.rows(), alloc)) {
                TableFiles.write(out, rows);
            }
            if (summary != null) {
                TableFiles.write(summary, r.summary());
            }
            List<String> t = Tables.strings(r.summary(), "rouge_type");
            List<String> m = Tables.strings(r.summary(), "measure");
            double[] mean = Tables.doubles(r.summary(), "mean");
            double[] low = Tables.doubles(r.summary(), "low");
            double[] high = Tables.doubles(r.summary(), "high");
            for (int i = 0; i < t.size(); i++) {
                if (m.get(i).equals("fmeasure")) {
                    System.out.printf("%-10s F1 %.4f  [%.4f, %.4f]%n", t.get(i), mean[i], low[i], high[i]);
                }
            }
            System.out.printf("%d of %d rows scored (%d left out, see %s); per-row scores in %s%n", r.scoredRows(),
                    input.getRowCount(), input.getRowCount() - r.scoredRows(), RougeTableScorer.ERROR_COLUMN, out);
            return 0;
        }
    }
}
