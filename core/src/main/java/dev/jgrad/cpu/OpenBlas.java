package dev.jgrad.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

/**
 * cblas_sgemm and cblas_dgemm of a system OpenBLAS through FFM, for {@code jgrad.blas=openblas}. The library reads
 * and writes the Java arrays in place, during critical calls. A critical call holds up the JVM's safepoints (and so
 * every other thread's garbage collection) until it returns, so a large product is cut into blocks of bounded work
 * (see {@link Blocking}): along the depth first, where the blocks' packing adds up to one call's, then along the rows.
 */
final class OpenBlas {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;
    /** Library names tried in order, unless the system property jgrad.blas.library names one. */
    private static final List<String> NAMES = List.of("libopenblas.so.0", "libopenblas.so", "libopenblas.dylib",
            "openblas");

    private final String library;
    private final MethodHandle sgemm;
    private final MethodHandle dgemm;

    private OpenBlas(String library, SymbolLookup lookup) {
        this.library = library;
        Linker linker = Linker.nativeLinker();
        MemorySegment s = lookup.find("cblas_sgemm").orElseThrow();
        MemorySegment d = lookup.find("cblas_dgemm").orElseThrow();
        ValueLayout i = ValueLayout.JAVA_INT;
        ValueLayout p = ValueLayout.ADDRESS;
        FunctionDescriptor fs = FunctionDescriptor.ofVoid(i, i, i, i, i, i, ValueLayout.JAVA_FLOAT, p, i, p, i,
                ValueLayout.JAVA_FLOAT, p, i);
        FunctionDescriptor fd = FunctionDescriptor.ofVoid(i, i, i, i, i, i, ValueLayout.JAVA_DOUBLE, p, i, p, i,
                ValueLayout.JAVA_DOUBLE, p, i);
        Linker.Option heap = Linker.Option.critical(true);
        sgemm = linker.downcallHandle(s, fs, heap);
        dgemm = linker.downcallHandle(d, fd, heap);
        // Use the CPU backend's thread count.
        lookup.find("openblas_set_num_threads").ifPresent(f -> {
            try {
                linker.downcallHandle(f, FunctionDescriptor.ofVoid(i)).invokeExact(CpuPool.threads());
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The library found on this system, or why there is none. */
    static Optional<OpenBlas> load(StringBuilder whyNot) {
        String named = System.getProperty("jgrad.blas.library");
        for (String name : named != null ? List.of(named) : NAMES) {
            try {
                SymbolLookup lookup = SymbolLookup.libraryLookup(name, Arena.global());
                if (lookup.find("cblas_sgemm").isPresent() && lookup.find("cblas_dgemm").isPresent()) {
                    return Optional.of(new OpenBlas(name, lookup));
                }
                whyNot.append(name).append(" has no cblas_sgemm/cblas_dgemm; ");
            } catch (IllegalArgumentException e) {
                whyNot.append(name).append(" not found; ");
            } catch (IllegalCallerException e) {
                whyNot.append("native access is disabled (start java with --enable-native-access=ALL-UNNAMED); ");
                break;
            }
        }
        return Optional.empty();
    }

    String library() {
        return library;
    }

    /**
     * The cblas transpose flag and leading dimension for a rows x cols operand with strides (rs, cs), or null when
     * the layout is not one BLAS can read (general or zero strides).
     */
    static int[] layout(int rows, int cols, int rs, int cs) {
        if ((cs == 1 || cols == 1) && (rs >= Math.max(1, cols) || rows == 1)) {
            return new int[] {NO_TRANS, rows == 1 ? Math.max(1, cols) : rs};
        }
        if ((rs == 1 || rows == 1) && (cs >= Math.max(1, rows) || cols == 1)) {
            return new int[] {TRANS, cols == 1 ? Math.max(1, rows) : cs};
        }
        return null;
    }

    /**
     * How a product is cut into calls: each does at most {@code maxWork} multiply-adds, unless the blocks are already
     * {@code minDepth} deep and {@code minRows} high (smaller ones would spend more on packing than they save).
     */
    record Blocking(long maxWork, int minDepth, int minRows) {
        /**
         * About 10 ms of work at the dev machine's peak. 256 deep is about the depth a BLIS-style GEMM packs at once on
         * AVX2 cores anyway, so cutting there adds little packing (2048^3 float32: 169-179 ms with off-heap copies,
         * 122-129 ms cut into eight depth blocks, on par with NumPy's 118-137 ms in the same runs).
         */
        static final Blocking DEFAULT = new Blocking(1L << 30, 256, 64);

        /** Depth of the blocks for an m x n x k product: k when it fits, else k cut into equal parts. */
        int depth(int m, int n, int k) {
            return evenly(k, Math.max(minDepth, maxWork / Math.max(1, (long) m * n)));
        }

        /** Rows of the blocks for an m x n x k product cut to the given depth. */
        int rows(int m, int n, int depth) {
            return evenly(m, Math.max(minRows, maxWork / Math.max(1, (long) n * depth)));
        }

        /** The size of blocks at most {@code max} long that cut {@code length} into equal parts (the last shorter). */
        private static int evenly(int length, long max) {
            if (length <= max) {
                return Math.max(1, length);
            }
            long parts = (length + max - 1) / max;
            return (int) ((length + parts - 1) / parts);
        }
    }

    /** One call on a block: rows x n x depth, the operands' element offsets, and whether it adds to c. */
    @FunctionalInterface
    private interface BlockCall {
        void call(int rows, int depth, long offA, long offB, long offC, boolean accumulate) throws Throwable;
    }

    /** c[offC..] (m x n, row-major) = a @ b for BLAS-readable layouts la, lb (see {@link #layout}). Modifies c. */
    void sgemm(float[] a, int offA, int[] la, float[] b, int offB, int[] lb, float[] c, int offC, int m, int n, int k) {
        sgemm(a, offA, la, b, offB, lb, c, offC, m, n, k, Blocking.DEFAULT);
    }

    /** As above, cut into calls as {@code blocking} says. */
    void sgemm(float[] a, int offA, int[] la, float[] b, int offB, int[] lb, float[] c, int offC, int m, int n, int k,
            Blocking blocking) {
        MemorySegment sa = MemorySegment.ofArray(a), sb = MemorySegment.ofArray(b), sc = MemorySegment.ofArray(c);
        inBlocks("cblas_sgemm", offA, la, offB, lb, offC, m, n, k, blocking, (rows, depth, oa, ob, oc, accumulate) -> {
            // A statement, so that invokeExact's type is void, the handle's.
            sgemm.invokeExact(ROW_MAJOR, la[0], lb[0], rows, n, depth, 1f, sa.asSlice(oa * Float.BYTES), la[1],
                    sb.asSlice(ob * Float.BYTES), lb[1], accumulate ? 1f : 0f, sc.asSlice(oc * Float.BYTES), n);
        });
    }

    /** c[offC..] (m x n, row-major) = a @ b for BLAS-readable layouts la, lb (see {@link #layout}). Modifies c. */
    void dgemm(double[] a, int offA, int[] la, double[] b, int offB, int[] lb, double[] c, int offC, int m, int n, int k) {
        dgemm(a, offA, la, b, offB, lb, c, offC, m, n, k, Blocking.DEFAULT);
    }

    /** As above, cut into calls as {@code blocking} says. */
    void dgemm(double[] a, int offA, int[] la, double[] b, int offB, int[] lb, double[] c, int offC, int m, int n, int k,
            Blocking blocking) {
        MemorySegment sa = MemorySegment.ofArray(a), sb = MemorySegment.ofArray(b), sc = MemorySegment.ofArray(c);
        inBlocks("cblas_dgemm", offA, la, offB, lb, offC, m, n, k, blocking, (rows, depth, oa, ob, oc, accumulate) -> {
            // A statement, so that invokeExact's type is void, the handle's.
            dgemm.invokeExact(ROW_MAJOR, la[0], lb[0], rows, n, depth, 1d, sa.asSlice(oa * Double.BYTES), la[1],
                    sb.asSlice(ob * Double.BYTES), lb[1], accumulate ? 1d : 0d, sc.asSlice(oc * Double.BYTES), n);
        });
    }

    /**
     * Calls {@code call} on each block of c = a @ b: row blocks of c in turn, each summed over the depth blocks (the
     * first writes c, the rest add to it). Offsets step along a's rows and columns and b's rows by their strides.
     */
    private static void inBlocks(String function, int offA, int[] la, int offB, int[] lb, int offC, int m, int n,
            int k, Blocking blocking, BlockCall call) {
        int depth = blocking.depth(m, n, k);
        int rows = blocking.rows(m, n, depth);
        long aRowStride = la[0] == NO_TRANS ? la[1] : 1, aColStride = la[0] == NO_TRANS ? 1 : la[1];
        long bRowStride = lb[0] == NO_TRANS ? lb[1] : 1;
        try {
            for (int i = 0; i < m; i += rows) {
                int r = Math.min(rows, m - i);
                int p = 0;
                do { // once at least, so that k = 0 writes zeros
                    call.call(r, Math.min(depth, k - p), offA + i * aRowStride + p * aColStride,
                            offB + p * bRowStride, offC + (long) i * n, p > 0);
                    p += depth;
                } while (p < k);
            }
        } catch (Throwable e) {
            throw new IllegalStateException(function + " failed", e);
        }
    }
}
