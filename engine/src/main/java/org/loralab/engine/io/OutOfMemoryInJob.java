package org.loralab.engine.io;

/**
 * A Java OutOfMemoryError in a job, turned into an error that names the job's input. It is made
 * only at a job's entry point, after the job's try-with-resources released its models, adapters
 * and tables, so nothing of the failed job stays referenced; the JVM's state is then that of a
 * large allocation that failed, not of one broken midway inside our own bookkeeping.
 */
public final class OutOfMemoryInJob extends RuntimeException {

    private OutOfMemoryInJob(String message, OutOfMemoryError cause) {
        super(message, cause);
    }

    /**
     * @param job what ran out, e.g. "training"
     * @param input the input it worked on, e.g. "the base model /m with 120 training rows"
     */
    public static OutOfMemoryInJob of(String job, String input, OutOfMemoryError e) {
        Runtime rt = Runtime.getRuntime();
        return new OutOfMemoryInJob(job + " ran out of Java memory on " + input + " (" + e.getMessage() + "; the JVM may use "
                + (rt.maxMemory() >> 20) + " MiB). What the job held is released. Give the JVM more memory (-Xmx, or"
                + " -Xmx in knime.ini) or choose smaller settings (batch size, sequence length, rows)", e);
    }
}
