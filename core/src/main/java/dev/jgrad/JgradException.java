package dev.jgrad;

/** Base of every error jgrad raises for bad input or misuse. Messages name the op, shapes and dtypes. */
public class JgradException extends RuntimeException {
    /** An error with the given message. */
    public JgradException(String message) {
        super(message);
    }

    /** An error with the given message and cause. */
    public JgradException(String message, Throwable cause) {
        super(message, cause);
    }
}
