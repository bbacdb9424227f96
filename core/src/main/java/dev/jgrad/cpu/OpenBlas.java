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
 * cblas_sgemm and cblas_dgemm of a system OpenBLAS through FFM, for {@code jgrad.blas=openblas}. Operands are passed
 * in place (heap arrays, during a critical call) up to a size, and as off-heap copies above it, so that a long call
 * does not hold up the JVM's safepoints.
 */
final class OpenBlas {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;
    /** m * n * k up to which the call reads the Java arrays in place (about 10 ms of work at peak). */
    private static final long IN_PLACE_MAX_WORK = 1L << 30;
    /** Library names tried in order, unless the system property jgrad.blas.library names one. */
    private static final List<String> NAMES = List.of("libopenblas.so.0", "libopenblas.so", "libopenblas.dylib",
            "openblas");

    private final String library;
    private final MethodHandle sgemmInPlace;
    private final MethodHandle dgemmInPlace;
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
        sgemmInPlace = linker.downcallHandle(s, fs, heap);
        dgemmInPlace = linker.downcallHandle(d, fd, heap);
        sgemm = linker.downcallHandle(s, fs);
        dgemm = linker.downcallHandle(d, fd);
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

    /** c[offC..] (m x n, row-major) = a @ b for BLAS-readable layouts la, lb (see {@link #layout}). Modifies c. */
    void sgemm(float[] a, int offA, int[] la, float[] b, int offB, int[] lb, float[] c, int offC, int m, int n, int k) {
        sgemm(a, offA, la, b, offB, lb, c, offC, m, n, k, (long) m * n * k <= IN_PLACE_MAX_WORK);
    }

    /** As above, reading the arrays in place or through off-heap copies as asked. */
    void sgemm(float[] a, int offA, int[] la, float[] b, int offB, int[] lb, float[] c, int offC, int m, int n, int k,
            boolean inPlace) {
        try {
            if (inPlace) {
                sgemmInPlace.invokeExact(ROW_MAJOR, la[0], lb[0], m, n, k, 1f,
                        MemorySegment.ofArray(a).asSlice((long) offA * Float.BYTES), la[1],
                        MemorySegment.ofArray(b).asSlice((long) offB * Float.BYTES), lb[1], 0f,
                        MemorySegment.ofArray(c).asSlice((long) offC * Float.BYTES), n);
                return;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment na = copy(arena, MemorySegment.ofArray(a), offA, extent(m, k, la), Float.BYTES);
                MemorySegment nb = copy(arena, MemorySegment.ofArray(b), offB, extent(k, n, lb), Float.BYTES);
                MemorySegment nc = arena.allocate((long) m * n * Float.BYTES, 64);
                sgemm.invokeExact(ROW_MAJOR, la[0], lb[0], m, n, k, 1f, na, la[1], nb, lb[1], 0f, nc, n);
                MemorySegment.copy(nc, ValueLayout.JAVA_FLOAT, 0, c, offC, m * n);
            }
        } catch (Throwable e) {
            throw new IllegalStateException("cblas_sgemm failed", e);
        }
    }

    /** c[offC..] (m x n, row-major) = a @ b for BLAS-readable layouts la, lb (see {@link #layout}). Modifies c. */
    void dgemm(double[] a, int offA, int[] la, double[] b, int offB, int[] lb, double[] c, int offC, int m, int n, int k) {
        dgemm(a, offA, la, b, offB, lb, c, offC, m, n, k, (long) m * n * k <= IN_PLACE_MAX_WORK);
    }

    /** As above, reading the arrays in place or through off-heap copies as asked. */
    void dgemm(double[] a, int offA, int[] la, double[] b, int offB, int[] lb, double[] c, int offC, int m, int n, int k,
            boolean inPlace) {
        try {
            if (inPlace) {
                dgemmInPlace.invokeExact(ROW_MAJOR, la[0], lb[0], m, n, k, 1d,
                        MemorySegment.ofArray(a).asSlice((long) offA * Double.BYTES), la[1],
                        MemorySegment.ofArray(b).asSlice((long) offB * Double.BYTES), lb[1], 0d,
                        MemorySegment.ofArray(c).asSlice((long) offC * Double.BYTES), n);
                return;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment na = copy(arena, MemorySegment.ofArray(a), offA, extent(m, k, la), Double.BYTES);
                MemorySegment nb = copy(arena, MemorySegment.ofArray(b), offB, extent(k, n, lb), Double.BYTES);
                MemorySegment nc = arena.allocate((long) m * n * Double.BYTES, 64);
                dgemm.invokeExact(ROW_MAJOR, la[0], lb[0], m, n, k, 1d, na, la[1], nb, lb[1], 0d, nc, n);
                MemorySegment.copy(nc, ValueLayout.JAVA_DOUBLE, 0, c, offC, m * n);
            }
        } catch (Throwable e) {
            throw new IllegalStateException("cblas_dgemm failed", e);
        }
    }

    /** Elements BLAS reads for a rows x cols operand of layout l: (outer - 1) * ld + inner. */
    private static long extent(int rows, int cols, int[] l) {
        int outer = l[0] == NO_TRANS ? rows : cols;
        int inner = l[0] == NO_TRANS ? cols : rows;
        return (long) (outer - 1) * l[1] + inner;
    }

    private static MemorySegment copy(Arena arena, MemorySegment heap, int off, long elements, int bytes) {
        MemorySegment n = arena.allocate(elements * bytes, 64);
        MemorySegment.copy(heap, (long) off * bytes, n, 0, elements * bytes);
        return n;
    }
}
