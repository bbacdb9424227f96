package dev.jgrad.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix-vector products, the shapes GEMM's packing serves badly (a 10 x 50000 matrix times a vector in
 * seed 002's Hessian-vector product): out = M v with M(i, p) at {@code offM + i*rsM + p*csM}. Rows that
 * are contiguous become vector dot products; columns that are contiguous become axpy updates of the
 * output; anything else takes the scalar twin, which is also the test oracle.
 */
final class Gemv {
    private Gemv() {
    }

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** True when {@code c[t] = a[t] @ b[t]} has a single row or column and so is a matrix-vector product. */
    static boolean applies(int m, int k, int n) {
        return (m == 1 || n == 1) && k > 0;
    }

    /** The product of one batch entry; {@code m == 1} is computed as the transposed product. */
    static void multiply(double[] a, int offA, int rsA, int csA, double[] b, int offB, int rsB, int csB,
                         double[] c, int offC, int m, int k, int n) {
        if (n == 1) {
            gemv(a, offA, rsA, csA, b, offB, rsB, c, offC, m, k);
        } else {
            gemv(b, offB, csB, rsB, a, offA, csA, c, offC, n, k); // c^T = b^T a^T
        }
    }

    static void multiply(float[] a, int offA, int rsA, int csA, float[] b, int offB, int rsB, int csB,
                         float[] c, int offC, int m, int k, int n) {
        if (n == 1) {
            gemv(a, offA, rsA, csA, b, offB, rsB, c, offC, m, k);
        } else {
            gemv(b, offB, csB, rsB, a, offA, csA, c, offC, n, k);
        }
    }

    /** out[i] = sum_p M(i, p) v(p) for i < m. Modifies out only. */
    static void gemv(double[] mat, int offM, int rsM, int csM, double[] v, int offV, int incV,
                     double[] out, int offOut, int m, int k) {
        int parts = parts(m, k);
        if (byRows(csM, incV)) {
            CpuPool.run(parts, part -> {
                for (int i = begin(part, parts, m), end = begin(part + 1, parts, m); i < end; i++) {
                    out[offOut + i] = dot(mat, offM + i * rsM, v, offV, k);
                }
            });
        } else if (rsM == 1) {
            forEachOutBlock(m, k, Double.BYTES, (from, length) -> {
                for (int p = 0; p < k; p++) {
                    axpy(v[offV + p * incV], mat, offM + p * csM + from, out, offOut + from, length);
                }
            });
        } else {
            scalarGemv(mat, offM, rsM, csM, v, offV, incV, out, offOut, m, k);
        }
    }

    static void gemv(float[] mat, int offM, int rsM, int csM, float[] v, int offV, int incV,
                     float[] out, int offOut, int m, int k) {
        int parts = parts(m, k);
        if (byRows(csM, incV)) {
            CpuPool.run(parts, part -> {
                for (int i = begin(part, parts, m), end = begin(part + 1, parts, m); i < end; i++) {
                    out[offOut + i] = dot(mat, offM + i * rsM, v, offV, k);
                }
            });
        } else if (rsM == 1) {
            forEachOutBlock(m, k, Float.BYTES, (from, length) -> {
                for (int p = 0; p < k; p++) {
                    axpy(v[offV + p * incV], mat, offM + p * csM + from, out, offOut + from, length);
                }
            });
        } else {
            scalarGemv(mat, offM, rsM, csM, v, offV, incV, out, offOut, m, k);
        }
    }

    /**
     * out1 = M v1 and out2 = M v2 in one pass over M, each summed as {@link #gemv} sums it; false (nothing
     * written) for the layouts that have no fused path. In forward mode a product and its tangent share M.
     */
    static boolean gemvPair(double[] mat, int offM, int rsM, int csM, double[] v1, int offV1, int incV1,
                            double[] v2, int offV2, int incV2, double[] out1, double[] out2, int m, int k) {
        int parts = parts(m, k);
        boolean rows1 = byRows(csM, incV1);
        boolean rows2 = byRows(csM, incV2);
        if (rows1 && rows2) {
            CpuPool.run(parts, part -> {
                for (int i = begin(part, parts, m), end = begin(part + 1, parts, m); i < end; i++) {
                    dotPair(mat, offM + i * rsM, v1, offV1, v2, offV2, k, out1, out2, i);
                }
            });
            return true;
        }
        if (rsM == 1 && !rows1 && !rows2) {
            forEachOutBlock(m, k, Double.BYTES, (from, length) -> {
                for (int p = 0; p < k; p++) {
                    axpy(v1[offV1 + p * incV1], mat, offM + p * csM + from, out1, from, length);
                    axpy(v2[offV2 + p * incV2], mat, offM + p * csM + from, out2, from, length);
                }
            });
            return true;
        }
        return false; // gemv would read the two vectors differently
    }

    /**
     * out1 = M v1 and out2 = M v2 in one pass over M, each summed as {@link #gemv} sums it; false (nothing
     * written) for the layouts that have no fused path. In forward mode a product and its tangent share M.
     */
    static boolean gemvPair(float[] mat, int offM, int rsM, int csM, float[] v1, int offV1, int incV1,
                            float[] v2, int offV2, int incV2, float[] out1, float[] out2, int m, int k) {
        int parts = parts(m, k);
        boolean rows1 = byRows(csM, incV1);
        boolean rows2 = byRows(csM, incV2);
        if (rows1 && rows2) {
            CpuPool.run(parts, part -> {
                for (int i = begin(part, parts, m), end = begin(part + 1, parts, m); i < end; i++) {
                    dotPair(mat, offM + i * rsM, v1, offV1, v2, offV2, k, out1, out2, i);
                }
            });
            return true;
        }
        if (rsM == 1 && !rows1 && !rows2) {
            forEachOutBlock(m, k, Float.BYTES, (from, length) -> {
                for (int p = 0; p < k; p++) {
                    axpy(v1[offV1 + p * incV1], mat, offM + p * csM + from, out1, from, length);
                    axpy(v2[offV2 + p * incV2], mat, offM + p * csM + from, out2, from, length);
                }
            });
            return true;
        }
        return false; // gemv would read the two vectors differently
    }

    /** Whether gemv takes dot products along the rows (else it reads the matrix down its columns or strided). */
    private static boolean byRows(int csM, int incV) {
        return csM == 1 && incV == 1;
    }

    /** A block of out: elements [from, from + length). */
    private interface OutBlock {
        void sum(int from, int length);
    }

    /**
     * Calls {@code block} on each block of out (m elements of {@code elementBytes}) of at most OUT_BLOCK_BYTES, in
     * the ranges of rows that {@link #parts} splits over the pool: out += v(p) * column p, summed over every p
     * while the block stays in L1.
     */
    private static void forEachOutBlock(int m, int k, int elementBytes, OutBlock block) {
        int parts = parts(m, k);
        int size = OUT_BLOCK_BYTES / elementBytes;
        CpuPool.run(parts, part -> {
            for (int from = begin(part, parts, m), end = begin(part + 1, parts, m); from < end; from += size) {
                block.sum(from, Math.min(size, end - from));
            }
        });
    }

    /**
     * Bytes of out summed at once when the matrix is read down its columns (out += v(p) * column p for each p):
     * a block that stays in L1 over all p. Summed over whole ranges, out went to L2 and back once per column
     * (Aᵀ g for A 10 x 50000 float64: 120-185 us, against 60-120 us for A v).
     */
    private static final int OUT_BLOCK_BYTES = 8 * 1024;

    /** Products of at least 2^17 multiply-adds are split over the pool, by ranges of output rows. */
    private static int parts(int m, int k) {
        return (long) m * k >= 1 << 17 ? Math.min(m, CpuPool.threads()) : 1;
    }

    /** The first output row of range {@code part} of {@code parts} (even ranges; the order of each sum is fixed). */
    private static int begin(int part, int parts, int m) {
        return (int) ((long) m * part / parts);
    }

    static double dot(double[] x, int offX, double[] y, int offY, int n) {
        int step = D.length();
        // four independent sums, so the loop is not held to one FMA per FMA latency
        DoubleVector acc0 = DoubleVector.zero(D);
        DoubleVector acc1 = acc0;
        DoubleVector acc2 = acc0;
        DoubleVector acc3 = acc0;
        int i = 0;
        for (int bound4 = n - 4 * step; i <= bound4; i += 4 * step) {
            acc0 = DoubleVector.fromArray(D, x, offX + i).fma(DoubleVector.fromArray(D, y, offY + i), acc0);
            acc1 = DoubleVector.fromArray(D, x, offX + i + step).fma(DoubleVector.fromArray(D, y, offY + i + step), acc1);
            acc2 = DoubleVector.fromArray(D, x, offX + i + 2 * step)
                    .fma(DoubleVector.fromArray(D, y, offY + i + 2 * step), acc2);
            acc3 = DoubleVector.fromArray(D, x, offX + i + 3 * step)
                    .fma(DoubleVector.fromArray(D, y, offY + i + 3 * step), acc3);
        }
        for (int bound = D.loopBound(n); i < bound; i += step) {
            acc0 = DoubleVector.fromArray(D, x, offX + i).fma(DoubleVector.fromArray(D, y, offY + i), acc0);
        }
        double sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum = Math.fma(x[offX + i], y[offY + i], sum);
        }
        return sum;
    }

    static float dot(float[] x, int offX, float[] y, int offY, int n) {
        int step = F.length();
        // four independent sums, so the loop is not held to one FMA per FMA latency
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int i = 0;
        for (int bound4 = n - 4 * step; i <= bound4; i += 4 * step) {
            acc0 = FloatVector.fromArray(F, x, offX + i).fma(FloatVector.fromArray(F, y, offY + i), acc0);
            acc1 = FloatVector.fromArray(F, x, offX + i + step).fma(FloatVector.fromArray(F, y, offY + i + step), acc1);
            acc2 = FloatVector.fromArray(F, x, offX + i + 2 * step)
                    .fma(FloatVector.fromArray(F, y, offY + i + 2 * step), acc2);
            acc3 = FloatVector.fromArray(F, x, offX + i + 3 * step)
                    .fma(FloatVector.fromArray(F, y, offY + i + 3 * step), acc3);
        }
        for (int bound = F.loopBound(n); i < bound; i += step) {
            acc0 = FloatVector.fromArray(F, x, offX + i).fma(FloatVector.fromArray(F, y, offY + i), acc0);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum = Math.fma(x[offX + i], y[offY + i], sum);
        }
        return sum;
    }

    /** out1[i] = dot(x, y1) and out2[i] = dot(x, y2), each summed as {@link #dot} sums it, x read once. */
    static void dotPair(double[] x, int offX, double[] y1, int offY1, double[] y2, int offY2, int n, double[] out1, double[] out2,
                        int i) {
        int step = D.length();
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int j = 0;
        for (int bound4 = n - 4 * step; j <= bound4; j += 4 * step) {
            DoubleVector x0 = DoubleVector.fromArray(D, x, offX + j);
            a0 = x0.fma(DoubleVector.fromArray(D, y1, offY1 + j), a0);
            b0 = x0.fma(DoubleVector.fromArray(D, y2, offY2 + j), b0);
            DoubleVector x1 = DoubleVector.fromArray(D, x, offX + j + step);
            a1 = x1.fma(DoubleVector.fromArray(D, y1, offY1 + j + step), a1);
            b1 = x1.fma(DoubleVector.fromArray(D, y2, offY2 + j + step), b1);
            DoubleVector x2 = DoubleVector.fromArray(D, x, offX + j + 2 * step);
            a2 = x2.fma(DoubleVector.fromArray(D, y1, offY1 + j + 2 * step), a2);
            b2 = x2.fma(DoubleVector.fromArray(D, y2, offY2 + j + 2 * step), b2);
            DoubleVector x3 = DoubleVector.fromArray(D, x, offX + j + 3 * step);
            a3 = x3.fma(DoubleVector.fromArray(D, y1, offY1 + j + 3 * step), a3);
            b3 = x3.fma(DoubleVector.fromArray(D, y2, offY2 + j + 3 * step), b3);
        }
        for (int bound = D.loopBound(n); j < bound; j += step) {
            DoubleVector x0 = DoubleVector.fromArray(D, x, offX + j);
            a0 = x0.fma(DoubleVector.fromArray(D, y1, offY1 + j), a0);
            b0 = x0.fma(DoubleVector.fromArray(D, y2, offY2 + j), b0);
        }
        double s1 = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        double s2 = b0.add(b1).add(b2.add(b3)).reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            s1 = Math.fma(x[offX + j], y1[offY1 + j], s1);
            s2 = Math.fma(x[offX + j], y2[offY2 + j], s2);
        }
        out1[i] = s1;
        out2[i] = s2;
    }

    /** out1[i] = dot(x, y1) and out2[i] = dot(x, y2), each summed as {@link #dot} sums it, x read once. */
    static void dotPair(float[] x, int offX, float[] y1, int offY1, float[] y2, int offY2, int n, float[] out1, float[] out2,
                        int i) {
        int step = F.length();
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int j = 0;
        for (int bound4 = n - 4 * step; j <= bound4; j += 4 * step) {
            FloatVector x0 = FloatVector.fromArray(F, x, offX + j);
            a0 = x0.fma(FloatVector.fromArray(F, y1, offY1 + j), a0);
            b0 = x0.fma(FloatVector.fromArray(F, y2, offY2 + j), b0);
            FloatVector x1 = FloatVector.fromArray(F, x, offX + j + step);
            a1 = x1.fma(FloatVector.fromArray(F, y1, offY1 + j + step), a1);
            b1 = x1.fma(FloatVector.fromArray(F, y2, offY2 + j + step), b1);
            FloatVector x2 = FloatVector.fromArray(F, x, offX + j + 2 * step);
            a2 = x2.fma(FloatVector.fromArray(F, y1, offY1 + j + 2 * step), a2);
            b2 = x2.fma(FloatVector.fromArray(F, y2, offY2 + j + 2 * step), b2);
            FloatVector x3 = FloatVector.fromArray(F, x, offX + j + 3 * step);
            a3 = x3.fma(FloatVector.fromArray(F, y1, offY1 + j + 3 * step), a3);
            b3 = x3.fma(FloatVector.fromArray(F, y2, offY2 + j + 3 * step), b3);
        }
        for (int bound = F.loopBound(n); j < bound; j += step) {
            FloatVector x0 = FloatVector.fromArray(F, x, offX + j);
            a0 = x0.fma(FloatVector.fromArray(F, y1, offY1 + j), a0);
            b0 = x0.fma(FloatVector.fromArray(F, y2, offY2 + j), b0);
        }
        float s1 = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        float s2 = b0.add(b1).add(b2.add(b3)).reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            s1 = Math.fma(x[offX + j], y1[offY1 + j], s1);
            s2 = Math.fma(x[offX + j], y2[offY2 + j], s2);
        }
        out1[i] = s1;
        out2[i] = s2;
    }

    /** y[i] += alpha * x[i] for i < n. Modifies y. */
    static void axpy(double alpha, double[] x, int offX, double[] y, int offY, int n) {
        DoubleVector scale = DoubleVector.broadcast(D, alpha);
        int bound = D.loopBound(n);
        int i = 0;
        for (; i < bound; i += D.length()) {
            DoubleVector.fromArray(D, x, offX + i).fma(scale, DoubleVector.fromArray(D, y, offY + i))
                    .intoArray(y, offY + i);
        }
        for (; i < n; i++) {
            y[offY + i] = Math.fma(alpha, x[offX + i], y[offY + i]);
        }
    }

    static void axpy(float alpha, float[] x, int offX, float[] y, int offY, int n) {
        FloatVector scale = FloatVector.broadcast(F, alpha);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, offX + i).fma(scale, FloatVector.fromArray(F, y, offY + i))
                    .intoArray(y, offY + i);
        }
        for (; i < n; i++) {
            y[offY + i] = Math.fma(alpha, x[offX + i], y[offY + i]);
        }
    }

    /** The scalar twin: plain loops in the order of the definition. */
    static void scalarGemv(double[] mat, int offM, int rsM, int csM, double[] v, int offV, int incV,
                           double[] out, int offOut, int m, int k) {
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int p = 0; p < k; p++) {
                s += mat[offM + i * rsM + p * csM] * v[offV + p * incV];
            }
            out[offOut + i] = s;
        }
    }

    static void scalarGemv(float[] mat, int offM, int rsM, int csM, float[] v, int offV, int incV,
                           float[] out, int offOut, int m, int k) {
        for (int i = 0; i < m; i++) {
            float s = 0;
            for (int p = 0; p < k; p++) {
                s += mat[offM + i * rsM + p * csM] * v[offV + p * incV];
            }
            out[offOut + i] = s;
        }
    }
}
