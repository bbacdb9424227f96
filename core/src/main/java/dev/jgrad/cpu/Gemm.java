package dev.jgrad.cpu;

import dev.jgrad.DType;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Batched matrix products of the CPU backend: c[t] = a[t] @ b[t] for t < batch. Each operand is read through a
 * batch stride (0 broadcasts one matrix over the batch), a row stride and a column stride, so transposed and
 * broadcast views need no copy; c is a fresh row-major [batch, m, n] array.
 * <p>float32 and float64 use the packed Vector API kernels (GemmF32, GemmF64), split over {@link CpuPool} above a
 * grain size; tiny products and JVMs without {@code --add-modules jdk.incubator.vector} use their scalar twins
 * (ScalarGemmF32, ScalarGemmF64), which give bitwise the same results and are the test oracle; int64 uses a plain
 * loop. Float products whose operands BLAS can read go to a system OpenBLAS instead when the system property
 * {@code jgrad.blas} allows it (see {@link Blas}).
 */
public final class Gemm {
    private Gemm() {
    }

    private static final System.Logger LOG = System.getLogger("dev.jgrad");

    /**
     * m * n * k below which a product stays on the calling thread: handing out tasks costs more than it saves
     * (on the 2-core dev machine, two threads were slower at 64^3 and 1.2 to 1.6 times faster at 128^3).
     */
    static final long PARALLEL_MIN_WORK = 1L << 20;
    /**
     * m * n * k below which the plain loop beats packing the operands (on Zen 3: 4^3 runs faster scalar, 8^3 packed
     * in 0.3 instead of 0.45 us). Single rows (m = 1) stay scalar too: packing b would cost as much as the product.
     */
    static final long PACKED_MIN_WORK = 8L * 8 * 8;

    /** How a float product is computed; tests pick one explicitly. */
    enum Kernel {
        /** The plain i-p-j loops. */
        SCALAR,
        /** The packed, cache-blocked Vector API kernels. */
        PACKED
    }

    /** True when jdk.incubator.vector is in the boot layer (see {@link Simd#API}, which warns once if not). */
    static final boolean VECTOR_API = Simd.API;

    /**
     * OpenBLAS for float products, as the system property {@code jgrad.blas} says: {@code auto} (the default) uses a
     * system libopenblas when one is found and native access is enabled (on the dev machine, float32 1024^2
     * products ran 1.2 to 1.8 times faster than with the Java kernels, on par with NumPy), {@code openblas} asks for
     * it (with a warning when there is none), {@code java} never uses it. Loaded, and the choice logged, at the first
     * product big enough to use it.
     */
    static final class Blas {
        private Blas() {
        }

        /** The library, or null for the Java kernels. */
        static final OpenBlas INSTANCE = choose();

        private static OpenBlas choose() {
            String choice = System.getProperty("jgrad.blas", "auto").strip();
            boolean auto = choice.equals("auto");
            if (choice.equals("java")) {
                return null;
            }
            if (!auto && !choice.equals("openblas")) {
                LOG.log(System.Logger.Level.WARNING, "jgrad.blas=" + choice + " is not one of auto, openblas, java;"
                        + " matrix products use the Java kernels");
                return null;
            }
            if (auto && !Gemm.class.getModule().isNativeAccessEnabled()) {
                return null; // not asked for, and loading would print the JDK's restricted-method warning
            }
            StringBuilder whyNot = new StringBuilder();
            OpenBlas blas = OpenBlas.load(whyNot).orElse(null);
            if (blas != null) {
                LOG.log(System.Logger.Level.INFO, "matrix products use OpenBLAS (" + blas.library() + ") through FFM;"
                        + " -Djgrad.blas=java selects the Java kernels");
            } else if (!auto) {
                LOG.log(System.Logger.Level.WARNING, "jgrad.blas=openblas, but no usable OpenBLAS was found (" + whyNot
                        + "set jgrad.blas.library to its path); matrix products use the Java kernels");
            }
            return blas;
        }
    }

    /**
     * The packed kernels serve products only once a background thread has run them long enough for C2 to compile
     * them: before that, Vector API code runs about a thousand times slower than the plain loop (a JVM's first
     * 256^3 product took 1.5 s). Meanwhile the scalar twins serve, with bitwise the same results.
     */
    private static final Warmup WARM_F32 = new Warmup("float32", () -> {
        // Full and edge tiles, two depth blocks.
        int m = 2 * GemmF32.MR + 2, n = GemmF32.NR + 3, k = GemmF32.KC + 10;
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        warmUp((long) m * n * k, () -> GemmF32.multiply(a, 0, k, 1, b, 0, n, 1, c, 0, n, m, n, k, 1, false));
    });
    private static final Warmup WARM_F64 = new Warmup("float64", () -> {
        int m = 2 * GemmF64.MR + 2, n = GemmF64.NR + 3, k = GemmF64.KC + 10;
        double[] a = new double[m * k], b = new double[k * n], c = new double[m * n];
        warmUp((long) m * n * k, () -> GemmF64.multiply(a, 0, k, 1, b, 0, n, 1, c, 0, n, m, n, k, 1, false));
    });

    /** c[t] = a[t] @ b[t] (m x k times k x n) for t < batch, a(i, p) = a[offA + t*batchA + i*rsA + p*csA]; returns c. */
    public static float[] matmul(float[] a, int offA, int batchA, int rsA, int csA,
            float[] b, int offB, int batchB, int rsB, int csB, int batch, int m, int k, int n) {
        float[] c = new float[Math.multiplyExact(batch, Math.multiplyExact(m, n))];
        long work = (long) m * n * k;
        if (work >= PACKED_MIN_WORK && Blas.INSTANCE != null) {
            int[] la = OpenBlas.layout(m, k, rsA, csA);
            int[] lb = OpenBlas.layout(k, n, rsB, csB);
            if (la != null && lb != null) {
                CpuPool.parkHelpers(); // OpenBLAS's threads need the cores
                for (int t = 0; t < batch; t++) {
                    Blas.INSTANCE.sgemm(a, offA + t * batchA, la, b, offB + t * batchB, lb, c, t * m * n, m, n, k);
                }
                return c;
            }
        }
        multiply(a, offA, batchA, rsA, csA, b, offB, batchB, rsB, csB, c, batch, m, k, n,
                kernelFor(WARM_F32, m, work), work * batch < PARALLEL_MIN_WORK ? 1 : CpuPool.threads(), true);
        return c;
    }

    /** c[t] = a[t] @ b[t] (m x k times k x n) for t < batch, a(i, p) = a[offA + t*batchA + i*rsA + p*csA]; returns c. */
    public static double[] matmul(double[] a, int offA, int batchA, int rsA, int csA,
            double[] b, int offB, int batchB, int rsB, int csB, int batch, int m, int k, int n) {
        double[] c = new double[Math.multiplyExact(batch, Math.multiplyExact(m, n))];
        long work = (long) m * n * k;
        if (work >= PACKED_MIN_WORK && Blas.INSTANCE != null) {
            int[] la = OpenBlas.layout(m, k, rsA, csA);
            int[] lb = OpenBlas.layout(k, n, rsB, csB);
            if (la != null && lb != null) {
                CpuPool.parkHelpers(); // OpenBLAS's threads need the cores
                for (int t = 0; t < batch; t++) {
                    Blas.INSTANCE.dgemm(a, offA + t * batchA, la, b, offB + t * batchB, lb, c, t * m * n, m, n, k);
                }
                return c;
            }
        }
        multiply(a, offA, batchA, rsA, csA, b, offB, batchB, rsB, csB, c, batch, m, k, n,
                kernelFor(WARM_F64, m, work), work * batch < PARALLEL_MIN_WORK ? 1 : CpuPool.threads(), true);
        return c;
    }

    /** c[t] = a[t] @ b[t] (m x k times k x n) for t < batch in wrapping int64 arithmetic; returns c. */
    public static long[] matmul(long[] a, int offA, int batchA, int rsA, int csA,
            long[] b, int offB, int batchB, int rsB, int csB, int batch, int m, int k, int n) {
        long[] c = new long[Math.multiplyExact(batch, Math.multiplyExact(m, n))];
        for (int t = 0; t < batch; t++) {
            for (int i = 0; i < m; i++) {
                int ci = (t * m + i) * n;
                for (int p = 0; p < k; p++) {
                    long aip = a[offA + t * batchA + i * rsA + p * csA];
                    int bp = offB + t * batchB + p * rsB;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aip * b[bp + j * csB];
                    }
                }
            }
        }
        return c;
    }

    /** Whether the packed kernels of a float dtype serve products yet; starts their warm-up if needed. */
    static boolean packedReady(DType dtype) {
        return VECTOR_API && (dtype == DType.FLOAT32 ? WARM_F32 : WARM_F64).ready();
    }

    private static Kernel kernelFor(Warmup warmup, int m, long work) {
        return VECTOR_API && work >= PACKED_MIN_WORK && m > 1 && warmup.ready() ? Kernel.PACKED : Kernel.SCALAR;
    }

    /** A one-time background run of a packed kernel; {@link #ready()} starts it and says whether it has ended. */
    private static final class Warmup {
        private final String dtype;
        private final Runnable body;
        private final AtomicBoolean started = new AtomicBoolean();
        private volatile boolean done;

        Warmup(String dtype, Runnable body) {
            this.dtype = dtype;
            this.body = body;
        }

        boolean ready() {
            if (done) {
                return true;
            }
            if (started.compareAndSet(false, true)) {
                Thread t = Thread.ofPlatform().daemon().name("jgrad-gemm-warmup-" + dtype).unstarted(() -> {
                    try {
                        body.run();
                    } finally {
                        done = true;
                    }
                });
                t.setPriority(Thread.MIN_PRIORITY);
                t.start();
            }
            return false;
        }
    }

    /** A warm-up stops after this long even if it never saw compiled speed (then the packed kernels serve anyway). */
    private static final long WARMUP_LIMIT_NANOS = 20_000_000_000L;
    /**
     * Runs of the warm-up product at compiled speed (over 1 multiply-add per ns, against about 0.01 interpreted)
     * after which every method on the packed path has been called often enough for C2 (some 5000 calls).
     */
    private static final int WARM_RUNS = 6000;

    /** Runs a product of {@code work} multiply-adds until C2 has compiled its path (see WARM_RUNS). */
    private static void warmUp(long work, Runnable product) {
        long start = System.nanoTime();
        for (int fast = 0; fast < WARM_RUNS && System.nanoTime() - start < WARMUP_LIMIT_NANOS; ) {
            long t = System.nanoTime();
            product.run();
            fast += System.nanoTime() - t < work ? 1 : 0;
        }
    }

    /**
     * c[t] += a[t] @ b[t] with the given kernel on up to {@code threads} threads; {@code cIsZero}: the caller's
     * promise that c holds zeros (a fresh array), so the packed kernels need not read it. Modifies c only.
     */
    static void multiply(float[] a, int offA, int batchA, int rsA, int csA, float[] b, int offB, int batchB,
            int rsB, int csB, float[] c, int batch, int m, int k, int n, Kernel kernel, int threads, boolean cIsZero) {
        if (kernel == Kernel.SCALAR) {
            forEachBlock(batch, m, n, threads, (t, i0, i1, j0, j1) -> ScalarGemmF32.multiply(a, offA + t * batchA + i0 * rsA,
                    rsA, csA, b, offB + t * batchB + j0 * csB, rsB, csB, c, t * m * n + i0 * n + j0, n, i1 - i0, j1 - j0, k));
        } else if (matricesInParallel(batch, m, n, k, threads)) {
            CpuPool.run(batch, threads, t -> GemmF32.multiply(a, offA + t * batchA, rsA, csA, b, offB + t * batchB, rsB,
                    csB, c, t * m * n, n, m, n, k, 1, cIsZero));
        } else {
            for (int t = 0; t < batch; t++) {
                GemmF32.multiply(a, offA + t * batchA, rsA, csA, b, offB + t * batchB, rsB, csB, c, t * m * n, n, m, n, k,
                        threads, cIsZero);
            }
        }
    }

    /**
     * c[t] += a[t] @ b[t] with the given kernel on up to {@code threads} threads; {@code cIsZero}: the caller's
     * promise that c holds zeros (a fresh array), so the packed kernels need not read it. Modifies c only.
     */
    static void multiply(double[] a, int offA, int batchA, int rsA, int csA, double[] b, int offB, int batchB,
            int rsB, int csB, double[] c, int batch, int m, int k, int n, Kernel kernel, int threads, boolean cIsZero) {
        if (kernel == Kernel.SCALAR) {
            forEachBlock(batch, m, n, threads, (t, i0, i1, j0, j1) -> ScalarGemmF64.multiply(a, offA + t * batchA + i0 * rsA,
                    rsA, csA, b, offB + t * batchB + j0 * csB, rsB, csB, c, t * m * n + i0 * n + j0, n, i1 - i0, j1 - j0, k));
        } else if (matricesInParallel(batch, m, n, k, threads)) {
            CpuPool.run(batch, threads, t -> GemmF64.multiply(a, offA + t * batchA, rsA, csA, b, offB + t * batchB, rsB,
                    csB, c, t * m * n, n, m, n, k, 1, cIsZero));
        } else {
            for (int t = 0; t < batch; t++) {
                GemmF64.multiply(a, offA + t * batchA, rsA, csA, b, offB + t * batchB, rsB, csB, c, t * m * n, n, m, n, k,
                        threads, cIsZero);
            }
        }
    }

    /**
     * Whether the packed kernels should take whole matrices of the batch as tasks (each on one thread) rather than
     * one matrix after another on all threads: when the matrices are small, or many, or divide evenly among threads.
     */
    private static boolean matricesInParallel(int batch, int m, int n, int k, int threads) {
        return threads > 1 && batch > 1
                && ((long) m * n * k < PARALLEL_MIN_WORK || batch % threads == 0 || batch >= 4 * threads);
    }

    /** One block of one product of the batch: rows [i0, i1) and columns [j0, j1) of c[t]. */
    private interface Block {
        void run(int t, int i0, int i1, int j0, int j1);
    }

    /**
     * Runs every block of a batch of m x n products on up to {@code threads} threads (for the scalar kernels):
     * whole matrices when the batch alone feeds every thread, else each matrix cut along its longer side so that the
     * blocks divide evenly among the threads. Blocks share no output, so results do not depend on the split.
     */
    private static void forEachBlock(int batch, int m, int n, int threads, Block block) {
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        if (threads <= 1) {
            for (int t = 0; t < batch; t++) {
                block.run(t, 0, m, 0, n);
            }
            return;
        }
        boolean byRows = m >= n;
        int length = byRows ? m : n;
        // Parts per matrix such that batch * parts is a multiple of the thread count.
        int parts = Math.min(length, threads / gcd(batch, threads));
        CpuPool.run(batch * parts, threads, task -> {
            int t = task / parts;
            int q = task % parts;
            int from = (int) ((long) length * q / parts);
            int to = (int) ((long) length * (q + 1) / parts);
            if (byRows) {
                block.run(t, from, to, 0, n);
            } else {
                block.run(t, 0, m, from, to);
            }
        });
    }

    private static int gcd(int x, int y) {
        while (y != 0) {
            int r = x % y;
            x = y;
            y = r;
        }
        return x;
    }
}
