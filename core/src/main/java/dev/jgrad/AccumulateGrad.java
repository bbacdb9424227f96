package dev.jgrad;

/** The node at a leaf that requires grad: adds the incoming gradient into {@link Tensor#grad()}. */
final class AccumulateGrad extends Node {
    private static final Node[] NONE = new Node[0];
    final Tensor variable;

    AccumulateGrad(Tensor variable) {
        super("AccumulateGrad", NONE);
        this.variable = variable;
    }

    @Override
    Tensor[] apply(Tensor grad) {
        variable.accumulateGrad(grad, false);
        return NONE_GRADS;
    }

    /** As {@link #apply}, for a gradient that nothing else references: the leaf may keep it without a copy. */
    @Override
    Tensor[] applyOwned(Tensor grad) {
        variable.accumulateGrad(grad, true);
        return NONE_GRADS;
    }

    private static final Tensor[] NONE_GRADS = new Tensor[0];
}
