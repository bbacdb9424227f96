package dev.jgrad.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The one thread pool of the CPU backend. Its size is the system property {@code jgrad.threads} (default: the
 * available processors); kernels use it only above a grain size, so small tensors never pay for threads.
 */
public final class CpuPool {
    private CpuPool() {
    }

    private static final System.Logger LOG = System.getLogger("dev.jgrad");

    /** Threads a kernel may use, the caller's included. */
    private static final int THREADS = threadsProperty();

    /** THREADS - 1 daemon workers: the calling thread always takes a share of the work. */
    private static final ForkJoinPool POOL = THREADS == 1 ? null : new ForkJoinPool(THREADS - 1, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("jgrad-cpu-" + t.getPoolIndex());
        return t;
    }, null, false);

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
        if (helpers <= 0) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        // Tasks are claimed from a shared counter, so a helper that starts late finds nothing left and returns.
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable drain = () -> {
            try {
                for (int i; (i = next.getAndIncrement()) < count; ) {
                    task.accept(i);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                next.set(count); // the others stop claiming tasks
            }
        };
        ForkJoinTask<?>[] helpersStarted = new ForkJoinTask<?>[helpers];
        for (int h = 0; h < helpers; h++) {
            helpersStarted[h] = POOL.submit(drain);
        }
        drain.run();
        for (ForkJoinTask<?> f : helpersStarted) {
            f.quietlyJoin();
        }
        switch (failure.get()) {
            case null -> { }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case Throwable e -> throw new IllegalStateException(e); // unreachable: IntConsumer throws no checked exception
        }
    }

    private static int threadsProperty() {
        int available = Runtime.getRuntime().availableProcessors();
        String value = System.getProperty("jgrad.threads");
        if (value == null || value.isBlank()) {
            return available;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.log(System.Logger.Level.WARNING, "jgrad.threads=" + value + " is not a positive integer; using "
                + available + " threads");
        return available;
    }
}
