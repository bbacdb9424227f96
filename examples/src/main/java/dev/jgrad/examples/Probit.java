package dev.jgrad.examples;

import dev.jgrad.CustomFunction;
import dev.jgrad.DType;
import dev.jgrad.DTypeException;
import dev.jgrad.Tensor;

/**
 * The probit function Φ⁻¹, the inverse of the standard normal CDF, as a jgrad {@link CustomFunction}
 * (seed 002, exercise 6). Values come from Wichura's algorithm AS241 (PPND16, Applied Statistics 37, 1988),
 * about 1e-16 relative accuracy, computed elementwise in double precision and returned in the input's
 * dtype (float32 or float64). Outside (0, 1) it follows SciPy's {@code ndtri}: Φ⁻¹(0) = -inf, Φ⁻¹(1) = +inf,
 * NaN below 0, above 1 and for NaN.
 *
 * <p>Derivative: d/dx Φ⁻¹(x) = 1 / φ(Φ⁻¹(x)) = sqrt(2π) exp(Φ⁻¹(x)² / 2). The VJP and JVP are written with
 * jgrad ops on the (recorded) result, so the function differentiates to any order in both modes:
 * Φ⁻¹''(x) = Φ⁻¹(x) Φ⁻¹'(x)².
 */
public final class Probit {
    private Probit() {
    }

    private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);

    /** The primitive: {@code Probit.FUNCTION.apply(x)}; its graph node is named "ProbitBackward". */
    public static final CustomFunction FUNCTION = CustomFunction.define("Probit",
            inputs -> values(inputs[0]),
            (grad, inputs, result) -> new Tensor[] {grad.mul(derivative(result))},
            (tangents, inputs, result) -> tangents[0].mul(derivative(result)));

    /** y = Φ⁻¹(x) elementwise, differentiable (x float32 or float64). x is not modified. */
    public static Tensor probit(Tensor x) {
        return FUNCTION.apply(x);
    }

    /** dy/dx = sqrt(2π) exp(y² / 2) from y = Φ⁻¹(x), with differentiable ops. */
    private static Tensor derivative(Tensor result) {
        return result.square().mul(0.5).exp().mul(SQRT_2PI);
    }

    /** Φ⁻¹ of each element, without recording; the result has x's shape and dtype. */
    private static Tensor values(Tensor x) {
        if (!x.dtype().isFloating()) {
            throw new DTypeException("probit: input has dtype " + x.dtype() + "; convert it with to(DType.FLOAT64)"
                    + " or to(DType.FLOAT32)");
        }
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = ppnd16(v[i]);
        }
        return Tensor.fromArray(v, x.shape()).to(x.dtype());
    }

    // AS241 PPND16 coefficients (Wichura 1988): central region |p - 0.5| <= 0.425.
    private static final double[] A = {
        3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3, 1.3731693765509461125e+4,
        4.5921953931549871457e+4, 6.7265770927008700853e+4, 3.3430575583588128105e+4, 2.5090809287301226727e+3};
    private static final double[] B = {
        1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2, 5.3941960214247511077e+3,
        2.1213794301586595867e+4, 3.9307895800092710610e+4, 2.8729085735721942674e+4, 5.2264952788528545610e+3};
    // Intermediate tail: sqrt(-log(min(p, 1 - p))) <= 5.
    private static final double[] C = {
        1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0, 3.64784832476320460504e0,
        1.27045825245236838258e0, 2.41780725177450611770e-1, 2.27238449892691845833e-2, 7.74545014278341407640e-4};
    private static final double[] D = {
        1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
        1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4, 1.05075007164441684324e-9};
    // Far tail: sqrt(-log(min(p, 1 - p))) > 5, i.e. p below about 1.4e-11.
    private static final double[] E = {
        6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0, 2.96560571828504891230e-1,
        2.65321895265761230930e-2, 1.24266094738807843860e-3, 2.71155556874348757815e-5, 2.01033439929228813265e-7};
    private static final double[] F = {
        1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
        7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7, 2.04426310338993978564e-15};

    /**
     * Φ⁻¹(p) by AS241 PPND16: -inf at 0, +inf at 1, NaN outside [0, 1] or for NaN (as SciPy's ndtri).
     */
    public static double ppnd16(double p) {
        if (!(p >= 0 && p <= 1)) {
            return Double.NaN;
        }
        if (p == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p == 1) {
            return Double.POSITIVE_INFINITY;
        }
        double q = p - 0.5;
        if (Math.abs(q) <= 0.425) {
            double r = 0.180625 - q * q;
            return q * horner(A, r) / horner(B, r);
        }
        double r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
        double value = r <= 5 ? horner(C, r - 1.6) / horner(D, r - 1.6) : horner(E, r - 5) / horner(F, r - 5);
        return q < 0 ? -value : value;
    }

    /** c[0] + c[1] r + ... + c[7] r^7. */
    private static double horner(double[] c, double r) {
        double s = c[c.length - 1];
        for (int i = c.length - 2; i >= 0; i--) {
            s = s * r + c[i];
        }
        return s;
    }
}
