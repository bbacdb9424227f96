package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CpuPoolTest {

    @Test
    void everyTaskRunsExactlyOnceInManyRegions() {
        // Many short regions: helpers that wake late, or still poll after a region, must never run a task twice.
        for (int count : new int[] {0, 1, 2, 3, 17, 1000}) {
            for (int maxThreads : new int[] {1, 2, 64}) {
                for (int repeat = 0; repeat < 200; repeat++) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(count, 1));
                    CpuPool.run(count, maxThreads, hits::incrementAndGet);
                    for (int i = 0; i < count; i++) {
                        assertEquals(1, hits.get(i), "task " + i + " of " + count + " on " + maxThreads + " threads");
                    }
                }
            }
        }
    }

    @Test
    void theFirstFailureIsRethrownAndThePoolStaysUsable() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CpuPool.run(10, i -> {
            if (i == 7) {
                throw new IllegalStateException("task 7 failed");
            }
        }));
        assertEquals("task 7 failed", e.getMessage());
        AssertionError error = assertThrows(AssertionError.class, () -> CpuPool.run(4, i -> {
            throw new AssertionError("every task fails");
        }));
        assertEquals("every task fails", error.getMessage());
        AtomicInteger ran = new AtomicInteger();
        CpuPool.run(100, i -> ran.incrementAndGet());
        assertEquals(100, ran.get());
    }

    @Test
    void helpersShareTheTasksWhenThereAreSeveralThreads() {
        assertAHelperJoins();
    }

    @Test
    void helpersToldToParkJoinTheNextRegion() throws InterruptedException {
        CpuPool.run(10, i -> { });
        CpuPool.parkHelpers();
        Thread.sleep(5);
        assertAHelperJoins();
        CpuPool.parkHelpers();
        assertAHelperJoins(); // at once, while they may still be polling
    }

    private static void assertAHelperJoins() {
        // The caller's first task waits until another thread has taken one, so this fails if no helper ever joins.
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch helperJoined = new CountDownLatch(1);
        String caller = Thread.currentThread().getName();
        CpuPool.run(50, i -> {
            threads.add(Thread.currentThread().getName());
            if (!Thread.currentThread().getName().equals(caller)) {
                helperJoined.countDown();
            } else if (CpuPool.threads() > 1 && i == 0) {
                try {
                    helperJoined.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        });
        if (CpuPool.threads() > 1) {
            assertEquals(0, helperJoined.getCount(), "no helper joined; threads seen: " + threads);
            assertTrue(threads.stream().anyMatch(name -> name.startsWith("jgrad-cpu-")), threads.toString());
        } else {
            assertEquals(Set.of(caller), threads);
        }
    }

    @Test
    void oneThreadKeepsEveryTaskOnTheCaller() {
        Thread caller = Thread.currentThread();
        AtomicReference<Thread> other = new AtomicReference<>();
        CpuPool.run(100, 1, i -> {
            if (Thread.currentThread() != caller) {
                other.set(Thread.currentThread());
            }
        });
        assertNull(other.get(), "a task ran on " + other.get());
    }

    @Test
    void aRegionInsideATaskRunsOnThatTasksThread() {
        AtomicIntegerArray hits = new AtomicIntegerArray(8 * 8);
        CpuPool.run(8, outer -> {
            Thread thread = Thread.currentThread();
            CpuPool.run(8, inner -> {
                assertSame(thread, Thread.currentThread());
                hits.incrementAndGet(outer * 8 + inner);
            });
        });
        for (int i = 0; i < 64; i++) {
            assertEquals(1, hits.get(i), "task " + i);
        }
    }

    @Test
    void callersOnSeveralThreadsAllFinish() throws InterruptedException {
        // One region runs on the pool at a time; the others run on their callers. Every task still runs once.
        int callers = 4;
        AtomicIntegerArray hits = new AtomicIntegerArray(callers * 5000);
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < callers; t++) {
            int base = t * 5000;
            Thread thread = Thread.ofPlatform().unstarted(() -> {
                for (int round = 0; round < 50; round++) {
                    int first = base + round * 100;
                    CpuPool.run(100, i -> hits.incrementAndGet(first + i));
                }
            });
            thread.setUncaughtExceptionHandler((th, e) -> failure.set(e));
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        assertNull(failure.get());
        for (int i = 0; i < hits.length(); i++) {
            assertEquals(1, hits.get(i), "task " + i);
        }
    }

    @Test
    void anInterruptedCallerStillGetsEveryTaskDoneAndKeepsItsInterrupt() {
        AtomicInteger ran = new AtomicInteger();
        Thread.currentThread().interrupt();
        try {
            CpuPool.run(200, i -> {
                for (long spin = 0; spin < 10_000; spin++) {
                    Thread.onSpinWait();
                }
                ran.incrementAndGet();
            });
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertEquals(200, ran.get());
    }

    @Test
    void laterTasksCanWaitForEarlierOnes() {
        // GEMM's pattern: tasks below 4 produce, the rest wait for all four; claims are in order, so this ends.
        AtomicInteger produced = new AtomicInteger();
        AtomicInteger sawAll = new AtomicInteger();
        CpuPool.run(40, i -> {
            if (i < 4) {
                produced.incrementAndGet();
            } else {
                CpuPool.awaitCount(produced, 4);
                sawAll.addAndGet(produced.get() == 4 ? 1 : 0);
            }
        });
        assertEquals(36, sawAll.get());
    }

    @Test
    void threadsIsAtLeastOne() {
        assertTrue(CpuPool.threads() >= 1);
    }
}
