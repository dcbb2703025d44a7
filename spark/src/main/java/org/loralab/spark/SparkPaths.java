package org.loralab.spark;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;

/**
 * Output checks that see paths as Spark does, through Hadoop's file systems: a plain path, a
 * {@code file://}, {@code hdfs://} or {@code s3a://} URL. A URL escapes the CLI's checks on local
 * paths, and Spark's own "cannot overwrite a path that is also being read from" does not fire for
 * tables that reach the writer through an RDD, as every table of these jobs does.
 */
final class SparkPaths {

    private SparkPaths() {
    }

    /** {@code path} fully qualified (scheme, authority, absolute path), as its file system names it. */
    static URI qualified(SparkSession spark, String path) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        return fs.makeQualified(p).toUri().normalize();
    }

    /** An output may be neither an input nor a folder holding one: Overwrite deletes it before the input is read. */
    static void requireNotInput(SparkSession spark, String output, String option, String... inputs) throws IOException {
        if (output == null) {
            return;
        }
        String out = qualified(spark, output).toString().replaceAll("/+$", "");
        for (String input : inputs) {
            if (input == null) {
                continue;
            }
            String in = qualified(spark, input).toString().replaceAll("/+$", "");
            if (in.equals(out)) {
                throw new IllegalArgumentException(option + " " + output + " is also an input of this command (" + input
                        + "); write the result elsewhere");
            }
            if (in.startsWith(out + "/")) {
                throw new IllegalArgumentException(option + " " + output + " holds the input " + input
                        + "; replacing it would delete that input");
            }
        }
    }

    /** Two outputs of one command must be two paths. */
    static void requireDistinct(SparkSession spark, String first, String firstOption, String second, String secondOption)
            throws IOException {
        if (first != null && second != null && qualified(spark, first).equals(qualified(spark, second))) {
            throw new IllegalArgumentException(secondOption + " " + second + " is the same path as " + firstOption + " " + first
                    + "; name two");
        }
    }

    /** A Parquet output is replaced only when it is absent or a Spark output (has _SUCCESS), on any file system. */
    static void requireReplaceable(SparkSession spark, String path) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (fs.exists(p) && !fs.exists(new org.apache.hadoop.fs.Path(p, "_SUCCESS"))) {
            throw new IOException(path + " exists and is not a Spark output folder (no _SUCCESS): not replacing it");
        }
    }
}
