package dev.jgrad.cpu;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The matrix-vector paths against their scalar twin, over odd sizes, both layouts and strided vectors. */
class GemvTest {
    private static final int[] SIZES = {1, 2, 3, 7, 8, 9, 15, 16, 17, 33, 100, 1001};

    @Test
    void doubleRowsColumnsAndStridedLayoutsMatchTheScalarTwin() {
        Random rnd = new Random(3);
        for (int m : SIZES) {
            for (int k : SIZES) {
                double[] mat = new double[2 + m * k * 2];
                double[] v = new double[3 + k * 2];
                for (int i = 0; i < mat.length; i++) {
                    mat[i] = rnd.nextDouble() - 0.5;
                }
                for (int i = 0; i < v.length; i++) {
                    v[i] = rnd.nextDouble() - 0.5;
                }
                // row-major (dot products), column-major (axpy), and a strided fallback
                int[][] layouts = {{k, 1}, {1, m}, {2 * k, 2}};
                for (int[] layout : layouts) {
                    for (int inc : new int[] {1, 2}) {
                        double[] expected = new double[m];
                        double[] actual = new double[m];
                        Gemv.scalarGemv(mat, 2, layout[0], layout[1], v, 3, inc, expected, 0, m, k);
                        Gemv.gemv(mat, 2, layout[0], layout[1], v, 3, inc, actual, 0, m, k);
                        for (int i = 0; i < m; i++) {
                            assertEquals(expected[i], actual[i], 1e-12 * Math.sqrt(k),
                                    "m=" + m + " k=" + k + " layout " + layout[0] + "," + layout[1] + " inc " + inc);
                        }
                    }
                }
            }
        }
    }

    @Test
    void floatRowsAndColumnsMatchTheScalarTwin() {
        Random rnd = new Random(4);
        for (int m : SIZES) {
            for (int k : SIZES) {
                float[] mat = new float[m * k];
                float[] v = new float[k];
                for (int i = 0; i < mat.length; i++) {
                    mat[i] = rnd.nextFloat() - 0.5f;
                }
                for (int i = 0; i < v.length; i++) {
                    v[i] = rnd.nextFloat() - 0.5f;
                }
                for (int[] layout : new int[][] {{k, 1}, {1, m}}) {
                    float[] expected = new float[m];
                    float[] actual = new float[m];
                    Gemv.scalarGemv(mat, 0, layout[0], layout[1], v, 0, 1, expected, 0, m, k);
                    Gemv.gemv(mat, 0, layout[0], layout[1], v, 0, 1, actual, 0, m, k);
                    for (int i = 0; i < m; i++) {
                        assertEquals(expected[i], actual[i], 1e-5f * Math.sqrt(k), "m=" + m + " k=" + k);
                    }
                }
            }
        }
    }

    /**
     * Read down its columns (out += v(p) * column p), a long matrix is summed block by block of out, in parallel
     * ranges: each element is still the fma chain over p = 0, 1, ..., bit for bit, across blocks and ranges.
     */
    @Test
    void columnProductsAcrossBlocksAndThreadsAreTheFmaChainBitForBit() {
        Random rnd = new Random(5);
        for (int m : new int[] {1023, 1024, 1025, 2047, 2049, 5001, 50_000}) {
            for (int k : new int[] {3, 10, 31}) {
                double[] mat = new double[m * k];
                double[] v = new double[k];
                for (int i = 0; i < mat.length; i++) {
                    mat[i] = rnd.nextDouble() - 0.5;
                }
                for (int i = 0; i < k; i++) {
                    v[i] = rnd.nextDouble() - 0.5;
                }
                float[] matF = new float[mat.length];
                float[] vF = new float[k];
                for (int i = 0; i < mat.length; i++) {
                    matF[i] = (float) mat[i];
                }
                for (int i = 0; i < k; i++) {
                    vF[i] = (float) v[i];
                }
                double[] actual = new double[m];
                float[] actualF = new float[m];
                Gemv.gemv(mat, 0, 1, m, v, 0, 1, actual, 0, m, k);
                Gemv.gemv(matF, 0, 1, m, vF, 0, 1, actualF, 0, m, k);
                for (int i = 0; i < m; i++) {
                    double chain = 0;
                    float chainF = 0;
                    for (int p = 0; p < k; p++) {
                        chain = Math.fma(v[p], mat[p * m + i], chain);
                        chainF = Math.fma(vF[p], matF[p * m + i], chainF);
                    }
                    assertEquals(chain, actual[i], "float64 m=" + m + " k=" + k + " element " + i);
                    assertEquals(chainF, actualF[i], "float32 m=" + m + " k=" + k + " element " + i);
                }
            }
        }
    }

    /**
     * The fused pair (a product and its tangent, one pass over the matrix) sums as two gemv calls do: bit for bit
     * down columns; along rows up to the final sum of vector lanes, whose order the Vector API leaves open (it
     * differs between the interpreter and C2), so there within a few ulps.
     */
    @Test
    void pairsOfProductsAreBitForBitTwoProducts() {
        Random rnd = new Random(6);
        for (int m : new int[] {1, 2, 7, 17, 1001, 30_000}) {
            for (int k : new int[] {1, 3, 9, 33, 100}) {
                double[] mat = new double[1 + m * k];
                double[] v1 = new double[1 + 2 * k];
                double[] v2 = new double[1 + 2 * k];
                for (int i = 0; i < mat.length; i++) {
                    mat[i] = rnd.nextDouble() - 0.5;
                }
                for (int i = 0; i < v1.length; i++) {
                    v1[i] = rnd.nextDouble() - 0.5;
                    v2[i] = rnd.nextDouble() - 0.5;
                }
                float[] matF = new float[mat.length];
                float[] v1F = new float[v1.length];
                float[] v2F = new float[v2.length];
                for (int i = 0; i < mat.length; i++) {
                    matF[i] = (float) mat[i];
                }
                for (int i = 0; i < v1.length; i++) {
                    v1F[i] = (float) v1[i];
                    v2F[i] = (float) v2[i];
                }
                // rows (dot products) with contiguous vectors, then columns (axpy) with a strided second vector
                // (A single row, m = 1, has column stride 1 either way, and gemv reads it by dot products.)
                for (int[] layout : m == 1 ? new int[][] {{k, 1, 1, 1}} : new int[][] {{k, 1, 1, 1}, {1, m, 1, 2}}) {
                    int rs = layout[0], cs = layout[1], inc1 = layout[2], inc2 = layout[3];
                    String what = "m=" + m + " k=" + k + " layout " + rs + "," + cs;
                    double[] e1 = new double[m], e2 = new double[m], a1 = new double[m], a2 = new double[m];
                    Gemv.gemv(mat, 1, rs, cs, v1, 1, inc1, e1, 0, m, k);
                    Gemv.gemv(mat, 1, rs, cs, v2, 1, inc2, e2, 0, m, k);
                    assertTrue(Gemv.gemvPair(mat, 1, rs, cs, v1, 1, inc1, v2, 1, inc2, a1, a2, m, k), what);
                    double tol = cs == 1 ? 1e-15 * k : 0;
                    assertArrayEquals(e1, a1, tol, what);
                    assertArrayEquals(e2, a2, tol, what);
                    float[] f1 = new float[m], f2 = new float[m], g1 = new float[m], g2 = new float[m];
                    Gemv.gemv(matF, 1, rs, cs, v1F, 1, inc1, f1, 0, m, k);
                    Gemv.gemv(matF, 1, rs, cs, v2F, 1, inc2, f2, 0, m, k);
                    assertTrue(Gemv.gemvPair(matF, 1, rs, cs, v1F, 1, inc1, v2F, 1, inc2, g1, g2, m, k), what);
                    float tolF = cs == 1 ? 1e-6f * k : 0;
                    assertArrayEquals(f1, g1, tolF, what);
                    assertArrayEquals(f2, g2, tolF, what);
                }
            }
        }
        // No fused path where gemv would read the two vectors differently (dot products for the first only) or
        // neither stride is 1: the caller computes the two products apart.
        double[] mat = new double[12];
        double[] v = new double[8];
        assertFalse(Gemv.gemvPair(mat, 0, 3, 1, v, 0, 1, v, 0, 2, new double[4], new double[4], 4, 3));
        assertFalse(Gemv.gemvPair(mat, 0, 2, 3, v, 0, 1, v, 0, 1, new double[2], new double[2], 2, 3));
    }

    @Test
    void vectorTimesMatrixIsTheTransposedProduct() {
        // c (1 x 3) = a (1 x 2) @ b (2 x 3)
        double[] a = {1, 2};
        double[] b = {1, 2, 3, 4, 5, 6};
        double[] c = new double[3];
        Gemv.multiply(a, 0, 2, 1, b, 0, 3, 1, c, 0, 1, 2, 3);
        assertEquals(9, c[0]);
        assertEquals(12, c[1]);
        assertEquals(15, c[2]);
    }
}
