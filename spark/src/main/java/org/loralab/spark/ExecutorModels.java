package org.loralab.spark;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.loralab.engine.model.ModelCache;
import org.loralab.engine.summarize.SummarizeOptions;
import org.loralab.engine.summarize.Summarizer;

/**
 * The executor JVM's warm models: one open {@link Summarizer} per distinct setting, shared by every
 * task of the JVM and kept open between tasks and jobs, so a partition after the first loads nothing.
 * The one place that opens models for Spark. Their base models come from the engine's model cache (one
 * copy shared between adapters), except with --merge, which merges into a model of its own as the CLI does.
 *
 * <p>A summarizer is used by several tasks at once: generation only reads the weights (each decode
 * has its own arrays), as two engine jobs beside each other do. A setting no task uses is closed once
 * more than {@link #MAX_IDLE} idle ones are open (one model per adapter until the engine shares the
 * base model between adapters).
 */
public final class ExecutorModels {

    /** Idle summarizers kept warm per JVM; more are closed, least recently used first. */
    static final int MAX_IDLE = 2;

    private static final class Entry {
        final Summarizer summarizer;
        int leases;

        Entry(Summarizer summarizer) {
            this.summarizer = summarizer;
        }
    }

    private static final Map<SummarizeOptions, Entry> OPEN = new LinkedHashMap<>(16, 0.75f, true);
    private static long loads;

    private ExecutorModels() {
    }

    /** A summarizer in use; close to give it back (it stays warm). */
    public static final class Lease implements AutoCloseable {
        private final SummarizeOptions key;
        private final Summarizer summarizer;
        private final long loadNanos;
        private boolean closed;

        private Lease(SummarizeOptions key, Summarizer summarizer, long loadNanos) {
            this.key = key;
            this.summarizer = summarizer;
            this.loadNanos = loadNanos;
        }

        public Summarizer summarizer() {
            return summarizer;
        }

        /** Time this lease spent loading the model: 0 when it was warm. */
        public long loadNanos() {
            return loadNanos;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(key);
            }
        }
    }

    /**
     * The warm summarizer for {@code options}, opened on first use. Loading holds the lock: two tasks
     * asking for the same model at once load it once.
     */
    public static synchronized Lease lease(SummarizeOptions options) throws IOException {
        Entry e = OPEN.get(options);
        long load = 0;
        if (e == null) {
            long start = System.nanoTime();
            // --merge as in the CLI: merged into a model of its own (the engine's cache would share the weights and only
            // attach the adapter: other tokens); otherwise the cache shares one base model between adapters.
            e = new Entry(Summarizer.openFrom(options.mergeAdapter() ? ModelCache.uncached() : ModelCache.shared(), options));
            load = System.nanoTime() - start;
            loads++;
            OPEN.put(options, e);
        }
        e.leases++;
        closeIdleBeyond(MAX_IDLE);
        return new Lease(options, e.summarizer, load);
    }

    private static synchronized void release(SummarizeOptions options) {
        Entry e = OPEN.get(options);
        if (e != null) {
            e.leases--;
        }
        closeIdleBeyond(MAX_IDLE);
    }

    /** Closes idle summarizers, oldest use first, until at most {@code keep} idle ones are open. */
    private static void closeIdleBeyond(int keep) {
        long idle = OPEN.values().stream().filter(x -> x.leases == 0).count();
        for (Iterator<Entry> it = OPEN.values().iterator(); it.hasNext() && idle > keep;) {
            Entry x = it.next();
            if (x.leases == 0) {
                it.remove();
                x.summarizer.close();
                idle--;
            }
        }
    }

    /** Closes every idle summarizer (a benchmark's cold start, a test's cleanup). */
    public static synchronized void closeIdle() {
        closeIdleBeyond(0);
    }

    /** Models this JVM has loaded so far. */
    public static synchronized long loads() {
        return loads;
    }
}
