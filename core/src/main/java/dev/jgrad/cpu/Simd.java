package dev.jgrad.cpu;

import java.util.Locale;

/**
 * Which Vector API kernels the CPU backend uses; each is chosen once, at class initialisation, and the reason for
 * a scalar fallback is logged once.
 */
final class Simd {
    private Simd() {
    }

    private static final System.Logger LOG = System.getLogger("dev.jgrad");

    /**
     * True when jdk.incubator.vector is in the boot layer (java started with --add-modules): the GEMM, GEMV,
     * elementwise, reduction and conversion kernels use it; otherwise only their scalar twins run.
     */
    static final boolean API = api();

    /**
     * True when transcendental functions (exp, log, sin, cos, tan, tanh, sigmoid, atan2, ...) use the Vector
     * API's, which the JDK backs with SVML on x86-64 and SLEEF on AArch64: within 1 ulp of {@code Math}, 4 to 12
     * times faster. Until C2 compiles a kernel the Vector API computes them lane by lane with {@code Math}, so
     * their last bit can differ between a program's first calls and later ones. {@code -Djgrad.vectorMath=false}
     * keeps them on the scalar twins ({@code Math}: the same bits in every run); other platforms always do (their
     * Vector API would call {@code Math} lane by lane, slower than the scalar loop).
     */
    static final boolean MATH = math();

    private static boolean api() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            return true;
        }
        LOG.log(System.Logger.Level.WARNING, "jdk.incubator.vector is not enabled, so matrix products, elementwise"
                + " kernels and reductions use slow scalar loops; start java with --add-modules jdk.incubator.vector");
        return false;
    }

    private static boolean math() {
        if (!API) {
            return false;
        }
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        boolean supported = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64");
        String value = System.getProperty("jgrad.vectorMath");
        boolean wanted = value == null || !value.strip().equalsIgnoreCase("false");
        if (!supported || !wanted) {
            LOG.log(System.Logger.Level.INFO, "transcendental functions use scalar Math ("
                    + (wanted ? "no vector math library for " + arch : "jgrad.vectorMath=false") + ")");
        }
        return supported && wanted;
    }
}
