package dev.jgrad.cpu;

/**
 * Reductions of float32 and float64 runs in fixed blocks: a run is cut into blocks of {@link #BLOCK} elements,
 * each reduced by the vector kernel (ReductionF32/F64), and the block results are combined left to right, so
 * the result is the same on one thread or many.
 */
final class Reductions {
    private Reductions() {
    }

    /** Elements per block (64 KiB of float32, 128 KiB of float64: a block's partial sums stay in L2). */
    static final int BLOCK = 16 * 1024;

    /** op over x[off, off + n) of a float[] or double[]; {@code chunks > 1} reduces the blocks in parallel. */
    static double run(ReduceOp op, Object x, int off, int n, int chunks) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        if (blocks <= 1) {
            return block(op, x, off, n);
        }
        double[] partial = new double[blocks];
        int ranges = Math.min(chunks, blocks);
        if (ranges <= 1) {
            for (int b = 0; b < blocks; b++) {
                partial[b] = block(op, x, off + b * BLOCK, Math.min(BLOCK, n - b * BLOCK));
            }
        } else {
            CpuPool.run(ranges, r -> {
                int end = (int) ((long) blocks * (r + 1) / ranges);
                for (int b = (int) ((long) blocks * r / ranges); b < end; b++) {
                    partial[b] = block(op, x, off + b * BLOCK, Math.min(BLOCK, n - b * BLOCK));
                }
            });
        }
        double acc = partial[0];
        for (int b = 1; b < blocks; b++) {
            acc = op.combine(acc, partial[b]);
        }
        return acc;
    }

    /** op over a run of at most BLOCK elements with the vector kernel (the scalar twin without the Vector API). */
    private static double block(ReduceOp op, Object x, int off, int n) {
        return switch (x) {
            case float[] a when Simd.API -> ReductionF32.reduce(op, a, off, n);
            case double[] a when Simd.API -> ReductionF64.reduce(op, a, off, n);
            case float[] a -> ScalarReductionF32.reduce(op, op.identity(), a, off, n);
            case double[] a -> ScalarReductionF64.reduce(op, op.identity(), a, off, n);
            default -> throw new IllegalArgumentException(op + " on " + x.getClass());
        };
    }
}
