package dev.jgrad;

/** Misuse of autograd: modified saved tensors, backward through a freed graph, in-place on leaves, and so on. */
public class AutogradException extends JgradException {
    /** An autograd error with the given message. */
    public AutogradException(String message) {
        super(message);
    }

    /** An autograd error with the given message and cause. */
    public AutogradException(String message, Throwable cause) {
        super(message, cause);
    }
}
