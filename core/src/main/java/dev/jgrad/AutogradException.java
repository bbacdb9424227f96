package dev.jgrad;

/** Misuse of autograd: modified saved tensors, backward through a freed graph, in-place on leaves, and so on. */
public class AutogradException extends JgradException {
    public AutogradException(String message) {
        super(message);
    }

    public AutogradException(String message, Throwable cause) {
        super(message, cause);
    }
}
