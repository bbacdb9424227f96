package dev.jgrad.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The one thread pool of the CPU backend: {@code jgrad.threads - 1} daemon helper threads (default: the available
 * processors) that join the calling thread in the tasks of a parallel region. Kernels use it only above a grain
 * size, so small tensors never pay for threads.
 * <p>A helper that finishes a region keeps polling for the next one for {@code jgrad.threads.spinMillis}
 * milliseconds (default 50) before it parks, as OpenBLAS's and OpenMP's threads do. Parking at once made every
 * region a wake-up, and on the 2-vCPU dev machine's VM the kernel placed the woken helper on its waker's CPU in
 * most regions that followed a pause (the other CPU idling) until a scheduler tick spread them: two 7 ms halves
 * of work after 0.25 s pauses took 11-12 ms instead of 7. After a 50 ms poll the next wake-up, even a second
 * later, found its own CPU (6.8 ms; with 20 ms polls it still did not). {@code 0} parks at once, and
 * {@link #parkHelpers} parks polling helpers before a call into OpenBLAS, whose threads need the cores.
 * <p>One region runs at a time: a region started while another is running (from another thread, or nested in a
 * task) runs on its calling thread alone.
 */
public final class CpuPool {
    private CpuPool() {
    }

    private static final System.Logger LOG = System.getLogger("dev.jgrad");

    /** Threads a kernel may use, the caller's included. */
    private static final int THREADS = (int) Math.min(Integer.MAX_VALUE,
            integerProperty("jgrad.threads", Runtime.getRuntime().availableProcessors(), 1));

    /** How long a helper polls for the next region before it parks. */
    private static final long SPIN_NANOS =
            Math.min(integerProperty("jgrad.threads.spinMillis", 50, 0), Long.MAX_VALUE / 1_000_000L) * 1_000_000L;

    /** The region the helpers may join, or null. */
    private static final AtomicReference<Region> CURRENT = new AtomicReference<>();

    /** THREADS - 1 helpers, started with the pool: the calling thread always takes a share of the work. */
    private static final Thread[] HELPERS = startHelpers(THREADS - 1);

    /** The number of threads kernels use, the calling thread included (at least 1). */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs task.accept(i) for every i < count, spread over the pool and the calling thread, and returns when all
     * are done; the first exception a task throws is rethrown here.
     */
    public static void run(int count, IntConsumer task) {
        run(count, THREADS, task);
    }

    /** As {@link #run(int, IntConsumer)}, on at most {@code maxThreads} threads (1: all on the calling thread). */
    public static void run(int count, int maxThreads, IntConsumer task) {
        int helpers = Math.min(Math.min(count, maxThreads), THREADS) - 1;
        Region region = helpers <= 0 ? null : new Region(count, helpers, task);
        if (region == null || !CURRENT.compareAndSet(null, region)) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        try {
            if (parkNow) {
                parkNow = false;
            }
            for (int h = 0; h < helpers; h++) {
                LockSupport.unpark(HELPERS[h]);
            }
            region.drain();
            region.awaitHelpers();
        } finally {
            CURRENT.set(null);
        }
        switch (region.failure.get()) {
            case null -> { }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case Throwable e -> throw new IllegalStateException(e); // unreachable: IntConsumer throws no checked exception
        }
    }

    /**
     * Waits until {@code count} reaches {@code target}, for a task of {@link #run} whose input other tasks of the
     * same region are still producing: spins briefly (they were claimed before it, so they are running), then
     * yields the CPU between checks, in case the thread it waits for shares this CPU.
     */
    static void awaitCount(AtomicInteger count, int target) {
        for (int spins = 0; count.get() < target; spins++) {
            if (spins < AWAIT_SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Spins of {@link #awaitCount} and of a caller waiting for its helpers before they yield or park. */
    private static final int AWAIT_SPINS = 1 << 12;

    /** One call of {@link #run}: tasks claimed from a shared counter by the caller and the helpers that join. */
    private static final class Region {
        /** Set in {@link #joined} once the caller has stopped waiting for more helpers. */
        private static final int CLOSED = 1 << 30;

        final int count;
        final int maxHelpers;
        final IntConsumer task;
        final Thread caller = Thread.currentThread();
        final AtomicInteger next = new AtomicInteger();
        /** Helpers that joined, plus CLOSED once the caller has drained the tasks. */
        final AtomicInteger joined = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Region(int count, int maxHelpers, IntConsumer task) {
            this.count = count;
            this.maxHelpers = maxHelpers;
            this.task = task;
        }

        /** Claims and runs tasks until none is left (or one has failed). */
        void drain() {
            try {
                for (int i; (i = next.getAndIncrement()) < count; ) {
                    task.accept(i);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                next.set(count); // the others stop claiming tasks
            }
        }

        /** A helper's share: joins unless the region is closed or full, drains, and tells the caller. */
        void help() {
            for (int j; ((j = joined.get()) & CLOSED) == 0 && j < maxHelpers; ) {
                if (joined.compareAndSet(j, j + 1)) {
                    drain();
                    finished.incrementAndGet();
                    LockSupport.unpark(caller);
                    return;
                }
            }
        }

        /** Closes the region to late helpers and waits for those that joined. */
        void awaitHelpers() {
            int helpers = joined.getAndUpdate(j -> j | CLOSED);
            for (int spins = 0; finished.get() < helpers; spins++) {
                if (spins < AWAIT_SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }

    private static Thread[] startHelpers(int n) {
        Thread[] helpers = new Thread[Math.max(0, n)];
        for (int h = 0; h < helpers.length; h++) {
            helpers[h] = Thread.ofPlatform().daemon().name("jgrad-cpu-" + h).unstarted(CpuPool::helperLoop);
            helpers[h].start();
        }
        return helpers;
    }

    /**
     * Makes helpers that are polling for the next region park now, before the caller hands the machine's cores to
     * other threads: OpenBLAS's own threads, which a polling helper would slow down as much as they slow it.
     */
    public static void parkHelpers() {
        if (HELPERS.length > 0 && !parkNow) {
            parkNow = true;
        }
    }

    /** Set by {@link #parkHelpers}, cleared by the next region: helpers poll only while it is false. */
    private static volatile boolean parkNow;

    /** A helper: joins each new region once; between regions polls for SPIN_NANOS, then parks. */
    private static void helperLoop() {
        Region last = null;
        while (true) {
            Region region = CURRENT.get();
            if (region != null && region != last) {
                last = region;
                region.help();
                continue;
            }
            long idleSince = System.nanoTime();
            while ((region = CURRENT.get()) == null || region == last) {
                if (System.nanoTime() - idleSince < SPIN_NANOS && !parkNow) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park();
                }
            }
        }
    }

    /** The system property {@code name} as an integer of at least {@code min}; else, with a warning if set, fallback. */
    private static long integerProperty(String name, long fallback, long min) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.log(System.Logger.Level.WARNING, name + "=" + value + " is not an integer of at least " + min + "; using "
                + fallback);
        return fallback;
    }
}
