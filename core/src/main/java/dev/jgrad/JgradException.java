package dev.jgrad;

/** Base of every error jgrad raises for bad input or misuse. Messages name the op, shapes and dtypes. */
public class JgradException extends RuntimeException {
    public JgradException(String message) {
        super(message);
    }

    public JgradException(String message, Throwable cause) {
        super(message, cause);
    }
}
