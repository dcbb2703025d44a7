package org.loralab.spark;

import org.apache.spark.sql.SparkSession;

/** One local Spark for every test class of the module: 2 task threads, a failed task tried up to 3 times. */
final class LocalSpark {

    static final String MASTER = "local[2,3]";
    private static SparkSession session;

    private LocalSpark() {
    }

    static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder().appName("loralab-spark-tests").master(MASTER).config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4").getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }
}
