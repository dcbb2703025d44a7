package org.loralab.spark;

import java.util.Arrays;
import java.util.List;
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

    /** @param column a column of unique whole row numbers (integers, or text or reals holding them), or null for the position */
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
        // the CLI's readers give CSV cells as text and JSONL numbers as reals: both are fine when they hold whole numbers
        if (!List.of(DataTypes.LongType, DataTypes.IntegerType, DataTypes.StringType, DataTypes.DoubleType).contains(t)) {
            throw new IllegalArgumentException("row number column '" + column + "' holds " + t.simpleString() + ", not whole numbers");
        }
        JavaPairRDD<Row, Long> numbered = input.javaRDD().mapToPair(r -> new Tuple2<>(r, number(r, i, column)));
        requireUnique(numbered, column);
        return numbered;
    }

    /** The row's number from its cell; a missing, fractional or non-numeric cell is an error naming the row. */
    static long number(Row r, int i, String column) {
        if (r.isNullAt(i)) {
            throw new IllegalArgumentException("row number column '" + column + "' has a missing cell in row " + r);
        }
        Object v = r.get(i);
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof Double d) {
            if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) <= (double) (1L << 53)) {
                return d.longValue();
            }
        } else {
            try {
                return Long.parseLong(v.toString().strip());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("row number column '" + column + "' holds " + v + ", not a whole number, in row " + r);
    }

    /** Two rows with one number would share a sampling seed and a name in errors: refused, naming the number. */
    private static void requireUnique(JavaPairRDD<Row, Long> numbered, String column) {
        List<Tuple2<Long, Integer>> twice = numbered.mapToPair(p -> new Tuple2<>(p._2(), 1)).reduceByKey(Integer::sum)
                .filter(p -> p._2() > 1).take(1);
        if (!twice.isEmpty()) {
            throw new IllegalArgumentException("row number column '" + column + "' holds " + twice.get(0)._1() + " in "
                    + twice.get(0)._2() + " rows; row numbers must be unique");
        }
    }
}
