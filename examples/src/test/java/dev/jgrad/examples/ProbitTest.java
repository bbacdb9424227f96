package dev.jgrad.examples;

import static dev.jgrad.examples.Probit.probit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.CustomFunction;
import dev.jgrad.DType;
import dev.jgrad.DTypeException;
import dev.jgrad.Func;
import dev.jgrad.GradCheck;
import dev.jgrad.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The probit primitive of seed 002's exercise 6: values, edge cases and derivatives to third order. */
class ProbitTest {
    /** float64 tolerance (relative), as the guide's dtype table; AS241 is accurate to about 1e-16. */
    private static final double F64 = 1e-12;
    /** float32 tolerance (relative). */
    private static final double F32 = 1e-5;

    private static final double[] P = {0.975, 0.5, 0.025, 1e-10, 0.999};
    /** Φ⁻¹(P), from Python's statistics.NormalDist().inv_cdf (and SciPy's ndtri). */
    private static final double[] QUANTILES = {1.959963984540054, 0.0, -1.959963984540054, -6.361340902404056,
        3.090232306167813};

    private static double sqrt2piExpHalfSquare(double y) {
        return Math.sqrt(2 * Math.PI) * Math.exp(y * y / 2);
    }

    private static void assertClose(double expected, double actual, double rtol, String what) {
        assertEquals(expected, actual, rtol * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void knownQuantilesInFloat64() {
        Tensor y = probit(Tensor.of(P));
        assertEquals(DType.FLOAT64, y.dtype());
        double[] v = y.toDoubleArray();
        for (int i = 0; i < P.length; i++) {
            assertEquals(QUANTILES[i], v[i], 4e-16 * Math.max(1, Math.abs(QUANTILES[i])), "probit(" + P[i] + ")");
        }
        assertEquals(0.0, v[1], 0.0, "probit(0.5) is exactly 0");
    }

    @Test
    void farTailsAndTheScalarFunction() {
        // values below about 1.4e-11 use AS241's third rational approximation
        assertEquals(-37.0470962993612, Probit.ppnd16(1e-300), 1e-13);
        assertEquals(6.361340889697421, Probit.ppnd16(1 - 1e-10), 1e-13); // 1 - 1e-10 is not exact in binary
        assertEquals(-0.5244005127080407, Probit.ppnd16(0.3), 1e-16);
    }

    @Test
    void float32InFloat32Out() {
        Tensor y = probit(Tensor.of(new float[] {0.975f, 0.5f, 0.025f, 0.999f}));
        assertEquals(DType.FLOAT32, y.dtype());
        float[] v = y.toFloatArray();
        double[] expected = {QUANTILES[0], 0, QUANTILES[2], QUANTILES[4]};
        for (int i = 0; i < v.length; i++) {
            assertEquals(expected[i], v[i], F32 * Math.abs(expected[i]) + 1e-7, "float32 element " + i);
        }
    }

    @Test
    void outsideTheOpenIntervalLikeScipyNdtri() {
        double[] v = probit(Tensor.of(0.0, 1.0, -0.25, 1.5, Double.NaN)).toDoubleArray();
        assertEquals(Double.NEGATIVE_INFINITY, v[0]);
        assertEquals(Double.POSITIVE_INFINITY, v[1]);
        assertTrue(Double.isNaN(v[2]) && Double.isNaN(v[3]) && Double.isNaN(v[4]), java.util.Arrays.toString(v));
    }

    @Test
    void symmetricAboutOneHalf() {
        // p = k/1024 makes 1 - p exact, and AS241 is odd in p - 0.5, so the symmetry is exact
        for (int k = 1; k < 1024; k++) {
            double p = k / 1024.0;
            assertEquals(-Probit.ppnd16(p), Probit.ppnd16(1 - p), 0.0, "p = " + p);
        }
        Tensor x = Tensor.of(0.01, 0.2, 0.4);
        assertTrue(probit(x.rsub(1)).allClose(probit(x).neg(), 0, 1e-15));
    }

    @Test
    void keepsShapeAndLeavesTheInputAlone() {
        Tensor x = Tensor.of(new double[][] {{0.1, 0.2, 0.3}, {0.7, 0.8, 0.9}});
        Tensor y = probit(x);
        assertArrayEquals(new int[] {2, 3}, y.shape());
        assertArrayEquals(new double[] {0.1, 0.2, 0.3, 0.7, 0.8, 0.9}, x.toDoubleArray());
        assertEquals(Probit.ppnd16(0.8), y.get(1, 1).item(), 0.0);
    }

    @Test
    void recordsItsNode() {
        Tensor x = Tensor.of(0.3, 0.6).requiresGrad(true);
        assertEquals("ProbitBackward", probit(x).gradFn().name());
    }

    @Test
    void integerInputIsRejected() {
        DTypeException e = assertThrows(DTypeException.class, () -> probit(Tensor.of(1L, 0L)));
        assertTrue(e.getMessage().matches("probit: input has dtype int64; convert it with to\\(DType.FLOAT64\\).*"),
                e.getMessage());
    }

    @Test
    void derivativeMatchesTheFormulaAndFiniteDifferences() {
        double[] xs = {1e-6, 0.01, 0.2, 0.5, 0.7, 0.975, 0.999};
        Tensor x = Tensor.of(xs);
        double[] g = Func.grad((Tensor t) -> probit(t).sum()).apply(x).toDoubleArray();
        double h = 1e-7;
        for (int i = 0; i < xs.length; i++) {
            double formula = sqrt2piExpHalfSquare(Probit.ppnd16(xs[i]));
            assertClose(formula, g[i], F64, "formula at " + xs[i]);
            double step = Math.min(h, xs[i] * 1e-4); // small against x where the curvature is large
            double fd = (Probit.ppnd16(xs[i] + step) - Probit.ppnd16(xs[i] - step)) / (2 * step);
            assertEquals(fd, g[i], 1e-6 * Math.abs(fd), "finite differences at " + xs[i]);
        }
        // the seed's closed form: d/dx Φ⁻¹(x) = 1 / φ(Φ⁻¹(x)); at 0.5 that is sqrt(2π)
        assertEquals(Math.sqrt(2 * Math.PI), g[3], 1e-15);
        // forward mode agrees with reverse mode
        double[] t = Func.jvp(Probit::probit, x, Tensor.onesLike(x)).tangent().toDoubleArray();
        assertArrayEquals(g, t, 1e-9);
    }

    @Test
    void gradCheckPassesAtOrdersOneAndTwoInBothModes() {
        Tensor x = Tensor.of(new double[][] {{0.05, 0.3}, {0.5, 0.9}});
        GradCheck.Options defaults = GradCheck.Options.defaults(); // both modes, order 2
        for (GradCheck.Options o : new GradCheck.Options[] {defaults.withOrder(1), defaults,
            defaults.onlyForward(), defaults.onlyReverse()}) {
            GradCheck.Report r = GradCheck.check(args -> probit(args[0]), o, x);
            assertTrue(r.passed(), () -> o + ": " + r);
        }
        GradCheck.assertGrads(args -> probit(args[0]).mul(args[1]).sum(), Tensor.of(0.2, 0.8), Tensor.of(1.5, -2.0));
    }

    @Test
    void gradCheckCatchesAVjpOffByOneTenthOfAPercent() {
        // a correct JVP with a VJP scaled by 1.001: the adjoint identity <w, J u> = <J^T w, u> catches it
        CustomFunction wrong = CustomFunction.define("WrongProbit", inputs -> probit(inputs[0]),
                (grad, inputs, result) -> new Tensor[] {grad.mul(result.square().mul(0.5).exp())
                        .mul(Math.sqrt(2 * Math.PI) * 1.001)},
                (tangents, inputs, result) -> tangents[0].mul(result.square().mul(0.5).exp()).mul(Math.sqrt(2 * Math.PI)));
        GradCheck.Report r = GradCheck.check(args -> wrong.apply(args[0]), GradCheck.Options.defaults().withOrder(1),
                Tensor.of(0.3, 0.6));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("adjoint identity"), r.toString());
        // a VJP off by 1% (and forward mode derived from it) disagrees with finite differences
        CustomFunction wrongOnly = CustomFunction.define("WrongProbit", inputs -> probit(inputs[0]),
                (grad, inputs, result) -> new Tensor[] {grad.mul(result.square().mul(0.5).exp())
                        .mul(Math.sqrt(2 * Math.PI) * 1.01)});
        GradCheck.Report r2 = GradCheck.check(args -> wrongOnly.apply(args[0]), Tensor.of(0.3, 0.6));
        assertTrue(r2.toString().contains("reverse mode, input 0 (shape [2]): 2 of 4 Jacobian entries disagree"),
                r2.toString());
        assertTrue(r2.toString().contains("forward mode, input 0"), r2.toString());
    }

    @Test
    void secondAndThirdDerivativesMatchTheAnalyticOnes() {
        // y = Φ⁻¹(x), y' = sqrt(2π) e^(y²/2), y'' = y y'², y''' = y'³ (1 + 2y²)
        Function<Tensor, Tensor> f = Probit::probit;
        Function<Tensor, Tensor> d1 = Func.grad(f);
        Function<Tensor, Tensor> d2 = Func.grad(d1);
        Function<Tensor, Tensor> d3 = Func.grad(d2);
        for (double p : new double[] {0.001, 0.1, 0.5, 0.75, 0.98}) {
            Tensor x = Tensor.scalar(p, DType.FLOAT64);
            double y = Probit.ppnd16(p);
            double y1 = sqrt2piExpHalfSquare(y);
            double y2 = y * y1 * y1;
            double y3 = y1 * y1 * y1 * (1 + 2 * y * y);
            assertClose(y1, d1.apply(x).item(), F64, "y' at " + p);
            assertClose(y2, d2.apply(x).item(), F64, "grad of grad at " + p);
            assertClose(y3, d3.apply(x).item(), F64, "third order at " + p);
            // forward over reverse and forward over forward give the same second derivative
            assertClose(y2, Func.jvp(d1, x, Tensor.onesLike(x)).tangent().item(), F64, "jvp of grad at " + p);
            Function<Tensor, Tensor> fwd = t -> Func.jvp(f, t, Tensor.onesLike(t)).tangent();
            assertClose(y2, Func.jvp(fwd, x, Tensor.onesLike(x)).tangent().item(), F64, "jvp of jvp at " + p);
            // the eager path: backward with createGraph
            Tensor xl = x.detach().requiresGrad(true);
            Tensor g = dev.jgrad.Autograd.grad(java.util.List.of(probit(xl)), java.util.List.of(xl), null, true, true,
                    false).get(0);
            g.backward();
            assertClose(y2, xl.grad().item(), F64, "backward of a createGraph gradient at " + p);
        }
        // elementwise: the Hessian of sum(probit(x)) is diagonal with y''
        Tensor x = Tensor.of(0.2, 0.6, 0.9);
        Tensor h = Func.hessian((Tensor t) -> probit(t).sum()).apply(x);
        double[] yv = probit(x).toDoubleArray();
        Tensor expected = Tensor.zeros(DType.FLOAT64, 3, 3);
        for (int i = 0; i < 3; i++) {
            double y1 = sqrt2piExpHalfSquare(yv[i]);
            expected.set(i, i, yv[i] * y1 * y1);
        }
        assertTrue(h.allClose(expected, F64, 1e-12), h.toString());
        Tensor jj = Func.jacfwd(Func.jacfwd(Probit::probit)).apply(x); // forward over forward: [3, 3, 3]
        for (int i = 0; i < 3; i++) {
            assertClose(expected.get(i, i).item(), jj.get(i, i, i).item(), F64, "jacfwd(jacfwd) at " + i);
        }
        assertEquals(3, jj.ne(0).sum().item(), 0.0, "only the diagonal is nonzero");
    }
}
