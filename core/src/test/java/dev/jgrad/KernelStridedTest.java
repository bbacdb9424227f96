package dev.jgrad;

import dev.jgrad.cpu.BinaryOp;
import dev.jgrad.cpu.CpuKernels;
import dev.jgrad.cpu.ReduceOp;
import dev.jgrad.cpu.Strided;
import dev.jgrad.cpu.UnaryOp;
import dev.jgrad.cpu.VectorAccuracy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The CPU kernels against a naive per-element loop written here: odd sizes, permuted, stepped, negative
 * (flipped) and zero (broadcast) strides, storage offsets, size-1 and size-0 dims, every dtype.
 */
class KernelStridedTest {
    private static final DType[] NUMERIC = {DType.FLOAT32, DType.FLOAT64, DType.INT64};
    private static final int[][] SHAPES = {{}, {1}, {7}, {3, 5}, {5, 1, 3}, {3, 5, 7}, {2, 1, 3, 1, 2}, {0, 3},
            {4, 3, 2, 5}};

    /** One operand's geometry over a storage array of {@code storageSize} elements. */
    record Layout(String kind, int[] shape, int[] strides, int offset, int storageSize) {
        Strided over(Object data) {
            return new Strided(data, offset, strides);
        }

        int at(int[] index) {
            int p = offset;
            for (int d = 0; d < shape.length; d++) {
                p += index[d] * strides[d];
            }
            return p;
        }

        boolean overlaps() {
            for (int d = 0; d < shape.length; d++) {
                if (strides[d] == 0 && shape[d] > 1) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return kind + " shape " + Arrays.toString(shape) + " strides " + Arrays.toString(strides) + " offset "
                    + offset;
        }
    }

    /**
     * A layout of {@code shape}: dims laid out in a random order, every dim stepped by {@code step}, the
     * dims in {@code flip} read backwards, the dims in {@code zero} broadcast, after {@code pad} unused
     * elements.
     */
    private static Layout layout(String kind, int[] shape, boolean permute, int maxStep, boolean flip, boolean zero,
                                 Random rnd) {
        int rank = shape.length;
        Integer[] order = new Integer[rank];
        for (int d = 0; d < rank; d++) {
            order[d] = d;
        }
        if (permute) {
            java.util.Collections.shuffle(Arrays.asList(order), rnd);
        }
        int[] strides = new int[rank];
        int s = 1 + rnd.nextInt(maxStep);
        for (int i = rank - 1; i >= 0; i--) {
            int d = order[i];
            strides[d] = s;
            s *= Math.max(shape[d], 1) * (1 + rnd.nextInt(maxStep));
        }
        for (int d = 0; d < rank; d++) {
            if (flip && rnd.nextBoolean()) {
                strides[d] = -strides[d];
            }
            if (zero && shape[d] > 1 && rnd.nextInt(3) == 0) {
                strides[d] = 0;
            }
        }
        int pad = rnd.nextInt(4);
        int min = 0;
        int max = 0;
        boolean empty = false;
        for (int d = 0; d < rank; d++) {
            empty |= shape[d] == 0;
            int reach = (shape[d] - 1) * strides[d];
            if (reach < 0) {
                min += reach;
            } else {
                max += reach;
            }
        }
        int offset = pad - (empty ? 0 : min);
        int size = empty ? pad + 1 : offset + max + 1 + rnd.nextInt(3);
        return new Layout(kind, shape, strides, offset, size);
    }

    /** The layouts every kernel is run on, for one shape. {@code writable} leaves out overlapping ones. */
    private static List<Layout> layouts(int[] shape, boolean writable, Random rnd) {
        List<Layout> out = new ArrayList<>();
        out.add(layout("contiguous", shape, false, 1, false, false, rnd));
        out.add(layout("permuted", shape, true, 1, false, false, rnd));
        out.add(layout("stepped", shape, false, 3, false, false, rnd));
        out.add(layout("flipped", shape, false, 1, true, false, rnd));
        out.add(layout("permuted+stepped+flipped", shape, true, 3, true, false, rnd));
        if (!writable) {
            out.add(layout("broadcast", shape, false, 1, false, true, rnd));
            out.add(layout("everything", shape, true, 3, true, true, rnd));
        }
        return out;
    }

    /** A storage array of {@code dtype} filled with small random values (int64: nonzero, for division). */
    private static Object randomData(DType dtype, int n, Random rnd) {
        Object data = CpuKernels.allocate(dtype, n);
        for (int i = 0; i < n; i++) {
            switch (dtype) {
                case FLOAT32, FLOAT64 -> CpuKernels.write(data, i, Math.round((rnd.nextDouble() * 6 - 3) * 64) / 64.0);
                case INT64 -> ((long[]) data)[i] = rnd.nextBoolean() ? 1 + rnd.nextInt(5) : -1 - rnd.nextInt(5);
                case BOOL -> ((boolean[]) data)[i] = rnd.nextBoolean();
            }
        }
        return data;
    }

    /** Visits every index of {@code shape} in row-major order. */
    private static void forEachIndex(int[] shape, Consumer<int[]> body) {
        for (int s : shape) {
            if (s == 0) {
                return;
            }
        }
        int[] index = new int[shape.length];
        while (true) {
            body.accept(index);
            int d = shape.length - 1;
            while (d >= 0 && ++index[d] == shape[d]) {
                index[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /**
     * Like {@link #assertSameElement}, but for ops whose vector kernels round differently from the scalar op (SVML
     * transcendentals, float32 composites; see VectorAccuracy) within the tolerance table instead of bit for bit.
     */
    private static void assertElement(boolean exact, Object expected, Object actual, int j, String what) {
        if (exact || expected instanceof long[]) {
            assertSameElement(expected, 0, actual, j, what);
            return;
        }
        double e = CpuKernels.read(expected, 0);
        double a = CpuKernels.read(actual, j);
        if (!Tolerance.close(e, a, CpuKernels.dtypeOf(expected))) {
            fail(what + ": expected " + e + " but got " + a + " (beyond the tolerance table)");
        }
    }

    /** Element {@code i} of {@code data} as a double, or its bits for exact comparison of long data. */
    private static void assertSameElement(Object expected, int i, Object actual, int j, String what) {
        double e = CpuKernels.read(expected, i);
        double a = CpuKernels.read(actual, j);
        if (expected instanceof long[] le) {
            assertEquals(le[i], ((long[]) actual)[j], what);
        } else if (!(Double.compare(e, a) == 0 || (e == a))) {
            fail(what + ": expected " + e + " but got " + a);
        }
    }

    // ------------------------------------------------------------------ copy and fill

    @Test
    void copyBetweenAnyLayoutsAndDtypes() {
        Random rnd = new Random(1);
        DType[] all = DType.values();
        for (int[] shape : SHAPES) {
            for (Layout src : layouts(shape, false, rnd)) {
                for (Layout dst : layouts(shape, true, rnd)) {
                    DType from = all[rnd.nextInt(all.length)];
                    DType to = all[rnd.nextInt(all.length)];
                    Object in = randomData(from, src.storageSize(), rnd);
                    Object out = randomData(to, dst.storageSize(), rnd);
                    Object untouched = copyOf(out);
                    CpuKernels.copy(src.over(in), dst.over(out), shape);
                    boolean[] written = new boolean[dst.storageSize()];
                    String what = "copy " + from + " " + src + " to " + to + " " + dst;
                    forEachIndex(shape, idx -> {
                        int p = dst.at(idx);
                        written[p] = true;
                        Object expected = CpuKernels.allocate(to, 1);
                        if (from == DType.INT64 || from == DType.BOOL) {
                            long v = CpuKernels.readLong(in, src.at(idx));
                            if (to == DType.BOOL) {
                                ((boolean[]) expected)[0] = v != 0;
                            } else if (to == DType.INT64) {
                                ((long[]) expected)[0] = v;
                            } else {
                                CpuKernels.write(expected, 0, v);
                            }
                        } else {
                            CpuKernels.write(expected, 0, CpuKernels.read(in, src.at(idx)));
                        }
                        assertSameElement(expected, 0, out, p, what);
                    });
                    for (int p = 0; p < written.length; p++) {
                        if (!written[p]) {
                            assertSameElement(untouched, p, out, p, what + ": element outside the view changed");
                        }
                    }
                }
            }
        }
    }

    private static Object copyOf(Object data) {
        return switch (data) {
            case float[] a -> a.clone();
            case double[] a -> a.clone();
            case long[] a -> a.clone();
            case boolean[] a -> a.clone();
            default -> throw new IllegalArgumentException();
        };
    }

    @Test
    void fillWritesOnlyTheView() {
        Random rnd = new Random(2);
        for (int[] shape : SHAPES) {
            for (Layout dst : layouts(shape, true, rnd)) {
                for (DType dtype : DType.values()) {
                    Object out = randomData(dtype, dst.storageSize(), rnd);
                    Object untouched = copyOf(out);
                    CpuKernels.fill(dst.over(out), shape, -2.5);
                    Object expected = CpuKernels.allocate(dtype, 1);
                    CpuKernels.write(expected, 0, -2.5);
                    boolean[] written = new boolean[dst.storageSize()];
                    forEachIndex(shape, idx -> {
                        written[dst.at(idx)] = true;
                        assertSameElement(expected, 0, out, dst.at(idx), "fill " + dtype + " " + dst);
                    });
                    for (int p = 0; p < written.length; p++) {
                        if (!written[p]) {
                            assertSameElement(untouched, p, out, p, "fill outside " + dst);
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ elementwise

    /** The ulp bound of the vector kernels' inexact ops (VectorAccuracy) lies inside the one tolerance table. */
    @Test
    void vectorKernelErrorBoundIsInsideTheToleranceTable() {
        assertTrue(VectorAccuracy.MAX_ULPS * (double) Math.ulp(1.0f) <= Tolerance.rtol(DType.FLOAT32));
        assertTrue(VectorAccuracy.MAX_ULPS * Math.ulp(1.0) <= Tolerance.rtol(DType.FLOAT64));
    }

    @Test
    void unaryOnEveryLayout() {
        Random rnd = new Random(3);
        for (int[] shape : SHAPES) {
            for (Layout x : layouts(shape, false, rnd)) {
                for (DType dtype : NUMERIC) {
                    Object in = randomData(dtype, x.storageSize(), rnd);
                    for (UnaryOp op : UnaryOp.values()) {
                        if (dtype == DType.INT64 && !op.keepsIntegers()) {
                            continue;
                        }
                        Object out = CpuKernels.unary(op, x.over(in), shape);
                        assertEquals(dtype, CpuKernels.dtypeOf(out));
                        assertEquals(numel(shape), java.lang.reflect.Array.getLength(out));
                        int[] i = {0};
                        forEachIndex(shape, idx -> {
                            int q = x.at(idx);
                            Object expected = CpuKernels.allocate(dtype, 1);
                            switch (in) {
                                case float[] a -> ((float[]) expected)[0] = (float) op.apply(a[q]);
                                case double[] a -> ((double[]) expected)[0] = op.apply(a[q]);
                                case long[] a -> ((long[]) expected)[0] = op.applyLong(a[q]);
                                default -> throw new IllegalStateException();
                            }
                            assertElement(VectorAccuracy.exact(op), expected, out, i[0]++, op + " " + dtype + " " + x);
                        });
                    }
                }
                // the only unary op on bool data is logical not
                Object bools = randomData(DType.BOOL, x.storageSize(), rnd);
                boolean[] not = (boolean[]) CpuKernels.unary(UnaryOp.NEG, x.over(bools), shape);
                int[] i = {0};
                forEachIndex(shape, idx -> assertEquals(!((boolean[]) bools)[x.at(idx)], not[i[0]++], "not " + x));
            }
        }
    }

    @Test
    void binaryOnEveryPairOfLayouts() {
        Random rnd = new Random(4);
        for (int[] shape : SHAPES) {
            List<Layout> xs = layouts(shape, false, rnd);
            List<Layout> ys = layouts(shape, false, rnd);
            for (int k = 0; k < xs.size(); k++) {
                Layout x = xs.get(k);
                Layout y = ys.get((k + 3) % ys.size());
                for (DType dtype : DType.values()) {
                    Object a = randomData(dtype, x.storageSize(), rnd);
                    Object b = randomData(dtype, y.storageSize(), rnd);
                    for (BinaryOp op : BinaryOp.values()) {
                        boolean predicate = op.isComparison() || op.isLogical();
                        if (!predicate && (dtype == DType.BOOL || dtype == DType.INT64 && op == BinaryOp.ATAN2)) {
                            continue;
                        }
                        Object out = CpuKernels.binary(op, x.over(a), y.over(b), shape);
                        assertEquals(predicate ? DType.BOOL : dtype, CpuKernels.dtypeOf(out));
                        assertEquals(numel(shape), java.lang.reflect.Array.getLength(out));
                        String what = op + " " + dtype + " " + x + " with " + y;
                        int[] i = {0};
                        forEachIndex(shape, idx -> {
                            int q = x.at(idx);
                            int r = y.at(idx);
                            int p = i[0]++;
                            if (predicate) {
                                boolean expected = dtype == DType.INT64 || dtype == DType.BOOL
                                        ? op.testLong(CpuKernels.readLong(a, q), CpuKernels.readLong(b, r))
                                        : op.test(CpuKernels.read(a, q), CpuKernels.read(b, r));
                                assertEquals(expected, ((boolean[]) out)[p], what);
                                return;
                            }
                            Object expected = CpuKernels.allocate(dtype, 1);
                            switch (a) {
                                case float[] fa -> ((float[]) expected)[0] = (float) op.apply(fa[q], ((float[]) b)[r]);
                                case double[] da -> ((double[]) expected)[0] = op.apply(da[q], ((double[]) b)[r]);
                                case long[] la -> ((long[]) expected)[0] = op.applyLong(la[q], ((long[]) b)[r]);
                                default -> throw new IllegalStateException();
                            }
                            assertElement(VectorAccuracy.exact(op), expected, out, p, what);
                        });
                    }
                }
            }
        }
    }

    @Test
    void whereOnEveryLayout() {
        Random rnd = new Random(5);
        for (int[] shape : SHAPES) {
            List<Layout> cs = layouts(shape, false, rnd);
            List<Layout> xs = layouts(shape, false, rnd);
            List<Layout> ys = layouts(shape, false, rnd);
            for (int k = 0; k < cs.size(); k++) {
                Layout c = cs.get(k);
                Layout x = xs.get((k + 2) % xs.size());
                Layout y = ys.get((k + 5) % ys.size());
                for (DType dtype : DType.values()) {
                    Object cond = randomData(DType.BOOL, c.storageSize(), rnd);
                    Object a = randomData(dtype, x.storageSize(), rnd);
                    Object b = randomData(dtype, y.storageSize(), rnd);
                    Object out = CpuKernels.where(c.over(cond), x.over(a), y.over(b), shape);
                    assertEquals(dtype, CpuKernels.dtypeOf(out));
                    int[] i = {0};
                    forEachIndex(shape, idx -> {
                        boolean pick = ((boolean[]) cond)[c.at(idx)];
                        assertSameElement(pick ? a : b, pick ? x.at(idx) : y.at(idx), out, i[0]++,
                                "where " + dtype + " " + c + " / " + x + " / " + y);
                    });
                }
            }
        }
    }

    @Test
    void accumulateAddsIntoOverlappingDestinations() {
        Random rnd = new Random(6);
        for (int[] shape : SHAPES) {
            for (Layout src : layouts(shape, false, rnd)) {
                // the destination may be a broadcast (zero-stride) layout: its repeated elements accumulate
                for (Layout dst : layouts(shape, false, rnd)) {
                    for (DType dtype : NUMERIC) {
                        Object in = randomData(dtype, src.storageSize(), rnd);
                        Object out = randomData(dtype, dst.storageSize(), rnd);
                        double[] expected = new double[dst.storageSize()];
                        for (int p = 0; p < expected.length; p++) {
                            expected[p] = CpuKernels.read(out, p);
                        }
                        forEachIndex(shape, idx -> expected[dst.at(idx)] += CpuKernels.read(in, src.at(idx)));
                        CpuKernels.accumulate(src.over(in), dst.over(out), shape);
                        for (int p = 0; p < expected.length; p++) {
                            // float32 adds round after every step; values are multiples of 1/64, so sums are exact
                            assertEquals(expected[p], CpuKernels.read(out, p), 0,
                                    "accumulate " + dtype + " " + src + " into " + dst + " at " + p);
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ reductions

    /** Every subset of the dims of {@code rank}. */
    private static List<boolean[]> masks(int rank) {
        List<boolean[]> out = new ArrayList<>();
        for (int bits = 0; bits < (1 << rank); bits++) {
            boolean[] m = new boolean[rank];
            for (int d = 0; d < rank; d++) {
                m[d] = (bits >> d & 1) == 1;
            }
            out.add(m);
        }
        return out;
    }

    @Test
    void reduceOverEverySubsetOfDims() {
        Random rnd = new Random(7);
        for (int[] shape : SHAPES) {
            for (Layout x : layouts(shape, false, rnd)) {
                for (DType dtype : NUMERIC) {
                    Object in = randomData(dtype, x.storageSize(), rnd);
                    if (dtype != DType.INT64 && x.storageSize() > 3) {
                        CpuKernels.write(in, x.storageSize() / 2, Double.NaN); // maybe inside the view
                    }
                    for (boolean[] mask : masks(shape.length)) {
                        int[] keptStrides = new int[shape.length];
                        int kept = 1;
                        for (int d = shape.length - 1; d >= 0; d--) {
                            if (!mask[d]) {
                                keptStrides[d] = kept;
                                kept *= shape[d];
                            }
                        }
                        for (ReduceOp op : ReduceOp.values()) {
                            double[] expected = new double[kept];
                            long[] expectedLong = new long[kept];
                            Arrays.fill(expected, switch (op) {
                                case SUM -> 0;
                                case PROD -> 1;
                                case MAX -> Double.NEGATIVE_INFINITY;
                                case MIN -> Double.POSITIVE_INFINITY;
                            });
                            Arrays.fill(expectedLong, switch (op) {
                                case SUM -> 0;
                                case PROD -> 1;
                                case MAX -> Long.MIN_VALUE;
                                case MIN -> Long.MAX_VALUE;
                            });
                            forEachIndex(shape, idx -> {
                                int o = 0;
                                for (int d = 0; d < shape.length; d++) {
                                    o += idx[d] * keptStrides[d];
                                }
                                double v = CpuKernels.read(in, x.at(idx));
                                long lv = CpuKernels.readLong(in, x.at(idx));
                                expected[o] = switch (op) {
                                    case SUM -> expected[o] + v;
                                    case PROD -> expected[o] * v;
                                    case MAX -> Double.isNaN(v) || Double.isNaN(expected[o]) ? Double.NaN
                                            : Math.max(expected[o], v);
                                    case MIN -> Double.isNaN(v) || Double.isNaN(expected[o]) ? Double.NaN
                                            : Math.min(expected[o], v);
                                };
                                expectedLong[o] = switch (op) {
                                    case SUM -> expectedLong[o] + lv;
                                    case PROD -> expectedLong[o] * lv;
                                    case MAX -> Math.max(expectedLong[o], lv);
                                    case MIN -> Math.min(expectedLong[o], lv);
                                };
                            });
                            Object out = CpuKernels.reduce(op, x.over(in), shape, mask);
                            assertEquals(dtype, CpuKernels.dtypeOf(out));
                            String what = op + " " + dtype + " " + x + " over " + Arrays.toString(mask);
                            if (dtype == DType.INT64) {
                                assertArrayEquals(expectedLong, (long[]) out, what);
                            } else {
                                for (int o = 0; o < kept; o++) {
                                    double e = dtype == DType.FLOAT32 ? (float) expected[o] : expected[o];
                                    double a = CpuKernels.read(out, o);
                                    assertTrue(Double.isNaN(e) ? Double.isNaN(a)
                                                    : Tolerance.close(e, a, DType.FLOAT64),
                                            what + " at " + o + ": expected " + e + " but got " + a);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void argReduceCumsumIndexSelectAndIndexAddOnBlocks() {
        Random rnd = new Random(8);
        int[][] blocks = {{1, 1, 1}, {1, 7, 1}, {3, 5, 1}, {1, 5, 3}, {2, 3, 5}, {5, 1, 3}};
        for (int[] block : blocks) {
            int outer = block[0];
            int size = block[1];
            int inner = block[2];
            int n = outer * size * inner;
            for (DType dtype : NUMERIC) {
                int offset = rnd.nextInt(3);
                Object data = randomData(dtype, n + offset, rnd);
                if (dtype == DType.FLOAT64 && n > 2) {
                    CpuKernels.write(data, offset + n - 2, Double.NaN);
                }
                // argmax / argmin: first of ties, NaN wins
                for (boolean max : new boolean[] {true, false}) {
                    long[] got = CpuKernels.argReduce(max, data, offset, outer, size, inner);
                    for (int o = 0; o < outer; o++) {
                        for (int in = 0; in < inner; in++) {
                            int best = 0;
                            for (int i = 0; i < size; i++) {
                                double v = CpuKernels.read(data, offset + (o * size + i) * inner + in);
                                double b = CpuKernels.read(data, offset + (o * size + best) * inner + in);
                                if (Double.isNaN(b)) {
                                    break;
                                }
                                if (Double.isNaN(v) || (max ? v > b : v < b)) {
                                    best = i;
                                }
                            }
                            assertEquals(best, got[o * inner + in], (max ? "argmax " : "argmin ") + dtype
                                    + " block " + Arrays.toString(block));
                        }
                    }
                }
                // cumsum, indexSelect and indexAdd read blocks from index 0
                Object plain = randomData(dtype, n, rnd);
                Object sums = CpuKernels.cumsum(plain, outer, size, inner);
                for (int o = 0; o < outer; o++) {
                    for (int in = 0; in < inner; in++) {
                        double acc = 0;
                        for (int i = 0; i < size; i++) {
                            int p = (o * size + i) * inner + in;
                            acc += CpuKernels.read(plain, p);
                            assertEquals(acc, CpuKernels.read(sums, p), 0, "cumsum " + dtype);
                        }
                    }
                }
                long[] index = new long[size + 2];
                for (int j = 0; j < index.length; j++) {
                    index[j] = rnd.nextInt(size);
                }
                Object picked = CpuKernels.indexSelect(plain, outer, size, inner, index);
                Object added = CpuKernels.allocate(dtype, n);
                CpuKernels.indexAdd(added, outer, size, inner, index, picked);
                double[] expectedAdded = new double[n];
                for (int o = 0; o < outer; o++) {
                    for (int j = 0; j < index.length; j++) {
                        for (int in = 0; in < inner; in++) {
                            int src = (o * size + (int) index[j]) * inner + in;
                            assertSameElement(plain, src, picked, (o * index.length + j) * inner + in,
                                    "indexSelect " + dtype);
                            expectedAdded[src] += CpuKernels.read(plain, src);
                        }
                    }
                }
                for (int p = 0; p < n; p++) {
                    assertEquals(expectedAdded[p], CpuKernels.read(added, p), 0, "indexAdd (repeats accumulate)");
                }
            }
        }
    }

    @Test
    void matmulOfOddSizesWithBatchStridesAndOffsets() {
        Random rnd = new Random(9);
        int[][] sizes = {{1, 1, 1}, {1, 5, 1}, {3, 1, 4}, {7, 5, 3}, {2, 9, 11}, {5, 0, 2}, {4, 17, 6}};
        for (int[] mkn : sizes) {
            int m = mkn[0];
            int k = mkn[1];
            int n = mkn[2];
            for (int batch : new int[] {1, 3}) {
                for (boolean broadcastA : new boolean[] {false, true}) {
                    for (DType dtype : NUMERIC) {
                        int offA = rnd.nextInt(3);
                        int offB = rnd.nextInt(3);
                        int batchA = broadcastA ? 0 : m * k;
                        int batchB = broadcastA ? k * n : 0;
                        Object a = randomData(dtype, offA + (broadcastA ? 1 : batch) * m * k, rnd);
                        Object b = randomData(dtype, offB + (broadcastA ? batch : 1) * k * n, rnd);
                        Object c = CpuKernels.matmul(a, offA, batchA, k, 1, b, offB, batchB, n, 1, batch, m, k, n);
                        assertEquals(dtype, CpuKernels.dtypeOf(c));
                        assertEquals(batch * m * n, java.lang.reflect.Array.getLength(c));
                        for (int t = 0; t < batch; t++) {
                            for (int i = 0; i < m; i++) {
                                for (int j = 0; j < n; j++) {
                                    double s = 0;
                                    for (int p = 0; p < k; p++) {
                                        s += CpuKernels.read(a, offA + t * batchA + i * k + p)
                                                * CpuKernels.read(b, offB + t * batchB + p * n + j);
                                    }
                                    double got = CpuKernels.read(c, t * m * n + i * n + j);
                                    // inputs are multiples of 1/64 below 3: every product and sum is exact
                                    assertEquals(s, got, 0, "matmul " + dtype + " " + Arrays.toString(mkn)
                                            + " batch " + batch + " at " + t + "," + i + "," + j);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void zeroSizedShapesDoNoWork() {
        Object data = new double[] {1, 2, 3};
        Strided s = new Strided(data, 0, new int[] {1, 1});
        assertEquals(0, ((double[]) CpuKernels.unary(UnaryOp.EXP, s, new int[] {0, 3})).length);
        assertEquals(0, ((boolean[]) CpuKernels.binary(BinaryOp.LT, s, s, new int[] {3, 0})).length);
        double[] sums = (double[]) CpuKernels.reduce(ReduceOp.SUM, s, new int[] {2, 0}, new boolean[] {false, true});
        assertArrayEquals(new double[] {0, 0}, sums);
        CpuKernels.fill(new Strided(data, 0, new int[] {1, 1}), new int[] {0, 3}, 9);
        assertArrayEquals(new double[] {1, 2, 3}, (double[]) data);
    }
}
