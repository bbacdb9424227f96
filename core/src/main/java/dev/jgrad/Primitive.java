package dev.jgrad;

/**
 * One entry of the primitive table ({@link Primitives}): the name its backward node prints
 * ({@code name + "Backward"}), whether gradients flow through it, and what its VJP's gradients may share.
 */
record Primitive(String name, boolean differentiable, String nodeName, GradOwnership ownership) {
    Primitive(String name, boolean differentiable) {
        this(name, differentiable, name + "Backward", GradOwnership.UNKNOWN);
    }

    /**
     * What backward may assume about the gradients a VJP returns, so that a leaf can keep one without a copy
     * (as PyTorch's AccumulateGrad steals a gradient nothing else references) and the next VJP can write into it.
     */
    enum GradOwnership {
        /** Nothing: the gradients may be the incoming one or share memory with each other. */
        UNKNOWN,
        /**
         * Each gradient is either the incoming one itself (perhaps updated in place) or newly computed memory
         * (or a view of it) that no other tensor references; one tensor may be returned for several inputs.
         */
        FRESH,
        /** The one gradient is a view of the incoming gradient: as exclusively held as the incoming one. */
        VIEW_OF_GRAD
    }
}
