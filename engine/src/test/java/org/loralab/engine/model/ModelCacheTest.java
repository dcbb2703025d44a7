package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model cache's own rules: one load per model, leases, the budget, idle release, failures, changed folders. */
class ModelCacheTest {

    @TempDir
    static Path dir;
    static Path a;
    static Path b;
    static Path c;
    static long modelBytes;
    static final ModelOptions CPU = new ModelOptions("cpu", "auto");

    @BeforeAll
    static void setUp() throws Exception {
        a = new TinyCheckpoint().seed(1).write(dir.resolve("a"));
        b = new TinyCheckpoint().seed(2).write(dir.resolve("b"));
        c = new TinyCheckpoint().seed(3).write(dir.resolve("c"));
        try (CausalLM m = CausalLM.load(a, CPU)) {
            modelBytes = m.weightBytes();
        }
    }

    /** Counts the loads, can make each slow (so concurrent requests overlap) or fail. */
    static final class CountingLoader implements ModelCache.Loader {
        final AtomicInteger loads = new AtomicInteger();
        volatile long delayMs;
        final AtomicInteger failuresLeft = new AtomicInteger();

        @Override
        public CausalLM load(Path d, ModelOptions o) throws IOException {
            loads.incrementAndGet();
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IOException("injected load failure");
            }
            return CausalLM.load(d, o);
        }
    }

    private static NDArray embedding(CausalLM m) {
        return m.namedWeights().get("model.embed_tokens.weight");
    }

    private static List<ModelCache.Lease> leaseAtOnce(ModelCache cache, Path model, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CyclicBarrier start = new CyclicBarrier(n);
            List<Future<ModelCache.Lease>> running = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                running.add(pool.submit(() -> {
                    start.await();
                    return cache.lease(model, CPU);
                }));
            }
            List<ModelCache.Lease> leases = new ArrayList<>();
            for (Future<ModelCache.Lease> f : running) {
                leases.add(f.get());
            }
            return leases;
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void concurrentRequestsWaitForTheOneLoadAndShareItsWeights() throws Exception {
        CountingLoader loader = new CountingLoader();
        loader.delayMs = 300;
        ModelCache cache = new ModelCache(1L << 30, loader);
        List<ModelCache.Lease> leases = leaseAtOnce(cache, a, 4);
        assertEquals(1, loader.loads.get());
        assertEquals(1, cache.loads());
        assertEquals(3, cache.hits());
        assertEquals(1, leases.stream().filter(l -> !l.fromCache()).count());
        NDArray shared = embedding(leases.get(0).model());
        for (ModelCache.Lease l : leases) {
            assertSame(shared, embedding(l.model()), "one copy of the weights");
            assertTrue(l.model().isShared());
            if (l != leases.get(0)) {
                assertNotSame(leases.get(0).model().linearLayers().get(0), l.model().linearLayers().get(0),
                        "each job hooks adapters into layer objects of its own");
            }
        }
        leases.forEach(ModelCache.Lease::close);
        assertFalse(shared.isReleased(), "idle within the budget: kept");
        cache.setBudget(0);
        assertTrue(shared.isReleased(), "over the budget: freed at once");
    }

    @Test
    void idleModelsAreEvictedLeastRecentlyUsedFirstUnderTheBudget() throws Exception {
        CountingLoader loader = new CountingLoader();
        ModelCache cache = new ModelCache(modelBytes * 2 + modelBytes / 2, loader); // room for two
        NDArray wa;
        NDArray wb;
        try (ModelCache.Lease la = cache.lease(a, CPU)) {
            wa = embedding(la.model());
        }
        try (ModelCache.Lease lb = cache.lease(b, CPU)) {
            wb = embedding(lb.model());
        }
        try (ModelCache.Lease again = cache.lease(a, CPU)) { // a is now the most recently used
            assertTrue(again.fromCache());
        }
        assertEquals(2, loader.loads.get());
        NDArray wc;
        try (ModelCache.Lease lc = cache.lease(c, CPU)) { // a third model: b goes, the least recently used
            wc = embedding(lc.model());
            assertTrue(wb.isReleased());
            assertFalse(wa.isReleased());
        }
        assertEquals(2, cache.size());
        assertTrue(cache.bytesHeld() <= cache.budget());
        try (ModelCache.Lease la = cache.lease(a, CPU)) {
            assertTrue(la.fromCache());
        }
        assertEquals(3, loader.loads.get());
        cache.setBudget(modelBytes + modelBytes / 2); // room for one: c (least recently used) goes at once
        assertTrue(wc.isReleased());
        assertFalse(wa.isReleased());
        cache.setBudget(0);
        assertTrue(wa.isReleased());
    }

    @Test
    void aModelInUseStaysBeyondTheBudgetAndGoesWhenItsLastLeaseCloses() throws Exception {
        ModelCache cache = new ModelCache(modelBytes / 2, new CountingLoader()); // smaller than one model
        ModelCache.Lease first = cache.lease(a, CPU);
        ModelCache.Lease second = cache.lease(a, CPU);
        assertTrue(second.fromCache());
        NDArray w = embedding(first.model());
        first.close();
        assertFalse(w.isReleased(), "still leased");
        second.close();
        assertTrue(w.isReleased());
        assertEquals(0, cache.size());
    }

    @Test
    void releaseIdleFreesOnlyModelsNoJobHolds() throws Exception {
        ModelCache cache = new ModelCache(1L << 30, new CountingLoader());
        NDArray wa;
        try (ModelCache.Lease la = cache.lease(a, CPU)) {
            wa = embedding(la.model());
        }
        try (ModelCache.Lease lb = cache.lease(b, CPU)) {
            NDArray wb = embedding(lb.model());
            cache.releaseIdle();
            assertTrue(wa.isReleased());
            assertFalse(wb.isReleased());
            assertEquals(1, cache.size());
            forward(lb.model()); // the job goes on
        }
        assertEquals(1, cache.size(), "idle again, within the budget");
        cache.releaseIdle();
        assertEquals(0, cache.size());
        assertEquals(0, cache.bytesHeld());
    }

    @Test
    void aFailedLoadIsNotCachedAndItsWaitersGetTheError() throws Exception {
        CountingLoader loader = new CountingLoader();
        loader.delayMs = 300;
        loader.failuresLeft.set(1);
        ModelCache cache = new ModelCache(1L << 30, loader);
        ExecutionException e = assertThrows(ExecutionException.class, () -> leaseAtOnce(cache, a, 3));
        assertTrue(e.getCause().getMessage().contains("injected load failure"), e.getCause().toString());
        assertEquals(1, loader.loads.get(), "the waiters shared the failed load");
        assertEquals(0, cache.size());
        try (ModelCache.Lease l = cache.lease(a, CPU)) { // a transient failure: the next request loads again
            assertFalse(l.fromCache());
            forward(l.model());
        }
        assertEquals(2, loader.loads.get());
    }

    /** A job on a thread of its own (as KNIME runs a node), keeping what lease() gave it and its interrupt flag after. */
    private static final class Job extends Thread {
        final ModelCache cache;
        volatile Object result; // the Lease or what lease() threw
        volatile boolean interruptedAfter;

        Job(ModelCache cache) {
            this.cache = cache;
        }

        @Override
        public void run() {
            try {
                result = cache.lease(a, CPU);
            } catch (Throwable t) {
                result = t;
            }
            interruptedAfter = Thread.currentThread().isInterrupted();
        }
    }

    private static void awaitParked(List<Job> jobs) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!jobs.stream().allMatch(j -> j.getState() == Thread.State.WAITING)) {
            assertTrue(System.nanoTime() < deadline, "the waiting jobs never blocked on the load");
            Thread.sleep(5);
        }
    }

    /**
     * KNIME cancels the node that is loading the model (interrupts its thread) while two others wait
     * for that load: the cancelled one gets its cancellation, the two others one new load between
     * them. inRealLoad: the interrupt lands in the file reads (ClosedByInterruptException, flag
     * set); else in a loader that swallows the flag (IOException caused by InterruptedException).
     */
    private static void cancelTheLoadingJob(boolean inRealLoad) throws Exception {
        AtomicInteger loaderCalls = new AtomicInteger();
        CountDownLatch loading = new CountDownLatch(1);
        List<Job> waiters = new ArrayList<>();
        ModelCache cache = new ModelCache(1L << 30, (d, o) -> {
            if (loaderCalls.incrementAndGet() == 1) {
                loading.countDown();
                try {
                    awaitParked(waiters);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                Thread.currentThread().interrupt(); // KNIME's cancel
                if (!inRealLoad) {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        throw new IOException("interrupted while reading the weights", e);
                    }
                }
            }
            return CausalLM.load(d, o);
        });
        Job loader = new Job(cache);
        waiters.add(new Job(cache));
        waiters.add(new Job(cache));
        loader.start();
        loading.await();
        waiters.forEach(Thread::start);
        loader.join(30_000);
        for (Job w : waiters) {
            w.join(30_000);
        }

        List<ModelCache.Lease> leases = new ArrayList<>();
        for (Job w : waiters) {
            assertInstanceOf(ModelCache.Lease.class, w.result, "a waiting job failed with the cancelled job's interrupt");
            leases.add((ModelCache.Lease) w.result);
        }
        assertInstanceOf(CancellationException.class, loader.result, String.valueOf(loader.result));
        assertTrue(loader.interruptedAfter, "the cancelled job's thread stays interrupted, as KNIME expects");
        Throwable cause = ((Throwable) loader.result).getCause();
        Class<? extends Throwable> expected = inRealLoad ? java.nio.channels.ClosedByInterruptException.class : IOException.class;
        assertTrue(expected.isInstance(cause), "cancelled by " + cause);
        assertEquals(2, loaderCalls.get(), "the cancelled load, then one load for both waiters");
        assertEquals(1, cache.loads());
        assertEquals(1, cache.hits());
        assertEquals(1, leases.stream().filter(l -> !l.fromCache()).count());
        NDArray w = embedding(leases.get(0).model());
        assertSame(w, embedding(leases.get(1).model()));
        leases.forEach(l -> forward(l.model()));
        leases.forEach(ModelCache.Lease::close);
        assertEquals(1, cache.size());
        assertEquals(1, cache.releaseIdle());
        assertTrue(w.isReleased());
    }

    @Test
    void cancellingTheLoadingJobInTheFileReadsLeavesItsWaitersAModel() throws Exception {
        cancelTheLoadingJob(true);
    }

    @Test
    void cancellingTheLoadingJobInALoaderThatSwallowsTheFlagLeavesItsWaitersAModel() throws Exception {
        cancelTheLoadingJob(false);
    }

    @Test
    void aRetiredCopyStillInUseCountsAgainstTheBudget() throws Exception {
        Path m = new TinyCheckpoint().seed(9).write(dir.resolve("retiring"));
        ModelCache cache = new ModelCache(modelBytes * 5 / 2, new CountingLoader()); // room for two copies
        ModelCache.Lease longJob = cache.lease(m, CPU); // a long job on the old version
        NDArray old = embedding(longJob.model());
        Files.setLastModifiedTime(m.resolve("model.safetensors"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        NDArray renewed;
        try (ModelCache.Lease l = cache.lease(m, CPU)) {
            assertFalse(l.fromCache());
            renewed = embedding(l.model());
        }
        assertEquals(2 * modelBytes, cache.bytesHeld(), "the old copy the long job holds is in memory too");
        assertEquals(2, cache.size());
        NDArray wb;
        try (ModelCache.Lease lb = cache.lease(b, CPU)) {
            wb = embedding(lb.model());
        }
        assertTrue(renewed.isReleased(), "three copies do not fit: the least recently used idle one goes");
        assertFalse(wb.isReleased());
        assertFalse(old.isReleased(), "in use");
        assertEquals(2 * modelBytes, cache.bytesHeld());
        assertTrue(cache.bytesHeld() <= cache.budget());
        forward(longJob.model());
        longJob.close();
        assertTrue(old.isReleased(), "retired: freed with its last lease");
        assertEquals(modelBytes, cache.bytesHeld());
        assertEquals(1, cache.releaseIdle());
    }

    @Test
    void aModelStillInUseAfterReleaseAllCountsAgainstTheBudget() throws Exception {
        ModelCache cache = new ModelCache(modelBytes * 3 / 2, new CountingLoader()); // room for one copy
        ModelCache.Lease running = cache.lease(a, CPU);
        NDArray wa = embedding(running.model());
        cache.releaseAll();
        assertEquals(modelBytes, cache.bytesHeld(), "released, but the running job still holds it");
        NDArray wb;
        try (ModelCache.Lease lb = cache.lease(b, CPU)) {
            wb = embedding(lb.model());
            forward(lb.model());
        }
        assertTrue(wb.isReleased(), "idle beside the copy still in use, it does not fit");
        assertFalse(wa.isReleased());
        running.close();
        assertTrue(wa.isReleased());
        assertEquals(0, cache.bytesHeld());
        assertEquals(0, cache.size());
    }

    @Test
    void aChangedWeightFileGivesANewLoadAndTheOldCopyGoes() throws Exception {
        Path m = new TinyCheckpoint().seed(7).write(dir.resolve("changing"));
        Path other = new TinyCheckpoint().seed(8).write(dir.resolve("other-weights"));
        CountingLoader loader = new CountingLoader();
        ModelCache cache = new ModelCache(1L << 30, loader);
        NDArray before;
        float[] oldValues;
        try (ModelCache.Lease l = cache.lease(m, CPU)) {
            before = embedding(l.model());
            oldValues = before.toFloatArray();
        }
        // rewritten in place (same inode, same size), as an editor or a copy over it would
        byte[] replacement = Files.readAllBytes(other.resolve("model.safetensors"));
        try (FileChannel ch = FileChannel.open(m.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(replacement), 0);
        }
        Files.setLastModifiedTime(m.resolve("model.safetensors"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000)); // coarse-clock file systems
        float[] expected;
        try (CausalLM direct = CausalLM.load(other, CPU)) {
            expected = embedding(direct).toFloatArray();
        }
        try (ModelCache.Lease l = cache.lease(m, CPU)) {
            assertFalse(l.fromCache());
            assertArrayEquals(expected, embedding(l.model()).toFloatArray());
            assertFalse(java.util.Arrays.equals(oldValues, expected));
        }
        assertEquals(2, loader.loads.get());
        assertTrue(before.isReleased(), "the stale copy is freed");
        assertEquals(1, cache.size());
        cache.releaseIdle();
    }

    @Test
    void budgetOffLoadsAModelOfItsOwnPerLease() throws Exception {
        CountingLoader loader = new CountingLoader();
        ModelCache cache = new ModelCache(0, loader);
        NDArray w;
        try (ModelCache.Lease l1 = cache.lease(a, CPU); ModelCache.Lease l2 = cache.lease(a, CPU)) {
            assertFalse(l1.model().isShared());
            assertFalse(l2.fromCache());
            w = embedding(l1.model());
            assertNotSame(w, embedding(l2.model()));
        }
        assertTrue(w.isReleased());
        assertEquals(2, loader.loads.get());
        assertEquals(0, cache.size());
    }

    @Test
    void aModelsSizeCountsEveryWeightOnceInItsDtype() throws Exception {
        Path bf16 = new TinyCheckpoint().dtype("bfloat16").seed(4).write(dir.resolve("bf16"));
        try (CausalLM f32 = CausalLM.load(a, CPU); CausalLM half = CausalLM.load(bf16, new ModelOptions("cpu", "bfloat16"))) {
            long parameters = f32.namedWeights().values().stream().mapToLong(w -> w.getShape().size()).sum();
            assertEquals(parameters * 4, f32.weightBytes());
            assertEquals(parameters * 2, half.weightBytes(), "bf16, which DJL reports as UNKNOWN");
        }
    }

    @Test
    void budgetsParse() {
        assertEquals(0, ModelCache.parseBudget("0"));
        assertEquals(4L << 30, ModelCache.parseBudget("4g"));
        assertEquals(512L << 20, ModelCache.parseBudget(" 512M "));
        assertEquals(1234, ModelCache.parseBudget("1234"));
        assertTrue(ModelCache.parseBudget("25%") > 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelCache.parseBudget("lots"));
        assertTrue(e.getMessage().contains(ModelCache.BUDGET_PROPERTY), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelCache.parseBudget("150%"));
        assertThrows(IllegalArgumentException.class, () -> ModelCache.parseBudget("-1g"));
    }

    @Test
    void noJobArrayCanAttachToTheSharedWeightsManager() throws Exception {
        ModelCache cache = new ModelCache(1L << 30, new CountingLoader());
        try (ModelCache.Lease l = cache.lease(a, CPU)) {
            NDManager weights = embedding(l.model()).getManager();
            assertThrows(IllegalStateException.class, () -> weights.create(new float[] {1f}));
            assertNotSame(weights, l.model().manager(), "the job's arrays go to a manager of its own");
        }
        cache.releaseIdle();
    }

    /** A forward pass on the model, in a manager of the job's. */
    static void forward(CausalLM m) {
        try (NDManager inputs = m.manager().newSubManager()) {
            NDArray ids = inputs.create(new long[] {1, 2, 3}, new Shape(1, 3));
            NDArray pos = inputs.create(new long[] {0, 1, 2}, new Shape(1, 3));
            try (NDArray logits = m.forward(ids, pos, null, null, true)) {
                assertEquals(TinyCheckpoint.VOCAB_SIZE, logits.getShape().get(2));
            }
        }
    }
}
