package dev.jgrad;

import dev.jgrad.cpu.BinaryOp;
import dev.jgrad.cpu.CpuKernels;
import dev.jgrad.cpu.ReduceOp;
import dev.jgrad.cpu.Strided;
import dev.jgrad.cpu.UnaryOp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The primitive table: every op that autograd knows directly, each declared once with its forward
 * kernel, its VJP (reverse mode) and its JVP (forward mode). Rules are written with differentiable
 * tensor ops, so higher derivatives come for free. Everything else in {@link Tensor} is composed from
 * these and needs no rule of its own.
 *
 * <p>Rule parameters follow PyTorch's derivatives.yaml: {@code grad} (of the output), {@code tangent}
 * (of an input), {@code x}, {@code y} (inputs) and {@code result} (the output).
 */
final class Primitives {
    private Primitives() {
    }

    private static final List<Primitive> TABLE = new ArrayList<>();
    /** Every primitive, for the table-driven gradient test. */
    static final List<Primitive> ALL = Collections.unmodifiableList(TABLE);

    private static Primitive declare(String name, boolean differentiable) {
        return declare(name, differentiable, Primitive.GradOwnership.UNKNOWN);
    }

    private static Primitive declare(String name, boolean differentiable, Primitive.GradOwnership ownership) {
        Primitive p = new Primitive(name, differentiable, name + "Backward", ownership);
        TABLE.add(p);
        return p;
    }

    private static final Tensor[] NOTHING = new Tensor[0];

    /** Forward mode: the output tangent from the input tangents (null where an input has none). */
    @FunctionalInterface
    interface Jvp {
        Tensor apply(Tensor[] tangents);
    }

    /**
     * Records one application: a backward node when grad mode is on and an input requires grad, and the
     * output tangent when an input carries one. {@code save} may include {@code result} itself, and nulls for
     * what this backward will not read (as PyTorch, an operand only the other's gradient needs is saved only
     * when that gradient is wanted: nothing else keeps it alive or checks its version).
     */
    static Tensor record(Primitive p, Tensor result, Tensor[] inputs, Tensor[] save,
                                 PrimitiveNode.Vjp vjp, Jvp jvp) {
        boolean grad = false;
        Tangents levels = null;
        for (Tensor t : inputs) {
            if (t != null) {
                grad |= t.requiresGrad();
                for (Tangents l = t.tangents(); l != null; l = l.next()) {
                    if (Tangents.get(levels, l.level()) == null) {
                        levels = new Tangents(l.level(), l.value(), levels);
                    }
                }
            }
        }
        for (Tangents l = levels; l != null; l = l.next()) {
            pushTangent(l.level(), result, inputs, jvp);
        }
        if (grad && GradMode.isEnabled()) {
            Node[] next = new Node[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                next[i] = inputs[i] == null ? null : inputs[i].gradNode();
            }
            PrimitiveNode node = new PrimitiveNode(p.nodeName(), next, vjp, PrimitiveNode.NOTHING_SAVED,
                    p.ownership());
            result.gradFn = node;
            if (save.length > 0) {
                SavedTensor[] saved = new SavedTensor[save.length];
                for (int i = 0; i < save.length; i++) {
                    Tensor t = save[i];
                    saved[i] = t == null ? null : new SavedTensor(t, t == result ? node : t.gradFn());
                }
                node.setSaved(saved);
            }
        }
        return result;
    }

    /** The output tangent of one forward-mode level; the level is paused while its own rule runs. */
    private static void pushTangent(int level, Tensor result, Tensor[] inputs, Jvp jvp) {
        if (!ForwardMode.propagates(level)) {
            return;
        }
        Tensor[] tangents = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            tangents[i] = inputs[i] == null ? null : inputs[i].tangent(level);
        }
        ForwardMode.pause(level);
        try {
            Tensor tangent = jvp.apply(tangents);
            result.setTangent(level, tangent);
        } finally {
            ForwardMode.resume();
        }
    }

    private static Tensor[] grads(Tensor... grads) {
        return grads;
    }

    /** Sums a broadcast gradient back to {@code shape} (PyTorch's sum_to, HIPS's unbroadcast). */
    static Tensor sumToShape(Tensor grad, int[] shape) {
        if (Arrays.equals(grad.shape, shape)) {
            return grad;
        }
        int lead = grad.shape.length - shape.length;
        boolean[] mask = new boolean[grad.shape.length];
        for (int d = 0; d < mask.length; d++) {
            mask[d] = d < lead || (shape[d - lead] == 1 && grad.shape[d] != 1);
        }
        return sum(grad, mask, true).reshape(shape);
    }

    /**
     * grad * factor in a VJP, without a fresh array where one is not needed: written into grad's memory when
     * backward handed grad over ({@code gradOwned}), or into factor's when the VJP just computed it
     * ({@code factorFresh}), provided the product has that tensor's shape and dtype (on the 2-core machine a
     * 16M-float product took 21-26 ms into a fresh array, 9-14 ms in place). A gradient that is one value
     * repeated (a sum's) times another such stays one value, expanded. Not while a graph or tangents are built
     * through the gradient.
     */
    private static Tensor times(Tensor grad, Tensor factor, boolean gradOwned, boolean factorFresh) {
        if (!Engine.mayReuse(grad, factor)) {
            return grad.mul(factor);
        }
        Tensor gradValue = grad.repeatedValue();
        Tensor factorValue = factor.shape.length == 0 ? factor : factor.repeatedValue();
        if (gradValue != null && factorValue != null) { // (a VJP's factor broadcasts to its gradient's shape)
            DType common = resultType(grad, factor); // the dtype grad.mul(factor) would have, and its rounding
            return gradValue.to(common).mul(factorValue.to(common)).expand(grad.shape);
        }
        if (gradOwned && writableWith(grad, factor)) {
            return grad.mulInPlace(factor);
        }
        return factorFresh && writableWith(factor, grad) ? factor.mulInPlace(grad) : grad.mul(factor);
    }

    /** Whether target *= other can be written straight into target: a dense tensor of the product's shape and dtype. */
    private static boolean writableWith(Tensor target, Tensor other) {
        return target.dtype == other.dtype && target.isContiguous() && Shapes.broadcastsTo(other.shape, target.shape);
    }

    /** Whether a derivative the VJP computed is new memory: it is none of the saved tensors it was computed from. */
    private static boolean isFresh(Tensor derivative, Tensor... saved) {
        for (Tensor t : saved) {
            if (t != null && derivative.sharesStorageWith(t)) {
                return false;
            }
        }
        return true;
    }

    private static Tensor plus(Tensor a, Tensor b) {
        return a == null ? b : b == null ? a : a.add(b);
    }

    // =====================================================================================
    // Elementwise functions of one argument: one derivative gives both rules,
    // VJP = grad * f'(x) and JVP = tangent * f'(x).

    /** What an elementwise rule needs kept for backward. */
    private enum Saves { NOTHING, INPUT, RESULT }

    /** f'(x), given x or f(x) (whichever the entry saves; the other is null); a BOOL tensor is a 0/1 mask. */
    @FunctionalInterface
    private interface Derivative {
        Tensor at(Tensor x, Tensor result);
    }

    /**
     * A VJP in one kernel pass for the cases it covers (no graph or tangents built through it, dense operands),
     * given the gradient, what the entry saves (x or f(x), the other null) and whether the VJP owns the gradient;
     * null where it does not apply, and the derivative's rule runs.
     */
    @FunctionalInterface
    private interface FusedVjp {
        Tensor at(Tensor grad, Tensor x, Tensor result, boolean gradOwned);
    }

    static final class Unary implements PrimitiveNode.InPlaceVjp {
        final Primitive primitive;
        private final UnaryOp op;
        private final Saves saves;
        private final Derivative derivative;
        private final FusedVjp fusedVjp;

        private Unary(String name, UnaryOp op, Saves saves, Derivative derivative, FusedVjp fusedVjp) {
            this.primitive = declare(name, derivative != null, Primitive.GradOwnership.FRESH);
            this.op = op;
            this.saves = saves;
            this.derivative = derivative;
            this.fusedVjp = fusedVjp;
        }

        Tensor apply(Tensor x) {
            return apply(x, null, null);
        }

        /**
         * This op of x. {@code values}: its values, already computed (a contiguous tensor of x's shape), or null
         * to run the kernel. {@code knownDerivative}: f'(x) as a differentiable tensor, or null to evaluate the
         * entry's derivative.
         */
        private Tensor apply(Tensor x, Tensor values, java.util.function.Supplier<Tensor> knownDerivative) {
            if (x.dtype == DType.BOOL) {
                throw new DTypeException(op.name().toLowerCase() + ": expected a numeric tensor, got bool (shape "
                        + Shapes.str(x.shape) + ")");
            }
            Tensor in = x.dtype == DType.INT64 && !op.keepsIntegers() ? x.to(DType.FLOAT32) : x;
            Tensor result = values != null ? Tensor.wrap(values.storage.data, in.shape)
                    : in.shape.length == 0 && in.dtype.isFloating()
                    ? Tensor.scalar(op.apply(in.item()), in.dtype) // 0-d: skip the strided machinery
                    : Tensor.wrap(CpuKernels.unary(op, in.strided(), in.shape), in.shape);
            if (derivative == null || !in.dtype.isFloating()) {
                return result;
            }
            boolean forward = in.tangents() != null;
            boolean recordGrad = in.requiresGrad() && GradMode.isEnabled();
            if (!forward && !recordGrad) {
                return result;
            }
            if (forward && recordGrad && this == SIN) {
                return recordSinReusingCos(in, result);
            }
            Tensor[] save = switch (saves) {
                case NOTHING -> NOTHING;
                case INPUT -> new Tensor[] {in};
                case RESULT -> new Tensor[] {result};
            };
            return record(primitive, result, new Tensor[] {in}, save, this, !forward ? null
                    : tangents -> timesDerivative(tangents[0], false, knownDerivative != null
                            ? knownDerivative.get() : derivative.at(in, result), in, result));
        }

        /**
         * sin(x) recorded in both modes at once (the shape of forward-over-reverse, as in hvp): the JVP computes
         * cos(x), and the VJP takes those values instead of evaluating cos again; the cos it builds from them
         * gets its own derivative, -sin(x), from this op's result. Two transcendental passes where the plain
         * rules make four.
         */
        private Tensor recordSinReusingCos(Tensor in, Tensor result) {
            Tensor[] cosOfX = new Tensor[1]; // set by the JVP, read by the VJP
            return record(primitive, result, new Tensor[] {in}, new Tensor[] {in, result},
                    (grad, saved) -> {
                        Tensor x = saved[0];
                        Tensor sinOfX = saved[1];
                        Tensor kept = cosOfX[0];
                        boolean reusable = kept != null && kept.isContiguous() && kept.offset == 0
                                && Arrays.equals(kept.shape, x.shape) && kept.dtype == x.dtype;
                        return grads(grad.mul(COS.apply(x, reusable ? kept : null, sinOfX::neg)));
                    },
                    tangents -> tangents[0].mul(cosOfX[0] = derivative.at(in, result)));
        }

        @Override
        public Tensor[] apply(Tensor grad, Tensor[] saved, boolean gradOwned) {
            Tensor x = saves == Saves.INPUT ? saved[0] : null;
            Tensor result = saves == Saves.RESULT ? saved[0] : null;
            Tensor fused = fusedVjp == null ? null : fusedVjp.at(grad, x, result, gradOwned);
            return grads(fused != null ? fused : timesDerivative(grad, gradOwned, derivative.at(x, result), x, result));
        }

        /**
         * ReLU's VJP, grad where result > 0 else 0, in one kernel pass (into grad itself when this VJP owns it)
         * instead of a mask and a where with a fresh tensor each: when no graph or tangents are built through it
         * and both are dense of one dtype; else null, and the derivative's rule runs.
         */
        private static Tensor reluVjp(Tensor grad, Tensor x, Tensor result, boolean gradOwned) {
            if (GradMode.isEnabled() || grad.tangents() != null || result.tangents() != null
                    || grad.dtype != result.dtype || !Arrays.equals(grad.shape, result.shape)) {
                return null;
            }
            boolean intoGrad = gradOwned && Engine.mayReuse(grad, result);
            Object values = CpuKernels.wherePositive(grad.strided(), result.strided(), grad.shape, intoGrad);
            if (values == null) {
                return null;
            }
            if (intoGrad) {
                grad.storage.bumpVersion();
                return grad;
            }
            return Tensor.wrap(values, grad.shape);
        }

        /**
         * A gradient (or a tangent) times f'(x): a BOOL f'(x) as a mask; otherwise written into the gradient when
         * {@code owned}, or into f'(x)'s own memory when the rule just computed it, and nothing is recorded through
         * either (see times). A tangent is never owned; in a Hessian-vector product a unary op's JVP so makes one
         * fresh array instead of two.
         */
        private static Tensor timesDerivative(Tensor g, boolean owned, Tensor derivative, Tensor x, Tensor result) {
            return derivative.dtype == DType.BOOL ? scale(g, derivative)
                    : times(g, derivative, owned, isFresh(derivative, x, result));
        }

        /** grad (or a tangent) times f'(x); a BOOL f'(x) is a 0/1 mask, applied with where (no cast, no multiply). */
        private static Tensor scale(Tensor grad, Tensor derivative) {
            return derivative.dtype == DType.BOOL ? where(derivative, grad, grad.scalarFor(0.0)) : grad.mul(derivative);
        }
    }

    private static Unary unary(String name, UnaryOp op, Saves saves, Derivative derivative) {
        return new Unary(name, op, saves, derivative, null);
    }

    /** For piecewise-constant functions: the gradient is zero (grad * 0 keeps grad's shape and dtype). */
    private static final Derivative ZERO = (x, result) -> Tensor.scalar(0.0);

    static final Unary NEG = unary("Neg", UnaryOp.NEG, Saves.NOTHING, (x, result) -> Tensor.scalar(-1.0));
    static final Unary ABS = unary("Abs", UnaryOp.ABS, Saves.INPUT, (x, result) -> x.sign());
    static final Unary SIGN = unary("Sign", UnaryOp.SIGN, Saves.NOTHING, ZERO);
    static final Unary EXP = unary("Exp", UnaryOp.EXP, Saves.RESULT, (x, result) -> result);
    static final Unary EXPM1 = unary("Expm1", UnaryOp.EXPM1, Saves.RESULT, (x, result) -> result.add(1.0));
    static final Unary LOG = unary("Log", UnaryOp.LOG, Saves.INPUT, (x, result) -> x.reciprocal());
    static final Unary LOG1P = unary("Log1p", UnaryOp.LOG1P, Saves.INPUT, (x, result) -> x.add(1.0).reciprocal());
    static final Unary SQRT = unary("Sqrt", UnaryOp.SQRT, Saves.RESULT, (x, result) -> result.mul(2.0).reciprocal());
    static final Unary RSQRT = unary("Rsqrt", UnaryOp.RSQRT, Saves.RESULT,
            (x, result) -> result.mul(result).mul(result).mul(-0.5));
    static final Unary RECIPROCAL = unary("Reciprocal", UnaryOp.RECIPROCAL, Saves.RESULT,
            (x, result) -> result.mul(result).neg());
    static final Unary SIN = unary("Sin", UnaryOp.SIN, Saves.INPUT, (x, result) -> x.cos());
    static final Unary COS = unary("Cos", UnaryOp.COS, Saves.INPUT, (x, result) -> x.sin().neg());
    static final Unary TAN = unary("Tan", UnaryOp.TAN, Saves.RESULT, (x, result) -> result.mul(result).add(1.0));
    static final Unary TANH = unary("Tanh", UnaryOp.TANH, Saves.RESULT, (x, result) -> result.mul(result).rsub(1.0));
    static final Unary SIGMOID = unary("Sigmoid", UnaryOp.SIGMOID, Saves.RESULT,
            (x, result) -> result.mul(result.rsub(1.0)));
    static final Unary RELU = new Unary("Relu", UnaryOp.RELU, Saves.RESULT, (x, result) -> result.gt(0),
            Unary::reluVjp);
    static final Unary FLOOR = unary("Floor", UnaryOp.FLOOR, Saves.NOTHING, ZERO);
    static final Unary CEIL = unary("Ceil", UnaryOp.CEIL, Saves.NOTHING, ZERO);
    static final Unary ROUND = unary("Round", UnaryOp.ROUND, Saves.NOTHING, ZERO);

    /** Logical not of a BOOL tensor (not differentiable). */
    static final class Not {
        final Primitive primitive = declare("LogicalNot", false);

        Tensor apply(Tensor x) {
            return Tensor.wrap(CpuKernels.unary(UnaryOp.NEG, x.strided(), x.shape), x.shape);
        }
    }

    static final Not NOT = new Not();

    // =====================================================================================
    // Elementwise functions of two arguments, broadcasting. Each gradient is summed back to its
    // input's shape; the JVP adds the two partial terms.

    /** Bits for what a partial derivative reads, so that backward saves only those. */
    private static final int X = 1, Y = 2, RESULT = 4;

    @FunctionalInterface
    private interface PartialRule {
        Tensor at(Tensor x, Tensor y, Tensor result);
    }

    /** d result / d x or d result / d y at (x, y), reading the operands in {@code reads} (X, Y, RESULT). */
    private record Partial(int reads, PartialRule rule) {
        Tensor at(Tensor x, Tensor y, Tensor result) {
            return rule.at(x, y, result);
        }
    }

    private static Partial reading(int reads, PartialRule rule) {
        return new Partial(reads, rule);
    }

    static final class Binary {
        final Primitive primitive;
        private final BinaryOp op;
        /** Linear ops (add, sub) pass the gradient through, scaled by these signs; others use partials. */
        private final int linearSignY;
        private final Partial dx;
        private final Partial dy;
        private final String opName;
        private final boolean predicateOp;

        private Binary(String name, BinaryOp op, int linearSignY, Partial dx, Partial dy) {
            this.primitive = declare(name, linearSignY != 0 || dx != null, Primitive.GradOwnership.FRESH);
            this.op = op;
            this.linearSignY = linearSignY;
            this.dx = dx;
            this.dy = dy;
            this.opName = switch (op) { // the public method's name
                case AND -> "logicalAnd";
                case OR -> "logicalOr";
                default -> op.name().toLowerCase(java.util.Locale.ROOT);
            };
            this.predicateOp = op.isComparison() || op.isLogical();
        }

        Tensor apply(Tensor x, Tensor y) {
            String name = opName;
            DType common = resultType(x, y);
            if (op.isLogical()) {
                common = DType.BOOL;
            } else if (!op.isComparison()) {
                if (x.dtype == DType.BOOL && y.dtype == DType.BOOL) {
                    switch (op) {
                        case ADD, MUL, MAXIMUM, MINIMUM -> {
                            // as PyTorch: + and maximum are logical or, * and minimum logical and
                            return apply(x.to(DType.INT64), y.to(DType.INT64)).ne(0);
                        }
                        case DIV, ATAN2 -> {
                            // true division of bools gives float32, below
                        }
                        default -> throw new DTypeException(name + ": arithmetic on two bool tensors is not supported"
                                + " (shapes " + Shapes.str(x.shape) + " and " + Shapes.str(y.shape)
                                + "); use logicalNot() to invert a mask, or convert one with to(DType.INT64)");
                    }
                }
                if (common == DType.BOOL) {
                    common = DType.INT64;
                }
                if (!common.isFloating() && (op == BinaryOp.DIV || op == BinaryOp.ATAN2)) {
                    common = DType.FLOAT32; // true division, as PyTorch
                }
            }
            Tensor a = x.to(common);
            Tensor b = y.to(common);
            int[] shape = Shapes.broadcast(name, a.shape, b.shape);
            Tensor result = shape.length == 0 && common.isFloating() && !predicateOp
                    ? Tensor.scalar(op.apply(a.item(), b.item()), common) // 0-d: skip the strided machinery
                    : Tensor.wrap(CpuKernels.binary(op, a.stridedAs(shape), b.stridedAs(shape), shape), shape);
            if (!primitive.differentiable() || !common.isFloating()) {
                return result;
            }
            boolean needX = a.requiresGrad();
            boolean needY = b.requiresGrad();
            boolean recordGrad = (needX || needY) && GradMode.isEnabled();
            boolean forward = a.tangents() != null || b.tangents() != null;
            if (!recordGrad && !forward) {
                return result;
            }
            int[] xShape = a.shape;
            int[] yShape = b.shape;
            int reads = linearSignY != 0 ? 0 : (needX ? dx.reads() : 0) | (needY ? dy.reads() : 0);
            Tensor[] save = reads == 0 ? NOTHING : new Tensor[] {(reads & X) != 0 ? a : null,
                    (reads & Y) != 0 ? b : null, (reads & RESULT) != 0 ? result : null};
            return record(primitive, result, new Tensor[] {a, b}, save,
                    recordGrad ? (PrimitiveNode.InPlaceVjp) (grad, saved, gradOwned) ->
                            vjp(grad, saved, gradOwned, needX, needY, xShape, yShape) : null,
                    forward ? tangents -> jvp(tangents[0], tangents[1], a, b, result, shape) : null);
        }

        /** The gradients of x and y; with {@code gradOwned}, the last one may be written into grad. */
        private Tensor[] vjp(Tensor grad, Tensor[] saved, boolean gradOwned, boolean needX, boolean needY,
                             int[] xShape, int[] yShape) {
            Tensor gx = null;
            Tensor gy = null;
            if (linearSignY != 0) {
                gx = needX ? grad : null;
                // -grad as a product, so that a repeated value stays one value (times -1 is exact negation)
                gy = needY ? (linearSignY > 0 ? grad : times(grad, grad.scalarFor(-1.0), false, false)) : null;
            } else {
                Tensor x = saved[0];
                Tensor y = saved[1];
                Tensor result = saved[2];
                if (op == BinaryOp.MUL && needX && x == y) {
                    // x * x: both partials are x, so one product, doubled, is the whole gradient (2 g x is exactly
                    // g x + g x); one array instead of two and their sum. A repeated-value gradient (a sum's, as in
                    // a squared error) is doubled first, as one number.
                    Tensor two = grad.scalarFor(2.0);
                    Tensor gradient = grad.repeatedValue() != null
                            ? times(times(grad, two, false, false), x, false, false) // (2 v) x
                            : times(times(grad, x, gradOwned, false), two, true, false); // (g x) 2, in place: ours
                    return grads(sumToShape(gradient, xShape), null);
                }
                if (needX) {
                    Tensor d = dx.at(x, y, result);
                    gx = times(grad, d, gradOwned && !needY, isFresh(d, x, y, result));
                }
                if (needY) {
                    Tensor d = dy.at(x, y, result);
                    gy = times(grad, d, gradOwned, isFresh(d, x, y, result));
                }
            }
            return grads(gx == null ? null : sumToShape(gx, xShape), gy == null ? null : sumToShape(gy, yShape));
        }

        private Tensor jvp(Tensor tx, Tensor ty, Tensor x, Tensor y, Tensor result, int[] shape) {
            Tensor out;
            if (linearSignY != 0) {
                out = plus(tx, ty == null ? null : linearSignY > 0 ? ty : ty.neg());
            } else {
                out = plus(tx == null ? null : tx.mul(dx.at(x, y, result)),
                        ty == null ? null : ty.mul(dy.at(x, y, result)));
            }
            return Arrays.equals(out.shape, shape) ? out : out.expand(shape);
        }
    }

    private static Binary linear(String name, BinaryOp op, int signY) {
        return new Binary(name, op, signY, null, null);
    }

    private static Binary binary(String name, BinaryOp op, Partial dx, Partial dy) {
        return new Binary(name, op, 0, dx, dy);
    }

    private static Binary predicate(String name, BinaryOp op) {
        return new Binary(name, op, 0, null, null);
    }

    static final Binary ADD = linear("Add", BinaryOp.ADD, +1);
    static final Binary SUB = linear("Sub", BinaryOp.SUB, -1);
    static final Binary MUL = binary("Mul", BinaryOp.MUL, reading(Y, (x, y, result) -> y),
            reading(X, (x, y, result) -> x));
    static final Binary DIV = binary("Div", BinaryOp.DIV,
            reading(Y, (x, y, result) -> y.reciprocal()),
            reading(X | Y, (x, y, result) -> x.neg().div(y.mul(y))));
    /** d/dx is 0 where y == 0 and d/dy is 0 where x == 0 and y >= 0, as PyTorch (no 0 * inf NaNs). */
    static final Binary POW = binary("Pow", BinaryOp.POW,
            reading(X | Y, (x, y, result) -> constantScalar(y) ? powPartialAtConstant(x, y.item())
                    : Tensor.where(y.eq(0), Tensor.zerosLike(x), y.mul(x.pow(y.sub(1.0))))),
            reading(X | Y | RESULT, (x, y, result) -> {
                Tensor zeroBase = x.eq(0).logicalAnd(y.ge(0));
                Tensor safeX = Tensor.where(zeroBase, Tensor.onesLike(x), x);
                return Tensor.where(zeroBase, Tensor.zerosLike(result), result.mul(safeX.log()));
            }));
    /** True for a 0-d exponent that is a plain number here (no gradient, no tangent): x.pow(2), x.pow(0.5). */
    private static boolean constantScalar(Tensor y) {
        return y.shape.length == 0 && !y.requiresGrad() && y.tangents() == null;
    }

    /** d/dx x^c for a constant c, in as few ops as the common exponents allow (scalar graphs are op-bound). */
    private static Tensor powPartialAtConstant(Tensor x, double c) {
        if (c == 0) {
            return Tensor.zerosLike(x);
        }
        return c == 2 ? x.mul(2.0) : c == 1 ? Tensor.onesLike(x) : x.pow(c - 1).mul(c);
    }

    /** At ties the gradient is shared evenly, as PyTorch. */
    static final Binary MAXIMUM = binary("Maximum", BinaryOp.MAXIMUM,
            reading(X | Y, (x, y, result) -> x.gt(y).to(x.dtype).add(x.eq(y).to(x.dtype).mul(0.5))),
            reading(X | Y, (x, y, result) -> x.lt(y).to(x.dtype).add(x.eq(y).to(x.dtype).mul(0.5))));
    static final Binary MINIMUM = binary("Minimum", BinaryOp.MINIMUM,
            reading(X | Y, (x, y, result) -> x.lt(y).to(x.dtype).add(x.eq(y).to(x.dtype).mul(0.5))),
            reading(X | Y, (x, y, result) -> x.gt(y).to(x.dtype).add(x.eq(y).to(x.dtype).mul(0.5))));
    static final Binary ATAN2 = binary("Atan2", BinaryOp.ATAN2,
            reading(X | Y, (x, y, result) -> y.div(x.mul(x).add(y.mul(y)))),
            reading(X | Y, (x, y, result) -> x.neg().div(x.mul(x).add(y.mul(y)))));
    static final Binary EQ = predicate("Eq", BinaryOp.EQ);
    static final Binary NE = predicate("Ne", BinaryOp.NE);
    static final Binary LT = predicate("Lt", BinaryOp.LT);
    static final Binary LE = predicate("Le", BinaryOp.LE);
    static final Binary GT = predicate("Gt", BinaryOp.GT);
    static final Binary GE = predicate("Ge", BinaryOp.GE);
    static final Binary AND = predicate("LogicalAnd", BinaryOp.AND);
    static final Binary OR = predicate("LogicalOr", BinaryOp.OR);

    /**
     * PyTorch's result type: the higher of bool &lt; int &lt; float categories wins; within a category a
     * tensor with dims wins over a 0-d one (so a float64 0-d tensor does not upcast float32 data).
     */
    static DType resultType(Tensor x, Tensor y) {
        boolean xDims = x.shape.length > 0;
        boolean yDims = y.shape.length > 0;
        if (xDims == yDims) {
            return DType.promote(x.dtype, y.dtype);
        }
        DType dimensioned = xDims ? x.dtype : y.dtype;
        DType zeroDim = xDims ? y.dtype : x.dtype;
        return category(zeroDim) > category(dimensioned) ? zeroDim : dimensioned;
    }

    private static int category(DType t) {
        return t == DType.BOOL ? 0 : t.isFloating() ? 2 : 1;
    }

    // =====================================================================================
    // where(cond, x, y): the gradient goes to whichever side was chosen.

    static final Primitive WHERE = declare("Where", true);

    static Tensor where(Tensor cond, Tensor x, Tensor y) {
        if (cond.dtype != DType.BOOL) {
            throw new DTypeException("where: condition must be bool, got " + cond.dtype + " (shape "
                    + Shapes.str(cond.shape) + ")");
        }
        DType common = resultType(x, y);
        Tensor a = x.to(common);
        Tensor b = y.to(common);
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", cond.shape, a.shape), b.shape);
        Tensor result = Tensor.wrap(CpuKernels.where(cond.stridedAs(shape), a.stridedAs(shape), b.stridedAs(shape),
                shape), shape);
        if (!common.isFloating()) {
            return result;
        }
        int[] xShape = a.shape;
        int[] yShape = b.shape;
        boolean needX = a.requiresGrad();
        boolean needY = b.requiresGrad();
        return record(WHERE, result, new Tensor[] {a, b}, new Tensor[] {cond},
                (grad, saved) -> {
                    Tensor c = saved[0];
                    Tensor zero = Tensor.zerosLike(grad);
                    return grads(needX ? sumToShape(where(c, grad, zero), xShape) : null,
                            needY ? sumToShape(where(c, zero, grad), yShape) : null);
                },
                tangents -> where(cond, tangents[0] != null ? tangents[0] : Tensor.zerosLike(a),
                        tangents[1] != null ? tangents[1] : Tensor.zerosLike(b)));
    }

    // =====================================================================================
    // Reductions over the dims marked in a mask.

    private static int[] keptShape(int[] shape, boolean[] mask, boolean keepDim) {
        int[] out = new int[shape.length];
        int j = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!mask[d]) {
                out[j++] = shape[d];
            } else if (keepDim) {
                out[j++] = 1;
            }
        }
        return Arrays.copyOf(out, j);
    }

    private static Tensor reduce(ReduceOp op, Tensor x, boolean[] mask, boolean keepDim) {
        Object data = CpuKernels.reduce(op, x.strided(), x.shape, mask);
        return Tensor.wrap(data, keptShape(x.shape, mask, keepDim));
    }

    /** The gradient of a reduced output made broadcastable against the input again. */
    private static Tensor unreduce(Tensor t, int[] inputShape, boolean[] mask) {
        return t.reshape(keptShape(inputShape, mask, true));
    }

    static final Primitive SUM = declare("Sum", true);

    /** sum over the masked dims. Linear: VJP broadcasts the gradient back, JVP sums the tangent. */
    static Tensor sum(Tensor x, boolean[] mask, boolean keepDim) {
        Tensor result = reduce(ReduceOp.SUM, x, mask, keepDim);
        int[] xShape = x.shape;
        return record(SUM, result, new Tensor[] {x}, NOTHING,
                (grad, saved) -> grads(unreduce(grad, xShape, mask).expand(xShape)),
                tangents -> sum(tangents[0], mask, keepDim));
    }

    static final Primitive AMAX = declare("Amax", true);
    static final Primitive AMIN = declare("Amin", true);

    /** max or min over the masked dims; the gradient is shared evenly among the elements that attain it. */
    static Tensor extremum(Tensor x, boolean max, boolean[] mask, boolean keepDim) {
        if (x.dtype == DType.BOOL) {
            return extremum(x.to(DType.INT64), max, mask, keepDim).to(DType.BOOL);
        }
        Tensor result = reduce(max ? ReduceOp.MAX : ReduceOp.MIN, x, mask, keepDim);
        int[] xShape = x.shape;
        return record(max ? AMAX : AMIN, result, new Tensor[] {x}, new Tensor[] {x, result},
                (grad, saved) -> grads(unreduce(grad, xShape, mask).mul(extremumShare(saved[0], saved[1], mask))),
                tangents -> sum(tangents[0].mul(extremumShare(x, result, mask)), mask, keepDim));
    }

    /** 1/k at the k elements that equal the extremum of their group, 0 elsewhere. */
    private static Tensor extremumShare(Tensor x, Tensor result, boolean[] mask) {
        Tensor hits = x.eq(unreduce(result, x.shape, mask)).to(x.dtype);
        return hits.div(sum(hits, mask, true));
    }

    static final Primitive PROD = declare("Prod", true);

    /** product over the masked dims; correct gradients also where inputs are zero. */
    static Tensor prod(Tensor x, boolean[] mask, boolean keepDim) {
        Tensor result = reduce(ReduceOp.PROD, x, mask, keepDim);
        if (!x.dtype.isFloating()) {
            return result;
        }
        int[] xShape = x.shape;
        return record(PROD, result, new Tensor[] {x}, new Tensor[] {x, result},
                (grad, saved) -> grads(unreduce(grad, xShape, mask).mul(prodFactor(saved[0], saved[1], mask))),
                tangents -> sum(tangents[0].mul(prodFactor(x, result, mask)), mask, keepDim));
    }

    /** d prod / d x_i = product of the other elements of x_i's group. */
    private static Tensor prodFactor(Tensor x, Tensor result, boolean[] mask) {
        Tensor isZero = x.eq(0);
        Tensor safeX = Tensor.where(isZero, Tensor.onesLike(x), x);
        Tensor zerosInGroup = sum(isZero.to(DType.INT64), mask, true);
        Tensor othersIfZero = Tensor.where(zerosInGroup.eq(1), prod(safeX, mask, true), Tensor.scalar(0.0, x.dtype));
        Tensor othersIfNonzero = unreduce(result, x.shape, mask).div(safeX);
        return Tensor.where(isZero, othersIfZero.expand(x.shape), othersIfNonzero);
    }

    static final Primitive CUMSUM = declare("Cumsum", true);

    /** Running sums along dim. VJP: reversed running sums of the gradient. */
    static Tensor cumsum(Tensor x, int dim) {
        Tensor c = x.shape.length == 0 ? x.reshape(1).contiguous() : x.contiguous();
        int outer = Shapes.outerSize(c.shape, dim);
        int inner = Shapes.innerSize(c.shape, dim);
        Object data = CpuKernels.cumsum(sliceFrom(c), outer, c.shape[dim], inner);
        Tensor result = Tensor.wrap(data, x.shape);
        boolean[] flipMask = new boolean[x.shape.length];
        if (x.shape.length > 0) {
            flipMask[dim] = true;
        }
        return record(CUMSUM, result, new Tensor[] {x}, NOTHING,
                (grad, saved) -> grads(flip(cumsum(flip(grad, flipMask), dim), flipMask)),
                tangents -> cumsum(tangents[0], dim));
    }

    /** The data of a contiguous tensor starting at index 0 (copied only if it starts later). */
    private static Object sliceFrom(Tensor contiguous) {
        return contiguous.offset == 0 ? contiguous.storage.data : contiguous.cloneData().storage.data;
    }

    // =====================================================================================
    // Movement. Views share storage; their rules move the gradient back into the input's layout.

    static final Primitive VIEW = declare("View", true);

    /** The same elements in another shape; x must be viewable as {@code shape} (see Tensor.reshape). */
    static Tensor reshape(Tensor x, int[] shape) {
        int[] viewStrides = x.viewStrides(shape);
        Tensor result = x.viewWith(shape, viewStrides, x.offset);
        int[] xShape = x.shape;
        return record(VIEW, result, new Tensor[] {x}, NOTHING,
                (grad, saved) -> grads(grad.reshape(xShape)),
                tangents -> tangents[0].reshape(shape));
    }

    static final Primitive PERMUTE = declare("Permute", true, Primitive.GradOwnership.VIEW_OF_GRAD);

    static Tensor permute(Tensor x, int[] dims) {
        int rank = x.shape.length;
        if (dims.length != rank) {
            throw new IndexException("permute: " + Arrays.toString(dims) + " has " + dims.length
                    + " dims but the tensor has rank " + rank + " (shape " + Shapes.str(x.shape) + ")");
        }
        int[] order = new int[rank];
        int[] inverse = new int[rank];
        boolean[] seen = new boolean[rank];
        int[] shape = new int[rank];
        int[] strides = new int[rank];
        for (int i = 0; i < rank; i++) {
            int d = Shapes.dim("permute", dims[i], rank);
            if (seen[d]) {
                throw new IndexException("permute: dims " + Arrays.toString(dims) + " repeat dimension " + d);
            }
            seen[d] = true;
            order[i] = d;
            inverse[d] = i;
            shape[i] = x.shape[d];
            strides[i] = x.strides[d];
        }
        Tensor result = x.viewWith(shape, strides, x.offset);
        return record(PERMUTE, result, new Tensor[] {x}, NOTHING,
                (grad, saved) -> grads(grad.permute(inverse)),
                tangents -> tangents[0].permute(order));
    }

    static final Primitive EXPAND = declare("Expand", true);

    /** x broadcast to a (validated) shape with zero strides. VJP sums over the broadcast dims. */
    static Tensor expand(Tensor x, int[] shape) {
        Tensor result = x.viewWith(shape, Shapes.broadcastStrides(x.shape, x.strides, shape), x.offset);
        int[] xShape = x.shape;
        return record(EXPAND, result, new Tensor[] {x}, NOTHING,
                (grad, saved) -> grads(sumToShape(grad, xShape)),
                tangents -> tangents[0].expand(shape));
    }

    static final Primitive SLICE = declare("Slice", true);

    /** Elements start, start+step, ... before stop along dim (all already clamped). A view. */
    static Tensor slice(Tensor x, int dim, int start, int stop, int step) {
        int[] shape = x.shape.clone();
        int[] strides = x.strides.clone();
        shape[dim] = (stop - start + step - 1) / step;
        strides[dim] = x.strides[dim] * step;
        Tensor result = x.viewWith(shape, strides, x.offset + start * x.strides[dim]);
        int[] xShape = x.shape;
        return record(SLICE, result, new Tensor[] {x}, NOTHING,
                (grad, saved) -> grads(sliceScatter(grad, xShape, dim, start, step)),
                tangents -> tangents[0].slice(dim, start, stop, step));
    }

    static final Primitive SLICE_SCATTER = declare("SliceScatter", true);

    /** Zeros of {@code shape} with {@code src} written at start, start+step, ... along dim (slice's adjoint). */
    static Tensor sliceScatter(Tensor src, int[] shape, int dim, int start, int step) {
        Tensor result = Tensor.zeros(src.dtype, shape);
        int stop = start + (src.shape[dim] - 1) * step + 1;
        Tensor region;
        try (GradMode g = GradMode.noGrad()) {
            region = result.slice(dim, start, stop, step);
        }
        CpuKernels.copy(src.strided(), region.strided(), src.shape);
        return record(SLICE_SCATTER, result, new Tensor[] {src}, NOTHING,
                (grad, saved) -> grads(grad.slice(dim, start, stop, step)),
                tangents -> sliceScatter(tangents[0], shape, dim, start, step));
    }

    static final Primitive ALIAS = declare("Alias", true);

    /** The same tensor under a new identity (a view of all of it): where transforms attach their inputs. */
    static Tensor alias(Tensor x) {
        Tensor result = x.viewWith(x.shape, x.strides, x.offset);
        return record(ALIAS, result, new Tensor[] {x}, NOTHING,
                (grad, saved) -> grads(grad),
                tangents -> tangents[0]);
    }

    static final Primitive CLONE = declare("Clone", true);

    /** A contiguous copy. The gradient passes through. */
    static Tensor clone(Tensor x) {
        Tensor result = x.cloneData();
        return record(CLONE, result, new Tensor[] {x}, NOTHING,
                (grad, saved) -> grads(grad),
                tangents -> tangents[0].clone());
    }

    static final Primitive FLIP = declare("Flip", true);

    /** The elements reversed along the masked dims. A copy; its own adjoint. */
    static Tensor flip(Tensor x, boolean[] mask) {
        int[] strides = x.strides.clone();
        int offset = x.offset;
        for (int d = 0; d < mask.length; d++) {
            if (mask[d] && x.shape[d] > 0) {
                offset += (x.shape[d] - 1) * strides[d];
                strides[d] = -strides[d];
            }
        }
        Object out = CpuKernels.allocate(x.dtype, x.numel());
        CpuKernels.copy(new Strided(x.storage.data, offset, strides),
                new Strided(out, 0, Shapes.contiguousStrides(x.shape)), x.shape);
        Tensor result = Tensor.wrap(out, x.shape);
        return record(FLIP, result, new Tensor[] {x}, NOTHING,
                (grad, saved) -> grads(flip(grad, mask)),
                tangents -> flip(tangents[0], mask));
    }

    static final Primitive CAT = declare("Cat", true);

    /** The tensors joined along dim. VJP: the matching slice of the gradient for each input. */
    static Tensor cat(Tensor[] tensors, int dim) {
        if (tensors.length == 0) {
            throw new ShapeException("cat: expects a non-empty list of tensors");
        }
        List<Tensor> parts = new ArrayList<>();
        for (Tensor t : tensors) {
            if (!(t.shape.length == 1 && t.shape[0] == 0 && tensors.length > 1)) { // PyTorch skips empty 1-d tensors
                parts.add(t);
            }
        }
        if (parts.isEmpty()) {
            parts.add(tensors[0]);
        }
        Tensor first = parts.get(0);
        int rank = first.shape.length;
        if (rank == 0) {
            throw new ShapeException("cat: zero-dimensional tensor (at position 0) cannot be concatenated");
        }
        int d = Shapes.dim("cat", dim, rank);
        DType common = first.dtype;
        int total = 0;
        for (int i = 0; i < parts.size(); i++) {
            Tensor t = parts.get(i);
            if (t.shape.length != rank) {
                throw new ShapeException("cat: tensors must have the same rank: shape " + Shapes.str(first.shape)
                        + " at position 0 and " + Shapes.str(t.shape) + " at position " + i);
            }
            for (int k = 0; k < rank; k++) {
                if (k != d && t.shape[k] != first.shape[k]) {
                    throw new ShapeException("cat: sizes of tensors must match except in dimension " + d
                            + ": expected size " + first.shape[k] + " but got size " + t.shape[k] + " in dimension "
                            + k + " for the tensor at position " + i + " (shapes " + Shapes.str(first.shape) + " and "
                            + Shapes.str(t.shape) + ")");
                }
            }
            common = DType.promote(common, t.dtype);
            total += t.shape[d];
        }
        int[] shape = first.shape.clone();
        shape[d] = total;
        Tensor result = Tensor.zeros(common, shape);
        Tensor[] inputs = new Tensor[parts.size()];
        int[] starts = new int[parts.size()];
        int at = 0;
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = parts.get(i).to(common);
            starts[i] = at;
            int size = inputs[i].shape[d];
            Tensor region;
            try (GradMode g = GradMode.noGrad()) {
                region = result.slice(d, at, at + size);
            }
            CpuKernels.copy(inputs[i].strided(), region.strided(), inputs[i].shape);
            at += size;
        }
        if (!common.isFloating()) {
            return result;
        }
        return record(CAT, result, inputs, NOTHING,
                (grad, saved) -> {
                    Tensor[] out = new Tensor[inputs.length];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = grad.slice(d, starts[i], starts[i] + inputs[i].shape[d]);
                    }
                    return out;
                },
                tangents -> {
                    Tensor[] parts2 = new Tensor[inputs.length];
                    for (int i = 0; i < parts2.length; i++) {
                        parts2[i] = tangents[i] != null ? tangents[i] : Tensor.zerosLike(inputs[i]);
                    }
                    return cat(parts2, d);
                });
    }

    static final Primitive INDEX_SELECT = declare("IndexSelect", true);

    /** The entries {@code index} (validated, non-negative) along dim. VJP: scatter-add into zeros. */
    static Tensor indexSelect(Tensor x, int dim, long[] index) {
        Tensor c = x.contiguous();
        int outer = Shapes.outerSize(c.shape, dim);
        int inner = Shapes.innerSize(c.shape, dim);
        int[] shape = c.shape.clone();
        shape[dim] = index.length;
        Tensor result = Tensor.wrap(CpuKernels.indexSelect(sliceFrom(c), outer, c.shape[dim], inner, index), shape);
        int[] xShape = x.shape;
        return record(INDEX_SELECT, result, new Tensor[] {x}, NOTHING,
                (grad, saved) -> grads(indexScatter(grad, xShape, dim, index)),
                tangents -> indexSelect(tangents[0], dim, index));
    }

    static final Primitive INDEX_SCATTER = declare("IndexScatter", true);

    /** Zeros of {@code shape} with src's entries added at {@code index} along dim (indexSelect's adjoint). */
    static Tensor indexScatter(Tensor src, int[] shape, int dim, long[] index) {
        Tensor c = src.contiguous();
        Object out = CpuKernels.allocate(src.dtype, Shapes.numel(shape));
        int outer = Shapes.outerSize(shape, dim);
        int inner = Shapes.innerSize(shape, dim);
        CpuKernels.indexAdd(out, outer, shape[dim], inner, index, sliceFrom(c));
        Tensor result = Tensor.wrap(out, shape);
        return record(INDEX_SCATTER, result, new Tensor[] {src}, NOTHING,
                (grad, saved) -> grads(indexSelect(grad, dim, index)),
                tangents -> indexScatter(tangents[0], shape, dim, index));
    }

    // =====================================================================================
    // Matrix product of (batched) matrices; 1-d operands are handled by Tensor.matmul.

    static final Primitive MATMUL = declare("Matmul", true, Primitive.GradOwnership.FRESH);

    static Tensor matmul(Tensor a, Tensor b, String aShapeText, String bShapeText) {
        return matmul(a, b, aShapeText, bShapeText, null);
    }

    /** As above; {@code known}: the product's values when already computed (a fused tangent), or null. */
    private static Tensor matmul(Tensor a, Tensor b, String aShapeText, String bShapeText, Object known) {
        int m = a.shape[a.shape.length - 2];
        int k = a.shape[a.shape.length - 1];
        int k2 = b.shape[b.shape.length - 2];
        int n = b.shape[b.shape.length - 1];
        if (k != k2) {
            throw new ShapeException("matmul: shapes " + aShapeText + " and " + bShapeText + " cannot be multiplied ("
                    + k + " != " + k2 + ")");
        }
        if (a.dtype == DType.BOOL || b.dtype == DType.BOOL) {
            throw new DTypeException("matmul: bool tensors are not supported (dtypes " + a.dtype + " and " + b.dtype + ")");
        }
        DType common = DType.promote(a.dtype, b.dtype);
        Tensor x = a.to(common);
        Tensor y = b.to(common);
        int[] aBatch = Arrays.copyOf(a.shape, a.shape.length - 2);
        int[] bBatch = Arrays.copyOf(b.shape, b.shape.length - 2);
        int[] batch;
        try {
            batch = Shapes.broadcast("matmul", aBatch, bBatch);
        } catch (ShapeException e) {
            throw new ShapeException("matmul: batch dimensions of shapes " + aShapeText + " and " + bShapeText
                    + " cannot be broadcast");
        }
        MatmulOperand xo = matmulOperand(x, batch);
        MatmulOperand yo = matmulOperand(y, batch);
        Object data = known;
        // A matrix times a column that carries a tangent (forward over reverse, as in hvp): the product and the
        // product's tangent (the same matrix times the column's tangent) come from one pass over the matrix.
        Tensor columnTangent = known == null ? fusableColumnTangent(x, y) : null;
        Object tangentData = null;
        if (columnTangent != null) {
            MatmulOperand to = matmulOperand(columnTangent, batch);
            Object[] pair = CpuKernels.matmulColumnPair(xo.data, xo.offset, xo.rowStride, xo.colStride,
                    yo.data, yo.offset, yo.rowStride, to.data, to.offset, to.rowStride, m, k);
            if (pair != null) {
                data = pair[0];
                tangentData = pair[1];
            }
        }
        if (data == null) {
            data = CpuKernels.matmul(xo.data, xo.offset, xo.batchStride, xo.rowStride, xo.colStride,
                    yo.data, yo.offset, yo.batchStride, yo.rowStride, yo.colStride, Shapes.numel(batch), m, k, n);
        }
        Tensor result = Tensor.wrap(data, Shapes.concat(batch, new int[] {m, n}));
        if (!common.isFloating()) {
            return result;
        }
        int[] xShape = x.shape;
        int[] yShape = y.shape;
        boolean needX = x.requiresGrad();
        boolean needY = y.requiresGrad();
        // A gradient comes out in its operand's layout: for a transposed operand (w.T() in x @ w.T()) the
        // product is formed transposed, so the gradient that reaches w is contiguous and needs no copy.
        boolean xTransposed = transposedLayout(x);
        boolean yTransposed = transposedLayout(y);
        Object fusedTangent = tangentData;
        // Each gradient reads the other operand, so an operand is saved only when the other's gradient is wanted.
        return record(MATMUL, result, new Tensor[] {x, y}, new Tensor[] {needY ? x : null, needX ? y : null},
                (grad, saved) -> grads(
                        needX ? sumToShape(xTransposed ? saved[1].matmul(grad.mT()).mT()
                                : grad.matmul(saved[1].mT()), xShape) : null,
                        needY ? sumToShape(yTransposed ? grad.mT().matmul(saved[0]).mT()
                                : saved[0].mT().matmul(grad), yShape) : null),
                tangents -> {
                    if (fusedTangent != null && tangents[0] == null && tangents[1] == columnTangent) {
                        // x @ tangent, recorded as any product is, with the values computed above
                        return matmul(x, columnTangent, Shapes.str(xShape), Shapes.str(columnTangent.shape),
                                fusedTangent);
                    }
                    return plus(tangents[0] == null ? null : tangents[0].matmul(y),
                            tangents[1] == null ? null : x.matmul(tangents[1]));
                });
    }

    /**
     * The tangent of column y in x @ y when the two products can share one pass over x: 2-d float operands, y a
     * single column with a tangent at exactly one forward level, which propagates, and x with none; else null.
     */
    private static Tensor fusableColumnTangent(Tensor x, Tensor y) {
        Tangents levels = y.tangents();
        if (x.shape.length != 2 || y.shape.length != 2 || y.shape[1] != 1 || !x.dtype.isFloating()
                || levels == null || levels.next() != null || x.tangents() != null
                || !ForwardMode.propagates(levels.level())) {
            return null;
        }
        Tensor tangent = levels.value();
        return tangent.dtype == y.dtype && Arrays.equals(tangent.shape, y.shape) ? tangent : null;
    }

    /** Whether t's last two dims are a transposed contiguous matrix (t.mT() contiguous, t itself not). */
    private static boolean transposedLayout(Tensor t) {
        return !t.isContiguous() && t.mT().isContiguous();
    }

    /** One matmul operand as the kernel reads it: matrix t of the batch at offset + t*batchStride, then strided. */
    private record MatmulOperand(Object data, int offset, int batchStride, int rowStride, int colStride) {
    }

    /**
     * The operand t broadcast over the batch dims {@code batch}, read in place (transposed and expanded views
     * included) when its batch dims flatten to one stride; otherwise a contiguous copy of the broadcast operand.
     */
    private static MatmulOperand matmulOperand(Tensor t, int[] batch) {
        int rank = t.shape.length;
        int lead = batch.length - (rank - 2); // batch dims that t lacks (broadcast, stride 0)
        long batchStride = -1; // the stride of the flattened batch index, once a batch dim of size > 1 fixes it
        long inner = 1; // number of matrices per step of batch dim d
        boolean flat = true;
        for (int d = batch.length - 1; d >= 0 && flat; d--) {
            if (batch[d] != 1) {
                long stride = d < lead || t.shape[d - lead] == 1 ? 0 : t.strides[d - lead];
                if (batchStride < 0) {
                    batchStride = stride;
                } else {
                    flat = stride == batchStride * inner;
                }
                inner *= batch[d];
            }
        }
        if (flat) {
            return new MatmulOperand(t.storage.data, t.offset, (int) Math.max(batchStride, 0),
                    t.strides[rank - 2], t.strides[rank - 1]);
        }
        int rows = t.shape[rank - 2];
        int cols = t.shape[rank - 1];
        Tensor c = t.detach().expand(Shapes.concat(batch, new int[] {rows, cols})).cloneData();
        return new MatmulOperand(c.storage.data, c.offset, rows * cols, cols, 1);
    }

    // =====================================================================================
    // dtype conversion: differentiable between floating types.

    static final Primitive CAST = declare("Cast", true);

    static Tensor cast(Tensor x, DType target) {
        Object out = CpuKernels.allocate(target, x.numel());
        CpuKernels.copy(x.strided(), new Strided(out, 0, Shapes.contiguousStrides(x.shape)), x.shape);
        Tensor result = Tensor.wrap(out, x.shape);
        if (!target.isFloating() || !x.dtype.isFloating()) {
            return result;
        }
        DType source = x.dtype;
        return record(CAST, result, new Tensor[] {x}, NOTHING,
                (grad, saved) -> grads(grad.to(source)),
                tangents -> tangents[0].to(target));
    }

    // =====================================================================================
    // A view read from its base's storage, and its adjoint. Used when an in-place op on a view
    // rewrites the base's history (CopySlices) and to derive the view's history afresh.

    static final Primitive AS_STRIDED = declare("AsStrided", true);

    /** The view's elements taken from a tensor laid out like the base. */
    static Tensor viewOfBase(Tensor baseLike, ViewGeometry geometry) {
        Tensor result;
        if (geometry.baseIsPlain()) {
            Tensor c = baseLike.contiguous();
            result = c.viewWith(geometry.viewShape(), geometry.viewStrides(), c.offset + geometry.viewOffset());
        } else {
            Object storage = CpuKernels.allocate(baseLike.dtype, geometry.storageSize());
            CpuKernels.copy(baseLike.strided(), new Strided(storage, geometry.baseOffset(), geometry.baseStrides()),
                    baseLike.shape);
            result = Tensor.wrap(storage, new int[] {geometry.storageSize()})
                    .viewWith(geometry.viewShape(), geometry.viewStrides(), geometry.viewOffset());
        }
        return record(AS_STRIDED, result, new Tensor[] {baseLike}, NOTHING,
                (grad, saved) -> grads(scatterIntoBase(grad, geometry)),
                tangents -> viewOfBase(tangents[0], geometry));
    }

    static final Primitive AS_STRIDED_SCATTER = declare("AsStridedScatter", true);

    /** Zeros laid out like the base with the view's values added at the view's positions. */
    static Tensor scatterIntoBase(Tensor viewLike, ViewGeometry geometry) {
        Object storage = CpuKernels.allocate(viewLike.dtype, geometry.storageSize());
        CpuKernels.accumulate(viewLike.strided(),
                new Strided(storage, geometry.viewOffset(), geometry.viewStrides()), geometry.viewShape());
        Object out = CpuKernels.allocate(viewLike.dtype, Shapes.numel(geometry.baseShape()));
        CpuKernels.copy(new Strided(storage, geometry.baseOffset(), geometry.baseStrides()),
                new Strided(out, 0, Shapes.contiguousStrides(geometry.baseShape())), geometry.baseShape());
        Tensor result = Tensor.wrap(out, geometry.baseShape());
        return record(AS_STRIDED_SCATTER, result, new Tensor[] {viewLike}, NOTHING,
                (grad, saved) -> grads(viewOfBase(grad, geometry)),
                tangents -> scatterIntoBase(tangents[0], geometry));
    }

    /** The history of a view derived from its base's current history (after the base was rewritten). */
    static Node viewFromBase(Tensor base, Tensor view) {
        Node baseNode = base.gradNode();
        if (baseNode == null) {
            return null;
        }
        ViewGeometry geometry = ViewGeometry.of(base, view);
        return new PrimitiveNode(AS_STRIDED.nodeName(), new Node[] {baseNode},
                (grad, saved) -> grads(scatterIntoBase(grad, geometry)), PrimitiveNode.NOTHING_SAVED);
    }
}
