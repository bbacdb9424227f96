package dev.jgrad;

/**
 * One entry of the primitive table ({@link Primitives}): the name its backward node prints
 * ({@code name + "Backward"}) and whether gradients flow through it.
 */
record Primitive(String name, boolean differentiable, String nodeName) {
    Primitive(String name, boolean differentiable) {
        this(name, differentiable, name + "Backward");
    }
}
