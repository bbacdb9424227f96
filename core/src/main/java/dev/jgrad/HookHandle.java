package dev.jgrad;

/** Returned by {@link Tensor#registerHook}; {@link #remove()} unregisters the hook. */
@FunctionalInterface
public interface HookHandle {
    /** Unregisters the hook; a second call does nothing. */
    void remove();
}
