// GENERATED from ScalarGemmF64.java by GenerateGemmKernels (core/src/test): edit ScalarGemmF64.java and regenerate.
package dev.jgrad.cpu;

/**
 * {@code c += a @ b} as a plain loop: the scalar twin and test oracle of GemmF32, and the kernel for products too
 * small to pack. Each element is the same chain c = fma(a(i, p), b(p, j), c) over p = 0, 1, ... as in the packed
 * kernel, so the two give bitwise the same results and may be swapped freely.
 */
final class ScalarGemmF32 {
    private ScalarGemmF32() {
    }

    /**
     * c[offC + i*ldc + j] += sum_p a[offA + i*rsA + p*csA] * b[offB + p*rsB + j*csB] for i < m, j < n, p < k,
     * as a plain i-p-j loop of fused multiply-adds. Modifies c only.
     */
    static void multiply(float[] a, int offA, int rsA, int csA, float[] b, int offB, int rsB, int csB,
            float[] c, int offC, int ldc, int m, int n, int k) {
        for (int i = 0; i < m; i++) {
            int ci = offC + i * ldc;
            for (int p = 0; p < k; p++) {
                float aip = a[offA + i * rsA + p * csA];
                int bp = offB + p * rsB;
                if (csB == 1) {
                    // Unit stride on its own loop, so C2 vectorizes it.
                    for (int j = 0; j < n; j++) {
                        c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        c[ci + j] = Math.fma(aip, b[bp + j * csB], c[ci + j]);
                    }
                }
            }
        }
    }
}
