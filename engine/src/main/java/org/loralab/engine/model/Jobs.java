package org.loralab.engine.model;

/**
 * The one way into a job (training, merge, summarize, generate): sets the calling thread's grad
 * mode for the job and restores the thread's own mode afterwards, also when the job throws.
 *
 * <p>PyTorch keeps grad mode per thread and a KNIME worker thread starts with it on, so a job may
 * not rely on the mode it finds. Every job runs with grad mode off (its in-place weight updates
 * need that); training opens {@link Autograd#recording()} inside, around the passes it
 * differentiates. Components that are also called on their own (trainers, in-place merges of an
 * adapter, the no-grad parts of a recorded pass) keep their own local scope.
 */
public final class Jobs {

    /** A job's body. */
    @FunctionalInterface
    public interface Body<T, E extends Exception> {
        T run() throws E;
    }

    private Jobs() {
    }

    /** Runs {@code body} with grad mode off on this thread, then restores the thread's previous mode. */
    public static <T, E extends Exception> T run(Body<T, E> body) throws E {
        try (Autograd.Scope inference = Autograd.inference()) {
            return body.run();
        }
    }
}
