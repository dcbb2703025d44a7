package org.loralab.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.loralab.engine.cli.PromptArgs;
import org.loralab.engine.cli.SchemaOptions;
import org.loralab.engine.io.OutputTargets;
import org.loralab.engine.model.EngineSetup;
import org.loralab.engine.params.RougeParams;
import org.loralab.engine.params.SummarizeParams;
import org.loralab.engine.rouge.RougeType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spark-submit --class org.loralab.spark.SparkCli loralab-spark.jar summarize|rouge ...}, or
 * the same with {@code java -cp} and {@code --master URL}: the CLI's Summarize and ROUGE over Spark.
 */
@Command(name = "loralab-spark", mixinStandardHelpOptions = true, subcommands = {SparkCli.Summarize.class, SparkCli.Rouge.class,
        SparkBench.class}, description = "LoRA Lab's Summarize and ROUGE on Apache Spark.")
public final class SparkCli implements Runnable {

    public static void main(String[] args) {
        EngineSetup.defaultOffline();
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SparkCli()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (Boolean.getBoolean("loralab.debug")) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        cl.getSubcommands().values().forEach(c -> c.getCommandSpec().usageMessage().showDefaultValues(true));
        return cl;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /**
     * As the CLI: an output may not be an input or a folder holding one. Local paths, before Spark starts (real paths,
     * so links count); {@link SparkPaths} checks every path again as Spark's file systems name it once the session is up.
     */
    static void requireNotInput(String output, String option, Object... inputs) throws IOException {
        if (output == null || output.contains("://")) {
            return;
        }
        for (Object in : inputs) {
            if (in != null && !in.toString().contains("://")) {
                OutputTargets.requireNotInput(Path.of(output), option, Path.of(in.toString()));
            }
        }
    }

    /** Options of both jobs: where Spark runs and how the input is cut. */
    static class SparkArgs {
        @Option(names = "--master", description = "Spark master URL, e.g. local[4], spark://host:7077, yarn (default: spark-submit's, else local[*])")
        String master;

        @Option(names = "--row-col", description = "column of unique whole row numbers: seeds, error messages and the bootstrap's row order"
                + " (default: each row's position in the input; give one for a folder of Parquet files, which Spark reads largest first)")
        String rowCol;

        @Option(names = "--partitions", defaultValue = "0",
                description = "partitions of a table read on the driver (.arrow/.csv/.jsonl; 0: Spark's default parallelism); Parquet keeps its splits")
        int partitions;

        SparkSession session(String app) {
            SparkSession.Builder b = SparkSession.builder().appName(app);
            if (master != null) {
                b.master(master);
            } else if (System.getProperty("spark.master") == null) {
                b.master("local[*]");
            }
            return b.getOrCreate();
        }

        Dataset<Row> read(SparkSession spark, String data) throws Exception {
            int n = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
            return SparkTables.read(spark, data, n);
        }
    }

    @Command(name = "summarize", mixinStandardHelpOptions = true, description = "Summarize a table of documents on Spark.",
            modelTransformer = Summarize.Options.class)
    static final class Summarize implements Callable<Integer> {

        /**
         * The node's parameters as the CLI's summarize takes them, but for the schema's --adapter-col (a row's adapter by
         * its name in a bank, with --adapters): here --adapter-col names each row's adapter folder, as no bank is read.
         */
        static final class Options implements IModelTransformer {
            @Override
            public CommandSpec transform(CommandSpec spec) {
                return SchemaOptions.addTo(spec, SummarizeParams.SCHEMA, p -> !p.key().equals("adapter_column"));
            }
        }

        @Spec CommandSpec spec;
        @CommandLine.Mixin SparkArgs sparkArgs;
        @CommandLine.Mixin PromptArgs prompt;
        @Option(names = {"-m", "--model"}, required = true, description = "base model folder, at the same path on every executor") Path model;
        @Option(names = "--adapter", description = "adapter folder (none: the base model alone), at the same path on every executor") Path adapter;
        @Option(names = "--adapter-col", description = "column naming each row's adapter folder; blank cells take --adapter") String adapterCol;
        @Option(names = "--data", required = true, description = "table of documents (Parquet file or folder, .arrow, .csv, .jsonl)") String data;
        @Option(names = "--out", required = true, description = "output table (Parquet folder or .parquet, .arrow, .csv, .jsonl)") String out;
        @Option(names = "--chunk-rows", defaultValue = "2048", description = "rows of a partition summarized at a time") int chunkRows;

        SummarizeJob job() {
            SummarizeJob j = new SummarizeJob();
            // as given: a relative path resolves on each executor (e.g. a folder unpacked there by --archives)
            j.model = model.toString();
            j.adapter = adapter == null ? null : adapter.toString();
            j.adapterColumn = adapterCol;
            j.rowColumn = sparkArgs.rowCol;
            j.chunkRows = chunkRows;
            Map<String, Object> values = SummarizeParams.SCHEMA.values(SchemaOptions.read(spec, SummarizeParams.SCHEMA));
            // a prompt option not typed is left out: the adapter's recorded prompt applies, as in the CLI
            for (String key : List.of("prompt_template", "prompt_language", "prompt_chat")) {
                if (!prompt.given(key)) {
                    values.remove(key);
                }
            }
            j.params.putAll(values);
            List<String> args = prompt.templateArgsAsGiven();
            j.templateArgs = args == null ? null : new ArrayList<>(args);
            return j;
        }

        @Override
        public Integer call() throws Exception {
            requireNotInput(out, "--out", data, model, adapter);
            SummarizeJob job = job();
            SparkSession spark = sparkArgs.session("loralab summarize");
            SparkPaths.requireNotInput(spark, out, "--out", data);
            SparkTables.requireWritable(spark, out); // before the work; checked again when written
            Dataset<Row> input = sparkArgs.read(spark, data);
            SparkSummarize.Metrics metrics = SparkSummarize.Metrics.register(spark);
            long start = System.nanoTime();
            Dataset<Row> result = SparkSummarize.summarize(input, job, metrics);
            SparkTables.write(result, out);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("wrote %s in %.1f s: %d summaries, %d rows with errors (%d partitions, %d model loads, %.1f s loading)%n",
                    out, seconds, metrics.rows().value() - metrics.failedRows().value(), metrics.failedRows().value(),
                    metrics.partitions().value(), metrics.modelLoads().value(), metrics.modelLoadNanos().value() / 1e9);
            return metrics.everyRowFailed() ? 1 : 0; // as the CLI's summarize
        }
    }

    @Command(name = "rouge", mixinStandardHelpOptions = true, description = "Score predictions against references with ROUGE on Spark.",
            modelTransformer = Rouge.Options.class)
    static final class Rouge implements Callable<Integer> {

        /** The node's parameters as the CLI's rouge takes them. */
        static final class Options implements IModelTransformer {
            @Override
            public CommandSpec transform(CommandSpec spec) {
                return SchemaOptions.addTo(spec, RougeParams.SCHEMA);
            }
        }

        @Spec CommandSpec spec;
        @CommandLine.Mixin SparkArgs sparkArgs;
        @Option(names = "--data", required = true, description = "table with predictions and references (Parquet, .arrow, .csv, .jsonl)") String data;
        @Option(names = "--types", split = ",", description = "ROUGE types, comma-separated (default: all four: rouge1, rouge2, rougeL, rougeLsum)")
        List<String> types;
        @Option(names = "--out", required = true, description = "the input table with the per-row scores appended") String out;
        @Option(names = "--summary", description = "summary table (mean and interval per type and measure)") String summary;

        @Override
        public Integer call() throws Exception {
            requireNotInput(out, "--out", data);
            requireNotInput(summary, "--summary", data);
            if (summary != null && !summary.contains("://") && !out.contains("://")) {
                OutputTargets.requireDistinct(Path.of(out), "--out", Path.of(summary), "--summary");
            }
            RougeParams p = SchemaOptions.read(spec, RougeParams.SCHEMA);
            if (types != null) {
                p = p.withTypes(types.stream().map(RougeType::parse).toList());
            }
            RougeJob job = new RougeJob();
            job.rowColumn = sparkArgs.rowCol;
            job.params.putAll(RougeParams.SCHEMA.values(p));
            SparkSession spark = sparkArgs.session("loralab rouge");
            SparkPaths.requireNotInput(spark, out, "--out", data);
            SparkPaths.requireNotInput(spark, summary, "--summary", data);
            SparkPaths.requireDistinct(spark, out, "--out", summary, "--summary");
            SparkTables.requireWritable(spark, out);
            SparkTables.requireWritable(spark, summary);
            SparkRouge.Result r = SparkRouge.score(sparkArgs.read(spark, data), job);
            if (r.scoredRows() == 0) {
                throw new IllegalArgumentException(r.inputRows() == 0 ? data + " has no rows"
                        : "no row could be scored; check --prediction-col and --reference-col");
            }
            SparkTables.write(r.rows(), out);
            if (summary != null) {
                SparkTables.write(r.summary(), summary);
            }
            for (Row s : r.summary().collectAsList()) {
                if (s.getString(1).equals("fmeasure")) {
                    System.out.printf("%-10s F1 %.4f  [%.4f, %.4f]%n", s.getString(0), s.getDouble(2), s.getDouble(3), s.getDouble(5));
                }
            }
            System.out.printf("%d of %d rows scored (%d left out); per-row scores in %s%n", r.scoredRows(), r.inputRows(),
                    r.inputRows() - r.scoredRows(), out);
            return 0;
        }
    }
}
