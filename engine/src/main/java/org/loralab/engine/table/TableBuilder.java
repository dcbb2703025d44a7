package org.loralab.engine.table;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Builds an Arrow table column by column; every column must have the same number of rows. */
public final class TableBuilder {

    private final BufferAllocator allocator;
    private final List<FieldVector> vectors = new ArrayList<>();
    private int rows = -1;

    public TableBuilder(BufferAllocator allocator) {
        this.allocator = allocator;
    }

    /** A Utf8 column; null entries become missing cells. */
    public TableBuilder strings(String name, List<String> values) {
        VarCharVector v = new VarCharVector(name, allocator);
        try {
            v.allocateNew(values.size());
            for (int i = 0; i < values.size(); i++) {
                String s = values.get(i);
                if (s == null) {
                    v.setNull(i);
                } else {
                    v.setSafe(i, s.getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            release(v); // out of Arrow or Java memory midway: nothing built so far stays allocated
            throw e;
        }
        return add(v, values.size());
    }

    /** A Float64 column; NaN entries become missing cells. */
    public TableBuilder doubles(String name, double[] values) {
        Float8Vector v = new Float8Vector(name, allocator);
        try {
            v.allocateNew(values.length);
        } catch (RuntimeException | OutOfMemoryError e) {
            release(v);
            throw e;
        }
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) {
                v.setNull(i);
            } else {
                v.set(i, values[i]);
            }
        }
        return add(v, values.length);
    }

    public TableBuilder longs(String name, long[] values) {
        BigIntVector v = new BigIntVector(name, allocator);
        v.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            v.set(i, values[i]);
        }
        return add(v, values.length);
    }

    /** After a column failed (out of Arrow or Java memory): it and the columns built before it go back. */
    private void release(FieldVector failed) {
        failed.close();
        vectors.forEach(FieldVector::close);
        vectors.clear();
        rows = -1;
    }

    private TableBuilder add(FieldVector v, int count) {
        v.setValueCount(count);
        if (rows >= 0 && rows != count) {
            v.close();
            throw new IllegalArgumentException("column '" + v.getName() + "' has " + count + " rows, others have " + rows);
        }
        rows = count;
        vectors.add(v);
        return this;
    }

    public VectorSchemaRoot build() {
        VectorSchemaRoot root = new VectorSchemaRoot(vectors);
        root.setRowCount(Math.max(rows, 0));
        return root;
    }
}
