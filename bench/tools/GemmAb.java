import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Compares two builds of the pure-Java GEMM in one JVM, product by product. On the shared dev machine one core's
 * speed switches between two levels (about 55 and 90 GFLOP/s for the float32 micro-kernel) for stretches of a
 * second to a minute, so timings from separate JVMs, or from blocks of runs, differ by more than most changes
 * do. Here each build's classes come from their own class loader, the two products alternate (the order
 * swapped every pair), and the result is the median of the per-pair time ratios, which both builds share the
 * slow and fast stretches for. Run it with A = B once to see its own spread (A/A medians came out at
 * 0.975-0.99).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Xms4g -Xmx4g -XX:+AlwaysPreTouch bench/tools/GemmAb.java \
 *     A_CLASSES B_CLASSES [n=1024] [threads=2] [pairs=40] [f32|f64]
 * </pre>
 * where a CLASSES folder is a core/target/classes (for the build before a change: {@code git worktree add
 * /tmp/base REV}, then {@code ./mvnw -q -o compile -pl core} there). Prints the minimum and median time of each
 * and the median of B / A with its quartiles. Each build has its own CpuPool, whose helpers poll for the next
 * product for 50 ms: back to back, one build's helper would take a core from the other's product, so pass
 * {@code -Djgrad.threads.spinMillis=0} (before the file name) when comparing builds on more than one thread.
 */
public final class GemmAb {
    private GemmAb() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: GemmAb A_CLASSES B_CLASSES [n] [threads] [pairs] [f32|f64]");
            System.exit(2);
        }
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int pairs = args.length > 4 ? Integer.parseInt(args[4]) : 40;
        boolean f64 = args.length > 5 && args[5].equals("f64");
        Method[] multiply = {load(args[0], f64), load(args[1], f64)};

        Random random = new Random(1);
        Object a = randomMatrix(n, f64, random);
        Object b = randomMatrix(n, f64, random);
        double[][] millis = new double[2][pairs];
        double[] ratios = new double[pairs];
        // Untimed pairs first, 5 and 3 s at least, so that C2 has compiled both builds' kernels.
        long warmUpEnd = System.nanoTime() + 3_000_000_000L;
        for (int pair = 0, untimed = 0; pair < pairs; ) {
            boolean timed = untimed >= 5 && System.nanoTime() >= warmUpEnd;
            for (int turn = 0; turn < 2; turn++) {
                int build = (pair & 1) == 0 ? turn : 1 - turn;
                Object c = f64 ? new double[n * n] : new float[n * n];
                long start = System.nanoTime();
                // GemmF32/F64.multiply(a, offA, rsA, csA, b, offB, rsB, csB, c, offC, ldc, m, n, k, threads, cIsZero)
                multiply[build].invoke(null, a, 0, n, 1, b, 0, n, 1, c, 0, n, n, n, n, threads, true);
                if (timed) {
                    millis[build][pair] = (System.nanoTime() - start) / 1e6;
                }
            }
            if (timed) {
                ratios[pair] = millis[1][pair] / millis[0][pair];
                pair++;
            } else {
                untimed++;
            }
        }
        for (double[] times : millis) {
            Arrays.sort(times);
        }
        Arrays.sort(ratios);
        System.out.printf("%s %d^2, %d thread(s), %d pairs: A min %.2f median %.2f ms | B min %.2f median %.2f ms"
                + " | B/A median %.3f (quartiles %.3f, %.3f)%n", f64 ? "float64" : "float32", n, threads, pairs,
                millis[0][0], millis[0][pairs / 2], millis[1][0], millis[1][pairs / 2], ratios[pairs / 2],
                ratios[pairs / 4], ratios[3 * pairs / 4]);
    }

    /** An n x n double[] or float[] of uniform values in [0, 1). */
    static Object randomMatrix(int n, boolean f64, Random random) {
        if (f64) {
            double[] m = new double[n * n];
            Arrays.setAll(m, i -> random.nextDouble());
            return m;
        }
        float[] m = new float[n * n];
        for (int i = 0; i < m.length; i++) {
            m[i] = random.nextFloat();
        }
        return m;
    }

    /** The package-private multiply of one build's GemmF32 or GemmF64, from its own class loader. */
    static Method load(String classes, boolean f64) throws Exception {
        Path dir = Path.of(classes);
        if (!Files.isRegularFile(dir.resolve("dev/jgrad/cpu/GemmF32.class"))) {
            throw new IllegalArgumentException("no compiled dev/jgrad/cpu/GemmF32.class under " + dir
                    + " (expected a core/target/classes folder)");
        }
        var loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> gemm = Class.forName(f64 ? "dev.jgrad.cpu.GemmF64" : "dev.jgrad.cpu.GemmF32", true, loader);
        Class<?> array = f64 ? double[].class : float[].class;
        Method multiply = gemm.getDeclaredMethod("multiply", array, int.class, int.class, int.class, array, int.class,
                int.class, int.class, array, int.class, int.class, int.class, int.class, int.class, int.class,
                boolean.class);
        multiply.setAccessible(true);
        return multiply;
    }
}
