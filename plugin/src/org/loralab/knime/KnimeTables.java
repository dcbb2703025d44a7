package org.loralab.knime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.knime.core.data.DataCell;
import org.knime.core.data.DataColumnSpec;
import org.knime.core.data.DataColumnSpecCreator;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.DataType;
import org.knime.core.data.RowKey;
import org.knime.core.data.StringValue;
import org.knime.core.data.append.AppendedColumnRow;
import org.knime.core.data.container.CloseableRowIterator;
import org.knime.core.data.def.BooleanCell;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.def.DoubleCell;
import org.knime.core.data.def.IntCell;
import org.knime.core.data.def.LongCell;
import org.knime.core.data.def.StringCell;
import org.knime.core.node.BufferedDataContainer;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.InvalidSettingsException;
import org.loralab.engine.jobs.TrainLora;

/** Moves rows between KNIME tables and the engine's inputs (lists, Arrow tables) and back. */
public final class KnimeTables {

    private KnimeTables() {
    }

    /** The index of a column the user chose, with an error naming it and the table when absent. */
    public static int column(final DataTableSpec spec, final String name, final String role) throws InvalidSettingsException {
        if (name == null || name.isEmpty()) {
            throw new InvalidSettingsException("Choose the " + role + " column.");
        }
        int i = spec.findColumnIndex(name);
        if (i < 0) {
            throw new InvalidSettingsException("The " + role + " column '" + name + "' is not in the input table.");
        }
        return i;
    }

    /** A column's values as strings in row order; missing cells become null. */
    public static List<String> strings(final BufferedDataTable table, final int column) {
        List<String> out = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, table.size()));
        try (CloseableRowIterator it = table.iterator()) {
            while (it.hasNext()) {
                out.add(text(it.next().getCell(column)));
            }
        }
        return out;
    }

    /**
     * (document, summary) rows for training; every bad row is named by its RowID in one error,
     * since a user fixes the table, not row numbers.
     */
    public static TrainLora.Rows examples(final BufferedDataTable table, final String documentColumn,
            final String summaryColumn, final String what) throws InvalidSettingsException {
        DataTableSpec spec = table.getDataTableSpec();
        int doc = column(spec, documentColumn, "document");
        int sum = column(spec, summaryColumn, "summary");
        TrainLora.RowsBuilder rows = new TrainLora.RowsBuilder();
        try (CloseableRowIterator it = table.iterator()) {
            while (it.hasNext()) {
                DataRow r = it.next();
                rows.add("RowID '" + r.getKey().getString() + "'", text(r.getCell(doc)), text(r.getCell(sum)));
            }
        }
        List<String> problems = rows.problems();
        if (rows.isEmpty()) {
            throw new InvalidSettingsException("The " + what + " table has no rows.");
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems.size() + " bad row(s) in the " + what + " table: "
                    + String.join("; ", problems.subList(0, Math.min(20, problems.size())))
                    + (problems.size() > 20 ? "; and " + (problems.size() - 20) + " more" : ""));
        }
        return rows.build();
    }

    /** Column specs for an engine (Arrow) table, in its order. */
    public static DataColumnSpec[] specs(final VectorSchemaRoot arrow) {
        List<FieldVector> vectors = arrow.getFieldVectors();
        DataColumnSpec[] specs = new DataColumnSpec[vectors.size()];
        for (int c = 0; c < specs.length; c++) {
            specs[c] = new DataColumnSpecCreator(vectors.get(c).getName(), knimeType(vectors.get(c))).createSpec();
        }
        return specs;
    }

    /** A KNIME table holding an engine (Arrow) table, with RowIDs Row0, Row1, ... */
    public static BufferedDataTable fromArrow(final VectorSchemaRoot arrow, final ExecutionContext exec) {
        BufferedDataContainer out = exec.createDataContainer(new DataTableSpec(specs(arrow)));
        for (int r = 0; r < arrow.getRowCount(); r++) {
            out.addRowToTable(new DefaultRow(RowKey.createRowKey((long) r), cells(arrow, r)));
        }
        out.close();
        return out.getTable();
    }

    /** The input table with an engine table's columns appended row by row (same row count). */
    public static BufferedDataTable appendArrow(final BufferedDataTable input, final VectorSchemaRoot arrow,
            final ExecutionContext exec) {
        if (arrow.getRowCount() != input.size()) {
            throw new IllegalStateException("engine returned " + arrow.getRowCount() + " rows for " + input.size());
        }
        DataTableSpec spec = new DataTableSpec(input.getDataTableSpec(), uniqueNames(input.getDataTableSpec(), new DataTableSpec(specs(arrow))));
        BufferedDataContainer out = exec.createDataContainer(spec);
        try (CloseableRowIterator it = input.iterator()) {
            int r = 0;
            while (it.hasNext()) {
                out.addRowToTable(new AppendedColumnRow(it.next(), cells(arrow, r++)));
            }
        }
        out.close();
        return out.getTable();
    }

    /** Appended columns renamed (suffix " (#1)", ...) where the input already has the name. */
    public static DataTableSpec uniqueNames(final DataTableSpec input, final DataTableSpec appended) {
        DataColumnSpec[] cols = new DataColumnSpec[appended.getNumColumns()];
        for (int c = 0; c < cols.length; c++) {
            DataColumnSpec s = appended.getColumnSpec(c);
            String name = s.getName();
            for (int k = 1; input.containsName(name); k++) {
                name = s.getName() + " (#" + k + ")";
            }
            DataColumnSpecCreator creator = new DataColumnSpecCreator(s);
            creator.setName(name);
            cols[c] = creator.createSpec();
        }
        return new DataTableSpec(cols);
    }

    private static DataType knimeType(final FieldVector v) {
        if (v instanceof Float8Vector) {
            return DoubleCell.TYPE;
        } else if (v instanceof BigIntVector) {
            return LongCell.TYPE;
        } else if (v instanceof IntVector) {
            return IntCell.TYPE;
        } else if (v instanceof BitVector) {
            return BooleanCell.TYPE;
        }
        return StringCell.TYPE;
    }

    /** Appends {@code arrow}'s row i to {@code rows.get(i)} into {@code out} (one chunk of a longer table). */
    public static void appendChunk(final BufferedDataContainer out, final List<DataRow> rows, final VectorSchemaRoot arrow) {
        if (arrow.getRowCount() != rows.size()) {
            throw new IllegalStateException("engine returned " + arrow.getRowCount() + " rows for " + rows.size());
        }
        for (int r = 0; r < rows.size(); r++) {
            out.addRowToTable(new AppendedColumnRow(rows.get(r), cells(arrow, r)));
        }
    }

    /** A cell as the engine's text: null when missing. */
    public static String text(final DataRow row, final int column) {
        return text(row.getCell(column));
    }

    private static DataCell[] cells(final VectorSchemaRoot arrow, final int row) {
        List<FieldVector> vectors = arrow.getFieldVectors();
        DataCell[] cells = new DataCell[vectors.size()];
        for (int c = 0; c < cells.length; c++) {
            cells[c] = cell(vectors.get(c), row);
        }
        return cells;
    }

    private static DataCell cell(final FieldVector v, final int row) {
        if (v.isNull(row)) {
            return DataType.getMissingCell();
        }
        if (v instanceof Float8Vector d) {
            double x = d.get(row);
            // The engine writes NaN where a value is unknown (a PEFT adapter without metrics).
            return Double.isNaN(x) ? DataType.getMissingCell() : new DoubleCell(x);
        } else if (v instanceof BigIntVector l) {
            return new LongCell(l.get(row));
        } else if (v instanceof IntVector i) {
            return new IntCell(i.get(row));
        } else if (v instanceof BitVector b) {
            return BooleanCell.BooleanCellFactory.create(b.get(row) != 0);
        } else if (v instanceof VarCharVector s) {
            return new StringCell(new String(s.get(row), StandardCharsets.UTF_8));
        }
        return new StringCell(String.valueOf(v.getObject(row)));
    }

    private static String text(final DataCell cell) {
        if (cell.isMissing()) {
            return null;
        }
        return cell instanceof StringValue s ? s.getStringValue() : cell.toString();
    }
}
