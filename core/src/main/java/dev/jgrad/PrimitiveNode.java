package dev.jgrad;

/** The backward node of one application of a primitive: its saved tensors and its VJP rule. */
final class PrimitiveNode extends Node {
    /** A primitive's vector-Jacobian product: input gradients from the output gradient and the saved tensors. */
    @FunctionalInterface
    interface Vjp {
        Tensor[] apply(Tensor grad, Tensor[] saved);
    }

    /**
     * A VJP that may write an input gradient into the output gradient's memory when backward hands it over
     * ({@code gradOwned}: nothing else references it), saving a fresh array per step of an elementwise chain.
     */
    @FunctionalInterface
    interface InPlaceVjp extends Vjp {
        Tensor[] apply(Tensor grad, Tensor[] saved, boolean gradOwned);

        @Override
        default Tensor[] apply(Tensor grad, Tensor[] saved) {
            return apply(grad, saved, false);
        }
    }

    static final SavedTensor[] NOTHING_SAVED = new SavedTensor[0];

    private final Vjp vjp;
    private final Primitive.GradOwnership ownership;
    private SavedTensor[] saved;
    private boolean savedAnything;
    private boolean released;

    PrimitiveNode(String name, Node[] next, Vjp vjp, SavedTensor[] saved) {
        this(name, next, vjp, saved, Primitive.GradOwnership.UNKNOWN);
    }

    PrimitiveNode(String name, Node[] next, Vjp vjp, SavedTensor[] saved, Primitive.GradOwnership ownership) {
        super(name, next);
        this.vjp = vjp;
        this.ownership = ownership;
        setSaved(saved);
    }

    @Override
    boolean ownsGrad(Tensor[] grads, int i, Tensor incoming, boolean incomingOwned) {
        return switch (ownership) {
            case FRESH -> (grads[i] != incoming || incomingOwned) && returnedOnce(grads, i);
            case VIEW_OF_GRAD -> incomingOwned;
            case UNKNOWN -> false;
        };
    }

    private static boolean returnedOnce(Tensor[] grads, int i) {
        for (int j = 0; j < grads.length; j++) {
            if (j != i && grads[j] == grads[i]) {
                return false;
            }
        }
        return true;
    }

    /** Saved tensors are filled in after construction because a rule may save the node's own output. */
    void setSaved(SavedTensor[] saved) {
        this.saved = saved;
        this.savedAnything = saved.length > 0;
    }

    @Override
    Tensor[] apply(Tensor grad) {
        return vjp.apply(grad, unpackSaved());
    }

    @Override
    Tensor[] applyOwned(Tensor grad) {
        return vjp instanceof InPlaceVjp inPlace ? inPlace.apply(grad, unpackSaved(), true) : apply(grad);
    }

    private Tensor[] unpackSaved() {
        if (released && savedAnything) {
            throw new AutogradException("Trying to backward through the graph a second time (or to use tensors"
                    + " saved by " + name + " after they were freed). Saved intermediate values of the graph are"
                    + " freed when you call backward() or Autograd.grad(). Specify retainGraph=true if you need to"
                    + " backward through the graph a second time.");
        }
        Tensor[] values = new Tensor[saved.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = saved[i] == null ? null : saved[i].unpack(name); // null: not needed by this backward
        }
        return values;
    }

    @Override
    void release() {
        released = true;
        saved = NOTHING_SAVED;
    }
}
