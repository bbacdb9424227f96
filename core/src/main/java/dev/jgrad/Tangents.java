package dev.jgrad;

/**
 * A tensor's forward-mode tangents, one per active {@link ForwardMode} level (nested {@code jvp} calls
 * each open a level, so perturbations of different calls never mix). An immutable list: tensors
 * usually carry none or one.
 */
record Tangents(int level, Tensor value, Tangents next) {

    static Tensor get(Tangents list, int level) {
        for (Tangents t = list; t != null; t = t.next) {
            if (t.level == level) {
                return t.value;
            }
        }
        return null;
    }

    static Tangents with(Tangents list, int level, Tensor value) {
        return new Tangents(level, value, without(list, level));
    }

    static Tangents without(Tangents list, int level) {
        if (list == null) {
            return null;
        }
        if (list.level == level) {
            return list.next;
        }
        Tangents rest = without(list.next, level);
        return rest == list.next ? list : new Tangents(list.level, list.value, rest);
    }
}
