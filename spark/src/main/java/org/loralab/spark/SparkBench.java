package org.loralab.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.loralab.engine.model.TinyCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scaling on this machine: the same Summarize job on local[1] and local[2] (or the masters given),
 * each from a cold JVM cache, printing rows/s and the model load time per partition. Prints figures;
 * asserts nothing.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Summarize rows/s on local[1] vs local[2] and the per-partition model load time.")
final class SparkBench implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, description = "base model folder (default: a small random checkpoint, hidden 256, 4 layers)") Path model;
    @Option(names = "--rows", defaultValue = "256", description = "documents") int rows;
    @Option(names = "--partitions", defaultValue = "4", description = "partitions of the table") int partitions;
    @Option(names = "--max-new-tokens", defaultValue = "16", description = "tokens generated per row") int maxNewTokens;
    @Option(names = "--batch", defaultValue = "8", description = "documents decoded together") int batch;
    @Option(names = "--masters", defaultValue = "local[1],local[2]", split = ",", description = "Spark masters to compare") List<String> masters;

    @Override
    public Integer call() throws Exception {
        Path dir = model;
        if (dir == null) {
            dir = new TinyCheckpoint().hiddenSize(256).layers(4).intermediateSize(512).heads(8, 4).seed(3)
                    .write(Files.createTempDirectory("loralab-bench").resolve("model"));
        }
        SummarizeJob job = new SummarizeJob();
        job.model = dir.toAbsolutePath().toString();
        job.params.put("max_new_tokens", maxNewTokens);
        job.params.put("batch_size", batch);
        List<Row> docs = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            docs.add(RowFactory.create(document(i)));
        }
        StructType schema = new StructType().add("document", DataTypes.StringType);
        System.out.printf("%d documents, %d partitions, %d new tokens, batch %d, %d cores%n", rows, partitions, maxNewTokens, batch,
                Runtime.getRuntime().availableProcessors());
        for (String master : masters) {
            ExecutorModels.closeIdle(); // every master starts cold: each executor JVM loads once
            SparkSession spark = SparkSession.builder().appName("loralab bench").master(master).config("spark.ui.enabled", "false")
                    .getOrCreate();
            try {
                Dataset<Row> input = spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext())
                        .parallelize(docs, partitions), schema);
                SparkSummarize.Metrics metrics = SparkSummarize.Metrics.register(spark);
                long start = System.nanoTime();
                int n = SparkSummarize.summarize(input, job, metrics).collectAsList().size();
                double seconds = (System.nanoTime() - start) / 1e9;
                long loads = metrics.modelLoads().value();
                System.out.printf("%-10s %6.2f rows/s (%d rows in %.1f s); %d partitions, %d model load(s), %.0f ms per load,"
                        + " %d partitions found the model warm%n", master, n / seconds, n, seconds, metrics.partitions().value(), loads,
                        loads == 0 ? 0.0 : metrics.modelLoadNanos().value() / 1e6 / loads, metrics.partitions().value() - loads);
            } finally {
                spark.stop();
            }
        }
        ExecutorModels.closeIdle();
        return 0;
    }

    static String document(int i) {
        String[] w = {"rain", "markets", "Osaka", "fell", "across", "the", "river", "today", "prices", "storm", "team", "won"};
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < 20 + i % 30; k++) {
            b.append(w[(i * 7 + k * 3 + k * k) % w.length]).append(' ');
        }
        return b.toString().strip() + ".";
    }
}
