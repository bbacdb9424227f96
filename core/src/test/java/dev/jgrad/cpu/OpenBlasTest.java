package dev.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The optional OpenBLAS path (jgrad.blas=openblas) against the scalar twin, on every layout BLAS can read; skipped
 * where no system libopenblas is installed (Debian: libopenblas0).
 */
class OpenBlasTest {
    private static OpenBlas blas() {
        StringBuilder why = new StringBuilder();
        OpenBlas blas = OpenBlas.load(why).orElse(null);
        assumeTrue(blas != null, () -> "no OpenBLAS here: " + why);
        return blas;
    }

    @Test
    void layoutsBlasCanRead() {
        assertArrayEquals(new int[] {111, 7}, OpenBlas.layout(3, 5, 7, 1)); // row-major with padding
        assertArrayEquals(new int[] {112, 3}, OpenBlas.layout(3, 5, 1, 3)); // transposed view
        assertArrayEquals(new int[] {111, 5}, OpenBlas.layout(1, 5, 0, 1)); // one row: its stride is irrelevant
        assertArrayEquals(new int[] {111, 1}, OpenBlas.layout(3, 1, 1, 0)); // one column: its stride is irrelevant
        assertNull(OpenBlas.layout(3, 5, 10, 2)); // every other column
        assertNull(OpenBlas.layout(3, 5, 0, 1)); // rows broadcast (stride 0)
        assertNull(OpenBlas.layout(3, 5, 4, 1)); // rows overlapping
    }

    @Test
    void sgemmAndDgemmMatchTheScalarTwinOnEveryLayout() {
        OpenBlas blas = blas();
        Random rnd = new Random(5);
        int[] sizes = {1, 2, 7, 33, 70};
        for (int m : sizes) {
            for (int k : sizes) {
                for (int n : sizes) {
                    for (int mode = 0; mode < 8; mode++) {
                        check(blas, rnd, m, k, n, (mode & 1) != 0, (mode & 2) != 0, (mode & 4) != 0);
                    }
                }
            }
        }
    }

    @Test
    void blockingCutsLargeProductsIntoEqualPartsNoSmallerThanItsMinimums() {
        OpenBlas.Blocking blocking = OpenBlas.Blocking.DEFAULT;
        assertEquals(1024, blocking.depth(1024, 1024, 1024)); // 2^30: one call
        assertEquals(1024, blocking.rows(1024, 1024, 1024));
        assertEquals(256, blocking.depth(2048, 2048, 2048)); // eight depth blocks of 2^30
        assertEquals(2048, blocking.rows(2048, 2048, 256));
        assertEquals(250, blocking.depth(2048, 2048, 1000)); // four equal parts, not 256 + 256 + 256 + 232
        assertEquals(256, blocking.depth(8192, 8192, 8192)); // never shallower than 256 ...
        assertEquals(512, blocking.rows(8192, 8192, 256)); // ... then rows
        assertEquals(64, blocking.rows(8192, 1 << 20, 256)); // never fewer than 64
        assertEquals(1, blocking.depth(3, 3, 0));
    }

    /** Small blockings make the test's small products run in many calls, covering every offset. */
    private static final OpenBlas.Blocking[] BLOCKINGS = {OpenBlas.Blocking.DEFAULT, new OpenBlas.Blocking(1, 1, 1),
        new OpenBlas.Blocking(300, 8, 3)};

    private static void check(OpenBlas blas, Random rnd, int m, int k, int n, boolean ta, boolean tb, boolean split) {
        int off = 2;
        double[] a = new double[off + m * k];
        double[] b = new double[off + k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        int rsA = ta ? 1 : k, csA = ta ? m : 1;
        int rsB = tb ? 1 : n, csB = tb ? k : 1;
        int[] la = OpenBlas.layout(m, k, rsA, csA);
        int[] lb = OpenBlas.layout(k, n, rsB, csB);
        assertNotNull(la);
        assertNotNull(lb);
        double[] expected = new double[m * n];
        ScalarGemmF64.multiply(a, off, rsA, csA, b, off, rsB, csB, expected, 0, n, m, n, k);
        OpenBlas.Blocking blocking = BLOCKINGS[split ? 1 + rnd.nextInt(2) : 0];
        double[] got64 = new double[off + m * n];
        Arrays.fill(got64, Double.NaN); // beta = 0 must overwrite, not scale
        blas.dgemm(a, off, la, b, off, lb, got64, off, m, n, k, blocking);
        float[] af = new float[a.length];
        float[] bf = new float[b.length];
        for (int i = 0; i < a.length; i++) {
            af[i] = (float) a[i];
        }
        for (int i = 0; i < b.length; i++) {
            bf[i] = (float) b[i];
        }
        float[] got32 = new float[off + m * n];
        Arrays.fill(got32, Float.NaN);
        blas.sgemm(af, off, la, bf, off, lb, got32, off, m, n, k, blocking);
        String what = "m " + m + ", k " + k + ", n " + n + (ta ? ", a transposed" : "") + (tb ? ", b transposed" : "")
                + ", " + blocking;
        for (int i = 0; i < off; i++) {
            if (!Double.isNaN(got64[i]) || !Float.isNaN(got32[i])) {
                fail(what + ": wrote before c's offset");
            }
        }
        for (int i = 0; i < m * n; i++) {
            // Values in [-1, 1]: |c| <= k, so the tolerance table's relative bounds scale with k.
            if (!(Math.abs(got64[off + i] - expected[i]) <= 1e-12 * k)) {
                fail(what + ": dgemm element " + i + " is " + got64[off + i] + ", expected " + expected[i]);
            }
            if (!(Math.abs(got32[off + i] - expected[i]) <= 1e-5 * Math.sqrt(k) * k)) {
                fail(what + ": sgemm element " + i + " is " + got32[off + i] + ", expected " + expected[i]);
            }
        }
    }
}
