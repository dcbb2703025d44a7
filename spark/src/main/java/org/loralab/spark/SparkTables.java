package org.loralab.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.loralab.engine.table.TableFiles;
import org.loralab.engine.table.Tables;

/**
 * Tables in and out of Spark: Parquet (any path without one of the CLI's table extensions: a
 * {@code .parquet} file, a folder, an {@code hdfs://} or {@code s3a://} URL) read and written by Spark across the cluster; the CLI's formats (Arrow IPC, CSV, JSONL) read and written
 * on the driver with the engine's own readers and writers, so a table parses as the CLI parses it.
 */
public final class SparkTables {

    private SparkTables() {
    }

    /** The CLI's table extensions, read and written on the driver; any other path (folder, URL) is Parquet. */
    private static final List<String> DRIVER_FORMATS = List.of(".arrow", ".feather", ".csv", ".jsonl", ".ndjson");

    /** Parquet is read and written by the executors; the CLI's formats pass through the driver. */
    public static boolean isParquet(String path) {
        String n = path.toLowerCase(Locale.ROOT);
        return DRIVER_FORMATS.stream().noneMatch(n::endsWith);
    }

    /** The table at {@code path}; a driver-read table is cut into {@code partitions} slices in row order. */
    public static Dataset<Row> read(SparkSession spark, String path, int partitions) throws IOException {
        if (isParquet(path)) {
            return spark.read().parquet(path);
        }
        try (BufferAllocator alloc = Tables.newAllocator("spark-read");
                VectorSchemaRoot table = TableFiles.read(Path.of(path), alloc)) {
            return toDataFrame(spark, table, partitions);
        }
    }

    /** A Parquet output must be absent or a Spark output (_SUCCESS); other formats are checked when written. */
    public static void requireWritable(SparkSession spark, String path) throws IOException {
        if (path != null && isParquet(path)) {
            SparkPaths.requireReplaceable(spark, path);
        }
    }

    /** Writes {@code df} to {@code path}; a Parquet folder is replaced only when it is a Spark output (has _SUCCESS). */
    public static void write(Dataset<Row> df, String path) throws IOException {
        if (isParquet(path)) {
            SparkPaths.requireReplaceable(df.sparkSession(), path);
            df.write().mode(SaveMode.Overwrite).parquet(path);
            return;
        }
        List<Row> rows = df.collectAsList();
        try (BufferAllocator alloc = Tables.newAllocator("spark-write");
                VectorSchemaRoot table = toArrow(df.schema(), rows, alloc)) {
            TableFiles.write(Path.of(path), table);
        }
    }

    public static Dataset<Row> toDataFrame(SparkSession spark, VectorSchemaRoot table, int partitions) {
        List<FieldVector> vectors = table.getFieldVectors();
        StructType schema = new StructType();
        for (FieldVector v : vectors) {
            schema = schema.add(v.getName(), sparkType(v.getField()), true);
        }
        List<Row> rows = new ArrayList<>(table.getRowCount());
        for (int i = 0; i < table.getRowCount(); i++) {
            Object[] values = new Object[vectors.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = value(vectors.get(c), schema.fields()[c].dataType(), i);
            }
            rows.add(RowFactory.create(values));
        }
        // parallelize keeps the order: slice k holds a contiguous run of rows, slices in order
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows,
                Math.max(1, partitions)), schema);
    }

    private static DataType sparkType(Field f) {
        ArrowType t = f.getType();
        if (t instanceof ArrowType.Int i) {
            return i.getBitWidth() == 64 ? DataTypes.LongType : DataTypes.IntegerType;
        }
        if (t instanceof ArrowType.FloatingPoint fp) {
            return fp.getPrecision() == FloatingPointPrecision.DOUBLE ? DataTypes.DoubleType : DataTypes.FloatType;
        }
        if (t instanceof ArrowType.Bool) {
            return DataTypes.BooleanType;
        }
        return DataTypes.StringType; // text, and any other type as its text
    }

    private static Object value(FieldVector v, DataType type, int i) {
        if (v.isNull(i)) {
            return null;
        }
        Object o = v.getObject(i);
        if (type.equals(DataTypes.LongType)) {
            return ((Number) o).longValue();
        }
        if (type.equals(DataTypes.IntegerType)) {
            return ((Number) o).intValue();
        }
        if (type.equals(DataTypes.DoubleType) || type.equals(DataTypes.FloatType) || type.equals(DataTypes.BooleanType)) {
            return o;
        }
        return o.toString();
    }

    /** The rows as an Arrow table of the CLI's column types; other Spark types become text. */
    public static VectorSchemaRoot toArrow(StructType schema, List<Row> rows, BufferAllocator alloc) {
        List<FieldVector> vectors = new ArrayList<>();
        try {
            for (int c = 0; c < schema.size(); c++) {
                StructField f = schema.fields()[c];
                FieldVector v = vector(f, alloc);
                vectors.add(v);
                v.setInitialCapacity(rows.size());
                v.allocateNew();
                for (int i = 0; i < rows.size(); i++) {
                    Row r = rows.get(i);
                    if (r.isNullAt(c)) {
                        v.setNull(i);
                    } else if (v instanceof BigIntVector b) {
                        b.setSafe(i, r.getLong(c));
                    } else if (v instanceof IntVector b) {
                        b.setSafe(i, r.getInt(c));
                    } else if (v instanceof Float8Vector b) {
                        b.setSafe(i, r.getDouble(c));
                    } else if (v instanceof Float4Vector b) {
                        b.setSafe(i, r.getFloat(c));
                    } else if (v instanceof BitVector b) {
                        b.setSafe(i, r.getBoolean(c) ? 1 : 0);
                    } else {
                        ((VarCharVector) v).setSafe(i, String.valueOf(r.get(c)).getBytes(StandardCharsets.UTF_8));
                    }
                }
                v.setValueCount(rows.size());
            }
        } catch (RuntimeException e) {
            vectors.forEach(FieldVector::close);
            throw e;
        }
        VectorSchemaRoot out = new VectorSchemaRoot(vectors);
        out.setRowCount(rows.size());
        return out;
    }

    private static FieldVector vector(StructField f, BufferAllocator alloc) {
        DataType t = f.dataType();
        if (t.equals(DataTypes.LongType)) {
            return new BigIntVector(f.name(), alloc);
        }
        if (t.equals(DataTypes.IntegerType)) {
            return new IntVector(f.name(), alloc);
        }
        if (t.equals(DataTypes.DoubleType)) {
            return new Float8Vector(f.name(), alloc);
        }
        if (t.equals(DataTypes.FloatType)) {
            return new Float4Vector(f.name(), alloc);
        }
        if (t.equals(DataTypes.BooleanType)) {
            return new BitVector(f.name(), alloc);
        }
        return new VarCharVector(f.name(), alloc);
    }
}
