package dev.jgrad.bench;

/** One repetition of a workload: does the whole step and returns a number read from its result. */
@FunctionalInterface
public interface Step {
    /** Runs the step once; the returned value (e.g. the loss's {@code item()}) is read inside the timing. */
    double run();
}
