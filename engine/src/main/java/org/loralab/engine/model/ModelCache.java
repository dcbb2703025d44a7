package org.loralab.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Base models loaded once per JVM and shared by the jobs that run in it (KNIME nodes, Spark tasks):
 * one loaded copy per (model folder content, dtype, device). A job takes a {@link Lease}
 * (try-with-resources) and works on {@link Lease#model()}, a view of the cached weights with layer
 * objects of its own: adapters attach to the view, the weights are read-only (a merge into them
 * is refused, see {@link LinearLayer#isShared()}) and their NDManager is capped, so no job's array
 * can attach to it.
 *
 * <p>Jobs asking for a model being loaded wait for that one load. If the job loading it is
 * cancelled (its thread interrupted: KNIME's cancel), only that job fails: one of the waiters loads
 * the model instead. A model no lease holds stays loaded while the models held fit in the budget
 * ({@value #BUDGET_PROPERTY}); beyond it, idle models are freed least recently used first, at
 * once. "Held" counts every copy in memory, including an old copy a job still uses after its
 * folder changed or after {@link #releaseAll()}. Budget 0 turns caching off: each lease loads a
 * model of its own and frees it when closed, exactly as without a cache (the CLI's default). A
 * changed model folder (see {@link ModelFolderFingerprint}) is loaded anew; the old copy goes when
 * its last lease does.
 */
public final class ModelCache {

    /**
     * System property with the budget: bytes with an optional k/m/g/t suffix (binary units: "4g"),
     * a percentage of the machine's physical memory ("25%"), or 0 for no caching. Default 25%.
     */
    public static final String BUDGET_PROPERTY = "loralab.modelCache.budget";
    static final String DEFAULT_BUDGET = "25%";

    private static volatile ModelCache shared;
    private static final ThreadLocal<String> LAST_ON_THREAD = new ThreadLocal<>();

    private final Map<Key, Entry> entries = new LinkedHashMap<>();
    /** Retired entries still leased: no new lease gets them, but their weights are in memory, so they count against the budget. */
    private final Set<Entry> retiredHeld = new HashSet<>();
    private long budgetBytes;
    private long clock; // for least-recently-used order
    private long loads;
    private long hits;

    private record Key(Path dir, String fingerprint, DataType dtype, Device device) {
    }

    private static final class Entry {
        final Key key;
        final CompletableFuture<CausalLM> model = new CompletableFuture<>();
        int leases;
        long lastUsed;
        long bytes;
        boolean retired; // stale or released while leased: freed when its last lease closes

        Entry(Key key) {
            this.key = key;
        }

        boolean loaded() {
            return model.isDone() && !model.isCompletedExceptionally();
        }
    }

    /** Which entry a lease got, and whether the leasing thread is the one to load it. */
    private record Claim(Entry entry, boolean loadHere) {
    }

    /**
     * Completes an entry's future when its loading job was cancelled: the load did not fail, so
     * the waiters ask again instead of failing with the cancelled job's interrupt. Never escapes.
     */
    private static final class LoadAbandoned extends Exception {
        LoadAbandoned(Throwable cause) {
            super(cause);
        }
    }

    /** How a model is loaded; tests put a slow or failing one in front of {@link CausalLM#load}. */
    @FunctionalInterface
    interface Loader {
        CausalLM load(Path dir, ModelOptions options) throws IOException;
    }

    private final Loader loader;

    public ModelCache(long budgetBytes) {
        this(budgetBytes, CausalLM::load);
    }

    ModelCache(long budgetBytes, Loader loader) {
        this.budgetBytes = Math.max(0, budgetBytes);
        this.loader = loader;
    }

    /** A cache that keeps nothing: each lease loads a model of its own and frees it when closed. */
    public static ModelCache uncached() {
        return new ModelCache(0);
    }

    /** The JVM's cache, its budget from {@value #BUDGET_PROPERTY} (default {@value #DEFAULT_BUDGET}). */
    public static ModelCache shared() {
        ModelCache c = shared;
        if (c == null) {
            synchronized (ModelCache.class) {
                if (shared == null) {
                    shared = new ModelCache(parseBudget(System.getProperty(BUDGET_PROPERTY, DEFAULT_BUDGET)));
                }
                c = shared;
            }
        }
        return c;
    }

    /**
     * Parses a budget: "0", "123456" (bytes), "512m", "4g", "25%" (of physical memory).
     *
     * @throws IllegalArgumentException naming the property and the value
     */
    public static long parseBudget(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("%")) {
                double pct = Double.parseDouble(t.substring(0, t.length() - 1).trim());
                if (pct < 0 || pct > 100 || Double.isNaN(pct)) {
                    throw new NumberFormatException();
                }
                return (long) (physicalMemory() * pct / 100);
            }
            long unit = 1;
            char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
            int shift = "kmgt".indexOf(last);
            if (shift >= 0) {
                unit = 1L << (10 * (shift + 1));
                t = t.substring(0, t.length() - 1).trim();
            }
            long n = Long.parseLong(t);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("-D" + BUDGET_PROPERTY + "=" + text + ": expected bytes with an optional k/m/g/t"
                    + " suffix (4g), a percentage of physical memory (25%) or 0 (no caching)", e);
        }
    }

    private static long physicalMemory() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * What the last lease taken on the calling thread was, and forgets it: for the caller that ran a
     * job on this thread to report (the KNIME node's log and flow variable): "loaded in 1.2 s, kept
     * in the model cache", "from the model cache", ...; null if no lease was taken since.
     */
    public static String takeLastOnThisThread() {
        String s = LAST_ON_THREAD.get();
        LAST_ON_THREAD.remove();
        return s;
    }

    /** Changes the budget; idle models beyond it are freed at once (0: every idle model). */
    public void setBudget(long bytes) {
        List<CausalLM> freed;
        synchronized (this) {
            budgetBytes = Math.max(0, bytes);
            freed = evictOverBudget(0);
        }
        freed.forEach(CausalLM::close);
    }

    public synchronized long budget() {
        return budgetBytes;
    }

    /** Loads done since this cache was created (every lease loads when caching is off). */
    public synchronized long loads() {
        return loads;
    }

    /** Leases served by a model already loaded or being loaded by another job. */
    public synchronized long hits() {
        return hits;
    }

    /** Bytes of the weights of every model held (leased or idle, retired copies still leased included). */
    public synchronized long bytesHeld() {
        return heldBytes();
    }

    /** Models held (leased or idle, retired copies still leased included; not those being loaded). */
    public synchronized int size() {
        return (int) (entries.values().stream().filter(Entry::loaded).count()
                + retiredHeld.stream().filter(Entry::loaded).count());
    }

    /** Every loaded copy in memory: what the budget is about (an entry being loaded counts 0 until it is). */
    private long heldBytes() {
        long b = 0;
        for (Entry e : entries.values()) {
            b += e.bytes;
        }
        for (Entry e : retiredHeld) {
            b += e.bytes;
        }
        return b;
    }

    /**
     * A model for one job: the cached one when the same folder content is loaded with the same
     * dtype and device, else loaded now (concurrent requests for it wait for this one load). A load
     * that fails is not cached: the next request tries again. A load whose job is cancelled fails
     * that job only ({@link CancellationException}); a job waiting for it loads the model instead.
     */
    public Lease lease(Path dir, ModelOptions options) throws IOException {
        ModelConfig config = ModelConfig.load(dir); // first: its errors are the clearest
        Device device = options.resolveDevice();
        DataType dtype = options.resolveDtype(device, config.torchDtype());
        if (budget() == 0) {
            return ownModel(dir, options);
        }
        Key key = new Key(dir.toRealPath(), ModelFolderFingerprint.of(dir), dtype, device);
        long estimate = estimateBytes(dir, config.torchDtype(), dtype);
        while (true) {
            long t0 = System.nanoTime();
            Claim claim = claim(key, estimate);
            if (claim.loadHere()) {
                load(claim.entry(), dir, options);
            }
            CausalLM base = await(claim, dir);
            if (base != null) {
                return newLease(claim, base, t0);
            }
            // the job that was loading it was cancelled, not this one: ask again (one waiter loads)
        }
    }

    /** Caching off: a model of the lease's own, freed when it closes. */
    private Lease ownModel(Path dir, ModelOptions options) throws IOException {
        long t0 = System.nanoTime();
        CausalLM own = loader.load(dir, options);
        synchronized (this) {
            loads++;
        }
        return new Lease(this, null, own, false, String.format(Locale.ROOT, "loaded in %.1f s (model cache off)", seconds(t0)));
    }

    /** Leases the entry for key; creates it (for the caller to load) when there is none, making room first. */
    private Claim claim(Key key, long estimate) {
        List<CausalLM> freed = new ArrayList<>();
        Claim claim;
        synchronized (this) {
            Entry entry = entries.get(key);
            boolean loadHere = entry == null;
            if (loadHere) {
                retireOtherVersions(key, freed);
                freed.addAll(evictOverBudget(estimate));
                entry = new Entry(key);
                entries.put(key, entry);
            }
            entry.leases++;
            claim = new Claim(entry, loadHere);
        }
        freed.forEach(CausalLM::close);
        return claim;
    }

    /**
     * Waits for the claimed entry's load. Returns null when another job loaded it and was cancelled
     * meanwhile: the caller asks again. Any failure gives the claim back.
     */
    private CausalLM await(Claim claim, Path dir) throws IOException {
        try {
            return claim.entry().model.get();
        } catch (InterruptedException e) {
            release(claim.entry());
            throw cancelledWaiting(dir);
        } catch (ExecutionException e) {
            release(claim.entry());
            Throwable cause = e.getCause();
            if (!(cause instanceof LoadAbandoned abandoned)) {
                throw rethrow(cause);
            }
            if (claim.loadHere()) {
                throw cancelledLoad(dir, abandoned.getCause()); // this job is the cancelled one
            }
            if (Thread.interrupted()) {
                throw cancelledWaiting(dir); // cancelled too: no new load for it
            }
            return null;
        }
    }

    private static CancellationException cancelledWaiting(Path dir) {
        Thread.currentThread().interrupt(); // KNIME sees the cancel
        return new CancellationException("cancelled while waiting for the base model " + dir + " to load");
    }

    private static IOException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException re) {
            throw re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return cause instanceof IOException io ? io : new IOException(cause);
    }

    /** The cancelled job's own error; its interrupt flag set again if the loader swallowed it, so KNIME sees the cancel. */
    private static CancellationException cancelledLoad(Path dir, Throwable cause) {
        if (causedBy(cause, InterruptedException.class)) {
            Thread.currentThread().interrupt();
        }
        CancellationException c = new CancellationException("cancelled while loading the base model " + dir);
        c.initCause(cause);
        return c;
    }

    private Lease newLease(Claim claim, CausalLM base, long t0) {
        CausalLM view;
        try {
            view = base.view();
        } catch (RuntimeException | Error e) {
            release(claim.entry());
            throw e;
        }
        boolean fromCache = !claim.loadHere();
        if (fromCache) {
            synchronized (this) {
                hits++; // counted when served: a waiter whose loading job was cancelled may load it itself
            }
        }
        String how = !fromCache ? String.format(Locale.ROOT, "loaded in %.1f s, kept in the model cache", seconds(t0))
                : String.format(Locale.ROOT, "from the model cache%s", seconds(t0) >= 0.05
                        ? String.format(Locale.ROOT, " after waiting %.1f s for another job's load", seconds(t0)) : "");
        return new Lease(this, claim.entry(), view, fromCache, how);
    }

    private void load(Entry entry, Path dir, ModelOptions options) {
        try {
            CausalLM m = loader.load(dir, options);
            m.manager().cap(); // no job's array may attach to the shared weights' manager
            List<CausalLM> freed;
            synchronized (this) {
                loads++;
                entry.bytes = m.weightBytes();
                freed = evictOverBudget(0);
            }
            entry.model.complete(m);
            freed.forEach(CausalLM::close);
        } catch (IOException | RuntimeException | Error e) {
            synchronized (this) {
                entries.remove(entry.key, entry); // not cached: the next request (or a waiter) loads again
            }
            // a cancelled job's interrupt is not the model's failure: its waiters must not get it
            entry.model.completeExceptionally(cancelled(e) ? new LoadAbandoned(e) : e);
        }
    }

    /** Whether a load failed because its thread was cancelled (interrupted) rather than because of the model. */
    private static boolean cancelled(Throwable e) {
        return Thread.currentThread().isInterrupted() || causedBy(e, ClosedByInterruptException.class)
                || causedBy(e, InterruptedException.class) || causedBy(e, CancellationException.class);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        int depth = 0; // bounded: a cause chain may loop
        for (Throwable t = e; t != null && depth++ < 32; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Roughly what the model will take, to make room before loading: its weight files' size, doubled when 16-bit ones are widened. */
    private static long estimateBytes(Path dir, String stored, DataType dtype) {
        long bytes = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.safetensors")) {
            for (Path f : ds) {
                bytes += Files.size(f);
            }
        } catch (IOException e) {
            return 0; // the load reports it
        }
        String s = stored == null ? "float32" : stored.toLowerCase(Locale.ROOT);
        boolean sixteenBit = s.contains("16");
        return sixteenBit && dtype == DataType.FLOAT32 ? bytes * 2 : bytes;
    }

    /** Older versions of the same folder: no new lease can get them; freed now if idle, else when their last lease goes. */
    private void retireOtherVersions(Key key, List<CausalLM> freed) {
        for (Entry e : new ArrayList<>(entries.values())) {
            if (e.key.dir().equals(key.dir()) && !e.key.fingerprint().equals(key.fingerprint())) {
                retire(e, freed);
            }
        }
    }

    private void retire(Entry e, List<CausalLM> freed) {
        e.retired = true;
        entries.remove(e.key, e); // no new lease gets it
        if (e.leases > 0) {
            retiredHeld.add(e); // still in memory until its last lease closes
        } else if (e.loaded()) {
            freed.add(e.model.join());
        }
    }

    /**
     * Idle models, least recently used first, until every copy held (retired ones still leased
     * included: they take memory too, only they cannot be freed yet) plus {@code incoming} fits the
     * budget; returns them for closing outside the lock.
     */
    private List<CausalLM> evictOverBudget(long incoming) {
        List<CausalLM> freed = new ArrayList<>();
        long held = incoming + heldBytes();
        while (held > budgetBytes) {
            Entry lru = null;
            for (Entry e : entries.values()) {
                if (e.leases == 0 && e.loaded() && (lru == null || e.lastUsed < lru.lastUsed)) {
                    lru = e;
                }
            }
            if (lru == null) {
                break; // the rest is in use: a job needs it whatever the budget
            }
            entries.remove(lru.key);
            held -= lru.bytes;
            freed.add(lru.model.join());
        }
        return freed;
    }

    private void release(Entry entry) {
        CausalLM toClose = null;
        List<CausalLM> freed;
        synchronized (this) {
            entry.leases--;
            entry.lastUsed = ++clock;
            if (entry.leases == 0 && entry.retired) {
                retiredHeld.remove(entry);
                if (entry.loaded()) {
                    toClose = entry.model.join();
                }
            }
            freed = evictOverBudget(0);
        }
        if (toClose != null) {
            toClose.close();
        }
        freed.forEach(CausalLM::close);
    }

    /** Frees every model no lease holds (KNIME: when a workflow is closed); returns how many. Leased models stay with their jobs. */
    public int releaseIdle() {
        List<CausalLM> freed = new ArrayList<>();
        synchronized (this) {
            for (Entry e : new ArrayList<>(entries.values())) {
                if (e.leases == 0 && e.loaded()) {
                    entries.remove(e.key);
                    freed.add(e.model.join());
                }
            }
        }
        freed.forEach(CausalLM::close);
        return freed.size();
    }

    /** Frees every model: idle ones now, leased ones when their last lease closes; the next lease loads again. */
    public void releaseAll() {
        List<CausalLM> freed = new ArrayList<>();
        synchronized (this) {
            for (Entry e : new ArrayList<>(entries.values())) {
                retire(e, freed);
            }
        }
        freed.forEach(CausalLM::close);
    }

    /** One job's use of a model: close it (try-with-resources) when the job ends, failed or not. */
    public static final class Lease implements AutoCloseable {
        private final ModelCache cache;
        private final Entry entry; // null when caching is off: the model is the lease's own
        private final CausalLM model;
        private final boolean fromCache;
        private final String origin;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Lease(ModelCache cache, Entry entry, CausalLM model, boolean fromCache, String origin) {
            this.cache = cache;
            this.entry = entry;
            this.model = model;
            this.fromCache = fromCache;
            this.origin = origin;
            LAST_ON_THREAD.set(origin);
        }

        /** The job's model: a view of the cached weights (attach adapters; merging is refused), or its own when caching is off. */
        public CausalLM model() {
            return model;
        }

        /** Whether the model was already loaded (or being loaded) by another job. */
        public boolean fromCache() {
            return fromCache;
        }

        /** How the model came: "loaded in 1.2 s, kept in the model cache", "from the model cache", ... */
        public String origin() {
            return origin;
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return; // closed already, perhaps by another thread at this moment: release once
            }
            model.close(); // a view: only the job's arrays; caching off: the whole model
            if (entry != null) {
                cache.release(entry);
            }
        }
    }
}
