package org.loralab.engine.rouge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.table.TableBuilder;
import org.loralab.engine.table.Tables;

/**
 * Scores an Arrow table of predictions against one or more reference columns: one row of scores
 * per input row, and a summary table (mean and bootstrap interval per ROUGE type and measure).
 * A row that cannot be scored (every reference missing, unknown language) gets empty scores and
 * an error message; it never stops the table and is left out of the summary, which counts it. A
 * missing reference (null) is not an empty one: an empty reference is scored, 0 as rouge-score
 * scores it. A missing prediction (a summary that failed) is such a row error too: scoring it as
 * an empty text would put a 0 into the corpus mean for a row the model never answered.
 */
public final class RougeTableScorer {

    /** Column names of the per-row result: {@code <type>_<measure>}, e.g. {@code rouge1_fmeasure}. */
    public static String scoreColumn(RougeType type, Score.Measure m) {
        return type.name() + "_" + m.label();
    }

    public static final String ERROR_COLUMN = "rouge_error";
    public static final String LANGUAGE_COLUMN = "rouge_language";
    /** Summary column: input rows not scored (see the per-row error column), so not in the mean. */
    public static final String LEFT_OUT_COLUMN = "rows_left_out";

    /** The two output tables; close both. */
    public record Result(VectorSchemaRoot rows, VectorSchemaRoot summary, int scoredRows) implements AutoCloseable {
        @Override
        public void close() {
            rows.close();
            summary.close();
        }
    }

    private final RougeOptions options;
    private final RougeScorer english;
    private final RougeScorer japanese;

    public RougeTableScorer(RougeOptions options) {
        this.options = options;
        this.english = new RougeScorer(options.types(), new DefaultRougeTokenizer(options.useStemmer()));
        this.japanese = new RougeScorer(options.types(), new JapaneseRougeTokenizer(options.japaneseMode()));
    }

    /**
     * @param predictionColumn the generated summaries
     * @param referenceColumns one or more reference summaries; the best-scoring one counts per type
     * @param languageColumn optional per-row language ("en", "ja", "detect"); null, or a blank cell, for the options'
     */
    public Result score(VectorSchemaRoot input, String predictionColumn, List<String> referenceColumns,
            String languageColumn, BufferAllocator allocator, ProgressListener progress) {
        if (referenceColumns.isEmpty()) {
            throw new IllegalArgumentException("choose at least one reference column");
        }
        List<String> predictions = Tables.strings(input, predictionColumn);
        List<List<String>> references = new ArrayList<>();
        for (String c : referenceColumns) {
            references.add(Tables.strings(input, c));
        }
        List<String> languages = languageColumn == null ? null : Tables.strings(input, languageColumn);
        int n = predictions.size();
        RowResult[] results = new RowResult[n];
        int[] done = {0};
        // Rows are independent; score them on every core, reporting progress from the callers' side.
        Thread caller = Thread.currentThread();
        IntStream.range(0, n).parallel().forEach(i -> {
            progress.checkCancelled(caller);
            results[i] = scorePresent(i, predictions.get(i), rowReferences(references, i),
                    languages == null ? null : languages.get(i));
            synchronized (done) {
                done[0]++;
                if (done[0] % 256 == 0 || done[0] == n) {
                    progress.onProgress(done[0], n, "scored " + done[0] + " of " + n + " rows");
                }
            }
        });
        return new Result(rowTable(results, allocator), summaryTable(results, allocator, n),
                (int) Arrays.stream(results).filter(r -> r.scores != null).count());
    }

    private static List<String> rowReferences(List<List<String>> references, int row) {
        return references.stream().map(col -> col.get(row)).filter(Objects::nonNull).toList();
    }

    /** One row's outcome: scores and the language used, or (scores null) the reason it was left out. */
    public record RowResult(Map<RougeType, Score> scores, String language, String error) {
    }

    /**
     * One row alone, as {@link #score} scores it (for a caller that spreads rows over machines).
     *
     * @param row the row's number in the whole table, for its error message
     * @param referenceCells the row's reference cells; null ones are missing
     */
    public RowResult scoreRow(long row, String prediction, List<String> referenceCells, String languageCell) {
        return scorePresent(row, prediction, referenceCells.stream().filter(Objects::nonNull).toList(), languageCell);
    }

    /**
     * The summary table of rows scored one by one with {@link #scoreRow}, given in table order: the
     * bootstrap resamples rows by position, so only that order gives {@link #score}'s intervals.
     */
    public VectorSchemaRoot summaryTable(List<RowResult> rowsInTableOrder, BufferAllocator allocator) {
        return summaryTable(rowsInTableOrder.toArray(RowResult[]::new), allocator, rowsInTableOrder.size());
    }

    /** {@code refs}: the row's references that are present (not null). */
    private RowResult scorePresent(long row, String prediction, List<String> refs, String languageCell) {
        if (prediction == null) {
            return new RowResult(null, null, "row " + row + ": the prediction is missing (a failed summary?)");
        }
        if (refs.isEmpty()) {
            return new RowResult(null, null, "row " + row + ": every reference cell is missing");
        }
        Language lang;
        try {
            lang = languageCell == null || languageCell.isBlank() ? options.language() : Language.parse(languageCell);
        } catch (IllegalArgumentException e) {
            return new RowResult(null, null, "row " + row + ": " + e.getMessage());
        }
        if (lang == Language.DETECT) {
            String[] texts = new String[refs.size() + 1];
            texts[0] = prediction;
            for (int i = 0; i < refs.size(); i++) {
                texts[i + 1] = refs.get(i);
            }
            lang = Language.detect(texts);
        }
        RougeScorer scorer = lang == Language.JAPANESE ? japanese : english;
        return new RowResult(scorer.scoreMulti(refs, prediction), lang == Language.JAPANESE ? "ja" : "en", null);
    }

    private VectorSchemaRoot rowTable(RowResult[] results, BufferAllocator allocator) {
        TableBuilder b = new TableBuilder(allocator);
        for (RougeType t : options.types()) {
            for (Score.Measure m : Score.Measure.values()) {
                double[] col = new double[results.length];
                for (int i = 0; i < results.length; i++) {
                    col[i] = results[i].scores == null ? Double.NaN : results[i].scores.get(t).get(m);
                }
                b.doubles(scoreColumn(t, m), col);
            }
        }
        b.strings(LANGUAGE_COLUMN, Arrays.stream(results).map(RowResult::language).toList());
        b.strings(ERROR_COLUMN, Arrays.stream(results).map(RowResult::error).toList());
        return b.build();
    }

    private VectorSchemaRoot summaryTable(RowResult[] results, BufferAllocator allocator, int inputRows) {
        BootstrapAggregator agg = new BootstrapAggregator(options.confidence(), options.bootstrapSamples(), options.seed());
        for (RowResult r : results) {
            if (r.scores != null) {
                agg.add(r.scores);
            }
        }
        Map<RougeType, BootstrapAggregator.Interval> intervals = agg.aggregate();
        List<String> type = new ArrayList<>();
        List<String> measure = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (RougeType t : options.types()) {
            BootstrapAggregator.Interval iv = intervals.get(t);
            for (Score.Measure m : Score.Measure.values()) {
                type.add(t.name());
                measure.add(m.label());
                values.add(iv == null ? new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN}
                        : new double[] {iv.mean().get(m), iv.low().get(m), iv.mid().get(m), iv.high().get(m)});
            }
        }
        long[] rows = new long[type.size()];
        Arrays.fill(rows, agg.size());
        long[] leftOut = new long[type.size()];
        Arrays.fill(leftOut, inputRows - agg.size());
        return new TableBuilder(allocator)
                .strings("rouge_type", type)
                .strings("measure", measure)
                .doubles("mean", values.stream().mapToDouble(v -> v[0]).toArray())
                .doubles("low", values.stream().mapToDouble(v -> v[1]).toArray())
                .doubles("mid", values.stream().mapToDouble(v -> v[2]).toArray())
                .doubles("high", values.stream().mapToDouble(v -> v[3]).toArray())
                .longs("rows", rows)
                .longs(LEFT_OUT_COLUMN, leftOut)
                .build();
    }
}
