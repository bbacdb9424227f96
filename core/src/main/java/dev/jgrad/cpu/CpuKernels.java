package dev.jgrad.cpu;

import dev.jgrad.DType;

/**
 * The CPU kernels over Java arrays, correct for any strides (including the zero strides of broadcasting), with
 * rows merged so contiguous data runs as one row. Contiguous float32/float64 runs (and broadcast scalars) go to
 * the Vector API kernels (ElementwiseF32/F64, ReductionF32/F64, Conversions), other rows to plain loops, the
 * scalar twins: float32 computed in double and rounded once. Work above a grain is split over {@link CpuPool}
 * (see {@link Chunks}); elementwise results do not depend on the split, and reductions combine fixed blocks in
 * a fixed order, so neither do they. Results are fresh contiguous arrays unless the method says it writes into
 * an operand.
 */
public final class CpuKernels {
    private CpuKernels() {
    }

    /** A zero-filled array of {@code n} elements for {@code dtype}: float[], double[], long[] or boolean[]. */
    public static Object allocate(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT64 -> new long[n];
            case BOOL -> new boolean[n];
        };
    }

    /** The dtype a tensor array holds; IllegalArgumentException for any other object. */
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
        copy(src, dst, shape, Chunks.count(numel(shape)));
    }

    /**
     * {@link #copy} split into about {@code chunks} parallel parts (1: on the calling thread). A copy within one
     * array (which may overlap: System.arraycopy's memmove order matters) or into a destination that repeats
     * elements (the last write wins) stays on the calling thread.
     */
    static void copy(Strided src, Strided dst, int[] shape, int chunks) {
        Object s = src.data();
        Object d = dst.data();
        int count = numel(shape);
        if (s == d || repeats(dst, shape)) {
            chunks = 1;
        }
        if (dense(src, shape) && dense(dst, shape)) {
            int so = src.offset();
            int dof = dst.offset();
            if (s.getClass() == d.getClass()) {
                if (chunks == 1) {
                    System.arraycopy(s, so, d, dof, count);
                } else {
                    Chunks.run(count, chunks, (from, to) -> System.arraycopy(s, so + from, d, dof + from, to - from));
                }
                return;
            }
            if (!(s instanceof long[]) && !(d instanceof long[])) {
                if (chunks == 1) {
                    convertRun(s, so, d, dof, count);
                } else {
                    Chunks.run(count, chunks, (from, to) -> convertRun(s, so + from, d, dof + from, to - from));
                }
                return;
            }
        }
        int[][] strides = {dst.strides(), src.strides()};
        int[] offsets = {dst.offset(), src.offset()};
        if (s.getClass() == d.getClass()) {
            Rows.forEach(shape, strides, offsets, false, chunks, (n, o, st) -> {
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
        boolean viaLong = s instanceof long[] || d instanceof long[];
        Rows.forEach(shape, strides, offsets, false, chunks, (n, o, st) -> {
            if (!viaLong && st[0] == 1 && st[1] == 1) {
                convertRun(s, o[1], d, o[0], n);
                return;
            }
            for (int i = 0, a = o[0], b = o[1]; i < n; i++, a += st[0], b += st[1]) {
                if (integral) {
                    writeLong(d, a, readLong(s, b));
                } else {
                    write(d, a, read(s, b));
                }
            }
        });
    }

    /** d[p + i] = s[q + i] converted (no int64 on either side), with the vector kernel where there is one. */
    private static void convertRun(Object s, int q, Object d, int p, int n) {
        if (!Simd.API || !Conversions.convert(s, q, d, p, n)) {
            convertScalar(s, q, d, p, n);
        }
    }

    /** The scalar twin of Conversions.convert: d[p + i] = s[q + i] as {@link #write} casts, for i < n. */
    static void convertScalar(Object s, int q, Object d, int p, int n) {
        for (int i = 0; i < n; i++) {
            write(d, p + i, read(s, q + i));
        }
    }

    /** dst[i] = value over {@code shape}. Modifies dst only. */
    public static void fill(Strided dst, int[] shape, double value) {
        fill(dst, shape, value, Chunks.count(numel(shape)));
    }

    /** {@link #fill} split into about {@code chunks} parallel parts. */
    static void fill(Strided dst, int[] shape, double value, int chunks) {
        Object d = dst.data();
        int count = numel(shape);
        if (dense(dst, shape)) {
            int off = dst.offset();
            if (chunks == 1) {
                fillRun(d, off, off + count, value);
            } else {
                Chunks.run(count, chunks, (from, to) -> fillRun(d, off + from, off + to, value));
            }
            return;
        }
        Rows.forEach(shape, new int[][] {dst.strides()}, new int[] {dst.offset()}, false, chunks, (n, o, st) -> {
            if (st[0] == 1) {
                fillRun(d, o[0], o[0] + n, value);
                return;
            }
            for (int i = 0, a = o[0]; i < n; i++, a += st[0]) {
                write(d, a, value);
            }
        });
    }

    /** d[from, to) = value, cast as {@link #write} does (Arrays.fill: the JIT's vectorised fill). */
    private static void fillRun(Object d, int from, int to, double value) {
        switch (d) {
            case float[] a -> java.util.Arrays.fill(a, from, to, (float) value);
            case double[] a -> java.util.Arrays.fill(a, from, to, value);
            case long[] a -> java.util.Arrays.fill(a, from, to, (long) value);
            case boolean[] a -> java.util.Arrays.fill(a, from, to, value != 0);
            default -> throw new IllegalArgumentException(d.getClass().toString());
        }
    }

    /** out = op(x), a fresh contiguous array of x's array type. */
    public static Object unary(UnaryOp op, Strided x, int[] shape) {
        int count = numel(shape);
        if (count == 1) {
            return unaryOne(op, x.data(), x.offset());
        }
        return unary(op, x, shape, Chunks.count((long) count * cost(op)));
    }

    /** op of the one element a[q], as a fresh one-element array: the eager path of scalars. */
    private static Object unaryOne(UnaryOp op, Object in, int q) {
        return switch (in) {
            case float[] a -> new float[] {(float) op.apply(a[q])};
            case double[] a -> new double[] {op.apply(a[q])};
            case long[] a -> new long[] {op.applyLong(a[q])};
            case boolean[] a -> new boolean[] {!a[q]}; // the only unary op on bool is logical not
            default -> throw new IllegalArgumentException(in.getClass().toString());
        };
    }

    /** {@link #unary} split into about {@code chunks} parallel parts. */
    static Object unary(UnaryOp op, Strided x, int[] shape, int chunks) {
        int count = numel(shape);
        Object in = x.data();
        Object result = allocate(dtypeOf(in), count);
        if (dense(x, shape)) {
            int off = x.offset();
            if (chunks == 1) {
                unaryRun(op, in, off, 1, result, 0, count);
            } else {
                Chunks.run(count, chunks, (from, to) -> unaryRun(op, in, off + from, 1, result, from, to - from));
            }
            return result;
        }
        int[][] strides = {contiguous(shape), x.strides()};
        int[] offsets = {0, x.offset()};
        // The result's inner stride is 1; x steps st[1] (0 for a broadcast row).
        Rows.forEach(shape, strides, offsets, false, chunks,
                (n, o, st) -> unaryRun(op, in, o[1], st[1], result, o[0], n));
        return result;
    }

    /** Relative cost per element of op, for the grain: transcendental functions weigh about 4 additions. */
    private static int cost(UnaryOp op) {
        return switch (op) {
            case EXP, EXPM1, LOG, LOG1P, SIN, COS, TAN, TANH, SIGMOID -> 4;
            default -> 1;
        };
    }

    /** Relative cost per element of op, for the grain. */
    private static int cost(BinaryOp op) {
        return op == BinaryOp.POW || op == BinaryOp.ATAN2 ? 4 : 1;
    }

    /** Elements gathered at a time from a strided row into a scratch run for the vector kernels. */
    private static final int GATHER = 1024;
    /**
     * Strided rows shorter than this, and strided rows of cheap ops (memory-bound: the strided loop is as fast),
     * stay on the strided scalar loop; the others are gathered (transcendental functions: 3x faster).
     */
    private static final int GATHER_MIN = 16;
    private static final ThreadLocal<float[][]> F32_SCRATCH = ThreadLocal.withInitial(() -> new float[2][GATHER]);
    private static final ThreadLocal<double[][]> F64_SCRATCH = ThreadLocal.withInitial(() -> new double[2][GATHER]);

    /**
     * out[p + i] = op(a[q + i*step]) for i < n: the vector kernel for step 1 (and for other steps on runs
     * gathered into a scratch array, in blocks of GATHER, a multiple of every vector length), one evaluation for
     * step 0. Runs shorter than a vector go straight to the scalar twin (as the vector kernel would).
     */
    private static void unaryRun(UnaryOp op, Object in, int q, int step, Object result, int p, int n) {
        switch (in) {
            case float[] a -> {
                float[] out = (float[]) result;
                if (step == 1 && Simd.API && n >= ElementwiseF32.VL) {
                    ElementwiseF32.unary(op, a, q, out, p, n);
                } else if (n == 1) {
                    out[p] = (float) op.apply(a[q]);
                } else if (step == 0) {
                    java.util.Arrays.fill(out, p, p + n, (float) op.apply(a[q]));
                } else if (step == 1) {
                    ScalarElementwiseF32.unary(op, a, q, out, p, n);
                } else if (Simd.API && n >= GATHER_MIN && cost(op) > 1) {
                    float[] run = F32_SCRATCH.get()[0];
                    for (int done = 0; done < n; done += GATHER) {
                        int len = Math.min(GATHER, n - done);
                        for (int i = 0; i < len; i++, q += step) {
                            run[i] = a[q];
                        }
                        ElementwiseF32.unary(op, run, 0, out, p + done, len);
                    }
                } else {
                    for (int i = 0; i < n; i++, q += step) {
                        out[p + i] = (float) op.apply(a[q]);
                    }
                }
            }
            case double[] a -> {
                double[] out = (double[]) result;
                if (step == 1 && Simd.API && n >= ElementwiseF64.VL) {
                    ElementwiseF64.unary(op, a, q, out, p, n);
                } else if (n == 1) {
                    out[p] = op.apply(a[q]);
                } else if (step == 0) {
                    java.util.Arrays.fill(out, p, p + n, op.apply(a[q]));
                } else if (step == 1) {
                    ScalarElementwiseF64.unary(op, a, q, out, p, n);
                } else if (Simd.API && n >= GATHER_MIN && cost(op) > 1) {
                    double[] run = F64_SCRATCH.get()[0];
                    for (int done = 0; done < n; done += GATHER) {
                        int len = Math.min(GATHER, n - done);
                        for (int i = 0; i < len; i++, q += step) {
                            run[i] = a[q];
                        }
                        ElementwiseF64.unary(op, run, 0, out, p + done, len);
                    }
                } else {
                    for (int i = 0; i < n; i++, q += step) {
                        out[p + i] = op.apply(a[q]);
                    }
                }
            }
            case long[] a -> {
                long[] out = (long[]) result;
                for (int i = 0; i < n; i++, q += step) {
                    out[p + i] = op.applyLong(a[q]);
                }
            }
            case boolean[] a -> {
                boolean[] out = (boolean[]) result;
                for (int i = 0; i < n; i++, q += step) {
                    out[p + i] = !a[q]; // the only unary op on bool is logical not
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
        if (count == 1 && !op.isComparison() && !op.isLogical()) {
            return binaryOne(op, x.data(), x.offset(), y.data(), y.offset());
        }
        return binary(op, x, y, shape, Chunks.count((long) count * cost(op)));
    }

    /**
     * target = op(target, y) written straight into target's array, when target is dense and y is dense or one
     * broadcast value of the same array type and op is arithmetic; returns false (and writes nothing) otherwise.
     * y must not overlap target except as the very same elements (the caller checks storage sharing).
     */
    public static boolean binaryInPlace(BinaryOp op, Strided target, Strided y, int[] shape) {
        int count = numel(shape);
        Object a = target.data();
        Object b = y.data();
        if (op.isComparison() || op.isLogical() || a.getClass() != b.getClass() || a instanceof boolean[]
                || !dense(target, shape) || !(dense(y, shape) || single(y, shape))) {
            return false;
        }
        int off = target.offset();
        int offB = y.offset();
        int stepB = single(y, shape) ? 0 : 1;
        int chunks = Chunks.count((long) count * cost(op));
        // Each element is read before it is written, at the same index: safe with out == a.
        Chunks.run(count, chunks, (from, to) -> binaryRun(op, a, off + from, 1, b, offB + from * stepB, stepB, a,
                off + from, to - from));
        return true;
    }

    /**
     * target += alpha * y in one pass (no temporary for alpha * y), rounded as target.add(y.mul(alpha)) rounds,
     * when target is dense, y dense or one broadcast value, and both float or both double arrays; returns false
     * (and writes nothing) otherwise. y must not overlap target except as the very same elements.
     */
    public static boolean addScaledInPlace(Strided target, Strided y, double alpha, int[] shape) {
        Object a = target.data();
        Object b = y.data();
        boolean floating = a instanceof float[] || a instanceof double[];
        boolean broadcast = single(y, shape);
        if (!floating || a.getClass() != b.getClass() || !dense(target, shape) || !(broadcast || dense(y, shape))) {
            return false;
        }
        int off = target.offset();
        int offB = y.offset();
        int stepB = broadcast ? 0 : 1;
        int count = numel(shape);
        // An SGD step over a layer's weights is one pass; parallel above two grains like an addition.
        Chunks.run(count, Chunks.count((long) count * cost(BinaryOp.ADD)), (from, to) -> {
            int n = to - from;
            int q = offB + from * stepB;
            if (a instanceof float[] fa) {
                float[] fb = (float[]) b;
                if (Simd.API) {
                    ElementwiseF32.addScaled(fa, off + from, fb, q, stepB, (float) alpha, fa, off + from, n);
                } else {
                    ScalarElementwiseF32.addScaled(fa, off + from, fb, q, stepB, (float) alpha, fa, off + from, n);
                }
            } else {
                double[] da = (double[]) a;
                double[] db = (double[]) b;
                if (Simd.API) {
                    ElementwiseF64.addScaled(da, off + from, db, q, stepB, alpha, da, off + from, n);
                } else {
                    ScalarElementwiseF64.addScaled(da, off + from, db, q, stepB, alpha, da, off + from, n);
                }
            }
        });
        return true;
    }

    /**
     * ReLU's VJP from its result, grad where result > 0 else 0, in one pass: written into grad's own array when
     * {@code intoGrad} (the caller owns grad), else into a new one. Both dense and of one floating array type;
     * returns null (and writes nothing) otherwise.
     */
    public static Object wherePositive(Strided grad, Strided result, int[] shape, boolean intoGrad) {
        Object g = grad.data();
        Object y = result.data();
        boolean floating = g instanceof float[] || g instanceof double[];
        if (!floating || g.getClass() != y.getClass() || !dense(grad, shape) || !dense(result, shape)) {
            return null;
        }
        int count = numel(shape);
        Object out = intoGrad ? g : allocate(dtypeOf(g), count);
        int offOut = intoGrad ? grad.offset() : 0;
        int offG = grad.offset();
        int offY = result.offset();
        Chunks.run(count, Chunks.count((long) count * cost(BinaryOp.ADD)), (from, to) -> {
            int n = to - from;
            if (g instanceof float[] fg) {
                float[] fy = (float[]) y;
                float[] fo = (float[]) out;
                if (Simd.API) {
                    ElementwiseF32.wherePositive(fg, offG + from, fy, offY + from, fo, offOut + from, n);
                } else {
                    ScalarElementwiseF32.wherePositive(fg, offG + from, fy, offY + from, fo, offOut + from, n);
                }
            } else {
                double[] dg = (double[]) g;
                double[] dy = (double[]) y;
                double[] dout = (double[]) out;
                if (Simd.API) {
                    ElementwiseF64.wherePositive(dg, offG + from, dy, offY + from, dout, offOut + from, n);
                } else {
                    ScalarElementwiseF64.wherePositive(dg, offG + from, dy, offY + from, dout, offOut + from, n);
                }
            }
        });
        return out;
    }

    /** op of the one elements a[q] and b[r], as a fresh one-element array: the eager path of scalars. */
    private static Object binaryOne(BinaryOp op, Object a, int q, Object b, int r) {
        return switch (a) {
            case float[] fa -> new float[] {(float) op.apply(fa[q], ((float[]) b)[r])};
            case double[] da -> new double[] {op.apply(da[q], ((double[]) b)[r])};
            case long[] la -> new long[] {op.applyLong(la[q], ((long[]) b)[r])};
            default -> throw new IllegalArgumentException(op + " on " + a.getClass());
        };
    }

    /** {@link #binary} split into about {@code chunks} parallel parts. */
    static Object binary(BinaryOp op, Strided x, Strided y, int[] shape, int chunks) {
        int count = numel(shape);
        Object a = x.data();
        Object b = y.data();
        boolean predicate = op.isComparison() || op.isLogical();
        Object result = predicate ? new boolean[count] : allocate(dtypeOf(a), count);
        if (!predicate && count > 0 && (dense(x, shape) || single(x, shape)) && (dense(y, shape) || single(y, shape))) {
            // contiguous operands or broadcast scalars: one run with steps 1 or 0
            int offA = x.offset();
            int offB = y.offset();
            int stepA = single(x, shape) ? 0 : 1;
            int stepB = single(y, shape) ? 0 : 1;
            if (chunks == 1) {
                binaryRun(op, a, offA, stepA, b, offB, stepB, result, 0, count);
            } else {
                Chunks.run(count, chunks, (from, to) -> binaryRun(op, a, offA + from * stepA, stepA, b,
                        offB + from * stepB, stepB, result, from, to - from));
            }
            return result;
        }
        int[][] strides = {contiguous(shape), x.strides(), y.strides()};
        int[] offsets = {0, x.offset(), y.offset()};
        if (predicate) {
            boolean[] out = (boolean[]) result;
            boolean floating = a instanceof float[] || a instanceof double[];
            if (floating && op.isComparison()) {
                // The result's inner stride is 1; x and y step st[1] and st[2].
                Rows.forEach(shape, strides, offsets, false, chunks,
                        (n, o, st) -> compareRun(op, a, o[1], st[1], b, o[2], st[2], out, o[0], n));
                return result;
            }
            boolean integral = !floating;
            Rows.forEach(shape, strides, offsets, false, chunks, (n, o, st) -> {
                for (int i = 0, p = o[0], q = o[1], r = o[2]; i < n; i++, p += st[0], q += st[1], r += st[2]) {
                    out[p] = integral ? op.testLong(readLong(a, q), readLong(b, r)) : op.test(read(a, q), read(b, r));
                }
            });
            return result;
        }
        // The result's inner stride is 1; x and y step st[1] and st[2].
        Rows.forEach(shape, strides, offsets, false, chunks,
                (n, o, st) -> binaryRun(op, a, o[1], st[1], b, o[2], st[2], result, o[0], n));
        return result;
    }

    /**
     * out[p + i] = op(a[q + i*stepA], b[r + i*stepB]) for i < n: the vector kernel when both steps are 1 or 0
     * (other steps are gathered into scratch runs first, as in {@link #unaryRun}), one evaluation when both are 0.
     */
    private static void binaryRun(BinaryOp op, Object a, int q, int stepA, Object b, int r, int stepB, Object result,
                                  int p, int n) {
        boolean runs = (stepA == 0 || stepA == 1) && (stepB == 0 || stepB == 1);
        boolean gather = !runs && Simd.API && n >= GATHER_MIN && cost(op) > 1;
        switch (a) {
            case float[] fa -> {
                float[] fb = (float[]) b;
                float[] out = (float[]) result;
                if (n == 1) {
                    out[p] = (float) op.apply(fa[q], fb[r]);
                } else if ((stepA | stepB) == 0) {
                    java.util.Arrays.fill(out, p, p + n, (float) op.apply(fa[q], fb[r]));
                } else if (runs && Simd.API && n >= ElementwiseF32.VL) {
                    ElementwiseF32.binary(op, fa, q, stepA, fb, r, stepB, out, p, n);
                } else if (gather) {
                    float[][] scratch = F32_SCRATCH.get();
                    boolean gatherA = stepA != 0 && stepA != 1;
                    boolean gatherB = stepB != 0 && stepB != 1;
                    for (int done = 0; done < n; done += GATHER) {
                        int len = Math.min(GATHER, n - done);
                        int qa = q + done * stepA;
                        int rb = r + done * stepB;
                        if (gatherA) {
                            for (int i = 0, k = qa; i < len; i++, k += stepA) {
                                scratch[0][i] = fa[k];
                            }
                        }
                        if (gatherB) {
                            for (int i = 0, k = rb; i < len; i++, k += stepB) {
                                scratch[1][i] = fb[k];
                            }
                        }
                        ElementwiseF32.binary(op, gatherA ? scratch[0] : fa, gatherA ? 0 : qa, gatherA ? 1 : stepA,
                                gatherB ? scratch[1] : fb, gatherB ? 0 : rb, gatherB ? 1 : stepB, out, p + done, len);
                    }
                } else {
                    ScalarElementwiseF32.binary(op, fa, q, stepA, fb, r, stepB, out, p, n);
                }
            }
            case double[] da -> {
                double[] db = (double[]) b;
                double[] out = (double[]) result;
                if (n == 1) {
                    out[p] = op.apply(da[q], db[r]);
                } else if ((stepA | stepB) == 0) {
                    java.util.Arrays.fill(out, p, p + n, op.apply(da[q], db[r]));
                } else if (runs && Simd.API && n >= ElementwiseF64.VL) {
                    ElementwiseF64.binary(op, da, q, stepA, db, r, stepB, out, p, n);
                } else if (gather) {
                    double[][] scratch = F64_SCRATCH.get();
                    boolean gatherA = stepA != 0 && stepA != 1;
                    boolean gatherB = stepB != 0 && stepB != 1;
                    for (int done = 0; done < n; done += GATHER) {
                        int len = Math.min(GATHER, n - done);
                        int qa = q + done * stepA;
                        int rb = r + done * stepB;
                        if (gatherA) {
                            for (int i = 0, k = qa; i < len; i++, k += stepA) {
                                scratch[0][i] = da[k];
                            }
                        }
                        if (gatherB) {
                            for (int i = 0, k = rb; i < len; i++, k += stepB) {
                                scratch[1][i] = db[k];
                            }
                        }
                        ElementwiseF64.binary(op, gatherA ? scratch[0] : da, gatherA ? 0 : qa, gatherA ? 1 : stepA,
                                gatherB ? scratch[1] : db, gatherB ? 0 : rb, gatherB ? 1 : stepB, out, p + done, len);
                    }
                } else {
                    ScalarElementwiseF64.binary(op, da, q, stepA, db, r, stepB, out, p, n);
                }
            }
            case long[] la -> {
                long[] lb = (long[]) b;
                long[] out = (long[]) result;
                for (int i = 0; i < n; i++, q += stepA, r += stepB) {
                    out[p + i] = op.applyLong(la[q], lb[r]);
                }
            }
            default -> throw new IllegalArgumentException(op + " on " + a.getClass());
        }
    }

    /** out[p + i] = op(a[q + i*stepA], b[r + i*stepB]) for a comparison op on float or double data and i < n. */
    private static void compareRun(BinaryOp op, Object a, int q, int stepA, Object b, int r, int stepB, boolean[] out,
                                   int p, int n) {
        boolean runs = Simd.API && (stepA == 0 || stepA == 1) && (stepB == 0 || stepB == 1);
        switch (a) {
            case float[] fa when runs && n >= ElementwiseF32.VL ->
                    ElementwiseF32.compare(op, fa, q, stepA, (float[]) b, r, stepB, out, p, n);
            case double[] da when runs && n >= ElementwiseF64.VL ->
                    ElementwiseF64.compare(op, da, q, stepA, (double[]) b, r, stepB, out, p, n);
            case float[] fa -> ScalarElementwiseF32.compare(op, fa, q, stepA, (float[]) b, r, stepB, out, p, n);
            case double[] da -> ScalarElementwiseF64.compare(op, da, q, stepA, (double[]) b, r, stepB, out, p, n);
            default -> throw new IllegalArgumentException(op + " on " + a.getClass());
        }
    }

    /** out = cond ? x : y over {@code shape}; x and y hold the same array type. */
    public static Object where(Strided cond, Strided x, Strided y, int[] shape) {
        return where(cond, x, y, shape, Chunks.count(numel(shape)));
    }

    /** {@link #where} split into about {@code chunks} parallel parts. */
    static Object where(Strided cond, Strided x, Strided y, int[] shape, int chunks) {
        int count = numel(shape);
        boolean[] c = (boolean[]) cond.data();
        Object a = x.data();
        Object b = y.data();
        Object result = allocate(dtypeOf(a), count);
        if (count > 0 && (dense(cond, shape) || single(cond, shape)) && (dense(x, shape) || single(x, shape))
                && (dense(y, shape) || single(y, shape))) {
            int offC = cond.offset();
            int offA = x.offset();
            int offB = y.offset();
            int stepC = single(cond, shape) ? 0 : 1;
            int stepA = single(x, shape) ? 0 : 1;
            int stepB = single(y, shape) ? 0 : 1;
            if (chunks == 1) {
                whereRun(c, offC, stepC, a, offA, stepA, b, offB, stepB, result, 0, count);
            } else {
                Chunks.run(count, chunks, (from, to) -> whereRun(c, offC + from * stepC, stepC, a, offA + from * stepA,
                        stepA, b, offB + from * stepB, stepB, result, from, to - from));
            }
            return result;
        }
        int[][] strides = {contiguous(shape), cond.strides(), x.strides(), y.strides()};
        int[] offsets = {0, cond.offset(), x.offset(), y.offset()};
        Rows.forEach(shape, strides, offsets, false, chunks,
                (n, o, st) -> whereRun(c, o[1], st[1], a, o[2], st[2], b, o[3], st[3], result, o[0], n));
        return result;
    }

    /** out[p + i] = c[k + i*stepC] ? a[q + i*stepA] : b[r + i*stepB] for i < n. */
    private static void whereRun(boolean[] c, int k, int stepC, Object a, int q, int stepA, Object b, int r, int stepB,
                                 Object result, int p, int n) {
        boolean runs = Simd.API && (stepC == 0 || stepC == 1) && (stepA == 0 || stepA == 1)
                && (stepB == 0 || stepB == 1);
        switch (a) {
            case float[] fa when runs -> ElementwiseF32.where(c, k, stepC, fa, q, stepA, (float[]) b, r, stepB,
                    (float[]) result, p, n);
            case double[] da when runs -> ElementwiseF64.where(c, k, stepC, da, q, stepA, (double[]) b, r, stepB,
                    (double[]) result, p, n);
            case float[] fa -> ScalarElementwiseF32.where(c, k, stepC, fa, q, stepA, (float[]) b, r, stepB,
                    (float[]) result, p, n);
            case double[] da -> ScalarElementwiseF64.where(c, k, stepC, da, q, stepA, (double[]) b, r, stepB,
                    (double[]) result, p, n);
            default -> {
                for (int i = 0; i < n; i++, k += stepC, q += stepA, r += stepB) {
                    if (c[k]) {
                        System.arraycopy(a, q, result, p + i, 1);
                    } else {
                        System.arraycopy(b, r, result, p + i, 1);
                    }
                }
            }
        }
    }

    /**
     * Reduces the dims where {@code reduced} is true; the result is contiguous over the kept dims (in order).
     * x is read in memory order (a transposed view too); floating data accumulates in double, contiguous runs in
     * fixed blocks (see {@link Reductions}); INT64 in long. x must be float, double or long.
     */
    public static Object reduce(ReduceOp op, Strided x, int[] shape, boolean[] reduced) {
        return reduce(op, x, shape, reduced, Chunks.count(numel(shape)));
    }

    /** {@link #reduce} split into about {@code chunks} parallel parts; the result does not depend on chunks. */
    static Object reduce(ReduceOp op, Strided x, int[] shape, boolean[] reduced, int chunks) {
        int rank = shape.length;
        int[] outStrides = new int[rank];
        int keptCount = 1;
        for (int d = rank - 1; d >= 0; d--) {
            if (!reduced[d]) {
                outStrides[d] = keptCount;
                keptCount *= shape[d];
            }
        }
        int count = numel(shape);
        Object in = x.data();
        if (in instanceof long[] la) {
            long[] acc = new long[keptCount];
            java.util.Arrays.fill(acc, op.identityLong());
            Rows.forEach(shape, new int[][] {outStrides, x.strides()}, new int[] {0, x.offset()}, true, 1, chunks,
                    (n, o, st) -> {
                        for (int i = 0, p = o[0], q = o[1]; i < n; i++, p += st[0], q += st[1]) {
                            acc[p] = op.combineLong(acc[p], la[q]);
                        }
                    });
            return acc;
        }
        if (!(in instanceof float[] || in instanceof double[])) {
            throw new IllegalArgumentException(op + " on " + in.getClass());
        }
        double[] acc = new double[keptCount];
        if (keptCount == 1 && count > 0 && dense(x, shape)) {
            // everything, contiguous: one run, its blocks spread over the pool
            acc[0] = Reductions.run(op, in, x.offset(), count, chunks);
        } else {
            java.util.Arrays.fill(acc, op.identity());
            Rows.forEach(shape, new int[][] {outStrides, x.strides()}, new int[] {0, x.offset()}, true, 1, chunks,
                    // a whole tensor read as one run (a transposed view, say) still spreads its blocks
                    (n, o, st) -> reduceRow(op, acc, o[0], st[0], in, o[1], st[1], n, n == count ? chunks : 1));
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
     * acc[p + i*stepAcc] = op(acc[p + i*stepAcc], x[q + i*stepX]) for i < n, in order for each acc element; a
     * run (stepX 1) into one element is reduced in blocks, spread over {@code chunks}.
     */
    private static void reduceRow(ReduceOp op, double[] acc, int p, int stepAcc, Object in, int q, int stepX, int n,
                                  int chunks) {
        if (stepX == 1 && stepAcc == 0) {
            acc[p] = op.combine(acc[p], Reductions.run(op, in, q, n, chunks));
        } else if (stepX == 1 && stepAcc == 1) {
            switch (in) {
                case float[] a when Simd.API -> ReductionF32.accumulate(op, acc, p, a, q, n);
                case double[] a when Simd.API -> ReductionF64.accumulate(op, acc, p, a, q, n);
                case float[] a -> ScalarReductionF32.accumulate(op, acc, p, a, q, n);
                case double[] a -> ScalarReductionF64.accumulate(op, acc, p, a, q, n);
                default -> throw new IllegalArgumentException(op + " on " + in.getClass());
            }
        } else {
            switch (in) {
                case float[] a -> {
                    for (int i = 0; i < n; i++, p += stepAcc, q += stepX) {
                        acc[p] = op.combine(acc[p], a[q]);
                    }
                }
                case double[] a -> {
                    for (int i = 0; i < n; i++, p += stepAcc, q += stepX) {
                        acc[p] = op.combine(acc[p], a[q]);
                    }
                }
                default -> throw new IllegalArgumentException(op + " on " + in.getClass());
            }
        }
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
        if (Simd.API && Gemv.applies(m, k, n) && !(a instanceof long[])) {
            Object c = allocate(dtypeOf(a), batch * m * n);
            for (int t = 0; t < batch; t++) {
                if (a instanceof double[] da) {
                    Gemv.multiply(da, offA + t * batchA, rsA, csA, (double[]) b, offB + t * batchB, rsB, csB,
                            (double[]) c, t * m * n, m, k, n);
                } else {
                    Gemv.multiply((float[]) a, offA + t * batchA, rsA, csA, (float[]) b, offB + t * batchB, rsB, csB,
                            (float[]) c, t * m * n, m, k, n);
                }
            }
            return c;
        }
        return switch (a) {
            case float[] fa -> Gemm.matmul(fa, offA, batchA, rsA, csA, (float[]) b, offB, batchB, rsB, csB, batch, m, k, n);
            case double[] da -> Gemm.matmul(da, offA, batchA, rsA, csA, (double[]) b, offB, batchB, rsB, csB, batch, m, k, n);
            case long[] la -> Gemm.matmul(la, offA, batchA, rsA, csA, (long[]) b, offB, batchB, rsB, csB, batch, m, k, n);
            default -> throw new IllegalArgumentException("matmul on " + a.getClass());
        };
    }

    /**
     * {a @ b1, a @ b2} for one float matrix a (m x k) and two columns b1, b2 (k x 1) in one pass over a, summed as
     * two {@link #matmul} calls sum them; null when no fused path applies (then compute them apart).
     */
    public static Object[] matmulColumnPair(Object a, int offA, int rsA, int csA, Object b1, int offB1, int rsB1,
            Object b2, int offB2, int rsB2, int m, int k) {
        if (!Simd.API || k == 0) {
            return null;
        }
        Object c1 = allocate(dtypeOf(a), m);
        Object c2 = allocate(dtypeOf(a), m);
        boolean fused = switch (a) {
            case double[] da -> Gemv.gemvPair(da, offA, rsA, csA, (double[]) b1, offB1, rsB1, (double[]) b2, offB2,
                    rsB2, (double[]) c1, (double[]) c2, m, k);
            case float[] fa -> Gemv.gemvPair(fa, offA, rsA, csA, (float[]) b1, offB1, rsB1, (float[]) b2, offB2,
                    rsB2, (float[]) c1, (float[]) c2, m, k);
            default -> false;
        };
        return fused ? new Object[] {c1, c2} : null;
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

    /** True when some elements of the operand are the same memory location (a zero stride on a dim above 1). */
    static boolean repeats(Strided x, int[] shape) {
        int[] strides = x.strides();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] > 1 && strides[d] == 0) {
                return true;
            }
        }
        return false;
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
