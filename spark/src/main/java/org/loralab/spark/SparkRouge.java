package org.loralab.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.loralab.engine.params.RougeParams;
import org.loralab.engine.rouge.RougeOptions;
import org.loralab.engine.rouge.RougeTableScorer;
import org.loralab.engine.rouge.RougeType;
import org.loralab.engine.rouge.Score;
import org.loralab.engine.table.Tables;
import scala.Tuple2;

/**
 * ROUGE over a DataFrame: rows scored in parallel on the executors (the input's columns, then the
 * columns the ROUGE Scorer node appends), corpus means and bootstrap intervals on the driver from
 * the per-row scores collected in table order, so they equal the single-machine scorer's for the
 * same seed (the bootstrap resamples rows by position).
 */
public final class SparkRouge {

    /** Internal: each row's position in the input, to put the collected scores in table order. */
    static final String ROW = "__loralab_row";

    /** The per-row table (lazy, cached once computed), the summary table, and the row counts. */
    public record Result(Dataset<Row> rows, Dataset<Row> summary, long scoredRows, long inputRows) {
    }

    private static final Map<RougeOptions, RougeTableScorer> SCORERS = new ConcurrentHashMap<>();

    private SparkRouge() {
    }

    public static Result score(Dataset<Row> input, RougeJob job) {
        RougeOptions options = job.options();
        RougeParams p = job.params();
        if (p.referenceColumns().isEmpty()) {
            throw new IllegalArgumentException("choose at least one reference column");
        }
        StructType in = input.schema();
        int prediction = SparkSummarize.stringColumn(in, p.predictionColumn());
        int[] refs = p.referenceColumns().stream().mapToInt(c -> SparkSummarize.stringColumn(in, c)).toArray();
        int language = p.languageColumnOrNull() == null ? -1 : SparkSummarize.stringColumn(in, p.languageColumnOrNull());
        StructType schema = outputSchema(in, options).add(ROW, DataTypes.LongType, false);
        JavaRDD<Row> scored = RowNumbers.of(input, job.rowColumn).mapPartitions(new Partition(job, prediction, refs, language))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> all = input.sparkSession().createDataFrame(scored, schema);

        // Only the scores travel to the driver: row number, the score columns and the error, put in table order.
        int first = in.size();
        int last = schema.size() - 1;
        List<Row> collected = new ArrayList<>(scored.map(r -> {
            Object[] v = new Object[last - first];
            v[0] = r.get(last);
            for (int c = first; c < last - 2; c++) {
                v[c - first + 1] = r.get(c);
            }
            v[v.length - 1] = r.get(last - 1);
            return RowFactory.create(v);
        }).collect());
        collected.sort((a, b) -> Long.compare(a.getLong(0), b.getLong(0)));
        List<RougeTableScorer.RowResult> rows = new ArrayList<>(collected.size());
        long scoredRows = 0;
        for (Row r : collected) {
            if (!r.isNullAt(r.size() - 1)) {
                rows.add(new RougeTableScorer.RowResult(null, null, r.getString(r.size() - 1)));
                continue;
            }
            Map<RougeType, Score> scores = new LinkedHashMap<>();
            int c = 1;
            for (RougeType t : options.types()) {
                scores.put(t, new Score(r.getDouble(c), r.getDouble(c + 1), r.getDouble(c + 2)));
                c += 3;
            }
            rows.add(new RougeTableScorer.RowResult(scores, null, null));
            scoredRows++;
        }
        Dataset<Row> summary;
        try (BufferAllocator alloc = Tables.newAllocator("spark-rouge");
                VectorSchemaRoot table = scorer(options).summaryTable(rows, alloc)) {
            summary = SparkTables.toDataFrame(input.sparkSession(), table, 1);
        }
        return new Result(all.drop(ROW), summary, scoredRows, collected.size());
    }

    /** The input's fields, then the score, language and error columns, renamed as AppendColumns renames clashes. */
    static StructType outputSchema(StructType in, RougeOptions options) {
        Set<String> names = new HashSet<>(Arrays.asList(in.fieldNames()));
        StructType out = in;
        List<String> added = new ArrayList<>();
        for (RougeType t : options.types()) {
            for (Score.Measure m : Score.Measure.values()) {
                added.add(RougeTableScorer.scoreColumn(t, m));
            }
        }
        added.add(RougeTableScorer.LANGUAGE_COLUMN);
        added.add(RougeTableScorer.ERROR_COLUMN);
        for (int i = 0; i < added.size(); i++) {
            String name = added.get(i);
            for (int k = 1; names.contains(name); k++) {
                name = added.get(i) + " (#" + k + ")";
            }
            names.add(name);
            out = out.add(name, i < added.size() - 2 ? DataTypes.DoubleType : DataTypes.StringType, true);
        }
        return out;
    }

    /** The JVM's scorer for {@code options}: the Japanese tokenizer's dictionary loads once per executor. */
    static RougeTableScorer scorer(RougeOptions options) {
        return SCORERS.computeIfAbsent(options, RougeTableScorer::new);
    }

    static final class Partition implements FlatMapFunction<Iterator<Tuple2<Row, Long>>, Row> {
        private static final long serialVersionUID = 1L;
        private final RougeJob job;
        private final int prediction;
        private final int[] refs;
        private final int language;

        Partition(RougeJob job, int prediction, int[] refs, int language) {
            this.job = job;
            this.prediction = prediction;
            this.refs = refs;
            this.language = language;
        }

        @Override
        public Iterator<Row> call(Iterator<Tuple2<Row, Long>> rows) {
            RougeOptions options = job.options();
            RougeTableScorer scorer = scorer(options);
            int added = options.types().size() * Score.Measure.values().length + 3;
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    Tuple2<Row, Long> t = rows.next();
                    Row r = t._1();
                    List<String> references = new ArrayList<>(refs.length);
                    for (int c : refs) {
                        references.add(r.isNullAt(c) ? null : r.getString(c));
                    }
                    RougeTableScorer.RowResult s = scorer.scoreRow(t._2(), r.isNullAt(prediction) ? null : r.getString(prediction),
                            references, language < 0 || r.isNullAt(language) ? null : r.getString(language));
                    Object[] values = new Object[r.size() + added];
                    for (int c = 0; c < r.size(); c++) {
                        values[c] = r.get(c);
                    }
                    int c = r.size();
                    for (RougeType type : options.types()) {
                        for (Score.Measure m : Score.Measure.values()) {
                            values[c++] = s.scores() == null ? null : s.scores().get(type).get(m); // a missing cell, as the node writes it
                        }
                    }
                    values[c++] = s.language();
                    values[c++] = s.error();
                    values[c] = t._2();
                    return RowFactory.create(values);
                }
            };
        }
    }
}
