package dev.jgrad;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backward pass: counts how many gradients each node will receive, then runs nodes in dependency
 * order, summing the gradients that reach a node before calling it.
 *
 * <p>A run keeps its per-node bookkeeping in the nodes themselves, which it claims with a CAS and frees
 * when done; a node already claimed by a concurrent run on another thread (a shared leaf, say) gets its
 * bookkeeping in a map instead. So independent graphs, even ones sharing leaves, may run backward
 * concurrently, and the common case pays no hashing.
 */
final class Engine {
    /** Per-node state of one run. */
    static final class Task {
        int pending;
        Tensor grad;
        boolean needed = true;
        boolean queued;
        /** {@link #grad} is a sum this run made, referenced nowhere else: later terms may go into it in place. */
        boolean owned;
    }

    private static final VarHandle OWNER;

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(Node.class, "owner", Engine.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final List<Node> claimed = new ArrayList<>();
    private Map<Node, Task> contended;
    private final boolean retainGraph;
    /** For {@link Autograd#grad}: the nodes whose incoming gradient is captured (not run), else null. */
    private final Map<Node, Tensor> captured;

    private Engine(boolean retainGraph, Node[] captureAt) {
        this.retainGraph = retainGraph;
        if (captureAt == null) {
            this.captured = null;
        } else {
            this.captured = new IdentityHashMap<>();
            for (Node n : captureAt) {
                if (n != null) {
                    captured.put(n, null);
                }
            }
        }
    }

    /** Backpropagates {@code grads} from {@code roots}; returns the captured gradients (or null). */
    static Map<Node, Tensor> run(Node[] roots, Tensor[] grads, boolean retainGraph, boolean createGraph,
                                 Node[] captureAt) {
        Engine engine = new Engine(retainGraph, captureAt);
        try (GradMode mode = GradMode.setEnabled(createGraph)) {
            engine.execute(roots, grads);
        } finally {
            engine.releaseClaims();
        }
        return engine.captured;
    }

    private Task task(Node node) {
        return node.owner == this ? node.task : contended == null ? null : contended.get(node);
    }

    private Task newTask(Node node) {
        Task t = new Task();
        if (node.owner == null && OWNER.compareAndSet(node, null, this)) {
            node.task = t;
            claimed.add(node);
        } else {
            if (contended == null) {
                contended = new IdentityHashMap<>();
            }
            contended.put(node, t);
        }
        return t;
    }

    private void releaseClaims() {
        for (Node n : claimed) {
            n.task = null;
            OWNER.setRelease(n, null);
        }
    }

    private void execute(Node[] roots, Tensor[] grads) {
        countDependencies(roots);
        if (captured != null) {
            markNeeded(roots);
        }
        ArrayDeque<Node> ready = new ArrayDeque<>();
        for (int i = 0; i < roots.length; i++) {
            accumulate(task(roots[i]), grads[i], false);
        }
        for (Node root : roots) {
            Task task = task(root);
            if (task.pending == 0 && !task.queued) {
                task.queued = true;
                ready.push(root);
            }
        }
        while (!ready.isEmpty()) {
            Node node = ready.pop();
            Task task = task(node);
            Tensor[] inputGrads = null;
            Tensor grad = null; // the incoming gradient, after the hooks
            // A gradient nothing else references may be summed into, kept by a leaf or written into by a VJP;
            // not once a hook has seen it or Autograd.grad returns it (nor, through a view, what a node passes on
            // of it).
            boolean isCaptured = captured != null && captured.containsKey(node);
            boolean incomingOwned = task.owned && !node.hasPreHooks() && !isCaptured;
            if (task.grad != null && task.needed) {
                grad = node.runPreHooks(task.grad);
                task.grad = null;
                task.owned = false;
                if (isCaptured) {
                    captured.put(node, grad);
                }
                if (captured == null || anyChildNeeded(node)) {
                    inputGrads = incomingOwned ? node.applyOwned(grad) : node.apply(grad);
                    if (AnomalyMode.isEnabled()) {
                        checkFinite(node, inputGrads);
                    }
                    if (!retainGraph) {
                        node.release();
                    }
                }
            }
            for (int i = 0; i < node.next.length; i++) {
                Node child = node.next[i];
                if (child == null) {
                    continue;
                }
                Task childTask = task(child);
                Tensor g = inputGrads == null ? null : inputGrads[i];
                if (g != null) {
                    accumulate(childTask, g, node.ownsGrad(inputGrads, i, grad, incomingOwned));
                }
                if (--childTask.pending == 0) {
                    ready.push(child);
                }
            }
        }
    }

    /**
     * Below this many elements a fresh result is as cheap as an in-place one (scalars take a 0-d fast path), so
     * neither sums nor VJPs write into gradients.
     */
    static final int IN_PLACE_MIN = 1024;

    /**
     * Whether backward may reuse gradient {@code grad}'s memory in an op with {@code other}: no graph or tangents
     * are being built through either, and grad is large enough for the reuse to pay.
     */
    static boolean mayReuse(Tensor grad, Tensor other) {
        return !GradMode.isEnabled() && grad.tangents() == null && other.tangents() == null
                && grad.numel() >= IN_PLACE_MIN;
    }

    /**
     * Adds gradient g ({@code owned}: referenced by nothing else) into what the task holds. A sum is a fresh
     * tensor that only this run sees, so further terms go into an owned gradient in place (unless a graph or
     * tangents are being built through it).
     */
    private static void accumulate(Task task, Tensor g, boolean owned) {
        Tensor sum = task.grad;
        if (sum == null) {
            task.grad = g;
            task.owned = owned;
        } else if (task.owned && mayReuse(sum, g) && sum.dtype == g.dtype && !sum.repeatsElements()
                && Arrays.equals(sum.shape, g.shape)) {
            sum.addInPlace(g);
        } else {
            task.grad = sum.add(g);
            task.owned = true;
        }
    }

    /** Depth-first over the graph (iteratively, so long chains do not overflow the stack). */
    private void countDependencies(Node[] roots) {
        ArrayDeque<Node> stack = new ArrayDeque<>();
        for (Node root : roots) {
            if (task(root) == null) {
                newTask(root);
                stack.push(root);
            }
        }
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            for (Node child : node.next) {
                if (child == null) {
                    continue;
                }
                Task t = task(child);
                if (t == null) {
                    t = newTask(child);
                    stack.push(child);
                }
                t.pending++;
            }
        }
    }

    /** With captures, a node runs only if a captured node lies below it. Post-order over the graph. */
    private void markNeeded(Node[] roots) {
        for (Node n : claimed) {
            n.task.needed = false;
        }
        if (contended != null) {
            contended.values().forEach(t -> t.needed = false);
        }
        Map<Node, Boolean> done = new IdentityHashMap<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        for (Node root : roots) {
            stack.push(root);
        }
        while (!stack.isEmpty()) {
            Node node = stack.peek();
            if (done.containsKey(node)) {
                stack.pop();
                continue;
            }
            boolean childrenDone = true;
            for (Node child : node.next) {
                if (child != null && !done.containsKey(child)) {
                    stack.push(child);
                    childrenDone = false;
                }
            }
            if (!childrenDone) {
                continue;
            }
            stack.pop();
            boolean needed = captured.containsKey(node);
            for (Node child : node.next) {
                needed |= child != null && task(child).needed;
            }
            task(node).needed = needed;
            done.put(node, true);
        }
    }

    private boolean anyChildNeeded(Node node) {
        for (Node child : node.next) {
            if (child != null && task(child).needed) {
                return true;
            }
        }
        return false;
    }

    private static void checkFinite(Node node, Tensor[] grads) {
        for (int i = 0; i < grads.length; i++) {
            Tensor g = grads[i];
            if (g == null || !g.dtype.isFloating()) {
                continue;
            }
            double[] values = g.toDoubleArray();
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    String what = Double.isNaN(v) ? "nan" : "infinite";
                    throw new AutogradException("Function '" + node.name + "' returned " + what + " values in its "
                            + i + "th output (anomaly mode)." + (node.forwardTrace == null ? ""
                            : " The forward call that created it is the cause of this exception."),
                            node.forwardTrace);
                }
            }
        }
    }
}
