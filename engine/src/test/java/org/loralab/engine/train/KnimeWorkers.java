package org.loralab.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.loralab.engine.lora.PeftNames;

/** Two worker threads as KNIME's: fresh threads in PyTorch's default grad mode, on which jobs run side by side. */
final class KnimeWorkers implements AutoCloseable {

    private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(() -> {
        JniUtils.setGradMode(true); // as a KNIME worker thread has it
        r.run();
    }, "KNIME-Worker-test"));

    <T> Future<T> submit(Callable<T> job) {
        return pool.submit(job);
    }

    /** Runs the jobs on the worker threads, released together; their results in order. */
    @SafeVarargs
    final List<Path> atOnce(Callable<Path>... jobs) throws Exception {
        CyclicBarrier start = new CyclicBarrier(jobs.length);
        List<Future<Path>> running = new ArrayList<>();
        for (Callable<Path> job : jobs) {
            running.add(pool.submit(() -> {
                start.await();
                return job.call();
            }));
        }
        List<Path> out = new ArrayList<>();
        for (Future<Path> f : running) {
            out.add(f.get());
        }
        return out;
    }

    /** Two adapters with the same weights, byte for byte. */
    static void assertSameWeights(Path expected, Path actual) throws Exception {
        assertArrayEquals(Files.readAllBytes(expected.resolve(PeftNames.WEIGHTS_FILE)),
                Files.readAllBytes(actual.resolve(PeftNames.WEIGHTS_FILE)), actual + " differs from " + expected);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
