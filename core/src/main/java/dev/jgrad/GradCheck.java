package dev.jgrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks the derivatives of a function of tensors, like {@code torch.autograd.gradcheck} and HIPS
 * autograd's {@code check_grads}: in float64, the Jacobian from reverse mode (one pullback per output
 * element) and from forward mode (one JVP per input element) is compared with central differences,
 * element by element; the two modes are compared with each other through the adjoint identity
 * {@code <w, J u> = <J^T w, u>}, which holds to rounding error and so catches even small rule errors;
 * and at order 2 the same is done for the gradient function x -> J(x)^T w (reverse over reverse,
 * forward over reverse, differences of gradients).
 */
public final class GradCheck {
    private GradCheck() {
    }

    /**
     * What to check and how strictly. {@code eps} is the finite-difference step; a value passes when
     * |analytic - numeric| &lt;= atol + rtol * |numeric|; the adjoint identity must hold to
     * {@code adjointRtol} relative to the larger of its two sides and 1.
     */
    public record Options(boolean forward, boolean reverse, int order, double eps, double atol, double rtol,
                          double adjointRtol, long seed) {
        /** Fails with a JgradException unless at least one mode is checked and the order is 1 or 2. */
        public Options {
            if (!forward && !reverse) {
                throw new JgradException("GradCheck: check at least one of forward and reverse mode");
            }
            if (order < 1 || order > 2) {
                throw new JgradException("GradCheck: order must be 1 or 2, got " + order);
            }
        }

        /** Both modes, order 2, eps 1e-6, atol 1e-5, rtol 1e-3, adjoint rtol 1e-9. */
        public static Options defaults() {
            return new Options(true, true, 2, 1e-6, 1e-5, 1e-3, 1e-9, 0);
        }

        /** These options with derivative order {@code newOrder} (1 or 2). */
        public Options withOrder(int newOrder) {
            return new Options(forward, reverse, newOrder, eps, atol, rtol, adjointRtol, seed);
        }

        /** These options checking reverse mode only. */
        public Options onlyReverse() {
            return new Options(false, true, order, eps, atol, rtol, adjointRtol, seed);
        }

        /** These options checking forward mode only. */
        public Options onlyForward() {
            return new Options(true, false, order, eps, atol, rtol, adjointRtol, seed);
        }

        /** These options with {@code atol} and {@code rtol} replaced. */
        public Options withTolerances(double newAtol, double newRtol) {
            return new Options(forward, reverse, order, eps, newAtol, newRtol, adjointRtol, seed);
        }
    }

    /** The outcome: the disagreements found (empty when the check passed), readable one per line. */
    public record Report(List<String> problems) {
        /** True when no problem was found. */
        public boolean passed() {
            return problems.isEmpty();
        }

        /** The verdict, then one problem per line when the check failed. */
        @Override
        public String toString() {
            return passed() ? "gradient check passed" : "gradient check failed:\n  " + String.join("\n  ", problems);
        }
    }

    /** Thrown by {@link #assertGrads} with the report as its message. */
    public static final class GradCheckException extends JgradException {
        /** The report of the failed check. */
        private final Report report;

        GradCheckException(Report report) {
            super(report.toString());
            this.report = report;
        }

        /** The report of the failed check. */
        public Report report() {
            return report;
        }
    }

    /** Checks {@code f} at {@code inputs} (converted to float64) with {@link Options#defaults()}. */
    public static Report check(Func.TensorFunction<Tensor> f, Tensor... inputs) {
        return check(f, Options.defaults(), inputs);
    }

    /**
     * Checks {@code f} at {@code inputs} with {@code options}; inputs must be floating and are checked as float64
     * copies.
     */
    public static Report check(Func.TensorFunction<Tensor> f, Options options, Tensor... inputs) {
        Tensor[] x = new Tensor[inputs.length];
        for (int i = 0; i < x.length; i++) {
            if (!inputs[i].dtype.isFloating()) {
                throw new DTypeException("GradCheck: input " + i + " has dtype " + inputs[i].dtype
                        + "; only floating point inputs can be checked");
            }
            x[i] = inputs[i].detach().to(DType.FLOAT64).cloneData();
        }
        List<String> problems = new ArrayList<>();
        Generator random = new Generator(options.seed());
        checkFirstOrder("", f, x, options, random, problems);
        if (options.order() == 2 && problems.isEmpty()) {
            Tensor w = random.uniform(-1, 1, DType.FLOAT64, evaluate(f, x).shape);
            Func.TensorFunction<Tensor> gradient = args -> {
                List<Tensor> g = Func.vjp((List<Tensor> xs) -> f.apply(xs.toArray(Tensor[]::new)), List.of(args))
                        .pullback().apply(w);
                return Tree.ravel(g).flat();
            };
            checkFirstOrder("second order (the gradient of <w, f>): ", gradient, x, options, random, problems);
        }
        return new Report(List.copyOf(problems));
    }

    /** Like {@link #check} but throws a {@link GradCheckException} with the report when it fails. */
    public static void assertGrads(Func.TensorFunction<Tensor> f, Tensor... inputs) {
        Report report = check(f, inputs);
        if (!report.passed()) {
            throw new GradCheckException(report);
        }
    }

    private static void checkFirstOrder(String prefix, Func.TensorFunction<Tensor> f, Tensor[] x, Options options,
                                        Generator random, List<String> problems) {
        Tensor y = evaluate(f, x);
        if (!y.dtype.isFloating()) {
            problems.add(prefix + "the function returns " + y.dtype + " values, which cannot be differentiated");
            return;
        }
        Tensor w = random.uniform(-1, 1, DType.FLOAT64, y.shape);
        Tensor[] u = new Tensor[x.length];
        double forwardSide = 0;
        double reverseSide = 0;
        Func.VjpResult<List<Tensor>, Tensor> pullback = options.reverse() ? Func.vjp(xs -> f.apply(xs.toArray(Tensor[]::new)),
                List.of(x)) : null;
        for (int i = 0; i < x.length; i++) {
            double[][] numeric = numericJacobian(f, x, i, y.numel(), options.eps());
            if (options.reverse()) {
                double[][] analytic = new double[y.numel()][];
                for (int r = 0; r < y.numel(); r++) {
                    analytic[r] = pullback.pullback().apply(oneHot(y, r)).get(i).toDoubleArray();
                }
                compare(prefix + "reverse mode", analytic, numeric, i, x[i], y, options, problems);
            }
            if (options.forward()) {
                double[][] analytic = new double[y.numel()][x[i].numel()];
                for (int c = 0; c < x[i].numel(); c++) {
                    double[] column = Func.jvp(xs -> f.apply(xs.toArray(Tensor[]::new)), List.of(x),
                            tangentsAlong(x, i, c)).tangent().toDoubleArray();
                    for (int r = 0; r < column.length; r++) {
                        analytic[r][c] = column[r];
                    }
                }
                compare(prefix + "forward mode", analytic, numeric, i, x[i], y, options, problems);
            }
            u[i] = random.uniform(-1, 1, DType.FLOAT64, x[i].shape);
        }
        if (options.forward() && options.reverse()) {
            Tensor ju = Func.jvp(xs -> f.apply(xs.toArray(Tensor[]::new)), List.of(x), List.of(u)).tangent();
            forwardSide = dot(w.toDoubleArray(), ju.toDoubleArray());
            List<Tensor> jtw = pullback.pullback().apply(w);
            for (int i = 0; i < x.length; i++) {
                reverseSide += dot(jtw.get(i).toDoubleArray(), u[i].toDoubleArray());
            }
            double scale = Math.max(1, Math.max(Math.abs(forwardSide), Math.abs(reverseSide)));
            if (!(Math.abs(forwardSide - reverseSide) <= options.adjointRtol() * scale)) {
                problems.add(prefix + "adjoint identity: <w, JVP(u)> = " + forwardSide + " but <VJP(w), u> = "
                        + reverseSide + " (difference " + String.format("%.3e", Math.abs(forwardSide - reverseSide))
                        + "): forward and reverse rules disagree");
            }
        }
    }

    private static Tensor evaluate(Func.TensorFunction<Tensor> f, Tensor[] x) {
        try (GradMode g = GradMode.noGrad()) {
            Tensor y = f.apply(x);
            if (y == null) {
                throw new JgradException("GradCheck: the function returned null; it must return a tensor");
            }
            return y;
        }
    }

    private static double[][] numericJacobian(Func.TensorFunction<Tensor> f, Tensor[] x, int which, int outputs,
                                              double eps) {
        double[] base = x[which].toDoubleArray();
        double[][] jacobian = new double[outputs][base.length];
        for (int c = 0; c < base.length; c++) {
            double[] plus = evaluate(f, shifted(x, which, base, c, eps)).to(DType.FLOAT64).toDoubleArray();
            double[] minus = evaluate(f, shifted(x, which, base, c, -eps)).to(DType.FLOAT64).toDoubleArray();
            for (int r = 0; r < outputs; r++) {
                jacobian[r][c] = (plus[r] - minus[r]) / (2 * eps);
            }
        }
        return jacobian;
    }

    private static Tensor[] shifted(Tensor[] x, int which, double[] base, int c, double delta) {
        Tensor[] out = x.clone();
        double[] values = base.clone();
        values[c] += delta;
        out[which] = Tensor.fromArray(values, x[which].shape);
        return out;
    }

    private static List<Tensor> tangentsAlong(Tensor[] x, int which, int element) {
        List<Tensor> tangents = new ArrayList<>(x.length);
        for (int i = 0; i < x.length; i++) {
            tangents.add(i == which ? oneHot(x[i], element) : Tensor.zerosLike(x[i]));
        }
        return tangents;
    }

    private static Tensor oneHot(Tensor like, int index) {
        double[] values = new double[like.numel()];
        values[index] = 1;
        return Tensor.fromArray(values, like.shape).to(like.dtype);
    }

    private static void compare(String what, double[][] analytic, double[][] numeric, int input, Tensor x, Tensor y,
                                Options options, List<String> problems) {
        int bad = 0;
        String first = null;
        double worst = 0;
        for (int r = 0; r < numeric.length; r++) {
            for (int c = 0; c < numeric[r].length; c++) {
                double a = analytic[r][c];
                double n = numeric[r][c];
                double diff = Math.abs(a - n);
                double tolerance = options.atol() + options.rtol() * Math.abs(n);
                if (!(diff <= tolerance)) {
                    bad++;
                    if (first == null || diff > worst) {
                        worst = diff;
                        first = "d output" + position(y.shape, r) + " / d input " + input + position(x.shape, c)
                                + ": analytic " + a + " vs numeric " + n + " (difference "
                                + String.format("%.3e", diff) + " > tolerance " + String.format("%.3e", tolerance) + ")";
                    }
                }
            }
        }
        if (bad > 0) {
            problems.add(what + ", input " + input + " (shape " + Shapes.str(x.shape) + "): " + bad + " of "
                    + numeric.length * (numeric.length == 0 ? 0 : numeric[0].length)
                    + " Jacobian entries disagree with finite differences; the worst: " + first);
        }
    }

    private static String position(int[] shape, int flat) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Arrays.toString(index);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
