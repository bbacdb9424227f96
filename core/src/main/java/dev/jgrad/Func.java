package dev.jgrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Function transforms in the style of JAX: derivatives of Java functions, composable to any order
 * ({@code grad(grad(f))}, {@code jvp} of {@code grad}, {@code jacfwd(jacrev(f))}, transforms of
 * functions that call transforms). Inputs and outputs may be structures of tensors (see {@link Tree}).
 *
 * <p>Reverse mode runs on the autograd engine; forward mode ({@link #jvp}) pushes tangents through each
 * primitive's JVP rule in the same pass as the values, with one level per call so nested calls never
 * confuse their perturbations. The functions may run under {@link GradMode#noGrad()}: transforms turn
 * recording on for their own use.
 */
public final class Func {
    private Func() {
    }

    /** A function of any number of tensors, for the {@code argnum} forms. */
    @FunctionalInterface
    public interface TensorFunction<R> {
        /** The function's value at {@code args}. */
        R apply(Tensor... args);
    }

    /** A value and its gradient (of the same structure as the input). */
    public record ValueAndGrad<G>(Tensor value, G grad) {
    }

    /** The value of a function and its pullback: cotangent of the output to cotangent of the input. */
    public record VjpResult<T, R>(R value, Function<R, T> pullback) {
    }

    /** The value of a function and its directional derivative along the given tangents. */
    public record JvpResult<R>(R value, R tangent) {
    }

    // ---------------------------------------------------------------- reverse mode

    /** The gradient of a scalar-valued function; the result has the structure of the input. */
    public static <T> Function<T, T> grad(Function<T, Tensor> f) {
        return x -> valueAndGradOf("grad", f, x).grad();
    }

    /** The gradient with respect to argument {@code argnum} of a scalar-valued function of several tensors. */
    public static TensorFunction<Tensor> grad(TensorFunction<Tensor> f, int argnum) {
        return args -> argnumsGrad("grad", f, args, new int[] {argnum}).grad().get(0);
    }

    /** The gradients with respect to the arguments {@code argnums}, in that order. */
    public static TensorFunction<List<Tensor>> grad(TensorFunction<Tensor> f, int[] argnums) {
        return args -> argnumsGrad("grad", f, args, argnums).grad();
    }

    /** The value and the gradient in one pass. */
    public static <T> Function<T, ValueAndGrad<T>> valueAndGrad(Function<T, Tensor> f) {
        return x -> valueAndGradOf("valueAndGrad", f, x);
    }

    /** The value and the gradient with respect to argument {@code argnum}, in one pass. */
    public static TensorFunction<ValueAndGrad<Tensor>> valueAndGrad(TensorFunction<Tensor> f, int argnum) {
        return args -> {
            ValueAndGrad<List<Tensor>> r = argnumsGrad("valueAndGrad", f, args, new int[] {argnum});
            return new ValueAndGrad<>(r.value(), r.grad().get(0));
        };
    }

    /** The value and the gradients with respect to the arguments {@code argnums} (in that order), in one pass. */
    public static TensorFunction<ValueAndGrad<List<Tensor>>> valueAndGrad(TensorFunction<Tensor> f, int[] argnums) {
        return args -> argnumsGrad("valueAndGrad", f, args, argnums);
    }

    private static ValueAndGrad<List<Tensor>> argnumsGrad(String op, TensorFunction<Tensor> f, Tensor[] args,
                                                         int[] argnums) {
        if (argnums.length == 0) {
            throw new JgradException(op + ": argnums is empty; name at least one argument to differentiate");
        }
        List<Tensor> chosen = new ArrayList<>(argnums.length);
        for (int a : argnums) {
            if (a < 0 || a >= args.length) {
                throw new IndexException(op + ": argnum " + a + " is out of range for a function called with "
                        + args.length + " argument" + (args.length == 1 ? "" : "s"));
            }
            chosen.add(args[a]);
        }
        return valueAndGradOf(op, (List<Tensor> xs) -> {
            Tensor[] call = args.clone();
            for (int i = 0; i < argnums.length; i++) {
                call[argnums[i]] = xs.get(i);
            }
            return f.apply(call);
        }, chosen);
    }

    private static <T> ValueAndGrad<T> valueAndGradOf(String op, Function<T, Tensor> f, T x) {
        VjpResult<T, Tensor> r = vjpOf(op, f, x, true);
        Tensor value = r.value();
        if (value.numel() != 1) {
            throw new ShapeException(op + ": the function must return a scalar (one-element) tensor, got shape "
                    + Shapes.str(value.shape) + "; use vjp or jacrev for other outputs");
        }
        return new ValueAndGrad<>(value, r.pullback().apply(Tensor.onesLike(value)));
    }

    /**
     * The value of {@code f} at {@code primals} and its pullback, which maps a cotangent of the output's
     * structure to the vector-Jacobian product in the input's structure. The pullback may be called many
     * times; it keeps the recorded graph alive until it is dropped.
     */
    public static <T, R> VjpResult<T, R> vjp(Function<T, R> f, T primals) {
        return vjpOf("vjp", f, primals, false);
    }

    private static <T, R> VjpResult<T, R> vjpOf(String op, Function<T, R> f, T primals, boolean oneShot) {
        List<Tensor> inputs = Tree.leaves(primals);
        boolean outerNeedsGraph = GradMode.isEnabled() && anyRequiresGrad(inputs);
        List<Tensor> attached = new ArrayList<>(inputs.size());
        R out;
        try (GradMode g = GradMode.enableGrad()) {
            for (int i = 0; i < inputs.size(); i++) {
                attached.add(attach(op, i, inputs.get(i)));
            }
            out = f.apply(Tree.rebuild(primals, attached));
        }
        if (out == null) {
            throw new JgradException(op + ": the function returned null; it must return a tensor (or a structure of tensors)");
        }
        List<Tensor> outputs = Tree.leaves(out);
        if (outputs.isEmpty()) {
            throw new JgradException(op + ": the function returned no tensor (got " + out.getClass().getSimpleName() + ")");
        }
        for (int i = 0; i < outputs.size(); i++) {
            if (!outputs.get(i).dtype.isFloating()) {
                throw new DTypeException(op + ": output " + i + " has dtype " + outputs.get(i).dtype
                        + "; only floating point outputs can be differentiated");
            }
        }
        // the results stay differentiable when the inputs or anything the function closed over requires grad
        boolean keepGraph = outerNeedsGraph || (GradMode.isEnabled() && Autograd.dependsOnOtherLeaves(outputs, attached));
        R value = keepGraph ? out : Tree.map(out, Func::withoutHistory);
        Function<R, T> pullback = cotangent -> {
            List<Tensor> cotangents = Tree.leaves(cotangent);
            if (cotangents.size() != outputs.size()) {
                throw new ShapeException(op + ": the cotangent holds " + cotangents.size() + " tensors but the output holds "
                        + outputs.size());
            }
            List<Tensor> roots = new ArrayList<>();
            List<Tensor> seeds = new ArrayList<>();
            boolean cotangentNeedsGraph = false;
            for (int i = 0; i < outputs.size(); i++) {
                Tensor o = outputs.get(i);
                Tensor c = cotangents.get(i);
                if (!Arrays.equals(c.shape, o.shape)) {
                    throw new ShapeException(op + ": cotangent " + i + " has shape " + Shapes.str(c.shape)
                            + " but output " + i + " has shape " + Shapes.str(o.shape));
                }
                if (o.requiresGrad()) {
                    roots.add(o);
                    seeds.add(c.to(o.dtype));
                    cotangentNeedsGraph |= c.requiresGrad();
                }
            }
            boolean createGraph = keepGraph || (GradMode.isEnabled() && cotangentNeedsGraph);
            List<Tensor> grads = roots.isEmpty() ? null
                    : Autograd.grad(roots, attached, seeds, !oneShot || createGraph, createGraph, true);
            List<Tensor> result = new ArrayList<>(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                Tensor g = grads == null ? null : grads.get(i);
                result.add(g == null ? Tensor.zerosLike(inputs.get(i)) : createGraph ? g : withoutHistory(g));
            }
            return Tree.rebuild(primals, result);
        };
        return new VjpResult<>(value, pullback);
    }

    /** An input as the function sees it: the same values, attached to the graph (with any tangents kept). */
    private static Tensor attach(String op, int index, Tensor x) {
        if (!x.dtype.isFloating()) {
            throw new DTypeException(op + ": input " + index + " has dtype " + x.dtype + " (shape " + Shapes.str(x.shape)
                    + "); only floating point inputs can be differentiated (convert it with to(DType.FLOAT32) or"
                    + " to(DType.FLOAT64))");
        }
        Tensor a = Primitives.alias(x);
        if (!a.requiresGrad()) {
            a.requiresGrad(true);
        }
        return a;
    }

    /** The same values and tangents, cut from the reverse-mode graph. */
    private static Tensor withoutHistory(Tensor t) {
        try (GradMode g = GradMode.noGrad()) {
            return Primitives.alias(t);
        }
    }

    private static boolean anyRequiresGrad(List<Tensor> tensors) {
        for (Tensor t : tensors) {
            if (t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- forward mode

    /**
     * The value of {@code f} at {@code primals} and its derivative along {@code tangents} (a structure like
     * the primals, same shapes and dtypes), computed in one forward pass through the primitives' JVP rules.
     */
    public static <T, R> JvpResult<R> jvp(Function<T, R> f, T primals, T tangents) {
        List<Tensor> inputs = Tree.leaves(primals);
        List<Tensor> directions = Tree.leaves(tangents);
        if (inputs.size() != directions.size()) {
            throw new ShapeException("jvp: " + directions.size() + " tangents for " + inputs.size() + " primals");
        }
        for (int i = 0; i < inputs.size(); i++) {
            Tensor p = inputs.get(i);
            Tensor t = directions.get(i);
            if (!p.dtype.isFloating()) {
                throw new DTypeException("jvp: primal " + i + " has dtype " + p.dtype
                        + "; only floating point inputs can be differentiated");
            }
            if (!Arrays.equals(p.shape, t.shape)) {
                throw new ShapeException("jvp: tangent " + i + " has shape " + Shapes.str(t.shape) + " but its primal has shape "
                        + Shapes.str(p.shape));
            }
            if (p.dtype != t.dtype) {
                throw new DTypeException("jvp: tangent " + i + " has dtype " + t.dtype + " but its primal has dtype " + p.dtype);
            }
        }
        int level = ForwardMode.open();
        try {
            List<Tensor> duals = new ArrayList<>(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                Tensor dual = Primitives.alias(inputs.get(i));
                dual.setTangent(level, directions.get(i));
                duals.add(dual);
            }
            R out = f.apply(Tree.rebuild(primals, duals));
            if (out == null) {
                throw new JgradException("jvp: the function returned null; it must return a tensor (or a structure of tensors)");
            }
            List<Tensor> outputs = Tree.leaves(out);
            List<Tensor> values = new ArrayList<>(outputs.size());
            List<Tensor> derivatives = new ArrayList<>(outputs.size());
            for (Tensor o : outputs) {
                Tensor tangent = o.tangent(level);
                derivatives.add(tangent == null ? Tensor.zerosLike(o) : tangent);
                Tensor value = Primitives.alias(o);
                value.setTangent(level, null);
                values.add(value);
            }
            return new JvpResult<>(Tree.rebuild(out, values), Tree.rebuild(out, derivatives));
        } finally {
            ForwardMode.close(level);
        }
    }

    // ---------------------------------------------------------------- Jacobians and Hessians

    /** The Jacobian by reverse mode, one pullback per output element: shape out.shape + in.shape. */
    public static Function<Tensor, Tensor> jacrev(Function<Tensor, Tensor> f) {
        return x -> jacobianRows(vjp(f, x), x);
    }

    /** The Jacobian by forward mode, one JVP per input element: shape out.shape + in.shape. */
    public static Function<Tensor, Tensor> jacfwd(Function<Tensor, Tensor> f) {
        return x -> {
            int n = x.numel();
            List<Tensor> columns = new ArrayList<>(n);
            int[] outShape = null;
            for (int j = 0; j < n; j++) {
                Tensor t = jvp(f, x, oneHot(x, j)).tangent();
                outShape = t.shape;
                columns.add(t.reshape(-1));
            }
            if (n == 0) {
                outShape = f.apply(x).shape;
                return Tensor.zeros(x.dtype, Shapes.concat(outShape, x.shape));
            }
            return Tensor.stack(columns, 1).reshape(Shapes.concat(outShape, x.shape));
        };
    }

    /** The Jacobian, by forward mode when the input has no more elements than the output, else by reverse. */
    public static Function<Tensor, Tensor> jacobian(Function<Tensor, Tensor> f) {
        return x -> {
            VjpResult<Tensor, Tensor> r = vjp(f, x);
            return x.numel() <= r.value().numel() ? jacfwd(f).apply(x) : jacobianRows(r, x);
        };
    }

    private static Tensor jacobianRows(VjpResult<Tensor, Tensor> r, Tensor x) {
        Tensor y = r.value();
        int m = y.numel();
        if (m == 0) {
            return Tensor.zeros(x.dtype, Shapes.concat(y.shape, x.shape));
        }
        List<Tensor> rows = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            rows.add(r.pullback().apply(oneHot(y, i)).reshape(-1));
        }
        return Tensor.stack(rows, 0).reshape(Shapes.concat(y.shape, x.shape));
    }

    private static Tensor oneHot(Tensor like, int index) {
        Tensor e = Tensor.zeros(like.dtype, like.numel());
        dev.jgrad.cpu.CpuKernels.write(e.storage.data, index, 1);
        return e.reshape(like.shape);
    }

    /** The Hessian of a scalar function, forward over reverse: shape in.shape + in.shape. */
    public static Function<Tensor, Tensor> hessian(Function<Tensor, Tensor> f) {
        Function<Tensor, Tensor> gradient = grad(f);
        return x -> jacfwd(gradient).apply(x);
    }

    /**
     * The Hessian-vector product H(x) v of a scalar function, forward over reverse: one forward and one
     * backward pass, memory O(n), the Hessian never formed.
     */
    public static Tensor hvp(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        return jvp(grad(f), x, v).tangent();
    }

    /** The same values with no derivative in either mode (JAX's stop_gradient). */
    public static Tensor stopGradient(Tensor x) {
        return x.detach();
    }
}
