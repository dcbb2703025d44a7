package org.loralab.engine.train;

import java.util.ArrayList;
import java.util.List;
import org.loralab.engine.model.ModelFingerprint;

/** One (document, summary) row; {@code row} is its index in the caller's table, for error messages. */
public record TrainingExample(int row, String document, String summary) {

    /**
     * Every row that cannot be trained on, each named by its row number; empty when all are fine.
     * Bad rows are reported, never silently dropped.
     */
    public static List<String> problems(List<TrainingExample> rows) {
        List<String> problems = new ArrayList<>();
        for (TrainingExample e : rows) {
            if (e.document == null) {
                problems.add("row " + e.row + ": the document is missing");
            } else if (e.document.isBlank()) {
                problems.add("row " + e.row + ": the document is empty");
            }
            if (e.summary == null) {
                problems.add("row " + e.row + ": the summary is missing");
            } else if (e.summary.isBlank()) {
                problems.add("row " + e.row + ": the summary is empty");
            }
        }
        return problems;
    }

    /** Throws one exception listing every bad row (the first 20, then a count). */
    public static void requireValid(List<TrainingExample> rows, String what) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("the " + what + " data has no rows");
        }
        List<String> problems = problems(rows);
        if (!problems.isEmpty()) {
            StringBuilder sb = new StringBuilder(problems.size() + " bad row(s) in the " + what + " data: ");
            sb.append(String.join("; ", problems.subList(0, Math.min(20, problems.size()))));
            if (problems.size() > 20) {
                sb.append("; … and ").append(problems.size() - 20).append(" more");
            }
            throw new IllegalArgumentException(sb.toString());
        }
    }

    /** SHA-256 over the rows' texts in order: identifies the training data in metadata and checkpoints. */
    public static String hash(List<TrainingExample> rows) {
        StringBuilder sb = new StringBuilder();
        for (TrainingExample e : rows) {
            sb.append(e.document).append('\u0000').append(e.summary).append('\u0001');
        }
        return ModelFingerprint.sha256(sb.toString());
    }
}
