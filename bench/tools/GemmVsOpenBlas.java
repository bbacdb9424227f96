import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

/**
 * Times the system OpenBLAS (cblas_sgemm or cblas_dgemm through FFM) and one or more builds of jgrad's pure-Java
 * GEMM in one JVM, one n x n product of each in turn per round, the order rotated every round. Prints the mean
 * times by fifths of the rounds (sorted by the round's total time, so the machine's slow stretches fall in the
 * last fifths) and the median per-round ratio OpenBLAS time / jgrad time: the target, measured with both
 * sides in the same few milliseconds of the machine's state.
 *
 * <pre>
 * OPENBLAS_THREAD_TIMEOUT=4 java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
 *     -Xms4g -Xmx4g bench/tools/GemmVsOpenBlas.java n threads rounds f32|f64 CLASSES...
 * </pre>
 * where each CLASSES is a core/target/classes folder. {@code -DpauseMillis=250} (before the file name) sleeps that long
 * before each timed product, as bench/paired_numpy.py does: products then start with the caches as other
 * programs left them, which favours layouts that move less data. OPENBLAS_THREAD_TIMEOUT=4 makes OpenBLAS's worker threads
 * sleep as soon as a product ends: by default they spin for about 0.1 s, and on two cores they then take a
 * core from the jgrad product that follows. jgrad's CpuPool helpers poll for 50 ms after a product likewise: without
 * pauses of over 50 ms, add {@code -Djgrad.threads.spinMillis=0}. To see how each side copes with a busy memory system, run a
 * memory-streaming loop on the other core with threads = 1 (docs/PERFORMANCE.md).
 */
public final class GemmVsOpenBlas {
    private GemmVsOpenBlas() {
    }

    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;

    public static void main(String[] args) throws Throwable {
        long pauseMillis = Long.getLong("pauseMillis", 0);
        if (args.length < 5 || !(args[3].equals("f32") || args[3].equals("f64")) || pauseMillis < 0) {
            System.err.println("usage: [-DpauseMillis=MS] GemmVsOpenBlas n threads rounds f32|f64 CLASSES...");
            System.exit(2);
        }
        int n = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        boolean f64 = args[3].equals("f64");
        Method[] builds = new Method[args.length - 4];
        for (int i = 0; i < builds.length; i++) {
            builds[i] = GemmAb.load(args[4 + i], f64); // GemmAb.java beside this file
        }
        MethodHandle gemm = openBlas(f64, threads);

        int sides = 1 + builds.length; // side 0 is OpenBLAS
        // Each side multiplies its own copies, as separate programs would: one side's product then finds the
        // other's operands in the caches no more than another program's.
        Object[] a = new Object[sides], b = new Object[sides];
        for (int side = 0; side < sides; side++) {
            a[side] = GemmAb.randomMatrix(n, f64, new Random(1));
            b[side] = GemmAb.randomMatrix(n, f64, new Random(2));
        }
        double[][] millis = new double[rounds][sides];
        // Untimed rounds first, 10 and 3 s at least: jgrad's GEMM hands products to its packed kernels only once
        // C2 has compiled them (about 1-2 s after the first large product).
        long warmUpEnd = System.nanoTime() + 3_000_000_000L;
        for (int round = 0, untimed = 0; round < rounds; ) {
            boolean timed = untimed >= 10 && System.nanoTime() >= warmUpEnd;
            for (int turn = 0; turn < sides; turn++) {
                int side = (turn + round) % sides;
                Object c = f64 ? new double[n * n] : new float[n * n];
                if (pauseMillis > 0 && timed) {
                    Thread.sleep(pauseMillis);
                }
                long start = System.nanoTime();
                if (side == 0) {
                    MemorySegment sa = segment(a[0]), sb = segment(b[0]), sc = segment(c);
                    if (f64) {
                        gemm.invokeExact(ROW_MAJOR, NO_TRANS, NO_TRANS, n, n, n, 1d, sa, n, sb, n, 0d, sc, n);
                    } else {
                        gemm.invokeExact(ROW_MAJOR, NO_TRANS, NO_TRANS, n, n, n, 1f, sa, n, sb, n, 0f, sc, n);
                    }
                } else {
                    // multiply(a, offA, rsA, csA, b, offB, rsB, csB, c, offC, ldc, m, n, k, threads, cIsZero)
                    builds[side - 1].invoke(null, a[side], 0, n, 1, b[side], 0, n, 1, c, 0, n, n, n, n, threads, true);
                }
                if (timed) {
                    millis[round][side] = (System.nanoTime() - start) / 1e6;
                }
            }
            if (timed) {
                round++;
            } else {
                untimed++;
            }
        }
        report(millis, builds.length, String.format("%s %d^2, %d thread(s), %d rounds", f64 ? "float64" : "float32",
                n, threads, rounds));
    }

    private static void report(double[][] millis, int builds, String title) {
        int rounds = millis.length;
        System.out.println(title);
        double[][] byTotal = millis.clone();
        Arrays.sort(byTotal, Comparator.comparingDouble(round -> Arrays.stream(round).sum()));
        for (int fifth = 0; fifth < 5; fifth++) {
            int from = rounds * fifth / 5, to = rounds * (fifth + 1) / 5;
            double[] mean = new double[builds + 1];
            for (int r = from; r < to; r++) {
                for (int side = 0; side <= builds; side++) {
                    mean[side] += byTotal[r][side] / (to - from);
                }
            }
            StringBuilder line = new StringBuilder(String.format("  fifth %d: OpenBLAS %.2f ms", fifth + 1, mean[0]));
            for (int build = 1; build <= builds; build++) {
                line.append(String.format(" | build %d %.2f ms (OpenBLAS/build %.3f)", build, mean[build],
                        mean[0] / mean[build]));
            }
            System.out.println(line);
        }
        for (int build = 1; build <= builds; build++) {
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = millis[r][0] / millis[r][build];
            }
            Arrays.sort(ratios);
            System.out.printf("  build %d: OpenBLAS/build median %.3f (quartiles %.3f, %.3f)%n", build,
                    ratios[rounds / 2], ratios[rounds / 4], ratios[3 * rounds / 4]);
        }
    }

    private static MemorySegment segment(Object array) {
        return array instanceof double[] d ? MemorySegment.ofArray(d) : MemorySegment.ofArray((float[]) array);
    }

    /** cblas_sgemm or cblas_dgemm of the system OpenBLAS, on the given number of threads. */
    private static MethodHandle openBlas(boolean f64, int threads) throws Throwable {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup("libopenblas.so.0", Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("no libopenblas.so.0 on this machine (apt-get install libopenblas0)", e);
        }
        MethodHandle setThreads = linker.downcallHandle(lib.find("openblas_set_num_threads").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
        setThreads.invokeExact(threads);
        ValueLayout scalar = f64 ? ValueLayout.JAVA_DOUBLE : ValueLayout.JAVA_FLOAT;
        ValueLayout i32 = ValueLayout.JAVA_INT, address = ValueLayout.ADDRESS;
        // The arrays are passed in place (heap segments), which FFM allows for critical calls only.
        return linker.downcallHandle(lib.find(f64 ? "cblas_dgemm" : "cblas_sgemm").orElseThrow(),
                FunctionDescriptor.ofVoid(i32, i32, i32, i32, i32, i32, scalar, address, i32, address, i32, scalar,
                        address, i32),
                Linker.Option.critical(true));
    }
}
