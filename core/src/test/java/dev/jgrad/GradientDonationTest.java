package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Elementwise VJPs write their result into the incoming gradient when backward hands it over (nothing else
 * references it). The gradients must equal the out-of-place ones, and a gradient anyone can see (a hook, retainGrad,
 * Autograd.grad, a graph built through it, a tangent) must never be written into. Sizes are above
 * Engine.IN_PLACE_MIN, so the in-place path is the one taken.
 */
class GradientDonationTest {
    private static final int N = 3000;
    private static final double TOL = 1e-12;

    private static Tensor uniform(long seed, int... shape) {
        return new Generator(seed).uniform(-1, 1, DType.FLOAT64, shape);
    }

    /** Registers a hook that keeps the gradient it sees, in element 0 of the returned array. */
    private static Tensor[] gradientSeenAt(Tensor t) {
        Tensor[] seen = new Tensor[1];
        t.registerHook(grad -> {
            seen[0] = grad;
            return null;
        });
        return seen;
    }

    @Test
    void inPlaceNumbersExceedTheThreshold() {
        assertTrue(N >= Engine.IN_PLACE_MIN);
    }

    /** d/dx sum(c * exp(sin(x)) * x) = c * exp(sin x) * (cos(x) * x + 1), through a chain of owned gradients. */
    @Test
    void aChainOfUnaryAndBinaryVjpsGivesTheOutOfPlaceGradient() {
        Tensor x = uniform(1, N).requiresGrad(true);
        Tensor c = uniform(2, N);
        x.sin().exp().mul(c).mul(x).sum().backward();
        Tensor xd = x.detach();
        Tensor expected = c.mul(xd.sin().exp()).mul(xd.cos().mul(xd).add(1));
        assertTrue(x.grad().allClose(expected, TOL, TOL));
    }

    /**
     * Both factors of n * n are n: one product, doubled, is its gradient (in the incoming gradient's memory when
     * that is handed over). Two different tensors of equal values get one term each.
     */
    @Test
    void aSquareGetsBothTerms() {
        Tensor x = uniform(3, N).requiresGrad(true);
        Tensor n = x.neg();
        n.mul(n).exp().sum().backward();
        Tensor xd = x.detach();
        Tensor expected = xd.mul(xd).exp().mul(xd).mul(2);
        assertTrue(x.grad().allClose(expected, TOL, TOL));

        x.setGrad(null);
        x.neg().mul(x.neg()).exp().sum().backward();
        assertTrue(x.grad().allClose(expected, TOL, TOL));

        x.setGrad(null);
        n.mul(n).sum().backward(); // a sum's repeated-value gradient times n, doubled
        assertTrue(x.grad().allClose(xd.mul(2), TOL, TOL));
    }

    /**
     * A sum passes one gradient to both operands: neither branch may write into it. A difference passes the
     * incoming gradient itself to its first operand: that one is as writable as the incoming one, here not at all.
     */
    @Test
    void aGradientPassedToTwoBranchesOrSeenByAHookIsNotWrittenInto() {
        Tensor x = uniform(17, N).requiresGrad(true);
        Tensor c = uniform(18, N);
        x.sin().add(x.exp()).mul(c).sum().backward();
        Tensor xd = x.detach();
        assertTrue(x.grad().allClose(c.mul(xd.cos().add(xd.exp())), TOL, TOL));

        Tensor y = uniform(19, N).requiresGrad(true);
        Tensor difference = y.sin().sub(y.exp());
        Tensor[] seen = gradientSeenAt(difference);
        difference.mul(c).sum().backward();
        assertArrayEquals(c.toDoubleArray(), seen[0].toDoubleArray(), 0.0);
        Tensor yd = y.detach();
        assertTrue(y.grad().allClose(c.mul(yd.cos().sub(yd.exp())), TOL, TOL));
    }

    /**
     * A sum's gradient is one value repeated; times a constant or negated it stays one value, and a leaf that
     * receives it still gets a dense gradient of its own, which it can accumulate into and modify.
     */
    @Test
    void aRepeatedValueGradientStaysOneValueButALeafGetsADenseOne() {
        Tensor x = uniform(20, N).to(DType.FLOAT32).requiresGrad(true);
        Tensor y = uniform(21, N).requiresGrad(true);
        x.mul(Tensor.scalar(2.5, DType.FLOAT64)).sub(y.neg()).neg().sum().backward();
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertTrue(x.grad().isContiguous());
        assertArrayEquals(Tensor.full(-2.5, DType.FLOAT32, N).toDoubleArray(), x.grad().toDoubleArray(), 0.0);
        assertArrayEquals(Tensor.full(-1.0, DType.FLOAT64, N).toDoubleArray(), y.grad().toDoubleArray(), 0.0);
        x.mul(3.0).sum().backward();
        assertArrayEquals(Tensor.full(0.5, DType.FLOAT32, N).toDoubleArray(), x.grad().toDoubleArray(), 0.0);
        y.grad().zeroInPlace();
        assertEquals(0.0, y.grad().sum().item());

        // each intermediate's gradient has its dtype: float32 times a float64 0-d number is float32, and the
        // negation of float64 is float64 (its derivative, -1, is a float32 0-d number)
        Tensor u = x.exp();
        Tensor v = y.exp();
        DType[] seen = new DType[2];
        u.registerHook(grad -> {
            seen[0] = grad.dtype();
            return null;
        });
        v.registerHook(grad -> {
            seen[1] = grad.dtype();
            return null;
        });
        u.mul(Tensor.scalar(0.1, DType.FLOAT64)).sum().add(v.neg().sum()).backward();
        assertEquals(DType.FLOAT32, seen[0]);
        assertEquals(DType.FLOAT64, seen[1]);

        // an intermediate with a repeated-value gradient, summed from two uses, stays correct
        Tensor z = uniform(22, N).requiresGrad(true);
        Tensor h = z.mul(2.0);
        h.add(h.neg().mul(3.0)).sum().backward(); // d/dz (2z - 6z) = -4
        assertArrayEquals(Tensor.full(-4.0, DType.FLOAT64, N).toDoubleArray(), z.grad().toDoubleArray(), 0.0);
        Tensor k = uniform(26, N).requiresGrad(true);
        Tensor twice = k.mul(2.0);
        twice.mul(3.0).add(twice.mul(-5.0)).sum().backward(); // two repeated values meet at twice: summed anew
        assertArrayEquals(Tensor.full(-4.0, DType.FLOAT64, N).toDoubleArray(), k.grad().toDoubleArray(), 0.0);
    }

    @Test
    void aRepeatedValueIsOneValueReadByEveryElement() {
        Tensor column = Tensor.of(0.5, 2.5).reshape(1, 2).expand(N, 2).slice(1, 1, 2); // strides 0 and 1
        assertEquals(2.5, column.repeatedValue().item());
        assertTrue(column.repeatsElements());
        assertNull(uniform(27, N).repeatedValue());
        assertNull(Tensor.scalar(1.0).expand(1).repeatedValue(), "one element repeats nothing");
    }

    /**
     * A gradient passed to two branches is written into by neither; a derivative the VJP computed itself
     * (sin's cos(x), log's 1/x) takes the product instead, but not one it saved (exp's result). Running the
     * graph twice recomputes it.
     */
    @Test
    void aFreshDerivativeTakesTheProductOfASharedGradient() {
        Tensor x = uniform(23, N).abs().add(0.1).requiresGrad(true);
        Tensor c = uniform(24, N);
        Tensor branches = x.sin().add(x.exp()); // exp's derivative is its saved result: not to be written into
        Tensor[] seen = gradientSeenAt(branches);
        Tensor loss = branches.mul(c).sum();
        loss.backward(null, true, false);
        Tensor xd = x.detach();
        Tensor expected = c.mul(xd.cos().add(xd.exp()));
        assertTrue(x.grad().allClose(expected, TOL, TOL));
        assertArrayEquals(c.toDoubleArray(), seen[0].toDoubleArray(), 0.0);
        loss.backward();
        assertTrue(x.grad().allClose(expected.mul(2), TOL, TOL));

        // and from a sum's repeated-value gradient straight into the derivatives
        Tensor w = uniform(25, N).abs().add(0.1).requiresGrad(true);
        w.sin().add(w.log()).sum().backward();
        Tensor wd = w.detach();
        assertTrue(w.grad().allClose(wd.cos().add(wd.reciprocal()), TOL, TOL));
    }

    /** A broadcast operand's gradient is summed back to its shape; the other's may be written in place. */
    @Test
    void broadcastOperandsGetSummedGradients() {
        Tensor x = uniform(4, 30, 100).requiresGrad(true);
        Tensor row = uniform(5, 100).requiresGrad(true);
        Tensor scalar = Tensor.scalar(0.7, DType.FLOAT64).requiresGrad(true);
        x.mul(row).mul(scalar).sin().sum().backward();
        Tensor xd = x.detach();
        Tensor cos = xd.mul(row.detach()).mul(0.7).cos();
        assertTrue(x.grad().allClose(cos.mul(row.detach()).mul(0.7), TOL, TOL));
        assertTrue(row.grad().allClose(cos.mul(xd).mul(0.7).sum(0), TOL, TOL));
        assertEquals(cos.mul(xd).mul(row.detach()).sum().item(), scalar.grad().item(), 1e-9);
    }

    /** A float32 input of a float64 product gets a float32 gradient of the right values. */
    @Test
    void mixedDtypesKeepEachInputsDtype() {
        Tensor x = uniform(6, N).to(DType.FLOAT32).requiresGrad(true);
        Tensor y = uniform(7, N);
        x.mul(y).exp().sum().backward();
        assertEquals(DType.FLOAT32, x.grad().dtype());
        Tensor expected = x.detach().to(DType.FLOAT64).mul(y).exp().mul(y);
        assertTrue(x.grad().to(DType.FLOAT64).allClose(expected, 1e-5, 1e-5));
    }

    /** A gradient a hook has seen, or retainGrad keeps, is left as it was when the VJP upstream ran. */
    @Test
    void gradientsAHookSawAreNotWrittenInto() {
        Tensor x = uniform(8, N).requiresGrad(true);
        Tensor c = uniform(9, N);
        Tensor u = x.exp();
        Tensor v = u.sin();
        Tensor[] seen = gradientSeenAt(v);
        u.retainGrad();
        v.mul(c).sum().backward();
        assertArrayEquals(c.toDoubleArray(), seen[0].toDoubleArray(), 0.0, "the hook's gradient is untouched");
        Tensor ud = u.detach();
        assertTrue(u.grad().allClose(c.mul(ud.cos()), TOL, TOL), "the retained gradient is untouched");
        assertTrue(x.grad().allClose(c.mul(ud.cos()).mul(ud), TOL, TOL));
    }

    /** Autograd.grad hands back the gradient of an intermediate: the VJPs below it must not write into it. */
    @Test
    void capturedIntermediateGradientsAreNotWrittenInto() {
        Tensor x = uniform(10, N).requiresGrad(true);
        Tensor c = uniform(11, N);
        Tensor u = x.sin();
        Tensor v = u.exp();
        List<Tensor> grads = Autograd.grad(List.of(v.mul(c).sum()), List.of(v, u, x), null, false, false, false);
        Tensor ud = u.detach();
        assertArrayEquals(c.toDoubleArray(), grads.get(0).toDoubleArray(), 0.0);
        assertTrue(grads.get(1).allClose(c.mul(ud.exp()), TOL, TOL));
        assertTrue(grads.get(2).allClose(c.mul(ud.exp()).mul(x.detach().cos()), TOL, TOL));
    }

    /** The user's seed gradient is theirs: backward reads it and leaves it as it was. */
    @Test
    void theSeedGradientIsNotWrittenInto() {
        Tensor x = uniform(12, N).requiresGrad(true);
        Tensor seed = uniform(13, N);
        double[] before = seed.toDoubleArray();
        x.exp().sin().backward(seed);
        assertArrayEquals(before, seed.toDoubleArray(), 0.0);
        Tensor xd = x.detach();
        assertTrue(x.grad().allClose(seed.mul(xd.exp().cos()).mul(xd.exp()), TOL, TOL));
    }

    /** With retainGraph, a second backward reads the same saved tensors and accumulates the same gradient. */
    @Test
    void aRetainedGraphRunsTwiceToTheSameGradient() {
        Tensor x = uniform(14, N).requiresGrad(true);
        Tensor loss = x.sin().mul(x).exp().sum();
        loss.backward(null, true, false);
        Tensor once = x.grad().clone();
        loss.backward();
        assertTrue(x.grad().allClose(once.mul(2), TOL, TOL));
    }

    /** Higher order: with createGraph the gradient is built as a graph, and a second derivative goes through it. */
    @Test
    void secondDerivativesThroughCreateGraphAndForwardOverReverse() {
        Tensor x = uniform(15, N).requiresGrad(true);
        Tensor g = Autograd.grad(List.of(x.sin().mul(x).sum()), List.of(x), null, true, true, false).get(0);
        Tensor xd = x.detach();
        assertTrue(g.allClose(xd.cos().mul(xd).add(xd.sin()), TOL, TOL)); // x cos x + sin x
        Tensor second = Autograd.grad(List.of(g.sum()), List.of(x), null, false, false, false).get(0);
        Tensor expected = xd.cos().mul(2).sub(xd.sin().mul(xd)); // 2 cos x - x sin x
        assertTrue(second.allClose(expected, TOL, TOL));

        Tensor v = uniform(16, N);
        Tensor hvp = Func.hvp(t -> t.sin().mul(t).sum(), xd, v);
        assertTrue(hvp.allClose(expected.mul(v), TOL, TOL));

        // a square's doubled product keeps its history and its tangents: d2/dx2 sum(x^3 + x*x) = 6x + 2
        Tensor g2 = Autograd.grad(List.of(x.mul(x).mul(x).add(x.mul(x)).sum()), List.of(x), null, true, true,
                false).get(0);
        Tensor second2 = Autograd.grad(List.of(g2.sum()), List.of(x), null, false, false, false).get(0);
        assertTrue(second2.allClose(xd.mul(6).add(2), TOL, TOL));
        assertTrue(Func.hvp(t -> t.mul(t).sum(), xd, v).allClose(v.mul(2), TOL, TOL));
    }

    /**
     * ReLU's VJP is one pass, into the incoming gradient when it is handed over: c where x > 0, else 0 (zeros of
     * both signs and NaN give 0); a gradient a hook saw stays as it was; a gradient that is built as a graph
     * takes the differentiable rule, whose second derivative is zero.
     */
    @Test
    void reluVjpMasksTheGradientInOnePassWhereItMay() {
        double[] values = uniform(17, N).toDoubleArray();
        values[0] = 0.0;
        values[1] = -0.0;
        values[2] = Double.NaN;
        Tensor x = Tensor.of(values).requiresGrad(true);
        Tensor c = uniform(18, N);
        x.relu().mul(c).sum().backward(); // mul's VJP hands its fresh gradient to relu's
        double[] expected = c.toDoubleArray();
        for (int i = 0; i < N; i++) {
            expected[i] = values[i] > 0 ? expected[i] : 0;
        }
        assertArrayEquals(expected, x.grad().toDoubleArray(), 0.0);

        Tensor x2 = Tensor.of(values).requiresGrad(true);
        Tensor y = x2.relu();
        Tensor[] seen = gradientSeenAt(y);
        y.mul(c).sum().backward();
        assertArrayEquals(c.toDoubleArray(), seen[0].toDoubleArray(), 0.0, "the hook's gradient is untouched");
        assertArrayEquals(expected, x2.grad().toDoubleArray(), 0.0);

        Tensor x3 = uniform(19, N).requiresGrad(true);
        Tensor g = Autograd.grad(List.of(x3.relu().mul(x3).sum()), List.of(x3), null, true, true, false).get(0);
        Tensor xd = x3.detach();
        assertTrue(g.allClose(Tensor.where(xd.gt(0), xd.mul(2), Tensor.zeros(DType.FLOAT64, N)), TOL, TOL));
        Tensor second = Autograd.grad(List.of(g.sum()), List.of(x3), null, false, false, false).get(0);
        Tensor twoWherePositive = Tensor.where(xd.gt(0), Tensor.full(2.0, DType.FLOAT64, N),
                Tensor.zeros(DType.FLOAT64, N));
        assertTrue(second.allClose(twoWherePositive, TOL, TOL));

        // float32, a gradient that repeats one value (sum's) and a transposed one: the rule's own path, same values
        Tensor f = new Generator(20).randn(40, 50).requiresGrad(true);
        f.relu().sum().backward();
        assertTrue(f.grad().allClose(f.detach().gt(0).to(DType.FLOAT32), 0, 0));
        Tensor ft = new Generator(21).randn(40, 50).requiresGrad(true);
        Tensor seedT = new Generator(22).randn(50, 40).T();
        ft.relu().backward(seedT);
        assertTrue(ft.grad().allClose(Tensor.where(ft.detach().gt(0), seedT, Tensor.zeros(40, 50)), 0, 0));
    }

    /**
     * A unary op's JVP writes the tangent's product into f'(x) only when the rule computed f'(x) afresh: exp's
     * f'(x) is its own result, which must stay the primal output; sin's is a new cos(x). Without recording (no
     * graph), where the in-place path is open.
     */
    @Test
    void unaryJvpsWriteOnlyIntoFreshDerivatives() {
        Tensor x = uniform(23, N);
        Tensor v = uniform(24, N);
        try (GradMode ignored = GradMode.noGrad()) {
            Func.JvpResult<Tensor> e = Func.jvp(Tensor::exp, x, v);
            assertTrue(e.value().allClose(x.exp(), 0, 0), "exp's result is not written into");
            assertTrue(e.tangent().allClose(v.mul(x.exp()), 0, 0));
            Func.JvpResult<Tensor> s = Func.jvp(t -> t.exp().sin(), x, v);
            assertTrue(s.value().allClose(x.exp().sin(), 0, 0));
            assertTrue(s.tangent().allClose(v.mul(x.exp()).mul(x.exp().cos()), TOL, TOL));
        }
    }
}
