package dev.jgrad;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The backward pass: counts how many gradients each node will receive, then runs nodes in dependency
 * order, summing the gradients that reach a node before calling it. State lives in this object, so
 * independent graphs may run backward concurrently on different threads.
 */
final class Engine {
    /** Per-node state of one run. */
    private static final class Task {
        int pending;
        Tensor grad;
        boolean needed = true;
    }

    private final Map<Node, Task> tasks = new IdentityHashMap<>();
    private final boolean retainGraph;
    private final boolean createGraph;
    /** For {@link Autograd#grad}: the nodes whose incoming gradient is captured (not run), else null. */
    private final Map<Node, Tensor> captured;

    private Engine(boolean retainGraph, boolean createGraph, Node[] captureAt) {
        this.retainGraph = retainGraph;
        this.createGraph = createGraph;
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
        Engine engine = new Engine(retainGraph, createGraph, captureAt);
        try (GradMode mode = GradMode.setEnabled(createGraph)) {
            engine.execute(roots, grads);
        }
        return engine.captured;
    }

    private void execute(Node[] roots, Tensor[] grads) {
        countDependencies(roots);
        if (captured != null) {
            markNeeded(roots);
        }
        ArrayDeque<Node> ready = new ArrayDeque<>();
        for (int i = 0; i < roots.length; i++) {
            Task task = tasks.get(roots[i]);
            task.grad = task.grad == null ? grads[i] : task.grad.add(grads[i]);
        }
        for (Node root : roots) {
            Task task = tasks.get(root);
            if (task.pending == 0 && !ready.contains(root)) {
                ready.push(root);
            }
        }
        while (!ready.isEmpty()) {
            Node node = ready.pop();
            Task task = tasks.get(node);
            Tensor[] inputGrads = null;
            if (task.grad != null && task.needed) {
                Tensor grad = node.runPreHooks(task.grad);
                task.grad = null;
                if (captured != null && captured.containsKey(node)) {
                    captured.put(node, grad);
                }
                if (captured == null || anyChildNeeded(node)) {
                    inputGrads = node.apply(grad);
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
                Task childTask = tasks.get(child);
                Tensor g = inputGrads == null ? null : inputGrads[i];
                if (g != null) {
                    childTask.grad = childTask.grad == null ? g : childTask.grad.add(g);
                }
                if (--childTask.pending == 0) {
                    ready.push(child);
                }
            }
        }
    }

    /** Depth-first over the graph (iteratively, so long chains do not overflow the stack). */
    private void countDependencies(Node[] roots) {
        ArrayDeque<Node> stack = new ArrayDeque<>();
        for (Node root : roots) {
            if (!tasks.containsKey(root)) {
                tasks.put(root, new Task());
                stack.push(root);
            }
        }
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            for (Node child : node.next) {
                if (child == null) {
                    continue;
                }
                Task t = tasks.get(child);
                if (t == null) {
                    t = new Task();
                    tasks.put(child, t);
                    stack.push(child);
                }
                t.pending++;
            }
        }
    }

    /** With captures, a node runs only if a captured node lies below it. Post-order over the graph. */
    private void markNeeded(Node[] roots) {
        for (Task t : tasks.values()) {
            t.needed = false;
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
                needed |= child != null && tasks.get(child).needed;
            }
            tasks.get(node).needed = needed;
            done.put(node, true);
        }
    }

    private boolean anyChildNeeded(Node node) {
        for (Node child : node.next) {
            if (child != null && tasks.get(child).needed) {
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
