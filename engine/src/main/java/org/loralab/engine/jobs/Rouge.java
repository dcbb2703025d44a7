package org.loralab.engine.jobs;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.loralab.engine.params.RougeParams;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.rouge.RougeTableScorer;
import org.loralab.engine.rouge.RougeType;
import org.loralab.engine.rouge.Score;
import org.loralab.engine.table.TableBuilder;
import org.loralab.engine.table.Tables;

/** ROUGE Scorer for a front end: prediction, reference and language texts in, score tables out. */
public final class Rouge {

    public static final String ERROR_COLUMN = RougeTableScorer.ERROR_COLUMN;
    public static final String LANGUAGE_COLUMN = RougeTableScorer.LANGUAGE_COLUMN;

    private Rouge() {
    }

    /** The per-row score columns (doubles) the job appends, in its order; then language and error (strings). */
    public static List<String> scoreColumns(final RougeParams p) {
        List<String> cols = new ArrayList<>();
        for (RougeType t : p.types()) {
            for (Score.Measure m : Score.Measure.values()) {
                cols.add(RougeTableScorer.scoreColumn(t, m));
            }
        }
        return cols;
    }

    /** The per-row columns and the summary table; close it. */
    public static final class Result implements AutoCloseable {
        private final BufferAllocator alloc;
        private final RougeTableScorer.Result result;

        private Result(final BufferAllocator alloc, final RougeTableScorer.Result result) {
            this.alloc = alloc;
            this.result = result;
        }

        /** One row per input row: the score, language and error columns. */
        public VectorSchemaRoot rows() {
            return result.rows();
        }

        /** Bootstrap mean and interval per type and measure. */
        public VectorSchemaRoot summary() {
            return result.summary();
        }

        public int scoredRows() {
            return result.scoredRows();
        }

        @Override
        public void close() {
            try {
                result.close();
            } finally {
                alloc.close();
            }
        }
    }

    /**
     * Scores each prediction against its references (one list per reference column); {@code languages}
     * is null without a language column. {@code p.options()} fails with IllegalArgumentException on bad settings.
     */
    public static Result score(final RougeParams p, final List<String> predictions, final List<List<String>> references,
            final List<String> languages, final ProgressListener progress) {
        RougeTableScorer scorer = new RougeTableScorer(p.options());
        BufferAllocator alloc = Tables.newAllocator("rouge-job");
        try {
            // only the columns scored travel to the engine, as strings
            TableBuilder b = new TableBuilder(alloc).strings("prediction", predictions);
            List<String> refNames = new ArrayList<>();
            for (int i = 0; i < references.size(); i++) {
                refNames.add("reference_" + i);
                b.strings(refNames.get(i), references.get(i));
            }
            if (languages != null) {
                b.strings("language", languages);
            }
            try (VectorSchemaRoot input = b.build()) {
                return new Result(alloc, scorer.score(input, "prediction", refNames, languages == null ? null : "language",
                    alloc, progress));
            }
        } catch (RuntimeException | Error e) {
            alloc.close();
            throw e;
        }
    }
}
