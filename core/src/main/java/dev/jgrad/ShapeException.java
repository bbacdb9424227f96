package dev.jgrad;

/** Shapes that do not fit the op: no broadcast, wrong inner sizes, a reshape to another element count. */
public class ShapeException extends JgradException {
    public ShapeException(String message) {
        super(message);
    }
}
