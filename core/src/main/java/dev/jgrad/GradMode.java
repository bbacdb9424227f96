package dev.jgrad;

/**
 * Whether operations are recorded for autograd on this thread. Use as a scope:
 * {@code try (var g = GradMode.noGrad()) { x.subInPlace(x.grad().mul(0.1)); }}.
 */
public final class GradMode implements AutoCloseable {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private final boolean previous;

    private GradMode(boolean enabled) {
        boolean[] flag = ENABLED.get();
        this.previous = flag[0];
        flag[0] = enabled;
    }

    /** Turns recording off until the scope closes (like {@code torch.no_grad()}). */
    public static GradMode noGrad() {
        return new GradMode(false);
    }

    /** Turns recording on until the scope closes, also inside a {@link #noGrad()} scope. */
    public static GradMode enableGrad() {
        return new GradMode(true);
    }

    /** Sets recording on or off until the scope closes. */
    public static GradMode setEnabled(boolean enabled) {
        return new GradMode(enabled);
    }

    /** Whether operations are recorded on this thread now (true unless a scope turned it off). */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Restores the mode that was in force when this scope opened. */
    @Override
    public void close() {
        ENABLED.get()[0] = previous;
    }
}
