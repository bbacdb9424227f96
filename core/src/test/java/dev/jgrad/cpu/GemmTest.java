package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jgrad.DType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The packed Vector API GEMM against its scalar twin (bitwise) and a double-precision reference (within the
 * tolerance table): odd sizes around the micro-tile and cache-block edges, every operand layout (row-major,
 * transposed, general strides, broadcast), batches, and threads.
 */
class GemmTest {
    private static final int[] SIZES = {1, 2, 5, 7, 17, 33, 65, 127, 300};

    /** How an operand's matrix sits in its array. */
    enum Layout {
        ROW_MAJOR, TRANSPOSED, STRIDED
    }

    /** One strided operand: rows x cols values at data[off + t*batchStride + i*rs + j*cs]. */
    private record Operand(double[] values, int off, int batchStride, int rs, int cs, int rows, int cols) {
        double at(int t, int i, int j) {
            return values[off + t * batchStride + i * rs + j * cs];
        }

        float[] floats() {
            return toFloats(values);
        }
    }

    /** batch matrices (one shared matrix if broadcast) of rows x cols in the given layout, with a leading offset. */
    private static Operand operand(Random rnd, int batch, boolean broadcast, int rows, int cols, Layout layout) {
        int off = 3;
        int rs;
        int cs;
        int size;
        switch (layout) {
            case ROW_MAJOR -> {
                rs = cols;
                cs = 1;
                size = rows * cols;
            }
            case TRANSPOSED -> {
                rs = 1;
                cs = rows;
                size = rows * cols;
            }
            default -> { // every other row and column of a transposed, twice-as-large matrix
                rs = 2;
                cs = 4 * rows + 1;
                size = 2 * rows + cols * cs;
            }
        }
        int matrices = broadcast ? 1 : batch;
        double[] v = new double[off + matrices * size];
        for (int i = 0; i < v.length; i++) {
            // Values exact in float32, so both precisions multiply the same numbers.
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return new Operand(v, off, broadcast ? 0 : size, rs, cs, rows, cols);
    }

    private record Case(int batch, int m, int k, int n, Layout la, Layout lb, boolean broadcastA, boolean broadcastB) {
        @Override
        public String toString() {
            return "batch " + batch + ", m " + m + ", k " + k + ", n " + n + ", a " + la + (broadcastA ? " (broadcast)" : "")
                    + ", b " + lb + (broadcastB ? " (broadcast)" : "");
        }
    }

    /** Small sizes in full with every layout pair, larger ones sampled, and the block edges (KC, NC) crossed. */
    private static List<Case> cases(DType dtype) {
        List<Case> cases = new ArrayList<>();
        int[] small = {1, 2, 5, 7, 17};
        for (int m : small) {
            for (int k : small) {
                for (int n : small) {
                    for (Layout la : Layout.values()) {
                        for (Layout lb : Layout.values()) {
                            cases.add(new Case(1, m, k, n, la, lb, false, false));
                        }
                    }
                }
            }
        }
        Random rnd = new Random(7);
        Layout[] layouts = Layout.values();
        for (int i = 0; i < 60; i++) {
            cases.add(new Case(1, SIZES[rnd.nextInt(SIZES.length)], SIZES[rnd.nextInt(SIZES.length)],
                    SIZES[rnd.nextInt(SIZES.length)], layouts[rnd.nextInt(3)], layouts[rnd.nextInt(3)], false, false));
        }
        cases.add(new Case(1, 300, 300, 300, Layout.ROW_MAJOR, Layout.ROW_MAJOR, false, false));
        cases.add(new Case(1, 300, 300, 300, Layout.TRANSPOSED, Layout.TRANSPOSED, false, false));
        int kc = dtype == DType.FLOAT32 ? GemmF32.KC : GemmF64.KC;
        int mc = dtype == DType.FLOAT32 ? GemmF32.MC : GemmF64.MC;
        int nr = dtype == DType.FLOAT32 ? GemmF32.NR : GemmF64.NR;
        int packedB = dtype == DType.FLOAT32 ? GemmF32.PACKED_B_BYTES / Float.BYTES : GemmF64.PACKED_B_BYTES / Double.BYTES;
        int oneBlock = dtype == DType.FLOAT32 ? GemmF32.ONE_BLOCK_DEPTH : GemmF64.ONE_BLOCK_DEPTH;
        int deep = oneBlock + 2 * kc + 3; // deeper than one block: blocks of kc
        // More columns than b packs at once for this depth: a second column block.
        cases.add(new Case(1, 7, deep, packedB / deep / nr * nr + 5, Layout.ROW_MAJOR, Layout.ROW_MAJOR, false, false));
        cases.add(new Case(1, mc + 1, kc + 1, 17, Layout.TRANSPOSED, Layout.STRIDED, false, false));
        // Wide and shallow: blocks of half of MC rows, so that the packed tiles of c stay within the budget.
        cases.add(new Case(1, mc + 40, 3, packedB / (mc / 2), Layout.ROW_MAJOR, Layout.ROW_MAJOR, false, false));
        // One block as deep as allowed, over more than one block of rows.
        cases.add(new Case(1, mc + 3, oneBlock, 21, Layout.ROW_MAJOR, Layout.TRANSPOSED, false, false));
        // Batches: own matrices, and one matrix broadcast (batch stride 0) on either side.
        cases.add(new Case(3, 17, 33, 65, Layout.ROW_MAJOR, Layout.ROW_MAJOR, false, false));
        cases.add(new Case(4, 33, 7, 17, Layout.TRANSPOSED, Layout.ROW_MAJOR, true, false));
        cases.add(new Case(3, 65, 17, 5, Layout.ROW_MAJOR, Layout.TRANSPOSED, false, true));
        cases.add(new Case(2, 5, 127, 33, Layout.STRIDED, Layout.STRIDED, true, true));
        return cases;
    }

    /** Runs one case with the given kernel and thread count in dtype and returns c as doubles. */
    private static double[] run(DType dtype, Case c, Operand a, Operand b, Gemm.Kernel kernel, int threads) {
        int size = c.batch * c.m * c.n;
        double[] out = new double[size];
        if (dtype == DType.FLOAT32) {
            float[] r = new float[size];
            Gemm.multiply(a.floats(), a.off, a.batchStride, a.rs, a.cs, b.floats(), b.off, b.batchStride, b.rs, b.cs,
                    r, c.batch, c.m, c.k, c.n, kernel, threads, true);
            for (int i = 0; i < size; i++) {
                out[i] = r[i];
            }
        } else {
            Gemm.multiply(a.values, a.off, a.batchStride, a.rs, a.cs, b.values, b.off, b.batchStride, b.rs, b.cs,
                    out, c.batch, c.m, c.k, c.n, kernel, threads, true);
        }
        return out;
    }

    /** The exact-ish reference: each element summed in double (exact products of float32 values), and sum |a b|. */
    private static double[][] reference(Case c, Operand a, Operand b) {
        double[] sum = new double[c.batch * c.m * c.n];
        double[] scale = new double[sum.length];
        for (int t = 0; t < c.batch; t++) {
            for (int i = 0; i < c.m; i++) {
                for (int j = 0; j < c.n; j++) {
                    double s = 0;
                    double abs = 0;
                    for (int p = 0; p < c.k; p++) {
                        double v = a.at(t, i, p) * b.at(t, p, j);
                        s += v;
                        abs += Math.abs(v);
                    }
                    sum[(t * c.m + i) * c.n + j] = s;
                    scale[(t * c.m + i) * c.n + j] = abs;
                }
            }
        }
        return new double[][] {sum, scale};
    }

    /** The suite's tolerance table (float32 1e-5, float64 1e-12), relative to sum |a b| and grown by sqrt(k). */
    private static double rtol(DType dtype) {
        return dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
    }

    private static void assertClose(DType dtype, Case c, double[][] reference, double[] actual) {
        double[] expected = reference[0];
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = rtol(dtype) * Math.sqrt(c.k) * reference[1][i] + Double.MIN_NORMAL;
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                fail(c + ": element " + i + " is " + actual[i] + ", reference " + expected[i] + " (tolerance " + tol + ")");
            }
        }
    }

    @Test
    void theTestJvmHasTheVectorApi() {
        assertTrue(Gemm.VECTOR_API, "surefire's argLine must add jdk.incubator.vector, or the packed kernels go untested");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void packedEqualsTheScalarTwinBitwiseAndBothAreAccurate(DType dtype) {
        // Both run each element's fma chain in the same order, so they agree to the last bit.
        Random rnd = new Random(1);
        for (Case c : cases(dtype)) {
            Operand a = operand(rnd, c.batch, c.broadcastA, c.m, c.k, c.la);
            Operand b = operand(rnd, c.batch, c.broadcastB, c.k, c.n, c.lb);
            double[] scalar = run(dtype, c, a, b, Gemm.Kernel.SCALAR, 1);
            double[] packed = run(dtype, c, a, b, Gemm.Kernel.PACKED, 1);
            assertArrayEquals(scalar, packed, () -> c.toString());
            assertClose(dtype, c, reference(c, a, b), packed);
        }
    }

    /**
     * The packed kernels add into c (they copy c's tiles in and out), and the padding of their reused packing
     * buffers, here left full of NaN by a product of NaNs, never reaches the result.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void packedProductsAddIntoCAndPaddingNeverLeaks(DType dtype) {
        Random rnd = new Random(3);
        int kc = dtype == DType.FLOAT32 ? GemmF32.KC : GemmF64.KC;
        int oneBlock = dtype == DType.FLOAT32 ? GemmF32.ONE_BLOCK_DEPTH : GemmF64.ONE_BLOCK_DEPTH;
        Case poison = new Case(1, 301, 2 * kc + 1, 303, Layout.ROW_MAJOR, Layout.ROW_MAJOR, false, false);
        Case edges = new Case(1, 143, kc + 7, 37, Layout.ROW_MAJOR, Layout.TRANSPOSED, false, false);
        // Deeper than one block: depth blocks of kc, each adding into the packed tiles of c.
        Case deep = new Case(1, 37, oneBlock + kc + 5, 35, Layout.ROW_MAJOR, Layout.ROW_MAJOR, false, false);
        for (Case c : List.of(poison, edges, deep)) {
            Operand a = operand(rnd, 1, false, c.m, c.k, c.la);
            Operand b = operand(rnd, 1, false, c.k, c.n, c.lb);
            if (c == poison) {
                Arrays.fill(a.values, Double.NaN);
                Arrays.fill(b.values, Double.NaN);
            }
            double[] start = new double[c.m * c.n];
            for (int i = 0; i < start.length; i++) {
                start[i] = (float) (rnd.nextDouble() - 0.5);
            }
            double[] scalar = start.clone();
            double[] packed = start.clone();
            if (dtype == DType.FLOAT32) {
                float[] s = toFloats(scalar);
                float[] p = toFloats(packed);
                Gemm.multiply(a.floats(), a.off, 0, a.rs, a.cs, b.floats(), b.off, 0, b.rs, b.cs, s, 1, c.m, c.k, c.n,
                        Gemm.Kernel.SCALAR, 1, false);
                Gemm.multiply(a.floats(), a.off, 0, a.rs, a.cs, b.floats(), b.off, 0, b.rs, b.cs, p, 1, c.m, c.k, c.n,
                        Gemm.Kernel.PACKED, 1, false);
                scalar = toDoubles(s);
                packed = toDoubles(p);
            } else {
                Gemm.multiply(a.values, a.off, 0, a.rs, a.cs, b.values, b.off, 0, b.rs, b.cs, scalar, 1, c.m, c.k, c.n,
                        Gemm.Kernel.SCALAR, 1, false);
                Gemm.multiply(a.values, a.off, 0, a.rs, a.cs, b.values, b.off, 0, b.rs, b.cs, packed, 1, c.m, c.k, c.n,
                        Gemm.Kernel.PACKED, 1, false);
            }
            assertArrayEquals(scalar, packed, c.toString());
            if (c == edges) {
                double[][] reference = reference(c, a, b);
                for (int i = 0; i < start.length; i++) {
                    reference[0][i] += start[i];
                }
                assertClose(dtype, c, reference, packed);
            }
        }
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void threadsGiveBitwiseTheSingleThreadedResult(DType dtype) {
        // Each element's sum runs in the same order whatever the split, so the results are identical.
        Random rnd = new Random(2);
        List<Case> cases = List.of(
                new Case(1, 300, 127, 65, Layout.ROW_MAJOR, Layout.ROW_MAJOR, false, false),
                new Case(1, 17, 300, 300, Layout.TRANSPOSED, Layout.ROW_MAJOR, false, false),
                new Case(3, 65, 33, 127, Layout.ROW_MAJOR, Layout.TRANSPOSED, true, false),
                new Case(5, 7, 65, 17, Layout.STRIDED, Layout.ROW_MAJOR, false, false));
        for (Case c : cases) {
            Operand a = operand(rnd, c.batch, c.broadcastA, c.m, c.k, c.la);
            Operand b = operand(rnd, c.batch, c.broadcastB, c.k, c.n, c.lb);
            for (Gemm.Kernel kernel : Gemm.Kernel.values()) {
                double[] one = run(dtype, c, a, b, kernel, 1);
                for (int threads : new int[] {2, 3, 4}) {
                    assertArrayEquals(one, run(dtype, c, a, b, kernel, threads), c + ", " + kernel + ", " + threads + " threads");
                }
            }
        }
    }

    @Test
    void wideShallowProductsGetFewerRowsPerBlockSoTheTilesOfCStayWithinTheBudget() {
        assertEquals(GemmF32.MC, GemmF32.rowsPerBlock(1024));
        int wide = 1 << 16;
        assertTrue((long) GemmF32.rowsPerBlock(wide) * wide * Float.BYTES <= GemmF32.PACKED_B_BYTES);
        assertEquals(GemmF32.MR, GemmF32.rowsPerBlock(Integer.MAX_VALUE / 2));
    }

    @Test
    void rowBlocksCoverEveryTileOnceAndShrinkTowardsTheEndOnSeveralThreads() {
        int fullTiles = GemmF32.MC / GemmF32.MR;
        for (int rowTiles : new int[] {1, 2, 3, 7, fullTiles, fullTiles + 1, 205, 1000}) {
            for (int threads : new int[] {1, 2, 3, 8}) {
                int[] starts = GemmF32.rowBlockStarts(rowTiles, threads, GemmF32.MC);
                String where = rowTiles + " tiles, " + threads + " threads: " + Arrays.toString(starts);
                assertEquals(0, starts[0], where);
                assertEquals(rowTiles, starts[starts.length - 1], where);
                for (int q = 0; q + 1 < starts.length; q++) {
                    int size = starts[q + 1] - starts[q];
                    assertTrue(size >= 1 && size <= fullTiles, where);
                    if (threads > 1 && q + 2 < starts.length) {
                        // Claimed in order, largest first: no block is larger than the one before it.
                        assertTrue(q == 0 || size <= starts[q] - starts[q - 1], where);
                    }
                }
                if (threads == 1) {
                    assertEquals(Math.ceilDiv(rowTiles, fullTiles), starts.length - 1, where);
                } else if (rowTiles >= 4 * threads * fullTiles) {
                    // Much work: full blocks first, and a last block far smaller than a full one.
                    assertEquals(fullTiles, starts[1] - starts[0], where);
                    int last = starts[starts.length - 1] - starts[starts.length - 2];
                    assertTrue(last <= Math.max(GemmF32.MIN_BLOCK_TILES, fullTiles / 4), where);
                }
            }
        }
    }

    @Test
    void publicEntryPointsChooseAKernelAndKeepTheScalarResultsForTinyProducts() {
        // 2x2 @ 2x2 stays on the plain loop.
        float[] a = {1, 2, 3, 4};
        float[] b = {5, 6, 7, 8};
        assertArrayEquals(new float[] {19, 22, 43, 50}, Gemm.matmul(a, 0, 0, 2, 1, b, 0, 0, 2, 1, 1, 2, 2, 2));
        // b transposed through its strides: b^T = [[5, 7], [6, 8]].
        assertArrayEquals(new double[] {17, 23, 39, 53},
                Gemm.matmul(new double[] {1, 2, 3, 4}, 0, 0, 2, 1, new double[] {5, 6, 7, 8}, 0, 0, 1, 2, 1, 2, 2, 2));
        assertArrayEquals(new long[] {19, 22, 43, 50, 19, 22, 43, 50},
                Gemm.matmul(new long[] {1, 2, 3, 4}, 0, 0, 2, 1, new long[] {5, 6, 7, 8}, 0, 0, 2, 1, 2, 2, 2, 2));
    }

    @Test
    void largeProductsThroughThePublicEntryMatchTheScalarTwin() {
        Random rnd = new Random(3);
        Case c = new Case(2, 130, 70, 150, Layout.ROW_MAJOR, Layout.TRANSPOSED, false, false);
        Operand a = operand(rnd, c.batch, false, c.m, c.k, c.la);
        Operand b = operand(rnd, c.batch, false, c.k, c.n, c.lb);
        double[] got = Gemm.matmul(a.values, a.off, a.batchStride, a.rs, a.cs, b.values, b.off, b.batchStride, b.rs,
                b.cs, c.batch, c.m, c.k, c.n);
        assertArrayEquals(run(DType.FLOAT64, c, a, b, Gemm.Kernel.SCALAR, 1), got);
    }

    @Test
    void emptyDimensionsGiveEmptyOrZeroResults() {
        for (Gemm.Kernel kernel : Gemm.Kernel.values()) {
            for (int threads : new int[] {1, 2}) {
                float[] c = {Float.NaN, Float.NaN};
                // k = 0: c += nothing, so c keeps its values.
                Gemm.multiply(new float[0], 0, 0, 0, 1, new float[0], 0, 0, 2, 1, c, 1, 1, 0, 2, kernel, threads, false);
                assertTrue(Float.isNaN(c[0]) && Float.isNaN(c[1]));
                double[] d = new double[0];
                Gemm.multiply(new double[6], 0, 0, 3, 1, new double[6], 0, 0, 2, 1, d, 1, 0, 3, 2, kernel, threads, false);
                Gemm.multiply(new double[6], 0, 0, 3, 1, new double[6], 0, 0, 2, 1, d, 0, 2, 3, 2, kernel, threads, false);
            }
        }
        assertArrayEquals(new float[6], Gemm.matmul(new float[0], 0, 0, 0, 1, new float[0], 0, 0, 3, 1, 1, 2, 0, 3));
        assertEquals(0, Gemm.matmul(new double[5], 0, 0, 5, 1, new double[5], 0, 0, 0, 1, 1, 1, 5, 0).length);
    }

    @Test
    void theWarmUpEndsAndHandsProductsToThePackedKernels() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!(Gemm.packedReady(DType.FLOAT32) && Gemm.packedReady(DType.FLOAT64))) {
            assertTrue(System.nanoTime() < deadline, "the GEMM warm-up did not end within 60 s");
            Thread.sleep(20);
        }
    }

    @Test
    void generatedKernelsAreUpToDate() throws IOException {
        for (Map.Entry<String, String> e : GenerateGemmKernels.expected().entrySet()) {
            String actual = Files.readString(GenerateGemmKernels.sourceDir().resolve(e.getKey()), StandardCharsets.UTF_8);
            assertEquals(e.getValue(), actual, e.getKey() + " is stale: run java core/src/test/java/dev/jgrad/cpu/"
                    + "GenerateGemmKernels.java");
        }
    }
}
