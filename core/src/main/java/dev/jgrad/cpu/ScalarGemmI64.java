// GENERATED from ScalarGemmF64.java by GenerateGemmKernels (core/src/test): edit ScalarGemmF64.java and regenerate.
package dev.jgrad.cpu;

/**
 * {@code c += a @ b} as a plain loop: the scalar twin and test oracle of the packed Vector API kernels, and the
 * kernel for products too small to pack.
 */
final class ScalarGemmI64 {
    private ScalarGemmI64() {
    }

    /**
     * c[offC + i*ldc + j] += sum_p a[offA + i*rsA + p*csA] * b[offB + p*rsB + j*csB] for i < m, j < n, p < k,
     * as a plain i-p-j loop in long arithmetic. Modifies c only.
     */
    static void multiply(long[] a, int offA, int rsA, int csA, long[] b, int offB, int rsB, int csB,
            long[] c, int offC, int ldc, int m, int n, int k) {
        for (int i = 0; i < m; i++) {
            int ci = offC + i * ldc;
            for (int p = 0; p < k; p++) {
                long aip = a[offA + i * rsA + p * csA];
                int bp = offB + p * rsB;
                if (csB == 1) {
                    // Unit stride on its own loop, so C2 vectorizes it.
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aip * b[bp + j];
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aip * b[bp + j * csB];
                    }
                }
            }
        }
    }
}
