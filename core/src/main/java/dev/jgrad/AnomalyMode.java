package dev.jgrad;

/**
 * Anomaly detection as a scope ({@code try (var a = AnomalyMode.enable()) {...}}): nodes created inside
 * remember where they were created, and a backward op that produces NaN or infinite values fails naming
 * the op and showing the forward call that created it. Slower; for debugging.
 */
public final class AnomalyMode implements AutoCloseable {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {false});

    private final boolean previous;

    private AnomalyMode(boolean enabled) {
        boolean[] flag = ENABLED.get();
        this.previous = flag[0];
        flag[0] = enabled;
    }

    /** Turns anomaly detection on for this thread until the scope closes. */
    public static AnomalyMode enable() {
        return new AnomalyMode(true);
    }

    /** Whether anomaly detection is on for this thread (off by default). */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Restores the mode that was in force when this scope opened. */
    @Override
    public void close() {
        ENABLED.get()[0] = previous;
    }
}
