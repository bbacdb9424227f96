package dev.jgrad;

/** Shapes that do not fit the op: no broadcast, wrong inner sizes, a reshape to another element count. */
public class ShapeException extends JgradException {
    /** A shape error with the given message. */
    public ShapeException(String message) {
        super(message);
    }
}
