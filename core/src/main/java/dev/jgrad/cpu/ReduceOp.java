package dev.jgrad.cpu;

/** Reductions over a set of dims: the SUM, PROD, MAX or MIN of the reduced elements (MAX and MIN propagate NaN). */
public enum ReduceOp {
    SUM, PROD, MAX, MIN;

    double identity() {
        return switch (this) {
            case SUM -> 0.0;
            case PROD -> 1.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    double combine(double acc, double x) {
        return switch (this) {
            case SUM -> acc + x;
            case PROD -> acc * x;
            // Math.max and Math.min: NaN wins and -0.0 < 0.0, so the result does not depend on the order.
            case MAX -> Math.max(acc, x);
            case MIN -> Math.min(acc, x);
        };
    }

    long combineLong(long acc, long x) {
        return switch (this) {
            case SUM -> acc + x;
            case PROD -> acc * x;
            case MAX -> Math.max(acc, x);
            case MIN -> Math.min(acc, x);
        };
    }

    long identityLong() {
        return switch (this) {
            case SUM -> 0L;
            case PROD -> 1L;
            case MAX -> Long.MIN_VALUE;
            case MIN -> Long.MAX_VALUE;
        };
    }
}
