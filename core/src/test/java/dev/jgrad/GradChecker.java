package dev.jgrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Checks a function's derivatives in float64, the way JAX's check_grads does: reverse mode and forward
 * mode against central differences, the two modes against each other through the adjoint identity
 * {@code <w, J u> = <J^T w, u>}, and second order (reverse-over-reverse, forward-over-reverse and
 * differences of gradients). Returns a readable report of the first disagreement, or null.
 */
final class GradChecker {
    static final double EPS = 1e-6;
    static final double ATOL = 1e-5;
    static final double RTOL = 1e-3;
    /** The two modes are exact up to rounding, so their agreement is held to a far tighter tolerance. */
    static final double ADJOINT_RTOL = 1e-9;

    private final Generator random = new Generator(1234);

    String check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        Tensor[] x = new Tensor[inputs.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = inputs[i].detach().cloneData().requiresGrad(true);
        }
        Tensor y = f.apply(x);
        if (!y.requiresGrad()) {
            return "output does not require grad";
        }
        Tensor w = random.uniform(-1, 1, DType.FLOAT64, y.shape);
        List<Tensor> grads = Autograd.grad(List.of(y), List.of(x), List.of(w), true, true, true);

        // 1. reverse mode against central differences of <w, f(x)>
        for (int i = 0; i < x.length; i++) {
            double[] analytic = valuesOrZeros(grads.get(i), x[i]);
            double[] numeric = numericGradient(f, x, i, w);
            String bad = compare("reverse mode, input " + i, analytic, numeric, ATOL, RTOL);
            if (bad != null) {
                return bad;
            }
        }

        // 2. forward mode: the tangent of the output along random u, against differences and against reverse
        Tensor[] u = randomLike(x);
        Tensor tangent = tangentOf(f, x, u);
        double[] numericTangent = directional(f, x, u);
        String bad = compare("forward mode", tangent.toDoubleArray(), numericTangent, ATOL, RTOL);
        if (bad != null) {
            return bad;
        }
        double forward = dot(w.toDoubleArray(), tangent.toDoubleArray());
        double reverse = 0;
        for (int i = 0; i < x.length; i++) {
            reverse += dot(valuesOrZeros(grads.get(i), x[i]), u[i].toDoubleArray());
        }
        if (Math.abs(forward - reverse) > ADJOINT_RTOL * Math.max(1, Math.abs(forward))) {
            return "adjoint identity: <w, JVP(u)> = " + forward + " but <VJP(w), u> = " + reverse;
        }

        // 3. second order: d/dx <grad(x), d> three ways
        Tensor[] d = randomLike(x);
        Tensor inner = null;
        for (int i = 0; i < x.length; i++) {
            if (grads.get(i) != null && grads.get(i).requiresGrad()) {
                Tensor term = grads.get(i).mul(d[i]).sum();
                inner = inner == null ? term : inner.add(term);
            }
        }
        List<Tensor> hvp = inner == null ? null : Autograd.grad(List.of(inner), List.of(x), null, true, false, true);
        Tensor[] forwardOverReverse = gradientTangents(f, x, w, d);
        for (int i = 0; i < x.length; i++) {
            double[] numeric = numericGradientOfGradient(f, x, w, d, i);
            double[] reverseOverReverse = hvp == null ? new double[numeric.length] : valuesOrZeros(hvp.get(i), x[i]);
            bad = compare("second order (reverse over reverse), input " + i, reverseOverReverse, numeric, ATOL, RTOL);
            if (bad != null) {
                return bad;
            }
            bad = compare("second order (forward over reverse), input " + i,
                    valuesOrZeros(forwardOverReverse[i], x[i]), numeric, ATOL, RTOL);
            if (bad != null) {
                return bad;
            }
        }
        return null;
    }

    private Tensor[] randomLike(Tensor[] x) {
        Tensor[] out = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = random.uniform(-1, 1, DType.FLOAT64, x[i].shape);
        }
        return out;
    }

    /** f's output tangent when each input carries tangent u[i]. */
    private static Tensor tangentOf(Function<Tensor[], Tensor> f, Tensor[] x, Tensor[] u) {
        Tensor[] dual = new Tensor[x.length];
        try (GradMode g = GradMode.noGrad()) {
            for (int i = 0; i < x.length; i++) {
                dual[i] = x[i].detach();
                dual[i].tangent = u[i];
            }
            Tensor y = f.apply(dual);
            return y.tangent == null ? Tensor.zerosLike(y) : y.tangent;
        }
    }

    /** The tangents of the gradient of <w, f> when the inputs carry tangents d: H d, forward over reverse. */
    private static Tensor[] gradientTangents(Function<Tensor[], Tensor> f, Tensor[] x, Tensor w, Tensor[] d) {
        Tensor[] dual = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            dual[i] = x[i].detach().requiresGrad(true);
            dual[i].tangent = d[i];
        }
        List<Tensor> g = Autograd.grad(List.of(f.apply(dual)), List.of(dual), List.of(w), false, false, true);
        Tensor[] out = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = g.get(i) == null ? null : g.get(i).tangent;
        }
        return out;
    }

    private static double[] numericGradient(Function<Tensor[], Tensor> f, Tensor[] x, int which, Tensor w) {
        double[] base = x[which].toDoubleArray();
        double[] out = new double[base.length];
        for (int k = 0; k < base.length; k++) {
            double plus = weighted(f, replaced(x, which, base, k, EPS), w);
            double minus = weighted(f, replaced(x, which, base, k, -EPS), w);
            out[k] = (plus - minus) / (2 * EPS);
        }
        return out;
    }

    private static double[] directional(Function<Tensor[], Tensor> f, Tensor[] x, Tensor[] u) {
        Tensor[] plus = new Tensor[x.length];
        Tensor[] minus = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            plus[i] = x[i].detach().add(u[i].mul(EPS));
            minus[i] = x[i].detach().sub(u[i].mul(EPS));
        }
        try (GradMode g = GradMode.noGrad()) {
            double[] a = f.apply(plus).toDoubleArray();
            double[] b = f.apply(minus).toDoubleArray();
            for (int k = 0; k < a.length; k++) {
                a[k] = (a[k] - b[k]) / (2 * EPS);
            }
            return a;
        }
    }

    /** Central differences of the gradient of <w, f> along d, for input {@code which}: (H d)[which]. */
    private static double[] numericGradientOfGradient(Function<Tensor[], Tensor> f, Tensor[] x, Tensor w,
                                                      Tensor[] d, int which) {
        double[] plus = gradientAt(f, shifted(x, d, EPS), w, which);
        double[] minus = gradientAt(f, shifted(x, d, -EPS), w, which);
        for (int k = 0; k < plus.length; k++) {
            plus[k] = (plus[k] - minus[k]) / (2 * EPS);
        }
        return plus;
    }

    private static Tensor[] shifted(Tensor[] x, Tensor[] d, double eps) {
        Tensor[] out = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i].detach().add(d[i].mul(eps)).requiresGrad(true);
        }
        return out;
    }

    private static double[] gradientAt(Function<Tensor[], Tensor> f, Tensor[] x, Tensor w, int which) {
        List<Tensor> g = Autograd.grad(List.of(f.apply(x)), List.of(x), List.of(w), false, false, true);
        return valuesOrZeros(g.get(which), x[which]);
    }

    private static Tensor[] replaced(Tensor[] x, int which, double[] base, int k, double delta) {
        Tensor[] out = x.clone();
        double[] values = base.clone();
        values[k] += delta;
        out[which] = Tensor.fromArray(values, x[which].shape);
        return out;
    }

    private static double weighted(Function<Tensor[], Tensor> f, Tensor[] x, Tensor w) {
        try (GradMode g = GradMode.noGrad()) {
            return dot(f.apply(x).toDoubleArray(), w.toDoubleArray());
        }
    }

    private static double[] valuesOrZeros(Tensor t, Tensor like) {
        return t == null ? new double[like.numel()] : t.toDoubleArray();
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static String compare(String what, double[] actual, double[] expected, double atol, double rtol) {
        if (actual.length != expected.length) {
            return what + ": " + actual.length + " values, expected " + expected.length;
        }
        List<String> bad = new ArrayList<>();
        for (int k = 0; k < actual.length; k++) {
            if (!(Math.abs(actual[k] - expected[k]) <= atol + rtol * Math.abs(expected[k]))) {
                bad.add("[" + k + "] " + actual[k] + " vs " + expected[k]);
            }
        }
        return bad.isEmpty() ? null : what + " disagrees with finite differences at " + bad.size() + " of "
                + actual.length + " elements, e.g. " + bad.subList(0, Math.min(3, bad.size()))
                + " (analytic " + Arrays.toString(Arrays.copyOf(actual, Math.min(4, actual.length))) + ")";
    }
}
