package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The function transforms against analytic results, against each other and against eager autograd. */
class FuncTest {
    private static final double TOL = 1e-10;

    private static Tensor vec(double... values) {
        return Tensor.of(values);
    }

    /** seed 002's f1 = log(x0) + x0 x1 - sin(x1). */
    private static Tensor f1(Tensor x) {
        return x.get(0).log().add(x.get(0).mul(x.get(1))).sub(x.get(1).sin());
    }

    @Test
    void gradOfSeed002F1() {
        Function<Tensor, Tensor> g = Func.grad(FuncTest::f1);
        assertArrayEquals(new double[] {3, 1 - Math.cos(2)}, g.apply(vec(1, 2)).toDoubleArray(), TOL);
        assertArrayEquals(new double[] {3.25, 4 - Math.cos(3)}, g.apply(vec(4, 3)).toDoubleArray(), TOL);
        assertEquals(1.41614684, g.apply(vec(1, 2)).toDoubleArray()[1], 1e-8);
    }

    /** seed 002's f(A, x, y) = x^T A x + sin(y)^T x. */
    private static Tensor complicated(Tensor... args) {
        Tensor a = args[0];
        Tensor x = args[1];
        Tensor y = args[2];
        return x.T().matmul(a).matmul(x).add(y.sin().T().matmul(x));
    }

    @Test
    void gradWithArgnumsOneAtATimeAndAllInOnePass() {
        Tensor a = Tensor.of(new double[][] {{1, 2}, {2, 1}});
        Tensor x = Tensor.of(new double[][] {{1}, {2}});
        Tensor y = Tensor.of(new double[][] {{1}, {1}});
        assertEquals(15.52441295, complicated(a, x, y).item(), 1e-8);
        assertArrayEquals(new double[] {1, 2, 2, 4}, Func.grad(FuncTest::complicated, 0).apply(a, x, y).toDoubleArray(), TOL);
        assertArrayEquals(new double[] {10.84147098, 8.84147098},
                Func.grad(FuncTest::complicated, 1).apply(a, x, y).toDoubleArray(), 1e-8);
        assertArrayEquals(new double[] {0.54030231, 1.08060461},
                Func.grad(FuncTest::complicated, 2).apply(a, x, y).toDoubleArray(), 1e-8);
        List<Tensor> all = Func.grad(FuncTest::complicated, new int[] {2, 0}).apply(a, x, y);
        assertArrayEquals(new double[] {0.54030231, 1.08060461}, all.get(0).toDoubleArray(), 1e-8);
        assertArrayEquals(new int[] {2, 1}, all.get(0).shape());
        assertArrayEquals(new double[] {1, 2, 2, 4}, all.get(1).toDoubleArray(), TOL);
        Func.ValueAndGrad<List<Tensor>> vg = Func.valueAndGrad(FuncTest::complicated, new int[] {1}).apply(a, x, y);
        assertEquals(15.52441295, vg.value().item(), 1e-8);
        assertFalse(vg.value().requiresGrad());
    }

    record Params(Tensor a, Tensor x, Tensor y) {
    }

    @Test
    void structuredInputsListsMapsRecordsAndRavel() {
        Tensor a = Tensor.of(new double[][] {{1, 2}, {2, 1}});
        Tensor x = Tensor.of(new double[][] {{1}, {2}});
        Tensor y = Tensor.of(new double[][] {{1}, {1}});
        Params grads = Func.grad((Params p) -> complicated(p.a(), p.x(), p.y())).apply(new Params(a, x, y));
        assertArrayEquals(new double[] {1, 2, 2, 4}, grads.a().toDoubleArray(), TOL);
        assertArrayEquals(new double[] {10.84147098, 8.84147098}, grads.x().toDoubleArray(), 1e-8);

        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("w", vec(1, 2));
        params.put("b", vec(3));
        Map<String, Tensor> g = Func.grad((Map<String, Tensor> p) -> p.get("w").mul(p.get("w")).sum().mul(p.get("b").sum()))
                .apply(params);
        assertArrayEquals(new double[] {6, 12}, g.get("w").toDoubleArray(), TOL);
        assertArrayEquals(new double[] {5}, g.get("b").toDoubleArray(), TOL);

        // pack / unpack (seed 002 exercise 3): one flat vector, one gradient pass
        Tree.Raveled<List<Tensor>> packed = Tree.ravel(List.of(a, x, y));
        assertArrayEquals(new int[] {8}, packed.flat().shape());
        Tensor flatGrad = Func.grad((Tensor v) -> {
            List<Tensor> parts = packed.unravel().apply(v);
            return complicated(parts.get(0), parts.get(1), parts.get(2)).sum();
        }).apply(packed.flat());
        List<Tensor> unpacked = packed.unravel().apply(flatGrad);
        assertArrayEquals(new double[] {1, 2, 2, 4}, unpacked.get(0).toDoubleArray(), TOL);
        assertArrayEquals(new int[] {2, 2}, unpacked.get(0).shape());
        assertArrayEquals(new double[] {0.54030231, 1.08060461}, unpacked.get(2).toDoubleArray(), 1e-8);
        assertThrows(ShapeException.class, () -> packed.unravel().apply(vec(1, 2)));
    }

    @Test
    void vjpPullbackCanBeCalledRepeatedlyAndJvpIsOnePass() {
        Function<Tensor, Tensor> f = x -> x.sin().mul(x);
        Tensor x = vec(0.5, 1.5, -2.0);
        Func.VjpResult<Tensor, Tensor> r = Func.vjp(f, x);
        assertArrayEquals(f.apply(x).toDoubleArray(), r.value().toDoubleArray(), TOL);
        double[] derivative = new double[3];
        double[] xs = x.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            derivative[i] = Math.cos(xs[i]) * xs[i] + Math.sin(xs[i]);
        }
        Tensor ones = Tensor.onesLike(x);
        assertArrayEquals(derivative, r.pullback().apply(ones).toDoubleArray(), TOL);
        assertArrayEquals(derivative, r.pullback().apply(ones).toDoubleArray(), TOL, "a second pullback gives the same");
        Func.JvpResult<Tensor> j = Func.jvp(f, x, ones);
        assertArrayEquals(derivative, j.tangent().toDoubleArray(), TOL);
        assertArrayEquals(f.apply(x).toDoubleArray(), j.value().toDoubleArray(), TOL);
        assertNull(j.value().tangent(1), "no tangent leaks out of the transform");
    }

    @Test
    void jacobiansAgreeAcrossModes() { // seed 002 exercise 2: (x1, x1 x2)
        Function<Tensor, Tensor> f = x -> Tensor.stack(0, x.get(0), x.get(0).mul(x.get(1)));
        Tensor x = vec(3, 5);
        double[] expected = {1, 0, 5, 3};
        assertArrayEquals(expected, Func.jacrev(f).apply(x).toDoubleArray(), TOL);
        assertArrayEquals(expected, Func.jacfwd(f).apply(x).toDoubleArray(), TOL);
        assertArrayEquals(expected, Func.jacobian(f).apply(x).toDoubleArray(), TOL);
        // shapes: out.shape + in.shape
        Function<Tensor, Tensor> g = m -> m.matmul(m).sum(1);
        Tensor m = Tensor.randn(3, 3).to(DType.FLOAT64);
        Tensor jr = Func.jacrev(g).apply(m);
        assertArrayEquals(new int[] {3, 3, 3}, jr.shape());
        assertTrue(jr.allClose(Func.jacfwd(g).apply(m), 1e-12, 1e-12));
    }

    @Test
    void hessianAndHvp() {
        Function<Tensor, Tensor> f = x -> x.get(0).mul(x.get(0)).add(x.get(0).mul(x.get(1)));
        Tensor h = Func.hessian(f).apply(vec(1, 2));
        assertArrayEquals(new double[] {2, 1, 1, 0}, h.toDoubleArray(), TOL);
        Function<Tensor, Tensor> g = x -> x.sin().mul(x.cos().sum()).sum();
        Tensor x = vec(0.3, -1.2, 2.0);
        Tensor v = vec(1.0, -2.0, 0.5);
        Tensor hessian = Func.hessian(g).apply(x);
        assertTrue(hessian.allClose(Func.jacrev(Func.jacrev(g)).apply(x), 1e-12, 1e-12), "hessian = jacrev(jacrev)");
        assertTrue(hessian.allClose(hessian.T(), 1e-12, 1e-12));
        assertTrue(Func.hvp(g, x, v).allClose(hessian.matmul(v), 1e-12, 1e-12), "hvp = hessian v");
    }

    @Test
    void hvpAtFiftyThousandMatchesTheAnalyticForm() { // seed 002: f(x) = sum(A @ sin(x))
        Generator gen = new Generator(2);
        Tensor a = gen.uniform(0, 1, DType.FLOAT64, 10, 50_000);
        Tensor x = Tensor.full(2.0, DType.FLOAT64, 50_000);
        Tensor r = gen.uniform(0, 1, DType.FLOAT64, 50_000);
        Tensor hvp = Func.hvp(z -> a.matmul(z.sin()).sum(), x, r);
        Tensor analytic = x.sin().neg().mul(a.sum(0)).mul(r);
        assertTrue(hvp.allClose(analytic, 1e-12, 1e-12));
    }

    @Test
    void nestedTransformsToAnyOrder() {
        Function<Tensor, Tensor> third = Func.grad(Func.grad(Func.grad((Tensor x) -> x.sin().sum())));
        assertEquals(-Math.cos(0.7), third.apply(Tensor.scalar(0.7, DType.FLOAT64)).item(), TOL);
        // jvp of jvp: d/dx (d/dx sin x) = -sin x
        Tensor x0 = Tensor.scalar(0.7, DType.FLOAT64);
        Tensor one = Tensor.scalar(1.0, DType.FLOAT64);
        Tensor second = Func.jvp((Tensor x) -> Func.jvp(Tensor::sin, x, one).tangent(), x0, one).tangent();
        assertEquals(-Math.sin(0.7), second.item(), TOL);
        // jvp of grad (forward over reverse) and grad of jvp (reverse over forward)
        Tensor fwdOverRev = Func.jvp(Func.grad((Tensor x) -> x.pow(3L).sum()), x0, one).tangent();
        assertEquals(6 * 0.7, fwdOverRev.item(), TOL);
        Tensor revOverFwd = Func.grad((Tensor x) -> Func.jvp((Tensor z) -> z.pow(3L), x, one).tangent()).apply(x0);
        assertEquals(6 * 0.7, revOverFwd.item(), TOL);
        // no perturbation confusion: d/dx [x * d/dy (x + y)] = 1
        Tensor confusion = Func.grad((Tensor x) -> x.mul(Func.grad((Tensor y) -> x.add(y)).apply(one))).apply(one);
        assertEquals(1.0, confusion.item(), TOL);
        Tensor confusionFwd = Func.jvp((Tensor x) -> x.mul(Func.jvp((Tensor y) -> x.add(y), one, one).tangent()), one, one)
                .tangent();
        assertEquals(1.0, confusionFwd.item(), TOL);
    }

    /**
     * sin recorded in both modes at once (forward over reverse) reuses the cos of its JVP in its VJP, and the cos
     * it builds takes -sin(x) from its own result. Every order above that must still be exact: f = sum(sin x) has
     * hvp(x, v) = -sin(x) v, whose derivatives in x (in either mode, and nested) are -cos(x) v u.
     */
    @Test
    void sinInBothModesStaysExactToThirdOrder() {
        Tensor x = vec(0.3, -1.2, 2.0);
        Tensor v = vec(1.0, -2.0, 0.5);
        Tensor u = vec(0.25, 3.0, -1.0);
        Function<Tensor, Tensor> f = z -> z.sin().sum();
        Function<Tensor, Tensor> hvp = z -> Func.hvp(f, z, v);
        double[] expected = new double[3];
        double[] third = new double[3];
        for (int i = 0; i < 3; i++) {
            double xi = x.get(i).item();
            expected[i] = -Math.sin(xi) * v.get(i).item();
            third[i] = -Math.cos(xi) * v.get(i).item() * u.get(i).item();
        }
        assertArrayEquals(expected, hvp.apply(x).toDoubleArray(), TOL);
        assertArrayEquals(third, Func.jvp(hvp, x, u).tangent().toDoubleArray(), TOL, "forward over hvp");
        assertArrayEquals(third, Func.grad((Tensor z) -> hvp.apply(z).mul(u).sum()).apply(x).toDoubleArray(), TOL,
                "reverse over hvp");
        // the same through the eager API: a backward with createGraph inside a jvp, then backward again
        Tensor leaf = x.detach().requiresGrad(true);
        Tensor tangentOfGrad = Func.jvp((Tensor z) -> Autograd.grad(List.of(f.apply(z)), List.of(z), null, true, true,
                false).get(0), leaf, v).tangent();
        assertArrayEquals(expected, tangentOfGrad.toDoubleArray(), TOL);
        tangentOfGrad.mul(u).sum().backward();
        assertArrayEquals(third, leaf.grad().toDoubleArray(), TOL, "backward through the reused cos");
    }

    @Test
    void transformsAgreeWithEagerBackward() {
        Tensor x = vec(0.4, -0.9, 1.3).requiresGrad(true);
        Tensor y = x.exp().mul(x.sin()).sum();
        y.backward(null, true, true);
        Tensor eagerGrad = x.grad();
        Tensor eagerSecond = Autograd.grad(List.of(eagerGrad.sum()), List.of(x), null, false, false, false).get(0);
        Function<Tensor, Tensor> f = z -> z.exp().mul(z.sin()).sum();
        Tensor plain = vec(0.4, -0.9, 1.3);
        assertTrue(Func.grad(f).apply(plain).allClose(eagerGrad.detach(), 1e-14, 1e-14));
        assertTrue(Func.hessian(f).apply(plain).sum(1).allClose(eagerSecond, 1e-12, 1e-12));
    }

    @Test
    void transformsWorkInsideNoGradAndComposeWithEagerGraphs() {
        Tensor x = vec(1.0, 2.0);
        try (GradMode g = GradMode.noGrad()) {
            assertArrayEquals(new double[] {2, 4}, Func.grad((Tensor z) -> z.mul(z).sum()).apply(x).toDoubleArray(), TOL);
        }
        // an outer eager backward through a transform: d/dw sum(grad(z -> w z^2)) = sum(2 z)
        Tensor w = Tensor.scalar(3.0, DType.FLOAT64).requiresGrad(true);
        Tensor inner = Func.grad((Tensor z) -> z.mul(z).mul(w).sum()).apply(x);
        inner.sum().backward();
        assertEquals(6.0, w.grad().item(), TOL);
        assertNull(x.grad());
    }

    @Test
    void stopGradientBlocksBothModes() {
        Function<Tensor, Tensor> f = x -> x.mul(Func.stopGradient(x)).sum();
        Tensor x = vec(2.0, 3.0);
        assertArrayEquals(new double[] {2, 3}, Func.grad(f).apply(x).toDoubleArray(), TOL);
        assertArrayEquals(new double[] {2, 3}, Func.jacfwd((Tensor z) -> z.mul(Func.stopGradient(z))).apply(x)
                .sum(1).toDoubleArray(), TOL);
    }

    @Test
    void clearErrorsForMisuse() {
        ShapeException nonScalar = assertThrows(ShapeException.class, () -> Func.grad((Tensor x) -> x.mul(2.0)).apply(vec(1, 2)));
        assertEquals("grad: the function must return a scalar (one-element) tensor, got shape [2]; use vjp or jacrev"
                + " for other outputs", nonScalar.getMessage());
        DTypeException ints = assertThrows(DTypeException.class, () -> Func.grad((Tensor x) -> x.sum()).apply(Tensor.of(4L, 3L)));
        assertTrue(ints.getMessage().startsWith("grad: input 0 has dtype int64 (shape [2]); only floating point inputs can be"
                + " differentiated"), ints.getMessage());
        IndexException argnum = assertThrows(IndexException.class,
                () -> Func.grad(xs -> xs[0].sum(), 2).apply(vec(1), vec(2)));
        assertEquals("grad: argnum 2 is out of range for a function called with 2 arguments", argnum.getMessage());
        JgradException none = assertThrows(JgradException.class, () -> Func.grad((Tensor x) -> null).apply(vec(1)));
        assertTrue(none.getMessage().startsWith("grad: the function returned null"), none.getMessage());
        ShapeException tangentShape = assertThrows(ShapeException.class, () -> Func.jvp(Tensor::sin, vec(1, 2), vec(1)));
        assertEquals("jvp: tangent 0 has shape [1] but its primal has shape [2]", tangentShape.getMessage());
        DTypeException tangentType = assertThrows(DTypeException.class,
                () -> Func.jvp(Tensor::sin, vec(1, 2), Tensor.of(1f, 2f)));
        assertEquals("jvp: tangent 0 has dtype float32 but its primal has dtype float64", tangentType.getMessage());
        ShapeException cotangent = assertThrows(ShapeException.class,
                () -> Func.vjp(Tensor::sin, vec(1, 2)).pullback().apply(vec(1)));
        assertEquals("vjp: cotangent 0 has shape [1] but output 0 has shape [2]", cotangent.getMessage());
    }

    @Test
    void aFunctionThatIgnoresItsInputHasZeroGradient() {
        Tensor c = vec(5);
        assertArrayEquals(new double[] {0, 0}, Func.grad((Tensor x) -> c.sum()).apply(vec(1, 2)).toDoubleArray());
        assertArrayEquals(new double[] {0}, Func.jvp((Tensor x) -> c, vec(1, 2), vec(1, 1)).tangent().toDoubleArray());
    }
}
