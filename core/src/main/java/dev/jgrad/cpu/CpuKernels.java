package dev.jgrad.cpu;

import dev.jgrad.DType;

/**
 * The CPU kernels: plain loops over Java arrays, correct for any strides (including the zero strides of
 * broadcasting), with rows merged so contiguous data runs as one tight loop. Results are fresh contiguous
 * arrays unless the method says it writes into an operand. float32 arithmetic is done in double and rounded
 * once, which gives the IEEE float32 result for + - * / and sqrt.
 */
public final class CpuKernels {
    private CpuKernels() {
    }

    public static Object allocate(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT64 -> new long[n];
            case BOOL -> new boolean[n];
        };
    }

    public static DType dtypeOf(Object data) {
        return switch (data) {
            case float[] a -> DType.FLOAT32;
            case double[] a -> DType.FLOAT64;
            case long[] a -> DType.INT64;
            case boolean[] a -> DType.BOOL;
            default -> throw new IllegalArgumentException("not a tensor array: " + data.getClass());
        };
    }

    /** Reads one element as a double (slow path: conversions and printing). */
    public static double read(Object data, int i) {
        return switch (data) {
            case float[] a -> a[i];
            case double[] a -> a[i];
            case long[] a -> a[i];
            case boolean[] a -> a[i] ? 1.0 : 0.0;
            default -> throw new IllegalArgumentException(data.getClass().toString());
        };
    }

    /** Reads one element as a long (exact for INT64 and BOOL; floats truncate toward zero). */
    public static long readLong(Object data, int i) {
        return switch (data) {
            case long[] a -> a[i];
            case boolean[] a -> a[i] ? 1L : 0L;
            default -> (long) read(data, i);
        };
    }

    /** Writes one element, converting as PyTorch casts: float to int truncates, nonzero to bool is true. */
    public static void write(Object data, int i, double value) {
        switch (data) {
            case float[] a -> a[i] = (float) value;
            case double[] a -> a[i] = value;
            case long[] a -> a[i] = (long) value;
            case boolean[] a -> a[i] = value != 0;
            default -> throw new IllegalArgumentException(data.getClass().toString());
        }
    }

    private static void writeLong(Object data, int i, long value) {
        switch (data) {
            case long[] a -> a[i] = value;
            case boolean[] a -> a[i] = value != 0;
            default -> write(data, i, value);
        }
    }

    /** dst[i] = src[i] over {@code shape}, converting dtypes when the arrays differ. Modifies dst only. */
    public static void copy(Strided src, Strided dst, int[] shape) {
        Object s = src.data();
        Object d = dst.data();
        if (s.getClass() == d.getClass() && dense(src, shape) && dense(dst, shape)) {
            System.arraycopy(s, src.offset(), d, dst.offset(), numel(shape));
            return;
        }
        int[][] strides = {dst.strides(), src.strides()};
        int[] offsets = {dst.offset(), src.offset()};
        if (s.getClass() == d.getClass()) {
            Rows.forEach(shape, strides, offsets, (n, o, st) -> {
                if (st[0] == 1 && st[1] == 1) {
                    System.arraycopy(s, o[1], d, o[0], n);
                    return;
                }
                switch (d) {
                    case float[] out -> {
                        float[] in = (float[]) s;
                        for (int i = 0, a = o[0], b = o[1]; i < n; i++, a += st[0], b += st[1]) {
                            out[a] = in[b];
                        }
                    }
                    case double[] out -> {
                        double[] in = (double[]) s;
                        for (int i = 0, a = o[0], b = o[1]; i < n; i++, a += st[0], b += st[1]) {
                            out[a] = in[b];
                        }
                    }
                    case long[] out -> {
                        long[] in = (long[]) s;
                        for (int i = 0, a = o[0], b = o[1]; i < n; i++, a += st[0], b += st[1]) {
                            out[a] = in[b];
                        }
                    }
                    case boolean[] out -> {
                        boolean[] in = (boolean[]) s;
                        for (int i = 0, a = o[0], b = o[1]; i < n; i++, a += st[0], b += st[1]) {
                            out[a] = in[b];
                        }
                    }
                    default -> throw new IllegalArgumentException(d.getClass().toString());
                }
            });
            return;
        }
        boolean integral = !(s instanceof float[] || s instanceof double[]);
        Rows.forEach(shape, strides, offsets, (n, o, st) -> {
            for (int i = 0, a = o[0], b = o[1]; i < n; i++, a += st[0], b += st[1]) {
                if (integral) {
                    writeLong(d, a, readLong(s, b));
                } else {
                    write(d, a, read(s, b));
                }
            }
        });
    }

    /** dst[i] = value over {@code shape}. Modifies dst only. */
    public static void fill(Strided dst, int[] shape, double value) {
        Object d = dst.data();
        if (dense(dst, shape)) {
            int from = dst.offset();
            int to = from + numel(shape);
            switch (d) {
                case float[] a -> java.util.Arrays.fill(a, from, to, (float) value);
                case double[] a -> java.util.Arrays.fill(a, from, to, value);
                case long[] a -> java.util.Arrays.fill(a, from, to, (long) value);
                case boolean[] a -> java.util.Arrays.fill(a, from, to, value != 0);
                default -> throw new IllegalArgumentException(d.getClass().toString());
            }
            return;
        }
        Rows.forEach(shape, new int[][] {dst.strides()}, new int[] {dst.offset()}, (n, o, st) -> {
            for (int i = 0, a = o[0]; i < n; i++, a += st[0]) {
                write(d, a, value);
            }
        });
    }

    /** out = op(x), a fresh contiguous array of x's array type. */
    public static Object unary(UnaryOp op, Strided x, int[] shape) {
        int count = numel(shape);
        Object in = x.data();
        Object result = allocate(dtypeOf(in), count);
        if (dense(x, shape)) {
            unaryDense(op, in, x.offset(), result, count);
            return result;
        }
        int[][] strides = {contiguous(shape), x.strides()};
        int[] offsets = {0, x.offset()};
        switch (in) {
            case float[] a -> {
                float[] out = (float[]) result;
                Rows.forEach(shape, strides, offsets, (n, o, st) -> {
                    for (int i = 0, p = o[0], q = o[1]; i < n; i++, p += st[0], q += st[1]) {
                        out[p] = (float) op.apply(a[q]);
                    }
                });
            }
            case double[] a -> {
                double[] out = (double[]) result;
                Rows.forEach(shape, strides, offsets, (n, o, st) -> {
                    for (int i = 0, p = o[0], q = o[1]; i < n; i++, p += st[0], q += st[1]) {
                        out[p] = op.apply(a[q]);
                    }
                });
            }
            case long[] a -> {
                long[] out = (long[]) result;
                Rows.forEach(shape, strides, offsets, (n, o, st) -> {
                    for (int i = 0, p = o[0], q = o[1]; i < n; i++, p += st[0], q += st[1]) {
                        out[p] = op.applyLong(a[q]);
                    }
                });
            }
            case boolean[] a -> {
                boolean[] out = (boolean[]) result;
                Rows.forEach(shape, strides, offsets, (n, o, st) -> {
                    for (int i = 0, p = o[0], q = o[1]; i < n; i++, p += st[0], q += st[1]) {
                        out[p] = !a[q]; // the only unary op on bool is logical not
                    }
                });
            }
            default -> throw new IllegalArgumentException(in.getClass().toString());
        }
        return result;
    }

    /** The contiguous fast path of {@link #unary}: no index arithmetic, no row walker. */
    private static void unaryDense(UnaryOp op, Object in, int offset, Object result, int count) {
        switch (in) {
            case float[] a -> {
                float[] out = (float[]) result;
                for (int i = 0; i < count; i++) {
                    out[i] = (float) op.apply(a[offset + i]);
                }
            }
            case double[] a -> {
                double[] out = (double[]) result;
                for (int i = 0; i < count; i++) {
                    out[i] = op.apply(a[offset + i]);
                }
            }
            case long[] a -> {
                long[] out = (long[]) result;
                for (int i = 0; i < count; i++) {
                    out[i] = op.applyLong(a[offset + i]);
                }
            }
            case boolean[] a -> {
                boolean[] out = (boolean[]) result;
                for (int i = 0; i < count; i++) {
                    out[i] = !a[offset + i];
                }
            }
            default -> throw new IllegalArgumentException(in.getClass().toString());
        }
    }

    /**
     * out = op(x, y) over {@code shape}; x and y hold the same array type (broadcast dims have stride 0).
     * Arithmetic keeps that type; comparisons and logical ops give boolean[].
     */
    public static Object binary(BinaryOp op, Strided x, Strided y, int[] shape) {
        int count = numel(shape);
        Object a = x.data();
        Object b = y.data();
        boolean predicate = op.isComparison() || op.isLogical();
        Object result = predicate ? new boolean[count] : allocate(dtypeOf(a), count);
        if (!predicate && count > 0 && (dense(x, shape) || single(x, shape)) && (dense(y, shape) || single(y, shape))) {
            binaryDense(op, a, x.offset(), single(x, shape) ? 0 : 1, b, y.offset(), single(y, shape) ? 0 : 1,
                    result, count);
            return result;
        }
        int[][] strides = {contiguous(shape), x.strides(), y.strides()};
        int[] offsets = {0, x.offset(), y.offset()};
        if (predicate) {
            boolean[] out = (boolean[]) result;
            boolean integral = a instanceof long[] || a instanceof boolean[];
            Rows.forEach(shape, strides, offsets, (n, o, st) -> {
                for (int i = 0, p = o[0], q = o[1], r = o[2]; i < n; i++, p += st[0], q += st[1], r += st[2]) {
                    out[p] = integral ? op.testLong(readLong(a, q), readLong(b, r)) : op.test(read(a, q), read(b, r));
                }
            });
            return result;
        }
        switch (a) {
            case float[] fa -> {
                float[] fb = (float[]) b;
                float[] out = (float[]) result;
                Rows.forEach(shape, strides, offsets, (n, o, st) -> {
                    for (int i = 0, p = o[0], q = o[1], r = o[2]; i < n; i++, p += st[0], q += st[1], r += st[2]) {
                        out[p] = (float) op.apply(fa[q], fb[r]);
                    }
                });
            }
            case double[] da -> {
                double[] db = (double[]) b;
                double[] out = (double[]) result;
                Rows.forEach(shape, strides, offsets, (n, o, st) -> {
                    for (int i = 0, p = o[0], q = o[1], r = o[2]; i < n; i++, p += st[0], q += st[1], r += st[2]) {
                        out[p] = op.apply(da[q], db[r]);
                    }
                });
            }
            case long[] la -> {
                long[] lb = (long[]) b;
                long[] out = (long[]) result;
                Rows.forEach(shape, strides, offsets, (n, o, st) -> {
                    for (int i = 0, p = o[0], q = o[1], r = o[2]; i < n; i++, p += st[0], q += st[1], r += st[2]) {
                        out[p] = op.applyLong(la[q], lb[r]);
                    }
                });
            }
            default -> throw new IllegalArgumentException(op + " on " + a.getClass());
        }
        return result;
    }

    /** The fast path of {@link #binary} for contiguous operands or broadcast scalars (step 1 or 0). */
    private static void binaryDense(BinaryOp op, Object a, int offA, int stepA, Object b, int offB, int stepB,
                                    Object result, int count) {
        switch (a) {
            case float[] fa -> {
                float[] fb = (float[]) b;
                float[] out = (float[]) result;
                for (int i = 0, p = offA, q = offB; i < count; i++, p += stepA, q += stepB) {
                    out[i] = (float) op.apply(fa[p], fb[q]);
                }
            }
            case double[] da -> {
                double[] db = (double[]) b;
                double[] out = (double[]) result;
                for (int i = 0, p = offA, q = offB; i < count; i++, p += stepA, q += stepB) {
                    out[i] = op.apply(da[p], db[q]);
                }
            }
            case long[] la -> {
                long[] lb = (long[]) b;
                long[] out = (long[]) result;
                for (int i = 0, p = offA, q = offB; i < count; i++, p += stepA, q += stepB) {
                    out[i] = op.applyLong(la[p], lb[q]);
                }
            }
            default -> throw new IllegalArgumentException(op + " on " + a.getClass());
        }
    }

    /** out = cond ? x : y over {@code shape}; x and y hold the same array type. */
    public static Object where(Strided cond, Strided x, Strided y, int[] shape) {
        int count = numel(shape);
        boolean[] c = (boolean[]) cond.data();
        Object a = x.data();
        Object b = y.data();
        Object result = allocate(dtypeOf(a), count);
        int[][] strides = {contiguous(shape), cond.strides(), x.strides(), y.strides()};
        int[] offsets = {0, cond.offset(), x.offset(), y.offset()};
        Rows.forEach(shape, strides, offsets, (n, o, st) -> {
            for (int i = 0, p = o[0], q = o[1], r = o[2], s = o[3]; i < n;
                    i++, p += st[0], q += st[1], r += st[2], s += st[3]) {
                if (c[q]) {
                    System.arraycopy(a, r, result, p, 1);
                } else {
                    System.arraycopy(b, s, result, p, 1);
                }
            }
        });
        return result;
    }

    /**
     * Reduces the dims where {@code reduced} is true; the result is contiguous over the kept dims (in order).
     * Floating data accumulates in double; INT64 in long. x must be float, double or long.
     */
    public static Object reduce(ReduceOp op, Strided x, int[] shape, boolean[] reduced) {
        int rank = shape.length;
        int[] outStrides = new int[rank];
        int keptCount = 1;
        for (int d = rank - 1; d >= 0; d--) {
            if (!reduced[d]) {
                outStrides[d] = keptCount;
                keptCount *= shape[d];
            }
        }
        int[][] strides = {outStrides, x.strides()};
        int[] offsets = {0, x.offset()};
        Object in = x.data();
        if (in instanceof long[] la) {
            long[] acc = new long[keptCount];
            java.util.Arrays.fill(acc, op.identityLong());
            Rows.forEach(shape, strides, offsets, (n, o, st) -> {
                for (int i = 0, p = o[0], q = o[1]; i < n; i++, p += st[0], q += st[1]) {
                    acc[p] = op.combineLong(acc[p], la[q]);
                }
            });
            return acc;
        }
        double[] acc = new double[keptCount];
        java.util.Arrays.fill(acc, op.identity());
        switch (in) {
            case float[] fa -> Rows.forEach(shape, strides, offsets, (n, o, st) -> {
                for (int i = 0, p = o[0], q = o[1]; i < n; i++, p += st[0], q += st[1]) {
                    acc[p] = op.combine(acc[p], fa[q]);
                }
            });
            case double[] da -> Rows.forEach(shape, strides, offsets, (n, o, st) -> {
                for (int i = 0, p = o[0], q = o[1]; i < n; i++, p += st[0], q += st[1]) {
                    acc[p] = op.combine(acc[p], da[q]);
                }
            });
            default -> throw new IllegalArgumentException(op + " on " + in.getClass());
        }
        if (in instanceof float[]) {
            float[] out = new float[keptCount];
            for (int i = 0; i < keptCount; i++) {
                out[i] = (float) acc[i];
            }
            return out;
        }
        return acc;
    }

    /**
     * Index of the largest (or smallest) element along {@code dim} of a contiguous [outer, size, inner] block;
     * the first one wins ties; NaN counts as largest and smallest, as in PyTorch.
     */
    public static long[] argReduce(boolean max, Object data, int offset, int outer, int size, int inner) {
        long[] out = new long[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = offset + o * size * inner + in;
                int best = 0;
                double bestValue = read(data, base);
                for (int i = 1; i < size && bestValue == bestValue; i++) {
                    double v = read(data, base + i * inner);
                    if (v != v || (max ? v > bestValue : v < bestValue)) {
                        best = i;
                        bestValue = v;
                    }
                }
                out[o * inner + in] = best;
            }
        }
        return out;
    }

    /** Running sum along the middle axis of a contiguous [outer, size, inner] block of float, double or long. */
    public static Object cumsum(Object data, int outer, int size, int inner) {
        Object out = allocate(dtypeOf(data), outer * size * inner);
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * size * inner + in;
                switch (data) {
                    case float[] a -> {
                        double acc = 0;
                        for (int i = 0; i < size; i++) {
                            acc += a[base + i * inner];
                            ((float[]) out)[base + i * inner] = (float) acc;
                        }
                    }
                    case double[] a -> {
                        double acc = 0;
                        for (int i = 0; i < size; i++) {
                            acc += a[base + i * inner];
                            ((double[]) out)[base + i * inner] = acc;
                        }
                    }
                    case long[] a -> {
                        long acc = 0;
                        for (int i = 0; i < size; i++) {
                            acc += a[base + i * inner];
                            ((long[]) out)[base + i * inner] = acc;
                        }
                    }
                    default -> throw new IllegalArgumentException("cumsum on " + data.getClass());
                }
            }
        }
        return out;
    }

    /**
     * Batched matrix product: c[t] = a[t] (m x k) @ b[t] (k x n) for t < batch, with a(i, p) at
     * {@code offA + t*batchA + i*rsA + p*csA} and b likewise (batch stride 0 broadcasts one matrix, so transposed
     * and broadcast views need no copy). Returns a contiguous [batch, m, n]; see {@link Gemm}.
     */
    public static Object matmul(Object a, int offA, int batchA, int rsA, int csA,
            Object b, int offB, int batchB, int rsB, int csB, int batch, int m, int k, int n) {
        return switch (a) {
            case float[] fa -> Gemm.matmul(fa, offA, batchA, rsA, csA, (float[]) b, offB, batchB, rsB, csB, batch, m, k, n);
            case double[] da -> Gemm.matmul(da, offA, batchA, rsA, csA, (double[]) b, offB, batchB, rsB, csB, batch, m, k, n);
            case long[] la -> Gemm.matmul(la, offA, batchA, rsA, csA, (long[]) b, offB, batchB, rsB, csB, batch, m, k, n);
            default -> throw new IllegalArgumentException("matmul on " + a.getClass());
        };
    }

    /** dst[i] += src[i] over {@code shape}, element by element, so a dst that overlaps itself accumulates. Modifies dst. */
    public static void accumulate(Strided src, Strided dst, int[] shape) {
        Object s = src.data();
        Object d = dst.data();
        Rows.forEach(shape, new int[][] {dst.strides(), src.strides()}, new int[] {dst.offset(), src.offset()}, (n, o, st) -> {
            for (int i = 0, a = o[0], b = o[1]; i < n; i++, a += st[0], b += st[1]) {
                switch (d) {
                    case float[] out -> out[a] += ((float[]) s)[b];
                    case double[] out -> out[a] += ((double[]) s)[b];
                    case long[] out -> out[a] += ((long[]) s)[b];
                    default -> throw new IllegalArgumentException("accumulate into " + d.getClass());
                }
            }
        });
    }

    /** out[o, j, :] = x[o, index[j], :] for a contiguous [outer, size, inner] x; any array type. */
    public static Object indexSelect(Object x, int outer, int size, int inner, long[] index) {
        Object out = allocate(dtypeOf(x), outer * index.length * inner);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < index.length; j++) {
                System.arraycopy(x, (o * size + (int) index[j]) * inner, out, (o * index.length + j) * inner, inner);
            }
        }
        return out;
    }

    /** dst[o, index[j], :] += src[o, j, :] for contiguous blocks; repeated indices accumulate. Modifies dst. */
    public static void indexAdd(Object dst, int outer, int size, int inner, long[] index, Object src) {
        int count = index.length;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < count; j++) {
                int d = (o * size + (int) index[j]) * inner;
                int s = (o * count + j) * inner;
                switch (dst) {
                    case float[] a -> {
                        float[] b = (float[]) src;
                        for (int i = 0; i < inner; i++) {
                            a[d + i] += b[s + i];
                        }
                    }
                    case double[] a -> {
                        double[] b = (double[]) src;
                        for (int i = 0; i < inner; i++) {
                            a[d + i] += b[s + i];
                        }
                    }
                    case long[] a -> {
                        long[] b = (long[]) src;
                        for (int i = 0; i < inner; i++) {
                            a[d + i] += b[s + i];
                        }
                    }
                    default -> throw new IllegalArgumentException("indexAdd on " + dst.getClass());
                }
            }
        }
    }

    /** True when the operand reads its elements in row-major order without gaps (size-1 dims ignored). */
    static boolean dense(Strided x, int[] shape) {
        int expected = 1;
        int[] strides = x.strides();
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1) {
                if (strides[d] != expected) {
                    return false;
                }
                expected *= shape[d];
            }
        }
        return true;
    }

    /** True when every element of the operand is the same memory location (a broadcast scalar). */
    static boolean single(Strided x, int[] shape) {
        int[] strides = x.strides();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] != 1 && strides[d] != 0) {
                return false;
            }
        }
        return true;
    }

    static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    static int[] contiguous(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= shape[d];
        }
        return strides;
    }
}
