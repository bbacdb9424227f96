package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every Vector API kernel against its scalar twin: odd sizes around the vector length, offsets, tails, special
 * values, float32 and float64; broadcast scalars and strided rows; reductions against exact sums; and parallel
 * splits against one sequential pass, bit for bit.
 */
class VectorKernelsTest {
    /** Sizes around vector lengths (8 float32 or 4 float64 lanes with AVX2, 16 or 8 with AVX-512) and large. */
    private static final int[] SIZES = {0, 1, 7, 15, 16, 17, 31, 33, 1000, 100003};

    private static final double[] SPECIAL = {0.0, -0.0, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3, 1e-3, -7.25,
            0x1p52, -0x1p52 - 2, 0x1p23, 0x1p23 + 1, -0x1p23 + 0.5, 1e30, -1e30, 88.5, -104, 710, -750, 1e-310, 1e-40,
            Double.MAX_VALUE, Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    /** n values: normal(0, 3), every tenth a larger one, and the special values spread over vector and tail parts. */
    private static double[] values(int n, Random rnd) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 10 == 9 ? rnd.nextGaussian() * 200 : rnd.nextGaussian() * 3;
        }
        for (int k = 0; k < SPECIAL.length && n > 0; k++) {
            v[(k * 7919 + n / 3) % n] = SPECIAL[k];
        }
        return v;
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** v shifted right by off elements (garbage in front, so kernels must honour offsets). */
    private static double[] shifted(double[] v, int off) {
        double[] out = new double[v.length + off];
        Arrays.fill(out, 0, off, 12345.0);
        System.arraycopy(v, 0, out, off, v.length);
        return out;
    }

    /** Asserts bit equality (any NaN matches any NaN), or within MAX_ULPS of expected when not exact. */
    private static void assertClose(double expected, double actual, boolean exact, boolean f32, String what) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            if (!(Double.isNaN(expected) && Double.isNaN(actual))) {
                fail(what + ": expected " + expected + " but got " + actual);
            }
            return;
        }
        if (exact || Double.isInfinite(expected) || expected == 0) {
            if (Double.doubleToLongBits(expected) != Double.doubleToLongBits(actual)
                    && !(!exact && expected == actual)) {
                fail(what + ": expected " + expected + " but got " + actual + (exact ? " (bit for bit)" : ""));
            }
            return;
        }
        double ulp = f32 ? Math.ulp((float) expected) : Math.ulp(expected);
        if (Math.abs(actual - expected) > VectorAccuracy.MAX_ULPS * ulp) {
            fail(what + ": expected " + expected + " but got " + actual + ", " + Math.abs(actual - expected) / ulp
                    + " ulp away (at most " + VectorAccuracy.MAX_ULPS + ")");
        }
    }

    // ------------------------------------------------------------------ unary

    @Test
    void unaryMatchesScalarTwin() {
        Random rnd = new Random(11);
        for (int n : SIZES) {
            double[] v = values(n, rnd);
            for (int off : new int[] {0, 3}) {
                double[] d = shifted(v, off);
                float[] f = floats(d);
                for (UnaryOp op : UnaryOp.values()) {
                    boolean exact = VectorAccuracy.exact(op);
                    double[] dv = new double[n + 5];
                    double[] ds = new double[n + 5];
                    ElementwiseF64.unary(op, d, off, dv, 5, n);
                    ScalarElementwiseF64.unary(op, d, off, ds, 5, n);
                    float[] fv = new float[n + 5];
                    float[] fs = new float[n + 5];
                    ElementwiseF32.unary(op, f, off, fv, 5, n);
                    ScalarElementwiseF32.unary(op, f, off, fs, 5, n);
                    for (int i = 0; i < n + 5; i++) {
                        String what = op + " n=" + n + " off=" + off + " at " + i + " of x="
                                + (i < 5 ? "-" : d[off + i - 5]);
                        assertClose(ds[i], dv[i], exact, false, "float64 " + what);
                        assertClose(fs[i], fv[i], exact, true, "float32 " + what);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ binary

    @Test
    void binaryMatchesScalarTwinForRunsAndBroadcastScalars() {
        Random rnd = new Random(12);
        BinaryOp[] ops = {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.POW, BinaryOp.MAXIMUM,
                BinaryOp.MINIMUM, BinaryOp.ATAN2};
        int[][] steps = {{1, 1}, {1, 0}, {0, 1}, {0, 0}};
        for (int n : SIZES) {
            double[] a = Arrays.copyOf(shifted(values(n, rnd), 2), n + 3);
            double[] b = Arrays.copyOf(shifted(values(n, rnd), 1), n + 2);
            // broadcast exponents that POW vectorises (2, 1) and some it leaves to the scalar twin
            double[] scalars = {2, 1, 3, 0.5, -1, Double.NaN, -0.0};
            for (BinaryOp op : ops) {
                boolean exact = VectorAccuracy.exact(op);
                for (int[] s : steps) {
                    for (double scalar : s[1] == 0 && op == BinaryOp.POW ? scalars : new double[] {b[1]}) {
                        double[] bb = b.clone();
                        bb[1] = scalar;
                        float[] fa = floats(a);
                        float[] fb = floats(bb);
                        double[] dv = new double[n];
                        double[] ds = new double[n];
                        ElementwiseF64.binary(op, a, 2, s[0], bb, 1, s[1], dv, 0, n);
                        ScalarElementwiseF64.binary(op, a, 2, s[0], bb, 1, s[1], ds, 0, n);
                        float[] fv = new float[n];
                        float[] fs = new float[n];
                        ElementwiseF32.binary(op, fa, 2, s[0], fb, 1, s[1], fv, 0, n);
                        ScalarElementwiseF32.binary(op, fa, 2, s[0], fb, 1, s[1], fs, 0, n);
                        for (int i = 0; i < n; i++) {
                            String what = op + " n=" + n + " steps " + Arrays.toString(s) + " at " + i + " of ("
                                    + a[2 + i * s[0]] + ", " + bb[1 + i * s[1]] + ")";
                            assertClose(ds[i], dv[i], exact, false, "float64 " + what);
                            assertClose(fs[i], fv[i], exact, true, "float32 " + what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void comparisonsMatchScalarTwinBitForBit() {
        Random rnd = new Random(23);
        BinaryOp[] ops = {BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT, BinaryOp.GE};
        int[][] steps = {{1, 1}, {1, 0}, {0, 1}};
        for (int n : SIZES) {
            double[] a = Arrays.copyOf(shifted(values(n, rnd), 2), n + 3);
            double[] b = Arrays.copyOf(shifted(values(n, rnd), 1), n + 2);
            for (int i = 0; i < n; i += 3) {
                b[1 + i] = a[2 + i]; // ties
            }
            for (BinaryOp op : ops) {
                for (int[] s : steps) {
                    boolean[] dv = new boolean[n];
                    boolean[] ds = new boolean[n];
                    ElementwiseF64.compare(op, a, 2, s[0], b, 1, s[1], dv, 0, n);
                    ScalarElementwiseF64.compare(op, a, 2, s[0], b, 1, s[1], ds, 0, n);
                    assertArrayEquals(ds, dv, "float64 " + op + " n=" + n + " steps " + Arrays.toString(s));
                    boolean[] fv = new boolean[n];
                    boolean[] fs = new boolean[n];
                    ElementwiseF32.compare(op, floats(a), 2, s[0], floats(b), 1, s[1], fv, 0, n);
                    ScalarElementwiseF32.compare(op, floats(a), 2, s[0], floats(b), 1, s[1], fs, 0, n);
                    assertArrayEquals(fs, fv, "float32 " + op + " n=" + n + " steps " + Arrays.toString(s));
                }
            }
        }
    }

    // ------------------------------------------------------------------ where

    @Test
    void whereMatchesScalarTwin() {
        Random rnd = new Random(13);
        for (int n : SIZES) {
            boolean[] c = new boolean[n + 3];
            for (int i = 0; i < c.length; i++) {
                c[i] = rnd.nextBoolean();
            }
            double[] a = Arrays.copyOf(shifted(values(n, rnd), 1), n + 2);
            double[] b = Arrays.copyOf(shifted(values(n, rnd), 4), n + 5);
            for (int cs = 0; cs <= 1; cs++) {
                for (int as = 0; as <= 1; as++) {
                    for (int bs = 0; bs <= 1; bs++) {
                        double[] dv = new double[n];
                        double[] ds = new double[n];
                        ElementwiseF64.where(c, 3, cs, a, 1, as, b, 4, bs, dv, 0, n);
                        ScalarElementwiseF64.where(c, 3, cs, a, 1, as, b, 4, bs, ds, 0, n);
                        assertBits(ds, dv, "float64 where n=" + n + " steps " + cs + as + bs);
                        float[] fv = new float[n];
                        float[] fs = new float[n];
                        ElementwiseF32.where(c, 3, cs, floats(a), 1, as, floats(b), 4, bs, fv, 0, n);
                        ScalarElementwiseF32.where(c, 3, cs, floats(a), 1, as, floats(b), 4, bs, fs, 0, n);
                        assertArrayEquals(fs, fv, "float32 where n=" + n + " steps " + cs + as + bs);
                    }
                }
            }
        }
    }

    /**
     * The fused kernels: vector lanes and scalar twin give the same bits, and those of the two ops they fuse (alpha
     * * b, then a + that; compare with 0, then where), in place and out of place.
     */
    @Test
    void fusedKernelsMatchScalarTwinsAndTheOpsTheyFuse() {
        Random rnd = new Random(21);
        for (int n : SIZES) {
            double[] a = shifted(values(n, rnd), 1);
            double[] b = shifted(values(n, rnd), 2);
            for (double alpha : new double[] {0.01, -0.1, 3, -0.0}) {
                for (int bs = 0; bs <= 1; bs++) {
                    String what = "addScaled n=" + n + " alpha=" + alpha + " bs=" + bs;
                    double[] dv = new double[n];
                    double[] ds = new double[n];
                    double[] dUnfused = new double[n];
                    ElementwiseF64.addScaled(a, 1, b, 2, bs, alpha, dv, 0, n);
                    ScalarElementwiseF64.addScaled(a, 1, b, 2, bs, alpha, ds, 0, n);
                    ScalarElementwiseF64.binary(BinaryOp.MUL, b, 2, bs, new double[] {alpha}, 0, 0, dUnfused, 0, n);
                    ScalarElementwiseF64.binary(BinaryOp.ADD, a, 1, 1, dUnfused, 0, 1, dUnfused, 0, n);
                    assertBits(ds, dv, "float64 " + what);
                    assertBits(dUnfused, dv, "float64 unfused " + what);
                    double[] dInPlace = a.clone();
                    ElementwiseF64.addScaled(dInPlace, 1, b, 2, bs, alpha, dInPlace, 1, n);
                    assertBits(dv, Arrays.copyOfRange(dInPlace, 1, n + 1), "float64 in place " + what);

                    float[] fa = floats(a);
                    float[] fb = floats(b);
                    float[] fv = new float[n];
                    float[] fs = new float[n];
                    float[] fUnfused = new float[n];
                    ElementwiseF32.addScaled(fa, 1, fb, 2, bs, (float) alpha, fv, 0, n);
                    ScalarElementwiseF32.addScaled(fa, 1, fb, 2, bs, (float) alpha, fs, 0, n);
                    ScalarElementwiseF32.binary(BinaryOp.MUL, fb, 2, bs, new float[] {(float) alpha}, 0, 0, fUnfused,
                            0, n);
                    ScalarElementwiseF32.binary(BinaryOp.ADD, fa, 1, 1, fUnfused, 0, 1, fUnfused, 0, n);
                    assertArrayEquals(fs, fv, "float32 " + what);
                    assertArrayEquals(fUnfused, fv, "float32 unfused " + what);
                }
            }
            double[] g = shifted(values(n, rnd), 3);
            double[] y = shifted(values(n, rnd), 2);
            for (int i = 0; i < n; i += 5) {
                y[2 + i] = i % 2 == 0 ? 0.0 : -0.0; // zeros of both signs keep nothing
            }
            boolean[] keep = new boolean[n];
            ScalarElementwiseF64.compare(BinaryOp.GT, y, 2, 1, new double[] {0}, 0, 0, keep, 0, n);
            double[] dMasked = new double[n];
            ScalarElementwiseF64.where(keep, 0, 1, g, 3, 1, new double[] {0}, 0, 0, dMasked, 0, n);
            double[] dv = new double[n];
            double[] ds = new double[n];
            ElementwiseF64.wherePositive(g, 3, y, 2, dv, 0, n);
            ScalarElementwiseF64.wherePositive(g, 3, y, 2, ds, 0, n);
            assertBits(ds, dv, "float64 wherePositive n=" + n);
            assertBits(dMasked, dv, "float64 wherePositive as gt and where n=" + n);
            double[] dInPlace = g.clone();
            ElementwiseF64.wherePositive(dInPlace, 3, y, 2, dInPlace, 3, n);
            assertBits(dv, Arrays.copyOfRange(dInPlace, 3, n + 3), "float64 wherePositive in place n=" + n);
            float[] fMasked = new float[n];
            ScalarElementwiseF32.where(keep, 0, 1, floats(g), 3, 1, new float[] {0}, 0, 0, fMasked, 0, n);
            float[] fv = new float[n];
            ElementwiseF32.wherePositive(floats(g), 3, floats(y), 2, fv, 0, n);
            float[] fs = new float[n];
            ScalarElementwiseF32.wherePositive(floats(g), 3, floats(y), 2, fs, 0, n);
            assertArrayEquals(fs, fv, "float32 wherePositive n=" + n);
            assertArrayEquals(fMasked, fv, "float32 wherePositive as gt and where n=" + n);
        }
    }

    private static void assertBits(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual[i], true, false, what + " at " + i);
        }
    }

    // ------------------------------------------------------------------ conversions

    @Test
    void conversionsMatchScalarTwin() {
        Random rnd = new Random(14);
        for (int n : SIZES) {
            double[] d = shifted(values(n, rnd), 3);
            float[] f = floats(d);
            boolean[] b = new boolean[n + 3];
            for (int i = 0; i < b.length; i++) {
                b[i] = rnd.nextBoolean();
            }
            Object[][] pairs = {{f, new double[n + 2], new double[n + 2]}, {d, new float[n + 2], new float[n + 2]},
                    {b, new float[n + 2], new float[n + 2]}, {b, new double[n + 2], new double[n + 2]}};
            for (Object[] p : pairs) {
                assertTrue(Conversions.convert(p[0], 3, p[1], 2, n));
                CpuKernels.convertScalar(p[0], 3, p[2], 2, n);
                for (int i = 0; i < n + 2; i++) {
                    assertClose(CpuKernels.read(p[2], i), CpuKernels.read(p[1], i), true, false,
                            p[0].getClass().getSimpleName() + " to " + p[1].getClass().getSimpleName() + " n=" + n
                                    + " at " + i);
                }
            }
        }
    }

    // ------------------------------------------------------------------ reductions

    @Test
    void reductionsMatchScalarTwin() {
        Random rnd = new Random(15);
        for (int n : SIZES) {
            double[] d = shifted(values(n, rnd), 5);
            // no infinities or huge values, so sums and products stay comparable
            for (int i = 5; i < d.length; i++) {
                if (!Double.isFinite(d[i]) || Math.abs(d[i]) > 1e3) {
                    d[i] = rnd.nextGaussian();
                }
            }
            double[] small = d.clone(); // products of values near 1 stay finite
            for (int i = 5; i < small.length; i++) {
                small[i] = 1 + d[i] * 1e-3;
            }
            for (ReduceOp op : ReduceOp.values()) {
                double[] x = op == ReduceOp.PROD ? small : d;
                float[] f = floats(x);
                double dv = ReductionF64.reduce(op, x, 5, n);
                double ds = ScalarReductionF64.reduce(op, op.identity(), x, 5, n);
                double fv = ReductionF32.reduce(op, f, 5, n);
                double fs = ScalarReductionF32.reduce(op, op.identity(), f, 5, n);
                String what = op + " n=" + n;
                if (op == ReduceOp.MAX || op == ReduceOp.MIN) {
                    assertClose(ds, dv, true, false, "float64 " + what);
                    assertClose(fs, fv, true, false, "float32 " + what);
                } else {
                    // different association: bounded by n * eps * sum |x| (prod: relative, n * eps)
                    double scale = 0;
                    for (int i = 5; i < x.length; i++) {
                        scale += Math.abs(x[i]);
                    }
                    double bound = op == ReduceOp.SUM ? 2 * n * 0x1p-53 * scale : 2 * n * 0x1p-53 * Math.abs(ds);
                    assertTrue(Math.abs(dv - ds) <= bound, "float64 " + what + ": " + dv + " vs " + ds);
                    assertTrue(Math.abs(fv - fs) <= bound, "float32 " + what + ": " + fv + " vs " + fs);
                }
            }
            // with NaN: max, min and sum give NaN
            if (n > 0) {
                double[] withNaN = d.clone();
                withNaN[5 + n / 2] = Double.NaN;
                for (ReduceOp op : ReduceOp.values()) {
                    assertTrue(Double.isNaN(ReductionF64.reduce(op, withNaN, 5, n)), op + " NaN n=" + n);
                    assertTrue(Double.isNaN(ReductionF32.reduce(op, floats(withNaN), 5, n)), op + " NaN float n=" + n);
                }
            }
        }
    }

    @Test
    void maxAndMinOrderSignedZerosAsMathMax() {
        double[] zeros = {-0.0, 0.0, -0.0, -0.0, 0.0, -0.0, -0.0, -0.0, -0.0, 0.0, -0.0};
        assertEquals(0.0, ReductionF64.reduce(ReduceOp.MAX, zeros, 0, zeros.length));
        assertEquals(-0.0, ReductionF64.reduce(ReduceOp.MIN, zeros, 0, zeros.length));
        assertEquals(0.0, ReductionF32.reduce(ReduceOp.MAX, floats(zeros), 0, zeros.length));
        assertEquals(-0.0, ReductionF32.reduce(ReduceOp.MIN, floats(zeros), 0, zeros.length));
    }

    @Test
    void accumulateMatchesScalarTwinBitForBit() {
        Random rnd = new Random(16);
        for (int n : SIZES) {
            double[] x = shifted(values(n, rnd), 2);
            float[] f = floats(x);
            double[] start = shifted(values(n, rnd), 1);
            for (ReduceOp op : ReduceOp.values()) {
                double[] dv = start.clone();
                double[] ds = start.clone();
                ReductionF64.accumulate(op, dv, 1, x, 2, n);
                ScalarReductionF64.accumulate(op, ds, 1, x, 2, n);
                assertBits(ds, dv, "float64 accumulate " + op + " n=" + n);
                double[] fv = start.clone();
                double[] fs = start.clone();
                ReductionF32.accumulate(op, fv, 1, f, 2, n);
                ScalarReductionF32.accumulate(op, fs, 1, f, 2, n);
                assertBits(fs, fv, "float32 accumulate " + op + " n=" + n);
            }
        }
    }

    /** The exact sum of x[0, n), correctly rounded to double. */
    private static double exactSum(double[] x) {
        BigDecimal s = BigDecimal.ZERO;
        for (double v : x) {
            s = s.add(new BigDecimal(v));
        }
        return s.round(MathContext.DECIMAL128).doubleValue();
    }

    /**
     * float32 sums accumulate in double like the scalar twin (and the code before the vector kernels): rounded
     * to float32 they are the exact sum rounded to float32; float64 sums, with their many partial sums, are
     * no less accurate than the scalar twin's left-to-right sum, summed over many arrays.
     */
    @Test
    void sumsAreAtLeastAsAccurateAsDoubleAccumulation() {
        Random rnd = new Random(17);
        double vectorError = 0;
        double scalarError = 0;
        for (int t = 0; t < 30; t++) {
            int n = 1000 + rnd.nextInt(60_000);
            double[] x = new double[n];
            float[] f = new float[n];
            double shift = rnd.nextGaussian() * 10; // a mean that cancels partly
            for (int i = 0; i < n; i++) {
                f[i] = (float) (rnd.nextGaussian() + shift);
                x[i] = rnd.nextGaussian() * Math.exp(rnd.nextGaussian() * 3) + shift;
            }
            double[] fd = new double[n];
            for (int i = 0; i < n; i++) {
                fd[i] = f[i];
            }
            float expected = (float) exactSum(fd);
            assertEquals(expected, (float) Reductions.run(ReduceOp.SUM, f, 0, n, 1), "float32 sum of " + n);
            assertEquals(expected, (float) Reductions.run(ReduceOp.SUM, f, 0, n, 4), "float32 parallel sum of " + n);
            double exact = exactSum(x);
            vectorError += Math.abs(Reductions.run(ReduceOp.SUM, x, 0, n, 1) - exact);
            scalarError += Math.abs(ScalarReductionF64.reduce(ReduceOp.SUM, 0, x, 0, n) - exact);
        }
        assertTrue(vectorError <= scalarError, "float64 sum error " + vectorError + " > scalar " + scalarError);
    }

    // ------------------------------------------------------------------ parallel splits

    /** Chunk counts for explicit plans: one pass, even, odd, more ranges than threads, many. */
    private static final int[] PLANS = {1, 2, 3, 7, 16};

    @Test
    void parallelElementwiseEqualsOnePassBitForBit() {
        Random rnd = new Random(18);
        int n = 3 * Chunks.GRAIN + 12345;
        double[] v = values(n, rnd);
        float[] f = floats(v);
        int[] shape = {n};
        Strided dx = new Strided(v, 0, new int[] {1});
        Strided fx = new Strided(f, 0, new int[] {1});
        Strided fScalar = new Strided(new float[] {2.5f}, 0, new int[] {0});
        boolean[] cond = new boolean[n];
        for (int i = 0; i < n; i++) {
            cond[i] = rnd.nextBoolean();
        }
        Strided c = new Strided(cond, 0, new int[] {1});
        // Exact ops bit for bit. Transcendental lanes are the same bits whatever the split too, but only once C2
        // has compiled a kernel (before, the Vector API computes them with Math, see Simd.MATH), which a test
        // cannot wait for: those are compared within their ulp bound.
        for (UnaryOp op : new UnaryOp[] {UnaryOp.FLOOR, UnaryOp.ABS, UnaryOp.SIN, UnaryOp.EXP, UnaryOp.SIGMOID}) {
            float[] fOne = new float[n];
            ElementwiseF32.unary(op, f, 0, fOne, 0, n);
            double[] dOne = new double[n];
            ElementwiseF64.unary(op, v, 0, dOne, 0, n);
            for (int chunks : PLANS) {
                assertSplit(fOne, CpuKernels.unary(op, fx, shape, chunks), VectorAccuracy.exact(op), op + " " + chunks);
                assertSplit(dOne, CpuKernels.unary(op, dx, shape, chunks), VectorAccuracy.exact(op), op + " " + chunks);
            }
        }
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.MUL, BinaryOp.ATAN2}) {
            float[] one = new float[n];
            ElementwiseF32.binary(op, f, 0, 1, new float[] {2.5f}, 0, 0, one, 0, n);
            for (int chunks : PLANS) {
                assertSplit(one, CpuKernels.binary(op, fx, fScalar, shape, chunks), VectorAccuracy.exact(op),
                        op + " " + chunks);
            }
        }
        float[] g = floats(values(n, rnd));
        float[] scaledOne = f.clone();
        ElementwiseF32.addScaled(scaledOne, 0, g, 0, 1, -0.01f, scaledOne, 0, n);
        float[] scaledSplit = f.clone();
        assertTrue(CpuKernels.addScaledInPlace(new Strided(scaledSplit, 0, new int[] {1}),
                new Strided(g, 0, new int[] {1}), -0.01, shape));
        assertArrayEquals(scaledOne, scaledSplit, "addScaledInPlace");
        float[] reluGradOne = new float[n];
        ElementwiseF32.wherePositive(g, 0, f, 0, reluGradOne, 0, n);
        assertArrayEquals(reluGradOne, (float[]) CpuKernels.wherePositive(new Strided(g, 0, new int[] {1}), fx, shape,
                false), "wherePositive");
        float[] whereOne = new float[n];
        ElementwiseF32.where(cond, 0, 1, f, 0, 1, new float[] {2.5f}, 0, 0, whereOne, 0, n);
        double[] copyOne = new double[n];
        Conversions.floatToDouble(f, 0, copyOne, 0, n);
        for (int chunks : PLANS) {
            assertArrayEquals(whereOne, (float[]) CpuKernels.where(c, fx, fScalar, shape, chunks), "where " + chunks);
            double[] copied = new double[n];
            CpuKernels.copy(fx, new Strided(copied, 0, new int[] {1}), shape, chunks);
            assertArrayEquals(copyOne, copied, "copy " + chunks);
            float[] filled = new float[n + 2];
            CpuKernels.fill(new Strided(filled, 1, new int[] {1}), shape, 0.1, chunks);
            assertEquals(0f, filled[0]);
            assertEquals(0f, filled[n + 1]);
            for (int i = 1; i <= n; i++) {
                assertEquals(0.1f, filled[i], "fill " + chunks);
            }
        }
    }

    private static void assertSplit(Object onePass, Object split, boolean exact, String what) {
        int n = java.lang.reflect.Array.getLength(onePass);
        assertEquals(n, java.lang.reflect.Array.getLength(split), what);
        for (int i = 0; i < n; i++) {
            assertClose(CpuKernels.read(onePass, i), CpuKernels.read(split, i), exact, onePass instanceof float[],
                    what + " at " + i);
        }
    }

    @Test
    void parallelReductionsDoNotDependOnTheSplit() {
        Random rnd = new Random(19);
        int n = 5 * Reductions.BLOCK + 777;
        double[] v = values(n, rnd);
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(v[i]) || Math.abs(v[i]) > 1e3) {
                v[i] = rnd.nextGaussian();
            }
        }
        float[] f = floats(v);
        for (ReduceOp op : ReduceOp.values()) {
            double d1 = Reductions.run(op, v, 0, n, 1);
            double f1 = Reductions.run(op, f, 0, n, 1);
            for (int chunks : PLANS) {
                assertEquals(d1, Reductions.run(op, v, 0, n, chunks), op + " float64 chunks " + chunks);
                assertEquals(f1, Reductions.run(op, f, 0, n, chunks), op + " float32 chunks " + chunks);
                Object whole = CpuKernels.reduce(op, new Strided(f, 0, new int[] {1}), new int[] {n},
                        new boolean[] {true}, chunks);
                assertEquals((float) f1, ((float[]) whole)[0], op + " whole tensor chunks " + chunks);
            }
        }
        // kept dims: rows of a [rows, cols] matrix, its columns, and a transposed view
        int rows = 301;
        int cols = 1001;
        float[] m = Arrays.copyOf(f, rows * cols);
        int[] shape = {rows, cols};
        Strided rowMajor = new Strided(m, 0, new int[] {cols, 1});
        Strided transposed = new Strided(m, 0, new int[] {1, rows});
        for (ReduceOp op : ReduceOp.values()) {
            for (boolean[] mask : new boolean[][] {{false, true}, {true, false}}) {
                for (Strided x : new Strided[] {rowMajor, transposed}) {
                    float[] one = (float[]) CpuKernels.reduce(op, x, shape, mask, 1);
                    for (int chunks : PLANS) {
                        assertArrayEquals(one, (float[]) CpuKernels.reduce(op, x, shape, mask, chunks),
                                op + " mask " + Arrays.toString(mask) + " chunks " + chunks);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ strided rows

    /**
     * A [37, 33] result whose rows are contiguous in every operand (x with padded rows, y a broadcast row or
     * column) runs row by row through the vector kernels; each element matches the scalar op on its inputs.
     */
    @Test
    void contiguousRowsOfStridedAndBroadcastOperandsUseTheVectorKernels() {
        Random rnd = new Random(20);
        int rows = 37;
        int cols = 33;
        int pitch = 40;
        double[] xs = values(rows * pitch + 3, rnd);
        double[] ys = values(rows * cols, rnd);
        int[] shape = {rows, cols};
        Strided[] xLayouts = {new Strided(xs, 3, new int[] {pitch, 1})};
        int[][] yStrides = {{0, 1}, {1, 0}, {cols, 1}};
        for (UnaryOp op : new UnaryOp[] {UnaryOp.SIN, UnaryOp.ROUND}) {
            for (boolean f32 : new boolean[] {false, true}) {
                Object data = f32 ? floats(xs) : xs;
                Object out = CpuKernels.unary(op, new Strided(data, 3, new int[] {pitch, 1}), shape, 1);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        double in = CpuKernels.read(data, 3 + i * pitch + j);
                        double expected = f32 ? (float) op.apply(in) : op.apply(in);
                        assertClose(expected, CpuKernels.read(out, i * cols + j), VectorAccuracy.exact(op), f32,
                                op + (f32 ? " float32" : " float64") + " at " + i + "," + j);
                    }
                }
            }
        }
        for (BinaryOp op : new BinaryOp[] {BinaryOp.SUB, BinaryOp.ATAN2}) {
            for (int[] ys0 : yStrides) {
                for (boolean f32 : new boolean[] {false, true}) {
                    Object a = f32 ? floats(xs) : xs;
                    Object b = f32 ? floats(ys) : ys;
                    Object out = CpuKernels.binary(op, new Strided(a, 3, xLayouts[0].strides()), new Strided(b, 0, ys0),
                            shape, 1);
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            double p = CpuKernels.read(a, 3 + i * pitch + j);
                            double q = CpuKernels.read(b, i * ys0[0] + j * ys0[1]);
                            double expected = f32 ? (float) op.apply(p, q) : op.apply(p, q);
                            assertClose(expected, CpuKernels.read(out, i * cols + j), VectorAccuracy.exact(op), f32,
                                    op + " y strides " + Arrays.toString(ys0) + " at " + i + "," + j);
                        }
                    }
                }
            }
        }
    }

    /**
     * A transposed operand (stepping 150 elements along the rows) is walked in tiles of Rows.TILE columns and
     * gathered into runs for the vector kernels; every element still matches the scalar op.
     */
    @Test
    void transposedOperandsAreWalkedInTiles() {
        Random rnd = new Random(21);
        int rows = 150;
        int cols = 300;
        int[] shape = {rows, cols};
        double[] xs = values(rows * cols, rnd);
        double[] ys = values(rows * cols, rnd);
        boolean[] cs = new boolean[rows * cols];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = rnd.nextBoolean();
        }
        Strided xT = new Strided(floats(xs), 0, new int[] {1, rows}); // x(i, j) = xs[j * rows + i]
        Strided y = new Strided(floats(ys), 0, new int[] {cols, 1});
        Strided yT = new Strided(floats(ys), 0, new int[] {1, rows}); // y(i, j) = ys[j * rows + i]
        Strided cT = new Strided(cs, 0, new int[] {1, rows});
        for (int chunks : PLANS) {
            float[] sum = (float[]) CpuKernels.binary(BinaryOp.ADD, xT, y, shape, chunks);
            float[] sin = (float[]) CpuKernels.unary(UnaryOp.SIN, xT, shape, chunks);
            float[] atan2 = (float[]) CpuKernels.binary(BinaryOp.ATAN2, xT, yT, shape, chunks);
            float[] atan2Mixed = (float[]) CpuKernels.binary(BinaryOp.ATAN2, y, xT, shape, chunks);
            float[] pick = (float[]) CpuKernels.where(cT, xT, y, shape, chunks);
            double[] copy = new double[rows * cols];
            CpuKernels.copy(xT, new Strided(copy, 0, new int[] {cols, 1}), shape, chunks);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    float a = (float) xs[j * rows + i];
                    float b = (float) ys[i * cols + j];
                    int k = i * cols + j;
                    String what = "chunks " + chunks + " at " + i + "," + j;
                    assertClose((float) BinaryOp.ADD.apply(a, b), sum[k], true, true, "add " + what);
                    assertClose((float) UnaryOp.SIN.apply(a), sin[k], VectorAccuracy.exact(UnaryOp.SIN), true,
                            "sin " + what);
                    assertClose(cs[j * rows + i] ? a : b, pick[k], true, true, "where " + what);
                    boolean exact = VectorAccuracy.exact(BinaryOp.ATAN2);
                    float bT = (float) ys[j * rows + i];
                    assertClose((float) BinaryOp.ATAN2.apply(a, bT), atan2[k], exact, true, "atan2 " + what);
                    assertClose((float) BinaryOp.ATAN2.apply(b, a), atan2Mixed[k], exact, true, "atan2 mixed " + what);
                    assertClose(a, copy[k], true, true, "copy " + what);
                }
            }
        }
    }

    /** Reductions of a transposed view read it in memory order; the results match a naive sum, whatever the split. */
    @Test
    void reductionsOfTransposedViewsMatchNaiveLoops() {
        Random rnd = new Random(22);
        int rows = 301;
        int cols = 257;
        int[] shape = {rows, cols};
        double[] xs = values(rows * cols, rnd);
        for (int i = 0; i < xs.length; i++) {
            if (!Double.isFinite(xs[i]) || Math.abs(xs[i]) > 1e3) {
                xs[i] = rnd.nextGaussian();
            }
        }
        Strided xT = new Strided(xs, 0, new int[] {1, rows});
        for (boolean[] mask : new boolean[][] {{true, true}, {true, false}, {false, true}}) {
            int kept = (mask[0] ? 1 : rows) * (mask[1] ? 1 : cols);
            for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX}) {
                double[] expected = new double[kept];
                Arrays.fill(expected, op.identity());
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        int o = mask[0] ? (mask[1] ? 0 : j) : (mask[1] ? i : i * cols + j);
                        expected[o] = op.combine(expected[o], xs[j * rows + i]);
                    }
                }
                double[] one = (double[]) CpuKernels.reduce(op, xT, shape, mask, 1);
                for (int o = 0; o < kept; o++) {
                    assertEquals(expected[o], one[o], 1e-12 * rows * cols, op + " " + Arrays.toString(mask) + " at " + o);
                }
                for (int chunks : PLANS) {
                    assertArrayEquals(one, (double[]) CpuKernels.reduce(op, xT, shape, mask, chunks),
                            op + " " + Arrays.toString(mask) + " chunks " + chunks);
                }
            }
        }
    }

    /** A copy within one array (overlapping ranges) keeps System.arraycopy's memmove result at any chunk count. */
    @Test
    void overlappingCopiesStayOnOneThread() {
        int n = 4 * Chunks.GRAIN;
        for (int chunks : PLANS) {
            float[] data = new float[n + 1];
            for (int i = 0; i < data.length; i++) {
                data[i] = i;
            }
            CpuKernels.copy(new Strided(data, 0, new int[] {1}), new Strided(data, 1, new int[] {1}), new int[] {n},
                    chunks);
            for (int i = 1; i <= n; i++) {
                assertEquals(i - 1, data[i], "chunks " + chunks + " at " + i);
            }
        }
    }

    // ------------------------------------------------------------------ setup

    @Test
    void vectorApiIsEnabledInTests() {
        assertTrue(Simd.API, "surefire's argLine must add jdk.incubator.vector, or the vector kernels go untested");
    }

    // ------------------------------------------------------------------ generated sources

    @Test
    void generatedKernelsAreUpToDate() throws IOException {
        for (Map.Entry<String, String> e : GenerateVectorKernels.expected().entrySet()) {
            String actual = Files.readString(GenerateVectorKernels.sourceDir().resolve(e.getKey()),
                    StandardCharsets.UTF_8);
            assertEquals(e.getValue(), actual, e.getKey() + " is stale: run java core/src/test/java/dev/jgrad/cpu/"
                    + "GenerateVectorKernels.java");
        }
    }
}
