// GENERATED from GemmF64.java by GenerateGemmKernels (core/src/test): edit GemmF64.java and regenerate.
package dev.jgrad.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 matrix product, BLIS style: {@code c += a @ b} for one matrix, on up to a given number of threads.
 * Operands are read through (row stride, column stride) pairs, so transposed views need no copy; c is row-major.
 * Every element is the chain c = fma(a(i, p), b(p, j), c) over p = 0, 1, ..., as in the scalar twin and test
 * oracle ScalarGemmF32, so the two agree bitwise, whatever the blocking and the threads.
 */
final class GemmF32 {
    private GemmF32() {
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector register (4 with AVX2). */
    static final int VL = S.length();
    /**
     * Micro-tile: MR rows of a times NR columns of b, held in MR * 2 = 10 vector accumulators, leaving AVX2's
     * other 6 registers for two vectors of b and the broadcasts of a. (BLIS's 6 rows make C2 spill an
     * accumulator on every step: 38 instead of 94 GFLOP/s for float32 on one Zen 3 core.)
     */
    static final int MR = 5;
    static final int NR = 2 * VL;
    /**
     * Depth of a block in products deeper than ONE_BLOCK_DEPTH: one packed NR-wide panel of b (KC * NR elements,
     * 16 KiB) stays in half the L1 cache.
     */
    static final int KC = Integer.getInteger("jgrad.gemm.kc", 16 * 1024 / (NR * Float.BYTES));
    /**
     * Products at most this deep (1024) are done in one depth block, whose panels of b (up to 64 KiB) are read from
     * L2: each tile of c is then loaded and stored once, and the micro-kernel is called a quarter as often as with
     * KC-deep blocks. In one JVM, alternating with OpenBLAS (bench/tools/GemmVsOpenBlas.java, median of the
     * per-round speed ratios), 1024^2 products went from 0.823x to 0.838x of OpenBLAS's speed (float32, two
     * threads) and from 0.746x to 0.778x (float32), and with a memory-streaming loop on the other core from 0.721x
     * to 0.734x and from 0.700x to 0.718x (one thread). On deeper products (2048^2) 1024-deep blocks were 1-8%
     * slower than KC-deep ones, so those keep KC.
     */
    static final int ONE_BLOCK_DEPTH = Integer.getInteger("jgrad.gemm.oneblock", 64 * 1024 / (NR * Float.BYTES));
    /**
     * Most rows of a block of a. Every block of rows reads all of the packed b, so few, large blocks move less data
     * through L3 (the block of a, 573 KiB to 4.6 MiB, is read from L3 too). In one JVM against OpenBLAS, 560 rows
     * instead of 140 (float32) and 70 (float32), whose block of a fitted in L2: 1024^2 float32 0.907 -> 0.945x of
     * OpenBLAS's speed with warm caches, 0.836 -> 0.914x with a memory-streaming loop on the other core, 0.778 ->
     * 0.822x after 0.25 s pauses; float32 the same with warm caches and 0.781 -> 0.819x with the streaming loop;
     * 2048^2 float32 0.855 -> 0.856x, float32 0.839 -> 0.873x.
     */
    static final int MC = Integer.getInteger("jgrad.gemm.mc", 560);
    /** Bytes of b packed at once (all of k for a block of columns), shared by the threads in the 32 MiB L3. */
    static final int PACKED_B_BYTES = Integer.getInteger("jgrad.gemm.packedb", 8 << 20);

    /**
     * c[offC + i*ldc + j] += sum_p a[offA + i*rsA + p*csA] * b[offB + p*rsB + j*csB] for i < m, j < n, p < k,
     * with packed, cache-blocked Vector API kernels on up to {@code threads} threads of {@link CpuPool}.
     * {@code cIsZero}: the caller's promise that c holds zeros there (a fresh array), so it need not be read.
     * Modifies c only.
     */
    static void multiply(float[] a, int offA, int rsA, int csA, float[] b, int offB, int rsB, int csB,
            float[] c, int offC, int ldc, int m, int n, int k, int threads, boolean cIsZero) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        // Columns of b packed at once: all of k, in whole panels, within the budget.
        int ncMax = Math.min(roundUp(n, NR), Math.max(NR, PACKED_B_BYTES / Float.BYTES / k / NR * NR));
        float[] bp = takeBuffer(PACKED_B, Math.multiplyExact(k, ncMax));
        int blockDepth = k <= ONE_BLOCK_DEPTH ? k : KC; // of every depth block but the last
        int kBlocks = ceilDiv(k, blockDepth);
        int[] blockStarts = rowBlockStarts(ceilDiv(m, MR), threads, rowsPerBlock(ncMax));
        int rowBlocks = blockStarts.length - 1;
        int colChunks = rowBlocks >= threads ? 1 : ceilDiv(threads, rowBlocks);
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc);
            int panels = ceilDiv(nc, NR);
            int bBase = offB + jc * csB;
            // One parallel region per block of columns: first the tasks that pack b (once for all threads: depth
            // block pc at bp[pc * panels * NR], panel jr within it at jr * kc), then the row blocks (each packing
            // its own rows of a), cut into column chunks when there are fewer than threads. Tasks are claimed in
            // that order, one by one, so a thread slowed by other work takes fewer, and a thread's first row block
            // waits only for the packing tasks still running. (Two regions woke the helper threads twice per
            // product: see CpuPool's note on wake-ups.)
            int bChunks = Math.min(panels, threads);
            int packTasks = kBlocks * bChunks;
            AtomicInteger packed = new AtomicInteger();
            int chunks = Math.min(panels, colChunks);
            int cBase = offC + jc;
            CpuPool.run(packTasks + rowBlocks * chunks, threads, task -> {
                if (task < packTasks) {
                    try {
                        int pc = task / bChunks * blockDepth;
                        int kc = Math.min(blockDepth, k - pc);
                        int j0 = panels * (task % bChunks) / bChunks * NR;
                        int j1 = Math.min(nc, panels * (task % bChunks + 1) / bChunks * NR);
                        packB(b, bBase + pc * rsB + j0 * csB, rsB, csB, kc, j1 - j0, bp, pc * panels * NR + j0 * kc);
                    } finally {
                        packed.incrementAndGet(); // even on failure, so that no row block waits forever
                    }
                    return;
                }
                CpuPool.awaitCount(packed, packTasks);
                int rowTask = task - packTasks;
                int q = rowTask / chunks;
                int ic = blockStarts[q] * MR;
                int mc = Math.min(m, blockStarts[q + 1] * MR) - ic;
                int j0 = panels * (rowTask % chunks) / chunks * NR;
                int j1 = Math.min(nc, panels * (rowTask % chunks + 1) / chunks * NR);
                int tiles = ceilDiv(mc, MR);
                int tilePanels = ceilDiv(j1 - j0, NR);
                float[] ap = takeBuffer(PACKED_A, tiles * MR * blockDepth);
                int tileElements = tiles * tilePanels * MR * NR;
                float[] cp = takeBuffer(PACKED_C, tileElements);
                int cij = cBase + ic * ldc + j0;
                if (cIsZero) {
                    Arrays.fill(cp, 0, tileElements, 0);
                } else {
                    copyTiles(c, cij, ldc, mc, j1 - j0, cp, tiles, true);
                }
                for (int pc = 0; pc < k; pc += blockDepth) {
                    int kc = Math.min(blockDepth, k - pc);
                    packA(a, offA + ic * rsA + pc * csA, rsA, csA, mc, kc, ap);
                    macroKernel(kc, tiles, tilePanels, ap, bp, pc * panels * NR + j0 * kc, cp);
                }
                copyTiles(c, cij, ldc, mc, j1 - j0, cp, tiles, false);
                giveBuffer(PACKED_A, ap);
                giveBuffer(PACKED_C, cp);
            });
        }
        giveBuffer(PACKED_B, bp);
    }

    /**
     * Rows of a block of a when {@code columns} columns of b are packed at once: MC, or fewer where the block's
     * packed tiles of c (rows * columns elements) would pass the packed-b budget, as in wide, shallow products, so
     * that their buffer stays small and is kept between products.
     */
    static int rowsPerBlock(int columns) {
        return Math.min(MC, Math.max(MR, PACKED_B_BYTES / Float.BYTES / columns / MR * MR));
    }

    /**
     * The first tile of each row block of the product, then rowTiles, for blocks of at most maxRows rows. On one
     * thread, even blocks. On more, blocks of maxRows rows while much is left, then smaller and smaller ones (each
     * about a 2 * threads-th of what is left), claimed in that order, so the threads run out of work close together:
     * on two threads, one thread's idle wait at the end of a 1024^2 float32 product (15-33 ms) fell from 0.6-3.4 ms
     * with blocks of one size to 0.14-0.43 ms.
     */
    static int[] rowBlockStarts(int rowTiles, int threads, int maxRows) {
        int fullTiles = Math.max(1, maxRows / MR);
        if (threads == 1) {
            int blocks = ceilDiv(rowTiles, fullTiles);
            int[] starts = new int[blocks + 1];
            for (int q = 0; q <= blocks; q++) {
                starts[q] = (int) ((long) rowTiles * q / blocks);
            }
            return starts;
        }
        int[] starts = new int[rowTiles + 1];
        int blocks = 0;
        for (int t = 0; t < rowTiles; blocks++) {
            starts[blocks] = t;
            int left = rowTiles - t;
            t += Math.min(left, Math.min(fullTiles, Math.max(MIN_BLOCK_TILES, ceilDiv(left, 2 * threads))));
        }
        starts[blocks] = rowTiles;
        return Arrays.copyOf(starts, blocks + 1);
    }

    /** The smallest row block at the end of a product on several threads, in tiles of MR rows. */
    static final int MIN_BLOCK_TILES = 2;

    private static final int PACKED_A = 0;
    private static final int PACKED_B = 1;
    private static final int PACKED_C = 2;
    /**
     * Packing buffers kept by each thread between products (packed a, b and tiles of c): allocating and zeroing 4 MiB
     * of packed b on every 1024^2 product cost a few percent. A buffer is taken out while in use, so a nested
     * product gets its own; those over the packed-b budget are not kept.
     */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[3][]);

    private static float[] takeBuffer(int which, int size) {
        float[][] kept = BUFFERS.get();
        float[] buffer = kept[which];
        kept[which] = null;
        return buffer != null && buffer.length >= size ? buffer : new float[size];
    }

    private static void giveBuffer(int which, float[] buffer) {
        if ((long) buffer.length * Float.BYTES <= PACKED_B_BYTES) {
            BUFFERS.get()[which] = buffer;
        }
    }

    /**
     * cp += ap @ bp for one packed depth block: every tile of the packed block of c (see {@link #copyTiles}) from
     * the panels of a and of b (from bp[bOff]). Modifies cp only.
     */
    private static void macroKernel(int kc, int tiles, int panels, float[] ap, float[] bp, int bOff, float[] cp) {
        // Panels of b outside the tiles of a: one panel of b stays in L1 or L2 while the tiles of a stream past
        // it in order, and the tiles of c follow one another in memory, so the hardware prefetches both. The
        // kernel keeps its row-stride argument although it is always NR here: with the constant, C2 spilled an
        // accumulator.
        for (int q = 0; q < panels; q++) {
            for (int t = 0; t < tiles; t++) {
                kernel(kc, ap, t * MR * kc, bp, bOff + q * NR * kc, cp, (q * tiles + t) * MR * NR, NR);
            }
        }
    }

    /**
     * Copies the mc x nc block of c at {@code co} into MR x NR tiles ({@code intoTiles}) or back out of them:
     * tile t of panel q at cp[(q*tiles + t) * MR*NR], row-major. In place, a tile's rows of c lie a whole row of c
     * apart, and reloading them from L3 for every depth block cost the kernel 13-20 % of its speed; the packed
     * tiles follow the order the macro-kernel visits them. Padding rows and columns are left as they are: they
     * only meet padding of a and b, and are never copied back.
     */
    private static void copyTiles(float[] c, int co, int ldc, int mc, int nc, float[] cp, int tiles,
            boolean intoTiles) {
        for (int i = 0; i < mc; i++) {
            int rowOfTiles = i / MR * MR * NR + i % MR * NR;
            for (int jr = 0, q = 0; jr < nc; jr += NR, q++) {
                int ci = co + i * ldc + jr;
                int ti = q * tiles * MR * NR + rowOfTiles;
                float[] from = intoTiles ? c : cp;
                float[] to = intoTiles ? cp : c;
                int fromIndex = intoTiles ? ci : ti;
                int toIndex = intoTiles ? ti : ci;
                if (nc - jr >= NR) {
                    FloatVector.fromArray(S, from, fromIndex).intoArray(to, toIndex);
                    FloatVector.fromArray(S, from, fromIndex + VL).intoArray(to, toIndex + VL);
                } else {
                    System.arraycopy(from, fromIndex, to, toIndex, nc - jr);
                }
            }
        }
    }

    /**
     * c[co + r*ldc + j] += sum_p ap[pa + p*MR + r] * bp[pb + p*NR + j] for r < MR, j < NR, p < kc: the MR x NR
     * micro-tile as 2 * MR broadcast-FMA accumulators seeded with c itself (so a deeper product continues each
     * element's fma chain exactly). Modifies c only.
     */
    static void kernel(int kc, float[] ap, int pa, float[] bp, int pb, float[] c, int co, int ldc) {
        // Few Vector API calls on purpose: C2 stops inlining past a node budget, and a call left out-of-line
        // boxes its vectors on every iteration. Zero-seeded accumulators added to c at the end also made C2
        // spill one to the stack (36 instead of 94 GFLOP/s for float32 on one Zen 3 core).
        int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, co), c01 = FloatVector.fromArray(S, c, co + VL);
        FloatVector c10 = FloatVector.fromArray(S, c, c1), c11 = FloatVector.fromArray(S, c, c1 + VL);
        FloatVector c20 = FloatVector.fromArray(S, c, c2), c21 = FloatVector.fromArray(S, c, c2 + VL);
        FloatVector c30 = FloatVector.fromArray(S, c, c3), c31 = FloatVector.fromArray(S, c, c3 + VL);
        FloatVector c40 = FloatVector.fromArray(S, c, c4), c41 = FloatVector.fromArray(S, c, c4 + VL);
        for (int p = 0; p < kc; p++) {
            int ia = pa + p * MR;
            int ib = pb + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, ib);
            FloatVector b1 = FloatVector.fromArray(S, bp, ib + VL);
            FloatVector x = FloatVector.broadcast(S, ap[ia]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ia + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ia + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ia + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ia + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + VL);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + VL);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + VL);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + VL);
        c40.intoArray(c, c4);
        c41.intoArray(c, c4 + VL);
    }

    /**
     * Packs the mc x kc block of a at {@code base} into MR-row panels: ap[ir*kc + p*MR + r] = a(ir + r, p), so the
     * micro-kernel reads MR consecutive values per step. Rows past mc keep stale values: they only feed rows of
     * the edge tile that are thrown away. Modifies ap only.
     */
    private static void packA(float[] a, int base, int rs, int cs, int mc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int dst = ir * kc;
            int src = base + ir * rs;
            if (mr == MR && cs == 1) {
                // Row-major a, full panel of MR = 5 rows: five sequential reads and one sequential write per step.
                int s1 = src + rs, s2 = s1 + rs, s3 = s2 + rs, s4 = s3 + rs;
                for (int p = 0, d = dst; p < kc; p++, d += MR) {
                    ap[d] = a[src + p];
                    ap[d + 1] = a[s1 + p];
                    ap[d + 2] = a[s2 + p];
                    ap[d + 3] = a[s3 + p];
                    ap[d + 4] = a[s4 + p];
                }
            } else if (Math.abs(cs) <= Math.abs(rs)) {
                // Rows are the short stride (row-major a): read along each row.
                for (int r = 0; r < mr; r++) {
                    for (int p = 0, s = src + r * rs; p < kc; p++, s += cs) {
                        ap[dst + p * MR + r] = a[s];
                    }
                }
            } else {
                // Columns are the short stride (a transposed view): read down each column.
                for (int p = 0; p < kc; p++) {
                    for (int r = 0, s = src + p * cs; r < mr; r++, s += rs) {
                        ap[dst + p * MR + r] = a[s];
                    }
                }
            }
        }
    }

    /**
     * Packs the kc x nc block of b at {@code base} into NR-column panels: bp[bOff + jr*kc + p*NR + j] = b(p, jr + j), so
     * the micro-kernel loads two whole vectors per step. Columns past nc keep stale values, which only feed
     * discarded columns of the edge tile. Modifies bp only.
     */
    private static void packB(float[] b, int base, int rs, int cs, int kc, int nc, float[] bp, int bOff) {
        int jr = 0;
        if (cs == 1) {
            // Row-major b: a few rows at a time across all its whole panels, so that b is read along its rows
            // (a panel at a time read one cache line from each of kc rows a whole row apart, at 2-3 GB/s).
            int wholePanels = nc / NR;
            for (int p0 = 0; p0 < kc; p0 += PACK_B_ROWS) {
                int p1 = Math.min(kc, p0 + PACK_B_ROWS);
                for (int q = 0; q < wholePanels; q++) {
                    for (int p = p0; p < p1; p++) {
                        int s = base + p * rs + q * NR;
                        int d = bOff + q * NR * kc + p * NR;
                        FloatVector.fromArray(S, b, s).intoArray(bp, d);
                        FloatVector.fromArray(S, b, s + VL).intoArray(bp, d + VL);
                    }
                }
            }
            jr = wholePanels * NR;
        }
        for (; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int dst = bOff + jr * kc;
            int src = base + jr * cs;
            if (Math.abs(cs) <= Math.abs(rs)) {
                for (int p = 0; p < kc; p++) {
                    for (int j = 0, s = src + p * rs; j < nr; j++, s += cs) {
                        bp[dst + p * NR + j] = b[s];
                    }
                }
            } else {
                // b is a transposed view: read down each column.
                for (int j = 0; j < nr; j++) {
                    for (int p = 0, s = src + j * cs; p < kc; p++, s += rs) {
                        bp[dst + p * NR + j] = b[s];
                    }
                }
            }
        }
    }

    /** Rows of b packed together across its panels: four rows of a 1024-column float32 b are 16 KiB. */
    private static final int PACK_B_ROWS = 4;

    private static int roundUp(int x, int to) {
        return ceilDiv(x, to) * to;
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
