package org.loralab.engine.summarize;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;
import org.loralab.engine.table.TableBuilder;
import org.loralab.engine.table.Tables;

/** The Summarize node's table form: the input rows with summary, error and token-count columns appended. */
public final class SummarizeTable {

    public static final String SUMMARY = "summary";
    public static final String ERROR = "summary_error";

    private SummarizeTable() {
    }

    public static List<String> documents(VectorSchemaRoot input, String documentColumn) {
        return Tables.strings(input, documentColumn);
    }

    /** A new table: copies of the input's columns, then the result columns. */
    public static VectorSchemaRoot withSummaries(VectorSchemaRoot input, List<SummaryResult> results, BufferAllocator allocator) {
        List<FieldVector> columns = new ArrayList<>();
        for (FieldVector v : input.getFieldVectors()) {
            TransferPair copy = v.getTransferPair(allocator);
            for (int i = 0; i < input.getRowCount(); i++) {
                copy.copyValueSafe(i, i);
            }
            copy.getTo().setValueCount(input.getRowCount());
            columns.add((FieldVector) copy.getTo());
        }
        try (VectorSchemaRoot added = resultColumns(results, unique(input, SUMMARY), unique(input, ERROR), allocator)) {
            for (FieldVector v : added.getFieldVectors()) {
                TransferPair move = v.getTransferPair(allocator);
                move.transfer();
                columns.add((FieldVector) move.getTo());
            }
        }
        VectorSchemaRoot out = new VectorSchemaRoot(columns);
        out.setRowCount(input.getRowCount());
        return out;
    }

    /** The five result columns alone (summary, summary_error, prompt/truncated/generated token counts), one row per result. */
    public static VectorSchemaRoot resultColumns(List<SummaryResult> results, BufferAllocator allocator) {
        return resultColumns(results, SUMMARY, ERROR, allocator);
    }

    private static VectorSchemaRoot resultColumns(List<SummaryResult> results, String summary, String error, BufferAllocator allocator) {
        return new TableBuilder(allocator)
                .strings(summary, results.stream().map(SummaryResult::summary).toList())
                .strings(error, results.stream().map(SummaryResult::error).toList())
                .longs("prompt_tokens", results.stream().mapToLong(SummaryResult::promptTokens).toArray())
                .longs("truncated_tokens", results.stream().mapToLong(SummaryResult::truncatedTokens).toArray())
                .longs("generated_tokens", results.stream().mapToLong(SummaryResult::generatedTokens).toArray())
                .build();
    }

    /** {@code name}, or name_2, name_3 … when the input already has such a column. */
    private static String unique(VectorSchemaRoot input, String name) {
        String n = name;
        for (int i = 2; Tables.hasColumn(input, n); i++) {
            n = name + "_" + i;
        }
        return n;
    }
}
