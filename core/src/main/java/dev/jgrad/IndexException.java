package dev.jgrad;

/** A dimension or index out of range, or a malformed index or subscript string. */
public class IndexException extends JgradException {
    public IndexException(String message) {
        super(message);
    }
}
