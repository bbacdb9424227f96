package dev.jgrad.bench;

import java.util.function.Supplier;

/**
 * A named benchmark workload. {@code setUp} builds the inputs (not timed) and returns the step that one
 * repetition runs; {@code reps} and {@code warmup} are the reference's counts (anchors_torch.py).
 */
public record Workload(String name, String description, int reps, int warmup, Supplier<Step> setUp) {
}
