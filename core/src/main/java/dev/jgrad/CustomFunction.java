package dev.jgrad;

import java.util.Arrays;
import java.util.List;

/**
 * A differentiable function written by the user: a forward computation and its VJP, optionally its JVP
 * (like {@code torch.autograd.Function} and JAX's {@code custom_vjp}). The forward runs without
 * recording; backward calls the VJP, forward mode the JVP. Without a JVP, forward mode transposes the
 * VJP (which is linear in its gradient argument) with one extra backward pass. Written with jgrad ops,
 * the rules are themselves differentiable, so the function works at any order.
 *
 * <pre>{@code
 * CustomFunction square = CustomFunction.define("Square",
 *         inputs -> inputs[0].mul(inputs[0]),
 *         (grad, inputs, result) -> new Tensor[] {grad.mul(inputs[0]).mul(2.0)});
 * Tensor y = square.apply(x);   // y.gradFn().name() is "SquareBackward"
 * }</pre>
 */
public final class CustomFunction {
    /** The values of the function (computed without recording). */
    @FunctionalInterface
    public interface Forward {
        /** The output for {@code inputs} (the caller's inputs, detached; run without recording). */
        Tensor apply(Tensor[] inputs);
    }

    /** One gradient per input (null for "no gradient"), each of its input's shape. */
    @FunctionalInterface
    public interface Vjp {
        /** J^T grad for each input, given the gradient {@code grad} of {@code result}. */
        Tensor[] apply(Tensor grad, Tensor[] inputs, Tensor result);
    }

    /** The output tangent; {@code tangents[i]} is zeros where input i carries none. */
    @FunctionalInterface
    public interface Jvp {
        /** J tangents: the tangent of {@code result}, of its shape. */
        Tensor apply(Tensor[] tangents, Tensor[] inputs, Tensor result);
    }

    private final Primitive primitive;
    private final Forward forward;
    private final Vjp vjp;
    private final Jvp jvp;

    private CustomFunction(String name, Forward forward, Vjp vjp, Jvp jvp) {
        if (name == null || name.isBlank() || forward == null || vjp == null) {
            throw new JgradException("CustomFunction.define: a name, a forward function and a VJP are required");
        }
        this.primitive = new Primitive(name, true);
        this.forward = forward;
        this.vjp = vjp;
        this.jvp = jvp;
    }

    /** A function with a forward and a VJP; forward mode derives its JVP from the VJP. */
    public static CustomFunction define(String name, Forward forward, Vjp vjp) {
        return new CustomFunction(name, forward, vjp, null);
    }

    /** A function with a forward, a VJP and a JVP. */
    public static CustomFunction define(String name, Forward forward, Vjp vjp, Jvp jvp) {
        return new CustomFunction(name, forward, vjp, jvp);
    }

    /** The name given to {@code define}; the nodes it records are named name + {@code "Backward"}. */
    public String name() {
        return primitive.name();
    }

    /** Applies the function, recording it for autograd when an input requires grad. */
    public Tensor apply(Tensor... inputs) {
        Tensor[] values = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new JgradException(name() + ": input " + i + " is null");
            }
            values[i] = inputs[i].detach();
        }
        Tensor out;
        try (GradMode g = GradMode.noGrad()) {
            out = forward.apply(values);
        }
        if (out == null) {
            throw new JgradException(name() + ": the forward function returned null; it must return a tensor");
        }
        Tensor result = out.detach();
        for (Tensor v : values) {
            if (v.sharesStorageWith(result)) { // an output that aliases an input must not be written through
                result = result.cloneData();
                break;
            }
        }
        if (!result.dtype.isFloating()) {
            return result; // integer or bool results carry no derivatives
        }
        Tensor finalResult = result;
        Tensor[] save = Arrays.copyOf(inputs, inputs.length + 1);
        save[inputs.length] = result;
        return Primitives.record(primitive, result, inputs, save,
                (grad, saved) -> checkedVjp(grad, Arrays.copyOf(saved, inputs.length), saved[inputs.length]),
                tangents -> tangentOf(tangents, inputs, finalResult));
    }

    private Tensor[] checkedVjp(Tensor grad, Tensor[] inputs, Tensor result) {
        Tensor[] grads = vjp.apply(grad, inputs, result);
        if (grads == null || grads.length != inputs.length) {
            throw new JgradException(name() + ": the VJP returned " + (grads == null ? "null" : grads.length + " gradients")
                    + " for " + inputs.length + " input" + (inputs.length == 1 ? "" : "s")
                    + "; return one gradient (or null) per input");
        }
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] == null) {
                continue;
            }
            if (!Arrays.equals(grads[i].shape, inputs[i].shape)) {
                throw new ShapeException(name() + ": the VJP returned a gradient of shape " + Shapes.str(grads[i].shape)
                        + " for input " + i + " of shape " + Shapes.str(inputs[i].shape));
            }
            grads[i] = grads[i].to(inputs[i].dtype);
        }
        return grads;
    }

    private Tensor tangentOf(Tensor[] tangents, Tensor[] inputs, Tensor result) {
        Tensor[] filled = tangents.clone();
        for (int i = 0; i < filled.length; i++) {
            if (filled[i] == null) {
                filled[i] = Tensor.zerosLike(inputs[i]);
            }
        }
        Tensor tangent = jvp != null ? jvp.apply(filled, inputs, result) : transposedVjp(filled, inputs, result);
        if (tangent == null || !Arrays.equals(tangent.shape, result.shape)) {
            throw new ShapeException(name() + ": the JVP returned " + (tangent == null ? "null"
                    : "a tangent of shape " + Shapes.str(tangent.shape)) + " for an output of shape "
                    + Shapes.str(result.shape));
        }
        return tangent.to(result.dtype);
    }

    /** J t from the VJP u -> J^T u: the gradient with respect to u of sum_i <J^T u, t_i>. */
    private Tensor transposedVjp(Tensor[] tangents, Tensor[] inputs, Tensor result) {
        try (GradMode g = GradMode.enableGrad()) {
            Tensor u = Tensor.zerosLike(result).requiresGrad(true);
            Tensor[] grads = checkedVjp(u, inputs, result);
            Tensor inner = null;
            for (int i = 0; i < grads.length; i++) {
                if (grads[i] != null) {
                    Tensor term = grads[i].mul(tangents[i]).sum();
                    inner = inner == null ? term : inner.add(term);
                }
            }
            if (inner == null || !inner.requiresGrad()) {
                return Tensor.zerosLike(result);
            }
            boolean createGraph = false;
            for (Tensor t : tangents) {
                createGraph |= t.requiresGrad();
            }
            for (Tensor x : inputs) {
                createGraph |= x.requiresGrad();
            }
            Tensor jt = Autograd.grad(List.of(inner), List.of(u), null, createGraph, createGraph, true).get(0);
            return jt == null ? Tensor.zerosLike(result) : jt;
        }
    }
}
