package org.loralab.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.cli.LoraLabCli;
import org.loralab.engine.lora.AdapterWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.lora.RandomB;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelCache;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.table.TableFiles;
import org.loralab.engine.table.Tables;
import picocli.CommandLine;

/**
 * Summarize on local[2,3] against the single-machine CLI on the same table, seed and settings:
 * sampled decoding, so a row's output depends on its seed stream as well as on the model.
 */
class SparkSummarizeTest {

    static final int ROWS = 300;
    /** Sampled, short: each row draws from the stream of its row number. */
    static final String[] GENERATION = {"--sample", "--temperature", "1.5", "--seed", "5", "--max-new-tokens", "6", "--batch", "8",
        "--max-input-tokens", "64", "--template", "{document}\\nSummary:"};

    @TempDir
    static Path dir;
    static Path model;
    static Path adapter;
    static Path docs;
    static Path cliBase;
    static Path cliAdapter;

    @BeforeAll
    static void setUp() throws Exception {
        model = new TinyCheckpoint().seed(4).write(dir.resolve("base"));
        adapter = writeAdapter(model, dir.resolve("adapter"));
        // id, document (a few missing or blank), adapter (this adapter, blank for the base model, one folder that is no adapter)
        StringBuilder csv = new StringBuilder("id,document,adapter\n");
        for (int i = 0; i < ROWS; i++) {
            String doc = i % 97 == 5 ? "" : i % 89 == 3 ? "\"  \"" : "\"" + SparkBench.document(i) + "\"";
            String a = i == 7 ? dir.resolve("no-adapter").toString() : i % 3 == 0 ? adapter.toString() : "";
            csv.append(i).append(',').append(doc).append(',').append(a).append('\n');
        }
        docs = Files.writeString(dir.resolve("docs.csv"), csv);
        cliBase = cli("summarize", "-m", model.toString(), "--data", docs.toString(), "--out", dir.resolve("cli-base.csv").toString(),
                "--chunk-rows", "50");
        cliAdapter = cli("summarize", "-m", model.toString(), "--adapter", adapter.toString(), "--data", docs.toString(), "--out",
                dir.resolve("cli-adapter.csv").toString());
    }

    /** An adapter of {@code base} on every linear layer, with random B (a fresh adapter is the base model). */
    private static Path writeAdapter(Path base, Path to) throws Exception {
        try (CausalLM m = CausalLM.load(base, new ModelOptions("cpu", "float32"));
                LoraAdapter a = LoraAdapter.create(m, LoraConfig.of(4, 8, LoraConfig.ALL_LINEAR), false, 3)) {
            RandomB.fill(a, 2, 0.2);
            AdapterWriter.write(a, null, to, false);
        }
        return to;
    }

    /** Runs the single-machine CLI with {@link #GENERATION}; returns its --out. */
    private static Path cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(GENERATION));
        assertEquals(0, new CommandLine(new LoraLabCli()).execute(all.toArray(String[]::new)));
        return Path.of(all.get(all.indexOf("--out") + 1));
    }

    private static int spark(String... args) {
        List<String> all = new ArrayList<>(List.of("summarize", "--master", LocalSpark.MASTER));
        all.addAll(List.of(args));
        all.addAll(List.of(GENERATION));
        LocalSpark.get();
        return SparkCli.commandLine().execute(all.toArray(String[]::new));
    }

    private static List<String> column(Path table, String name) throws Exception {
        try (BufferAllocator alloc = Tables.newAllocator("test"); VectorSchemaRoot t = TableFiles.read(table, alloc)) {
            return Tables.strings(t, name);
        }
    }

    @Test
    void sparkWritesTheSameTableAsTheCli() throws Exception {
        Path out = dir.resolve("spark-adapter.csv");
        assertEquals(0, spark("-m", model.toString(), "--adapter", adapter.toString(), "--data", docs.toString(), "--out", out.toString(),
                "--partitions", "5", "--chunk-rows", "16"));
        assertEquals(Files.readString(cliAdapter), Files.readString(out));
        List<String> summaries = column(out, "summary");
        assertTrue(summaries.stream().filter(s -> s != null && !s.isEmpty()).count() > ROWS / 2);
        assertEquals("row 5: the document is missing", column(out, "summary_error").get(5));
    }

    /** Rows numbered by a column (here the CSV's id, read as text, equal to the position) give the CLI's table. */
    @Test
    void rowsNumberedByAColumnGiveTheCliTable() throws Exception {
        Path out = dir.resolve("spark-row-col.csv");
        assertEquals(0, spark("-m", model.toString(), "--adapter", adapter.toString(), "--data", docs.toString(), "--out", out.toString(),
                "--partitions", "3", "--row-col", "id"));
        assertEquals(Files.readString(cliAdapter), Files.readString(out));
    }

    @Test
    void eachRowUsesTheAdapterOfItsAdapterColumn() throws Exception {
        Path out = dir.resolve("spark-rows.parquet");
        assertEquals(0, spark("-m", model.toString(), "--adapter-col", "adapter", "--data", docs.toString(), "--out", out.toString(),
                "--partitions", "3"));
        // Spark reads part files largest first: order by id (text, as the CSV reader reads it)
        List<Row> rows = LocalSpark.get().read().parquet(out.toString()).orderBy(org.apache.spark.sql.functions.col("id").cast("int")).collectAsList();
        List<String> base = column(cliBase, "summary");
        List<String> withAdapter = column(cliAdapter, "summary");
        List<String> baseErrors = column(cliBase, "summary_error");
        assertNotEquals(base, withAdapter);
        assertEquals(ROWS, rows.size());
        for (int i = 0; i < ROWS; i++) {
            Row r = rows.get(i);
            assertEquals(String.valueOf(i), r.getAs("id").toString());
            if (i == 7) {
                assertNull(r.getAs("summary"));
                String error = r.getAs("summary_error");
                assertTrue(error.startsWith("row 7: adapter " + dir.resolve("no-adapter")), error);
            } else {
                assertEquals(i % 3 == 0 ? withAdapter.get(i) : base.get(i), r.getAs("summary"), "row " + i);
                assertEquals(baseErrors.get(i), r.getAs("summary_error"), "row " + i);
            }
        }
    }

    /**
     * --merge merges the adapter into the weights in Spark as in the CLI (whose model cache is off). Spark's executors
     * keep the engine's model cache on (sharing one base model between adapters); there a merge used to attach the
     * adapter unmerged, which in bf16 gives other tokens.
     */
    @Test
    void aMergedAdapterIsMergedAsInTheCli() throws Exception {
        Path bf16 = new TinyCheckpoint().seed(4).dtype("bfloat16").write(dir.resolve("base-bf16"));
        Path bf16Adapter = writeAdapter(bf16, dir.resolve("adapter-bf16"));
        String[] merged = {"-m", bf16.toString(), "--adapter", bf16Adapter.toString(), "--merge", "--dtype", "bfloat16", "--data",
            docs.toString()};
        ModelCache.shared().setBudget(0); // as the CLI's main sets it
        Path cliOut;
        try {
            List<String> args = new ArrayList<>(List.of("summarize"));
            args.addAll(List.of(merged));
            args.addAll(List.of("--out", dir.resolve("cli-merged.csv").toString()));
            cliOut = cli(args.toArray(String[]::new));
        } finally {
            ModelCache.shared().setBudget(ModelCache.parseBudget("25%")); // an executor's default
        }
        Path out = dir.resolve("spark-merged.csv");
        List<String> args = new ArrayList<>(List.of(merged));
        args.addAll(List.of("--out", out.toString(), "--partitions", "3"));
        assertEquals(0, spark(args.toArray(String[]::new)));
        assertEquals(Files.readString(cliOut), Files.readString(out));
    }

    @Test
    void everyRowFailedExitsOneAsTheCli() throws Exception {
        Path blank = Files.writeString(dir.resolve("blank.csv"), "id,document\n0,\n1,\"  \"\n2,\n");
        List<String> args = new ArrayList<>(List.of("summarize", "-m", model.toString(), "--data", blank.toString(), "--out",
                dir.resolve("blank-cli.csv").toString()));
        args.addAll(List.of(GENERATION));
        assertEquals(1, new CommandLine(new LoraLabCli()).execute(args.toArray(String[]::new)));
        Path out = dir.resolve("blank-spark.csv");
        assertEquals(1, spark("-m", model.toString(), "--data", blank.toString(), "--out", out.toString(), "--partitions", "2"));
        assertEquals(Files.readString(dir.resolve("blank-cli.csv")), Files.readString(out));
    }

    static final AtomicInteger KILLED = new AtomicInteger();

    @Test
    void aKilledTaskIsRetriedAndEveryRowComesOutOnce() throws Exception {
        Dataset<Row> input = SparkTables.read(LocalSpark.get(), docs.toString(), 4);
        // The first attempt of partition 1 dies after 40 of its rows, once the summarizer has emitted some.
        JavaRDD<Row> flaky = input.javaRDD().mapPartitionsWithIndex((p, it) -> p == 1 && TaskContext.get().attemptNumber() == 0
                ? dieAfter(it, 40) : it, true);
        SummarizeJob job = new SummarizeJob();
        job.model = model.toString();
        job.with(java.util.Map.of("sample", true, "temperature", 1.5, "seed", 5L, "max_new_tokens", 6, "max_input_tokens", 64,
                "prompt_template", "{document}\nSummary:"));
        job.chunkRows = 16;
        int killedBefore = KILLED.get();
        SparkSummarize.Metrics metrics = SparkSummarize.Metrics.register(LocalSpark.get());
        List<Row> rows = SparkSummarize.summarize(LocalSpark.get().createDataFrame(flaky, input.schema()), job, metrics).collectAsList();
        // 4 partitions (and a retried one), one JVM: the model is loaded at most once (not at all when an earlier test left it warm)
        assertEquals(4, metrics.partitions().value()); // a failed attempt's accumulator updates are dropped
        assertTrue(metrics.modelLoads().value() <= 1, metrics.modelLoads().value() + " model loads");
        // killed twice: in zipWithIndex's counting job, then in the summarizing task after it emitted two chunks
        assertEquals(2, KILLED.get() - killedBefore, "the summarizing task was not killed");
        List<String> base = column(cliBase, "summary");
        assertEquals(ROWS, rows.size());
        boolean[] seen = new boolean[ROWS];
        for (Row r : rows) {
            int id = Integer.parseInt(r.getAs("id").toString());
            assertTrue(!seen[id], "row " + id + " twice");
            seen[id] = true;
            assertEquals(base.get(id), r.getAs("summary"), "row " + id);
        }
    }

    private static Iterator<Row> dieAfter(Iterator<Row> rows, int n) {
        return new Iterator<>() {
            int given;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                if (given++ == n) {
                    KILLED.incrementAndGet();
                    throw new IllegalStateException("killed for the test");
                }
                return rows.next();
            }
        };
    }
}
