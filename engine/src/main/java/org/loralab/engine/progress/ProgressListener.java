package org.loralab.engine.progress;

import java.util.concurrent.CancellationException;

/**
 * Progress and cancellation for long work (generation, training, merging). The CLI prints it; a
 * KNIME node forwards it to its execution monitor.
 */
public interface ProgressListener {

    ProgressListener NONE = new ProgressListener() {};

    /** {@code done} of {@code total} units finished (total 0 when unknown), with a short message. */
    default void onProgress(long done, long total, String message) {}

    /** Polled between steps; returning true stops the work with a {@link CancellationException}. */
    default boolean isCancelled() {
        return false;
    }

    /**
     * Throws {@link CancellationException} when the listener asks to stop or the thread was
     * interrupted (KNIME cancels a node by both).
     */
    default void checkCancelled() {
        checkCancelled(Thread.currentThread());
    }

    /** As {@link #checkCancelled()}, from a helper thread working for {@code owner} (a parallel stream). */
    default void checkCancelled(Thread owner) {
        if (isCancelled() || owner.isInterrupted()) {
            throw new CancellationException("cancelled by the user");
        }
    }

    /**
     * For one chunk of a longer job: counts continue after the {@code before} units already done,
     * against the whole job's {@code jobTotal} (0 when unknown, as a streamed table's length is).
     */
    static ProgressListener offset(ProgressListener p, long before, long jobTotal) {
        return new ProgressListener() {
            @Override
            public void onProgress(long done, long total, String message) {
                p.onProgress(before + done, jobTotal, "rows " + (before + 1) + "-" + (before + total) + ": " + message);
            }

            @Override
            public boolean isCancelled() {
                return p.isCancelled();
            }
        };
    }
}
