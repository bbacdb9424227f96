package dev.jgrad.bench;

import dev.jgrad.cpu.CpuPool;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a parallel region of CpuPool costs: one small task per thread ({@code region}) against the same tasks one
 * after another on the caller ({@code serial}). With {@code -p spinMillis=0} the helpers park after each region,
 * so every region wakes them; with the default 50 they are still polling when the next region starts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PoolBench {
    /** The system property jgrad.threads.spinMillis of the fork. */
    @Param({"50", "0"})
    public String spinMillis;

    /** Elements each task sums (2048 doubles: about a microsecond). */
    @Param({"2048"})
    public int elements;

    private double[][] rows;
    private double[] sums;

    @Setup
    public void setup() {
        // Read when CpuPool is first used, which comes after this.
        System.setProperty("jgrad.threads.spinMillis", spinMillis);
        rows = new double[CpuPool.threads()][elements];
        for (double[] row : rows) {
            Arrays.fill(row, 1.5);
        }
        sums = new double[rows.length];
    }

    @Benchmark
    public double[] region() {
        CpuPool.run(rows.length, this::sumRow);
        return sums;
    }

    @Benchmark
    public double[] serial() {
        for (int t = 0; t < rows.length; t++) {
            sumRow(t);
        }
        return sums;
    }

    private void sumRow(int t) {
        double s = 0;
        for (double x : rows[t]) {
            s += x;
        }
        sums[t] = s;
    }
}
