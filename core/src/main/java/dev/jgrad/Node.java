package dev.jgrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A step of the recorded graph, seen from backward: it takes the gradient of its one output and returns
 * the gradients of its inputs, one per entry of {@link #next} (null where no gradient flows).
 * {@link Tensor#gradFn()} returns the node that produced a tensor.
 */
public abstract class Node {
    final String name;
    /** The nodes of this node's inputs (null for inputs that do not require grad). */
    final Node[] next;
    /** Tensor hooks on this node's output gradient, run in order before {@link #apply}. */
    private List<UnaryOperator<Tensor>> preHooks;
    /** Where the node was created, recorded in anomaly mode only. */
    final Throwable forwardTrace;
    /** The backward run using {@link #task} right now (claimed with a CAS; see {@link Engine}), or null. */
    Engine owner;
    /** That run's bookkeeping for this node. */
    Engine.Task task;

    Node(String name, Node[] next) {
        this.name = name;
        this.next = next;
        this.forwardTrace = AnomalyMode.isEnabled() ? new Throwable("the forward call that created " + name) : null;
    }

    /** Gradients of the inputs given the gradient of the output. */
    abstract Tensor[] apply(Tensor grad);

    /**
     * As {@link #apply}, for an incoming gradient that nothing else references: the node may keep it, or write
     * its result into it.
     */
    Tensor[] applyOwned(Tensor grad) {
        return apply(grad);
    }

    /**
     * Whether gradient {@code i} of those {@link #apply} just returned is referenced by nothing else (so backward
     * may sum into it in place, a leaf may keep it and the next node may write into it), given the incoming
     * gradient and whether that was.
     */
    boolean ownsGrad(Tensor[] grads, int i, Tensor incoming, boolean incomingOwned) {
        return false;
    }

    /** Frees what was saved for backward (after a backward without retainGraph). */
    void release() {
    }

    /** The backward op's name, e.g. {@code MulBackward}. */
    public String name() {
        return name;
    }

    /** The nodes this one sends gradients to, null where an input does not require grad. */
    public List<Node> nextFunctions() {
        return java.util.Collections.unmodifiableList(Arrays.asList(next));
    }

    HookHandle addPreHook(UnaryOperator<Tensor> hook) {
        if (preHooks == null) {
            preHooks = new ArrayList<>(2);
        }
        preHooks.add(hook);
        return () -> preHooks.remove(hook);
    }

    boolean hasPreHooks() {
        return preHooks != null && !preHooks.isEmpty();
    }

    Tensor runPreHooks(Tensor grad) {
        if (preHooks == null) {
            return grad;
        }
        for (UnaryOperator<Tensor> hook : List.copyOf(preHooks)) {
            Tensor replaced = hook.apply(grad);
            if (replaced != null) {
                if (!Arrays.equals(replaced.shape, grad.shape)) {
                    throw new ShapeException("hook on the gradient of " + name + " returned shape "
                            + Shapes.str(replaced.shape) + "; expected " + Shapes.str(grad.shape));
                }
                grad = replaced;
            }
        }
        return grad;
    }

    /** The name in angle brackets, e.g. {@code <MulBackward>}. */
    @Override
    public String toString() {
        return "<" + name + ">";
    }
}
