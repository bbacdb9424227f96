package dev.jgrad;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Reverse-mode entry points: {@link Tensor#backward()} and the functional {@link #grad}. */
public final class Autograd {
    private Autograd() {
    }

    static void backward(Tensor output, Tensor gradient, boolean retainGraph, boolean createGraph) {
        Node root = rootOf(output, 0);
        Engine.run(new Node[] {root}, new Tensor[] {seed(output, gradient, 0)}, retainGraph, createGraph, null);
    }

    /**
     * d outputs / d inputs, weighted by {@code gradOutputs} (null entries, or a null list, mean 1 for scalar
     * outputs), without touching any {@code grad()}. An input the outputs do not depend on fails unless
     * {@code allowUnused}, which gives null for it. {@code createGraph} records the computation so the
     * result can be differentiated again; {@code retainGraph} keeps the graph for another pass.
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs,
                                    boolean retainGraph, boolean createGraph, boolean allowUnused) {
        if (gradOutputs != null && gradOutputs.size() != outputs.size()) {
            throw new JgradException("grad: got " + gradOutputs.size() + " gradOutputs for " + outputs.size() + " outputs");
        }
        Node[] roots = new Node[outputs.size()];
        Tensor[] seeds = new Tensor[outputs.size()];
        for (int i = 0; i < roots.length; i++) {
            roots[i] = rootOf(outputs.get(i), i);
            seeds[i] = seed(outputs.get(i), gradOutputs == null ? null : gradOutputs.get(i), i);
        }
        Node[] targets = new Node[inputs.size()];
        for (int i = 0; i < targets.length; i++) {
            Tensor input = inputs.get(i);
            targets[i] = input.gradNode();
            if (targets[i] == null) {
                throw new AutogradException("grad: input " + i + " (shape " + Shapes.str(input.shape)
                        + ") does not require grad");
            }
        }
        Map<Node, Tensor> captured = Engine.run(roots, seeds, retainGraph, createGraph, targets);
        Tensor[] result = new Tensor[targets.length];
        for (int i = 0; i < targets.length; i++) {
            Tensor g = captured.get(targets[i]);
            if (g == null && !allowUnused) {
                throw new AutogradException("grad: input " + i + " (shape " + Shapes.str(inputs.get(i).shape)
                        + ") was not used in computing the outputs; pass allowUnused=true to get null for it");
            }
            result[i] = g;
        }
        return Arrays.asList(result);
    }

    /** {@link #grad(List, List, List, boolean, boolean, boolean)} of one scalar output: d output / d inputs. */
    public static List<Tensor> grad(Tensor output, Tensor... inputs) {
        return grad(List.of(output), List.of(inputs), null, false, false, false);
    }

    /**
     * True when the outputs' graph reaches a leaf that requires grad other than {@code own}: the outputs
     * then depend on something an outer differentiation may ask about (used by the transforms to decide
     * whether their results must stay differentiable).
     */
    static boolean dependsOnOtherLeaves(List<Tensor> outputs, List<Tensor> own) {
        java.util.Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.Set<Tensor> mine = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        mine.addAll(own);
        java.util.ArrayDeque<Node> stack = new java.util.ArrayDeque<>();
        for (Tensor o : outputs) {
            Node n = o.gradNode();
            if (n != null && seen.add(n)) {
                stack.push(n);
            }
        }
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            if (n instanceof AccumulateGrad acc && !mine.contains(acc.variable)) {
                return true;
            }
            for (Node child : n.next) {
                if (child != null && seen.add(child)) {
                    stack.push(child);
                }
            }
        }
        return false;
    }

    private static Node rootOf(Tensor output, int index) {
        Node root = output.gradNode();
        if (root == null) {
            throw new AutogradException("element " + index + " of the outputs does not require grad and has no gradFn"
                    + " (shape " + Shapes.str(output.shape) + "); did you forget requiresGrad(true), or compute it"
                    + " inside GradMode.noGrad()?");
        }
        return root;
    }

    private static Tensor seed(Tensor output, Tensor gradient, int index) {
        if (gradient == null) {
            if (output.numel() != 1) {
                throw new AutogradException("grad can be implicitly created only for scalar outputs, but output "
                        + index + " has shape " + Shapes.str(output.shape)
                        + "; pass a gradient of that shape (e.g. backward(Tensor.onesLike(out)))");
            }
            return Tensor.onesLike(output);
        }
        if (!Arrays.equals(gradient.shape, output.shape)) {
            throw new ShapeException("backward: gradient has shape " + Shapes.str(gradient.shape)
                    + " but output " + index + " has shape " + Shapes.str(output.shape));
        }
        if (gradient.dtype != output.dtype) {
            if (!gradient.dtype.isFloating()) {
                throw new DTypeException("backward: gradient of dtype " + gradient.dtype + " for an output of dtype "
                        + output.dtype);
            }
            return gradient.to(output.dtype);
        }
        return gradient;
    }
}
