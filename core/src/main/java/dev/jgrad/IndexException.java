package dev.jgrad;

/** A dimension or index out of range, or a malformed index or subscript string. */
public class IndexException extends JgradException {
    /** An index error with the given message. */
    public IndexException(String message) {
        super(message);
    }
}
