package org.loralab.knime;

import java.util.concurrent.CancellationException;
import org.knime.core.node.CanceledExecutionException;
import org.loralab.engine.jobs.TrainLora;

/**
 * Runs engine code inside the KNIME bundle. DJL finds its PyTorch engine and native libraries
 * through the thread's context class loader, which in OSGi is not this bundle's: every engine call
 * therefore runs with the bundle's loader set.
 *
 * <p>The bundle ships PyTorch's CPU libraries for Linux x86-64, so there DJL is told never to go
 * online. Elsewhere (Windows, macOS) DJL downloads the matching libraries once into ~/.djl.ai.
 * Either way a setting made in knime.ini or the environment wins (the engine's {@code EngineSetup}): a GPU
 * needs {@code -DPYTORCH_LIBRARY_PATH=<CUDA libtorch 2.7.1>}, {@code -DPYTORCH_VERSION=2.7.1} and
 * {@code -DPYTORCH_FLAVOR=cu128}.
 */
public final class EngineCalls {

    /** Engine work that may throw anything. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    static {
        // before any engine call: offline where the bundle ships the natives, and the native libraries'
        // environment (OpenMP's wait policy, reproducible mode), which they read only when loaded
        TrainLora.Engine.prepare(shipsNativesForThisPlatform());
    }

    private static boolean shipsNativesForThisPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(java.util.Locale.ROOT);
        return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
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
        } catch (Exception e) {
            // KNIME cancels by interrupting the worker too; an interrupted file write then fails as ClosedByInterruptException
            if (thread.isInterrupted() || e instanceof java.nio.channels.ClosedByInterruptException
                || e instanceof InterruptedException) {
                throw new CanceledExecutionException("cancelled by the user");
            }
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
