package org.loralab.knime;

import java.util.concurrent.CancellationException;
import org.knime.core.node.CanceledExecutionException;

/**
 * Runs engine code inside the KNIME bundle. DJL finds its PyTorch engine and native libraries
 * through the thread's context class loader, which in OSGi is not this bundle's: every engine call
 * therefore runs with the bundle's loader set, and with DJL told never to go online (the natives
 * ship inside the bundle).
 */
public final class EngineCalls {

    /** Engine work that may throw anything. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private EngineCalls() {
    }

    /**
     * Runs {@code work}; a cancellation requested through the engine's listener comes back as
     * KNIME's {@link CanceledExecutionException}.
     */
    public static <T> T run(final Work<T> work) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(EngineCalls.class.getClassLoader());
        try {
            return work.run();
        } catch (CancellationException e) {
            throw new CanceledExecutionException(e.getMessage());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
