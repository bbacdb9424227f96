package dev.jgrad;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Levels of forward-mode differentiation on this thread. Each {@code jvp} opens a level and closes it
 * when done; tangents are propagated only for open levels. While a primitive's JVP rule computes the
 * tangent of level L, level L is paused: the rule's own ops treat L's tangents as constants (dual
 * numbers: epsilon squared is zero), while other levels still flow through them, which is what makes
 * nested {@code jvp} and forward-over-reverse exact.
 */
final class ForwardMode {
    private ForwardMode() {
    }

    private static final AtomicInteger NEXT_LEVEL = new AtomicInteger(1);

    private static final class State {
        int[] open = new int[4];
        int openCount;
        int[] paused = new int[4];
        int pausedCount;
    }

    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    /** Opens a new level (unique across threads) on this thread. */
    static int open() {
        State s = STATE.get();
        int level = NEXT_LEVEL.getAndIncrement();
        if (s.openCount == s.open.length) {
            s.open = java.util.Arrays.copyOf(s.open, s.openCount * 2);
        }
        s.open[s.openCount++] = level;
        return level;
    }

    static void close(int level) {
        State s = STATE.get();
        for (int i = s.openCount - 1; i >= 0; i--) {
            if (s.open[i] == level) {
                System.arraycopy(s.open, i + 1, s.open, i, s.openCount - i - 1);
                s.openCount--;
                return;
            }
        }
    }

    /** True when tangents of {@code level} should be pushed through ops right now. */
    static boolean propagates(int level) {
        State s = STATE.get();
        boolean open = false;
        for (int i = 0; i < s.openCount && !open; i++) {
            open = s.open[i] == level;
        }
        for (int i = 0; i < s.pausedCount && open; i++) {
            open = s.paused[i] != level;
        }
        return open;
    }

    static void pause(int level) {
        State s = STATE.get();
        if (s.pausedCount == s.paused.length) {
            s.paused = java.util.Arrays.copyOf(s.paused, s.pausedCount * 2);
        }
        s.paused[s.pausedCount++] = level;
    }

    static void resume() {
        STATE.get().pausedCount--;
    }
}
