package org.loralab.engine.table;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Arrow tables as the engine passes them between nodes: reading typed columns with errors that
 * name the column, and one process-wide allocator.
 */
public final class Tables {

    private static final BufferAllocator ROOT = new RootAllocator();

    private Tables() {
    }

    /** A child allocator of the process-wide root; close it to release what it allocated. */
    public static BufferAllocator newAllocator(String name) {
        return ROOT.newChildAllocator(name, 0, Long.MAX_VALUE);
    }

    public static FieldVector column(VectorSchemaRoot table, String name) {
        FieldVector v = table.getVector(name);
        if (v == null) {
            throw new IllegalArgumentException("the table has no column '" + name + "'; its columns are "
                    + table.getSchema().getFields().stream().map(f -> f.getName()).collect(Collectors.joining(", ")));
        }
        return v;
    }

    public static boolean hasColumn(VectorSchemaRoot table, String name) {
        return table.getVector(name) != null;
    }

    /** A text column's values, null where the cell is missing. */
    public static List<String> strings(VectorSchemaRoot table, String name) {
        FieldVector v = column(table, name);
        if (!(v instanceof VarCharVector text)) {
            throw new IllegalArgumentException("column '" + name + "' holds " + v.getField().getType()
                    + ", expected text (Utf8)");
        }
        List<String> out = new ArrayList<>(table.getRowCount());
        for (int i = 0; i < table.getRowCount(); i++) {
            out.add(text.isNull(i) ? null : new String(text.get(i), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** A numeric column's values as doubles, NaN where the cell is missing. */
    public static double[] doubles(VectorSchemaRoot table, String name) {
        FieldVector v = column(table, name);
        double[] out = new double[table.getRowCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.isNull(i) ? Double.NaN : number(v, i, name);
        }
        return out;
    }

    private static double number(ValueVector v, int i, String name) {
        if (v instanceof Float8Vector f) {
            return f.get(i);
        }
        if (v instanceof IntVector n) {
            return n.get(i);
        }
        if (v instanceof BigIntVector n) {
            return n.get(i);
        }
        if (v instanceof org.apache.arrow.vector.Float4Vector f) {
            return f.get(i);
        }
        throw new IllegalArgumentException("column '" + name + "' holds " + v.getField().getType()
                + ", expected a number");
    }
}
