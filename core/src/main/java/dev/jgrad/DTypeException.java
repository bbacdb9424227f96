package dev.jgrad;

/** A dtype the op does not take, e.g. {@code sin} of a BOOL tensor or requiresGrad on INT64. */
public class DTypeException extends JgradException {
    /** A dtype error with the given message. */
    public DTypeException(String message) {
        super(message);
    }
}
