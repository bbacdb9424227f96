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

    public static AnomalyMode enable() {
        return new AnomalyMode(true);
    }

    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    @Override
    public void close() {
        ENABLED.get()[0] = previous;
    }
}
