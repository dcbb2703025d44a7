package org.loralab.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.loralab.engine.model.EngineSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    @Command(name = "summarize", mixinStandardHelpOptions = true, description = "Summarize a table of documents on Spark.")
    static final class Summarize implements Callable<Integer> {
        @CommandLine.Mixin SparkArgs sparkArgs;
        @Option(names = {"-m", "--model"}, required = true, description = "base model folder, at the same path on every executor") Path model;
        @Option(names = "--adapter", description = "adapter folder (none: the base model alone), at the same path on every executor") Path adapter;
        @Option(names = "--adapter-col", description = "column naming each row's adapter folder; blank cells take --adapter") String adapterCol;
        @Option(names = "--merge", description = "merge the adapter into the weights first (faster)") boolean merge;
        @Option(names = "--data", required = true, description = "table of documents (Parquet file or folder, .arrow, .csv, .jsonl)") String data;
        @Option(names = "--document-col", defaultValue = "document", description = "column with the documents") String documentCol;
        @Option(names = "--out", required = true, description = "output table (Parquet folder or .parquet, .arrow, .csv, .jsonl)") String out;
        @Option(names = "--max-input-tokens", defaultValue = "1024", description = "prompt tokens per row (longer documents are truncated)") int maxInput;
        @Option(names = "--batch", defaultValue = "8", description = "documents decoded together") int batch;
        @Option(names = "--chunk-rows", defaultValue = "2048", description = "rows of a partition summarized at a time") int chunkRows;
        @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N, on each executor") String device;
        @Option(names = "--dtype", defaultValue = "auto", description = "auto, float32, bfloat16 or float16") String dtype;
        @Option(names = "--max-new-tokens", description = "tokens to generate (default: generation_config.json, else 128)") Integer maxNewTokens;
        @Option(names = "--sample", description = "sample instead of greedy decoding") boolean sample;
        @Option(names = "--temperature", description = "sampling temperature") Double temperature;
        @Option(names = "--top-k", description = "keep the k most likely tokens when sampling") Integer topK;
        @Option(names = "--top-p", description = "keep the smallest set of tokens whose probability reaches p") Double topP;
        @Option(names = "--repetition-penalty", description = "penalty on tokens already present (1: off)") Double repetitionPenalty;
        @Option(names = "--seed", defaultValue = "42", description = "random seed for sampling; each row samples from the stream of its row number") long seed;
        @Option(names = "--beams", description = "beam search with this many beams") Integer beams;
        @Option(names = "--template", description = "prompt with {document}; default the adapter's recorded template, else the engine's") String template;
        @Option(names = "--language-hint", description = "substituted for {language}") String languageHint;
        @Option(names = "--chat", negatable = true, description = "wrap the prompt in the model's chat template") Boolean chat;
        @Option(names = "--chat-template-arg", paramLabel = "NAME=VALUE", description = "a variable for the chat template (repeatable)") List<String> templateArgs;

        SummarizeJob job() {
            SummarizeJob j = new SummarizeJob();
            // as given: a relative path resolves on each executor (e.g. a folder unpacked there by --archives)
            j.model = model.toString();
            j.adapter = adapter == null ? null : adapter.toString();
            j.adapterColumn = adapterCol;
            j.merge = merge;
            j.documentColumn = documentCol;
            j.rowColumn = sparkArgs.rowCol;
            j.maxInputTokens = maxInput;
            j.batch = batch;
            j.chunkRows = chunkRows;
            j.device = device;
            j.dtype = dtype;
            j.template = template == null ? null : template.replace("\\n", "\n"); // as the CLI unescapes it
            j.languageHint = languageHint;
            j.chat = chat;
            j.templateArgs = templateArgs == null ? null : new ArrayList<>(templateArgs);
            j.maxNewTokens = maxNewTokens;
            j.sample = sample;
            j.temperature = temperature;
            j.topK = topK;
            j.topP = topP;
            j.repetitionPenalty = repetitionPenalty;
            j.beams = beams;
            j.seed = seed;
            return j;
        }

        @Override
        public Integer call() throws Exception {
            SummarizeJob job = job();
            SparkSession spark = sparkArgs.session("loralab summarize");
            Dataset<Row> input = sparkArgs.read(spark, data);
            SparkSummarize.Metrics metrics = SparkSummarize.Metrics.register(spark);
            long start = System.nanoTime();
            Dataset<Row> result = SparkSummarize.summarize(input, job, metrics);
            SparkTables.write(result, out);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("wrote %s in %.1f s (%d partitions, %d model loads, %.1f s loading)%n", out, seconds,
                    metrics.partitions().value(), metrics.modelLoads().value(), metrics.modelLoadNanos().value() / 1e9);
            return 0;
        }
    }

    @Command(name = "rouge", mixinStandardHelpOptions = true, description = "Score predictions against references with ROUGE on Spark.")
    static final class Rouge implements Callable<Integer> {
        @CommandLine.Mixin SparkArgs sparkArgs;
        @Option(names = "--data", required = true, description = "table with predictions and references (Parquet, .arrow, .csv, .jsonl)") String data;
        @Option(names = "--prediction-col", defaultValue = "summary", description = "column with the generated summaries") String predictionCol;
        @Option(names = "--reference-col", defaultValue = "reference", split = ",", description = "one or more, comma-separated") List<String> referenceCols;
        @Option(names = "--language", defaultValue = "en", description = "en, ja, or detect (by script, per row)") String language;
        @Option(names = "--language-col", description = "per-row language column") String languageCol;
        @Option(names = "--japanese", defaultValue = "morpheme", description = "morpheme (Kuromoji) or character") String japanese;
        @Option(names = "--no-stemmer", description = "do not Porter-stem English tokens") boolean noStemmer;
        @Option(names = "--types", defaultValue = "rouge1,rouge2,rougeL,rougeLsum", split = ",", description = "ROUGE types, comma-separated") List<String> types;
        @Option(names = "--bootstrap", defaultValue = "1000", description = "bootstrap resamples for the intervals") int bootstrap;
        @Option(names = "--confidence", defaultValue = "0.95", description = "confidence level of the intervals") double confidence;
        @Option(names = "--seed", defaultValue = "42", description = "seed of the bootstrap") long seed;
        @Option(names = "--out", required = true, description = "the input table with the per-row scores appended") String out;
        @Option(names = "--summary", description = "summary table (mean and interval per type and measure)") String summary;

        @Override
        public Integer call() throws Exception {
            RougeJob job = new RougeJob();
            job.predictionColumn = predictionCol;
            job.rowColumn = sparkArgs.rowCol;
            job.referenceColumns = new ArrayList<>(referenceCols);
            job.language = language;
            job.languageColumn = languageCol;
            job.japanese = japanese;
            job.stemmer = !noStemmer;
            job.types = new ArrayList<>(types);
            job.bootstrap = bootstrap;
            job.confidence = confidence;
            job.seed = seed;
            SparkSession spark = sparkArgs.session("loralab rouge");
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
