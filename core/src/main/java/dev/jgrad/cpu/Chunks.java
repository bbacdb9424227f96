package dev.jgrad.cpu;

/**
 * Splits the elements of one kernel call into ranges run on {@link CpuPool}, only above a grain size, so small
 * tensors never pay for threads. Ranges start at multiples of {@link #ALIGN}, so every element takes the same
 * vector-or-scalar path as in one sequential pass and elementwise results do not depend on the split.
 */
final class Chunks {
    private Chunks() {
    }

    /**
     * Work a range should at least hold, in float additions (system property {@code jgrad.grain}; a transcendental
     * function counts as about 4). Handing a range to a pool thread costs 10-20 us on the 2-core dev machine, as
     * much as 64k in-cache float additions, so work is split from two grains up: additions from 128k elements,
     * sin or exp from 32k.
     */
    static final int GRAIN = Math.max(1024, Integer.getInteger("jgrad.grain", 64 * 1024));

    /** Range starts are multiples of this (a multiple of every vector length, up to 512-bit bytes). */
    static final int ALIGN = 64;

    /** Ranges per thread for large work, so a thread slowed by another process leaves its share to the others. */
    private static final int PER_THREAD = 4;

    /** The work on elements [from, to). */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /** How many ranges to cut work (elements times their relative cost) into: 1 below two grains or one thread. */
    static int count(long work) {
        int threads = CpuPool.threads();
        if (threads == 1 || work < 2L * GRAIN) {
            return 1;
        }
        int chunks = (int) Math.min(work / GRAIN, (long) PER_THREAD * threads);
        // a multiple of the thread count, so no thread is left with one range more than the others
        return chunks < threads ? chunks : chunks - chunks % threads;
    }

    /** Runs task over [0, n) in about {@code chunks} ranges, in parallel when there is more than one. */
    static void run(int n, int chunks, Range task) {
        if (chunks <= 1 || n <= ALIGN) {
            task.run(0, n);
            return;
        }
        int size = roundUp((n + chunks - 1) / chunks, ALIGN);
        int ranges = (n + size - 1) / size;
        if (ranges == 1) {
            task.run(0, n);
            return;
        }
        CpuPool.run(ranges, r -> task.run(r * size, (int) Math.min(n, (long) (r + 1) * size)));
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
