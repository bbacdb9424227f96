package dev.jgrad.bench;

import java.util.Arrays;

/** Wall-clock timing of a {@link Step}: warm-up repetitions, then the median and minimum of the timed ones. */
public final class Timing {
    /** Where the results go so that no repetition's work can be optimised away. */
    private static volatile double blackhole;

    private Timing() {
    }

    /** What one workload measured: seconds per repetition, the repetition count and the last step's result. */
    public record Measurement(double medianS, double minS, int reps, double result) {
    }

    /**
     * Runs {@code warmupReps} untimed repetitions, and more until {@code warmupMinSeconds} have passed (so the
     * JIT has compiled the step), then times {@code reps} repetitions one by one with {@link System#nanoTime()}.
     */
    public static Measurement measure(Step step, int warmupReps, double warmupMinSeconds, int reps) {
        if (reps < 1) {
            throw new IllegalArgumentException("reps must be at least 1, got " + reps);
        }
        double sink = 0;
        long warmStart = System.nanoTime();
        long warmBudget = (long) (warmupMinSeconds * 1e9);
        for (int i = 0; i < warmupReps || System.nanoTime() - warmStart < warmBudget; i++) {
            sink += step.run();
        }
        double[] seconds = new double[reps];
        double result = Double.NaN;
        for (int i = 0; i < reps; i++) {
            Once once = once(step);
            seconds[i] = once.seconds();
            result = once.result();
        }
        blackhole = sink;
        return new Measurement(median(seconds), Arrays.stream(seconds).min().orElseThrow(), reps, result);
    }

    /** One timed repetition: its seconds and its result. */
    public record Once(double seconds, double result) {
    }

    /** Times one repetition of {@code step} (already warmed up) with {@link System#nanoTime()}. */
    public static Once once(Step step) {
        long t0 = System.nanoTime();
        double result = step.run();
        double seconds = (System.nanoTime() - t0) * 1e-9;
        blackhole = result;
        return new Once(seconds, result);
    }

    /** The median, as Python's statistics.median: the mean of the two middle values for an even count. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
