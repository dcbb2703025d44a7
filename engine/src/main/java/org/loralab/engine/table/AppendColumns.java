package org.loralab.engine.table;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Result columns appended to the input table, as a KNIME node appends them: the command line's output then has the
 * same columns as the node's. A result column whose name the input already has is renamed "name (#1)", "name (#2)" ...
 * (KNIME's rule in the plugin's KnimeTables.uniqueNames).
 */
public final class AppendColumns {

    private AppendColumns() {
    }

    /** A new table: copies of the input's columns, then {@code added}'s columns moved out of it (it is left empty). */
    public static VectorSchemaRoot of(VectorSchemaRoot input, VectorSchemaRoot added, BufferAllocator allocator) {
        int rows = input.getRowCount();
        if (added.getRowCount() != rows) {
            throw new IllegalArgumentException("cannot append " + added.getRowCount() + " result rows to " + rows + " input rows");
        }
        List<FieldVector> columns = new ArrayList<>();
        Set<String> names = new HashSet<>();
        try {
            for (FieldVector v : input.getFieldVectors()) {
                TransferPair copy = v.getTransferPair(allocator);
                columns.add((FieldVector) copy.getTo());
                for (int i = 0; i < rows; i++) {
                    copy.copyValueSafe(i, i);
                }
                copy.getTo().setValueCount(rows);
                names.add(v.getName());
            }
            for (FieldVector v : added.getFieldVectors()) {
                String name = v.getName();
                for (int k = 1; names.contains(name); k++) {
                    name = v.getName() + " (#" + k + ")";
                }
                names.add(name);
                TransferPair move = v.getTransferPair(name, allocator);
                move.transfer();
                columns.add((FieldVector) move.getTo());
            }
        } catch (RuntimeException e) {
            columns.forEach(FieldVector::close);
            throw e;
        }
        VectorSchemaRoot out = new VectorSchemaRoot(columns);
        out.setRowCount(rows);
        return out;
    }
}
