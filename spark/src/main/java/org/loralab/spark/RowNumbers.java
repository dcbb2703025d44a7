package org.loralab.spark;

import java.util.Arrays;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.Tuple2;

/**
 * Each row with its number in the table: the number seeds the row's sampling, names it in errors and
 * orders the rows for the bootstrap. By default the row's position (partitions in order, rows in
 * order within each), which is the CLI's row number for a table read in the same order; or the value
 * of a column, for a table whose read order is not fixed (Spark reads a folder of Parquet files
 * largest file first).
 */
final class RowNumbers {

    private RowNumbers() {
    }

    /** @param column a whole-number column of unique row numbers, or null for the position */
    static JavaPairRDD<Row, Long> of(Dataset<Row> input, String column) {
        if (column == null) {
            return input.javaRDD().zipWithIndex();
        }
        int i = Arrays.asList(input.schema().fieldNames()).indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("no row number column '" + column + "' (columns: "
                    + Arrays.toString(input.schema().fieldNames()) + ")");
        }
        DataType t = input.schema().fields()[i].dataType();
        if (!t.equals(DataTypes.LongType) && !t.equals(DataTypes.IntegerType)) {
            throw new IllegalArgumentException("row number column '" + column + "' holds " + t.simpleString() + ", not whole numbers");
        }
        return input.javaRDD().mapToPair(r -> {
            if (r.isNullAt(i)) {
                throw new IllegalArgumentException("row number column '" + column + "' has a missing cell in row " + r);
            }
            return new Tuple2<>(r, ((Number) r.get(i)).longValue());
        });
    }
}
