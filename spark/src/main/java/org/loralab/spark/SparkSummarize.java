package org.loralab.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.summarize.SummarizeTable;
import org.loralab.engine.summarize.SummaryResult;
import scala.Tuple2;

/**
 * Summarize over a DataFrame: the input's columns, then the columns the Summarize node and the
 * {@code summarize} command append (summary, summary_error, prompt/truncated/generated token counts).
 *
 * <p>Every row is numbered by its position in the input (partition order, then order within the
 * partition: the order in which the CLI reads the same table), and the engine seeds each row's
 * sampling from that number and names it in errors. The output therefore does not depend on how
 * the table is partitioned, on which executor a row runs, or on a retried task.
 */
public final class SparkSummarize {

    /** Figures a job collects across executors (for the benchmark and the log). */
    public record Metrics(LongAccumulator modelLoadNanos, LongAccumulator modelLoads, LongAccumulator partitions, LongAccumulator rows,
            LongAccumulator failedRows) implements java.io.Serializable {
        public static Metrics register(SparkSession spark) {
            var sc = spark.sparkContext();
            return new Metrics(sc.longAccumulator("loralab model load ns"), sc.longAccumulator("loralab model loads"),
                    sc.longAccumulator("loralab partitions"), sc.longAccumulator("loralab rows"), sc.longAccumulator("loralab failed rows"));
        }

        /**
         * Whether every row failed, as the CLI's summarize exits 1 then. Counted by the one action that writes the result
         * (a result stage: Spark applies each partition's updates once, a failed attempt's not at all).
         */
        public boolean everyRowFailed() {
            return rows.value() > 0 && failedRows.value().longValue() == rows.value().longValue();
        }
    }

    private SparkSummarize() {
    }

    public static Dataset<Row> summarize(Dataset<Row> input, SummarizeJob job) {
        return summarize(input, job, null);
    }

    /** The summarized table; lazy, as any transformation (nothing runs until it is written or collected). */
    public static Dataset<Row> summarize(Dataset<Row> input, SummarizeJob job, Metrics metrics) {
        job.validate();
        StructType in = input.schema();
        int doc = stringColumn(in, job.params().documentColumn());
        int adapter = job.adapterColumn == null ? -1 : stringColumn(in, job.adapterColumn);
        JavaRDD<Row> out = RowNumbers.of(input, job.rowColumn).mapPartitions(new Partition(job, doc, adapter, metrics));
        return input.sparkSession().createDataFrame(out, outputSchema(in));
    }

    static int stringColumn(StructType schema, String name) {
        int i = Arrays.asList(schema.fieldNames()).indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no column '" + name + "' (columns: " + Arrays.toString(schema.fieldNames()) + ")");
        }
        if (!schema.fields()[i].dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("column '" + name + "' holds " + schema.fields()[i].dataType().simpleString()
                    + ", not text");
        }
        return i;
    }

    /** The input's fields, then the result columns named as {@link SummarizeTable} names them. */
    static StructType outputSchema(StructType in) {
        List<String> names = Arrays.asList(in.fieldNames());
        return in.add(unique(names, SummarizeTable.SUMMARY), DataTypes.StringType, true)
                .add(unique(names, SummarizeTable.ERROR), DataTypes.StringType, true)
                .add("prompt_tokens", DataTypes.LongType, false)
                .add("truncated_tokens", DataTypes.LongType, false)
                .add("generated_tokens", DataTypes.LongType, false);
    }

    private static String unique(List<String> names, String name) {
        String n = name;
        for (int i = 2; names.contains(n); i++) {
            n = name + "_" + i;
        }
        return n;
    }

    /** One partition, chunk by chunk; within a chunk, the rows of each adapter together. */
    static final class Partition implements FlatMapFunction<Iterator<Tuple2<Row, Long>>, Row> {
        private static final long serialVersionUID = 1L;
        private final SummarizeJob job;
        private final int doc;
        private final int adapter;
        private final Metrics metrics;

        Partition(SummarizeJob job, int doc, int adapter, Metrics metrics) {
            this.job = job;
            this.doc = doc;
            this.adapter = adapter;
            this.metrics = metrics;
        }

        @Override
        public Iterator<Row> call(Iterator<Tuple2<Row, Long>> rows) {
            if (metrics != null) {
                metrics.partitions().add(1);
            }
            return new Iterator<>() {
                private Iterator<Row> chunk = List.<Row>of().iterator();

                @Override
                public boolean hasNext() {
                    while (!chunk.hasNext() && rows.hasNext()) {
                        List<Tuple2<Row, Long>> next = new ArrayList<>();
                        while (rows.hasNext() && next.size() < job.chunkRows) {
                            next.add(rows.next());
                        }
                        chunk = summarizeChunk(next).iterator();
                    }
                    return chunk.hasNext();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return chunk.next();
                }
            };
        }

        private List<Row> summarizeChunk(List<Tuple2<Row, Long>> rows) {
            SummaryResult[] results = new SummaryResult[rows.size()];
            Map<String, List<Integer>> byAdapter = new LinkedHashMap<>();
            for (int i = 0; i < rows.size(); i++) {
                byAdapter.computeIfAbsent(adapterOf(rows.get(i)._1()), k -> new ArrayList<>()).add(i);
            }
            for (Map.Entry<String, List<Integer>> group : byAdapter.entrySet()) {
                summarizeGroup(group.getKey(), group.getValue(), rows, results);
            }
            List<Row> out = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i)._1();
                Object[] values = new Object[r.size() + 5];
                for (int c = 0; c < r.size(); c++) {
                    values[c] = r.get(c);
                }
                SummaryResult s = results[i];
                if (metrics != null) {
                    metrics.rows().add(1);
                    if (s.error() != null) {
                        metrics.failedRows().add(1);
                    }
                }
                values[r.size()] = s.summary();
                values[r.size() + 1] = s.error();
                values[r.size() + 2] = (long) s.promptTokens();
                values[r.size() + 3] = (long) s.truncatedTokens();
                values[r.size() + 4] = (long) s.generatedTokens();
                out.add(RowFactory.create(values));
            }
            return out;
        }

        /** The row's adapter folder: its cell in the adapter column, else the job's adapter (null: none). */
        private String adapterOf(Row r) {
            String cell = adapter < 0 || r.isNullAt(adapter) ? null : r.getString(adapter).strip();
            return cell == null || cell.isEmpty() ? job.adapter : cell;
        }

        private void summarizeGroup(String adapterDir, List<Integer> members, List<Tuple2<Row, Long>> rows, SummaryResult[] results) {
            List<String> docs = new ArrayList<>(members.size());
            long[] tableRows = new long[members.size()];
            for (int k = 0; k < members.size(); k++) {
                Tuple2<Row, Long> t = rows.get(members.get(k));
                docs.add(t._1().isNullAt(doc) ? null : t._1().getString(doc));
                tableRows[k] = t._2();
            }
            ExecutorModels.Lease lease;
            try {
                lease = ExecutorModels.lease(job.options(adapterDir));
            } catch (IOException | RuntimeException e) {
                boolean perRow = adapterDir != null && !adapterDir.equals(job.adapter);
                if (!perRow) {
                    throw new IllegalStateException("cannot open the model " + job.model
                            + (adapterDir == null ? "" : " with adapter " + adapterDir) + ": " + e.getMessage(), e);
                }
                // A row's own adapter that cannot be opened fails that row, as a bad document does.
                for (int k = 0; k < members.size(); k++) {
                    results[members.get(k)] = new SummaryResult(members.get(k), null, "row " + tableRows[k] + ": adapter "
                            + adapterDir + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), 0, 0, 0);
                }
                return;
            }
            try (lease) {
                if (metrics != null && lease.loadNanos() > 0) {
                    metrics.modelLoadNanos().add(lease.loadNanos());
                    metrics.modelLoads().add(1);
                }
                GenerationConfig cfg = job.generation(lease.summarizer());
                List<SummaryResult> r = lease.summarizer().summarize(docs, tableRows, cfg, ProgressListener.NONE);
                for (int k = 0; k < members.size(); k++) {
                    results[members.get(k)] = r.get(k);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the generation settings of " + job.model + ": " + e.getMessage(), e);
            }
        }
    }
}
