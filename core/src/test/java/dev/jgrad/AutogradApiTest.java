package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The user-facing autograd API: leaves, gradFn, backward, accumulation, higher order, hooks, scopes. */
class AutogradApiTest {
    private static final double TOL = 1e-12;

    @Test
    void seed003ScalarExample() {
        Tensor x = Tensor.scalar(0.5, DType.FLOAT64).requiresGrad(true);
        Tensor y = Tensor.scalar(4.2, DType.FLOAT64).requiresGrad(true);
        Tensor z = x.mul(y).add(x.sin());
        z.backward();
        assertEquals(2.579425538604203, z.item(), TOL);
        assertEquals(5.077582561890373, x.grad().item(), TOL);
        assertEquals(0.5, y.grad().item(), TOL);
    }

    @Test
    void onlyFloatingTensorsCanRequireGrad() {
        DTypeException e = assertThrows(DTypeException.class, () -> Tensor.of(1L, 2L).requiresGrad(true));
        assertEquals("requiresGrad: only tensors of floating point dtype can require gradients, got int64", e.getMessage());
        assertThrows(DTypeException.class, () -> Tensor.of(true).requiresGrad(true));
    }

    @Test
    void leavesNonLeavesAndGradFnNames() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor c = Tensor.of(3f, 4f);
        assertTrue(x.isLeaf());
        assertNull(x.gradFn());
        assertTrue(c.isLeaf());
        assertFalse(c.requiresGrad());
        Tensor y = x.mul(c);
        assertFalse(y.isLeaf());
        assertTrue(y.requiresGrad());
        assertEquals("MulBackward", y.gradFn().name());
        assertEquals("SinBackward", x.sin().gradFn().name());
        assertEquals("MatmulBackward", x.reshape(1, 2).matmul(c.reshape(2, 1)).gradFn().name());
        assertEquals("<MulBackward>", y.gradFn().toString());
        // the next functions: x's accumulator, and nothing for the constant
        List<Node> next = y.gradFn().nextFunctions();
        assertEquals("AccumulateGrad", next.get(0).name());
        assertNull(next.get(1));
        // ops on tensors that do not require grad record nothing
        assertNull(c.mul(c).gradFn());
    }

    @Test
    void implicitBackwardNeedsAScalar() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        AutogradException e = assertThrows(AutogradException.class, () -> x.mul(2.0).backward());
        assertTrue(e.getMessage().startsWith("grad can be implicitly created only for scalar outputs, but output 0 has"
                + " shape [2]"), e.getMessage());
        ShapeException wrong = assertThrows(ShapeException.class, () -> x.mul(2.0).backward(Tensor.of(1.0)));
        assertEquals("backward: gradient has shape [1] but output 0 has shape [2]", wrong.getMessage());
        AutogradException none = assertThrows(AutogradException.class, () -> Tensor.of(1.0).sum().backward());
        assertTrue(none.getMessage().startsWith("element 0 of the outputs does not require grad and has no gradFn"),
                none.getMessage());
    }

    @Test
    void multipleOutputsWithWeights() { // seed 003
        Tensor x = Tensor.of(new float[][] {{1}, {1}}).requiresGrad(true);
        Tensor zv = Tensor.of(new float[][] {{2}, {4}}).mul(x)
                .add(Tensor.of(new float[][] {{1}, {0}}).mul(x.sin()))
                .add(Tensor.of(new float[][] {{0}, {1}}).mul(x.cos()));
        zv.backward(Tensor.of(new float[][] {{1}, {1}}));
        assertArrayEquals(new float[] {2.5403023f, 3.1585290f}, x.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void gradientsAccumulateUntilCleared() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        x.mul(x).sum().backward();
        x.mul(x).sum().backward();
        assertArrayEquals(new double[] {4, 8}, x.grad().toDoubleArray(), TOL);
        Tensor firstGrad = x.grad();
        x.mul(3.0).sum().backward();
        assertSame(firstGrad, x.grad(), "accumulation happens in place, as in PyTorch");
        assertArrayEquals(new double[] {7, 11}, x.grad().toDoubleArray(), TOL);
        x.grad().zeroInPlace();
        x.sum().backward();
        assertArrayEquals(new double[] {1, 1}, x.grad().toDoubleArray(), TOL);
        x.setGrad(null);
        assertNull(x.grad());
    }

    @Test
    void theGradientOfOneLeafIsNotAliasedWithAnother() {
        Tensor a = Tensor.of(1.0).requiresGrad(true);
        Tensor b = Tensor.of(2.0).requiresGrad(true);
        a.add(b).sum().backward(); // AddBackward passes one gradient tensor to both
        a.grad().zeroInPlace();
        assertArrayEquals(new double[] {1}, b.grad().toDoubleArray());
    }

    /**
     * A leaf that receives several gradients gets their sum, which the engine builds in one buffer it owns and
     * hands to the leaf without a copy. The buffer must still be the leaf's alone: not shared with another leaf,
     * with a gradient a hook has seen, or with the gradient of a later backward.
     */
    @Test
    void summedGradientsAreKeptWithoutACopyButNeverShared() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor y = Tensor.of(3.0, 4.0).requiresGrad(true);
        Tensor[] seen = new Tensor[1];
        y.registerHook(g -> {
            seen[0] = g;
            return null;
        });
        // x reaches the loss four times (x*x twice, sin, neg), y three times through the same products
        x.mul(x).add(x.sin()).sub(x.neg()).add(y.mul(y)).add(y).sum().backward();
        double[] expectedX = {2 * 1 + Math.cos(1) + 1, 2 * 2 + Math.cos(2) + 1};
        assertArrayEquals(expectedX, x.grad().toDoubleArray(), TOL);
        assertArrayEquals(new double[] {7, 9}, y.grad().toDoubleArray(), TOL);
        assertFalse(x.grad().sharesStorageWith(y.grad()));
        assertFalse(y.grad().sharesStorageWith(seen[0]), "a gradient a hook has seen is copied into .grad");
        seen[0].zeroInPlace();
        assertArrayEquals(new double[] {7, 9}, y.grad().toDoubleArray(), TOL);

        Tensor firstGrad = x.grad();
        x.mul(x).add(x).sum().backward(); // accumulates into the kept buffer
        assertSame(firstGrad, x.grad());
        assertArrayEquals(new double[] {expectedX[0] + 3, expectedX[1] + 5}, x.grad().toDoubleArray(), TOL);

        // large enough for the engine to add the later terms into its buffer in place
        Tensor big = new Generator(3).uniform(-1, 1, DType.FLOAT64, 5000).requiresGrad(true);
        big.mul(big).add(big.sin()).sub(big.neg()).sum().backward();
        assertTrue(big.grad().allClose(big.detach().mul(2).add(big.detach().cos()).add(1), 1e-12, 1e-12));

        // with createGraph the sum keeps its history, so nothing is summed in place
        Tensor z = Tensor.of(0.5).requiresGrad(true);
        Tensor gz = Autograd.grad(List.of(z.mul(z).mul(z).add(z.mul(z)).sum()), List.of(z), null, true, true,
                false).get(0);
        assertArrayEquals(new double[] {3 * 0.25 + 1}, gz.toDoubleArray(), TOL);
        assertArrayEquals(new double[] {6 * 0.5 + 2},
                Autograd.grad(List.of(gz.sum()), List.of(z), null, false, false, false).get(0).toDoubleArray(), TOL);
    }

    /**
     * A matmul's gradients are fresh memory, and a transpose passes its gradient on as a view, so the weight of
     * x @ w.T() keeps its gradient without a copy. It must still be a tensor of its own: not a view, not shared
     * with a gradient a hook has seen, and correct when later backward passes accumulate into it.
     */
    @Test
    void aWeightKeepsItsMatmulGradientWithoutACopyButNeverShared() {
        Generator g = new Generator(4);
        Tensor x = g.uniform(-1, 1, DType.FLOAT64, 6, 5);
        Tensor w = g.uniform(-1, 1, DType.FLOAT64, 4, 5).requiresGrad(true);
        Tensor expected = Tensor.ones(DType.FLOAT64, 6, 4).mT().matmul(x); // d sum(x @ w.T) / dw
        x.matmul(w.T()).sum().backward();
        assertTrue(w.grad().allClose(expected, 1e-12, 1e-12));
        assertFalse(w.grad().isView());
        assertTrue(w.grad().isContiguous());
        x.matmul(w.T()).sum().backward();
        assertTrue(w.grad().allClose(expected.mul(2), 1e-12, 1e-12), "the kept gradient accumulates");

        Tensor v = w.detach().requiresGrad(true);
        Tensor vt = v.T();
        Tensor[] seen = new Tensor[1];
        vt.registerHook(grad -> {
            seen[0] = grad;
            return null;
        });
        x.matmul(vt).sum().backward();
        assertTrue(v.grad().allClose(expected, 1e-12, 1e-12));
        assertFalse(v.grad().sharesStorageWith(seen[0]), "a gradient a hook has seen is copied");
    }

    /** A gradient that Autograd.grad returns is the caller's: backward must not sum into it, or into a view of it. */
    @Test
    void capturedGradientsAreNeverSummedInto() {
        Generator g = new Generator(6);
        Tensor x = g.uniform(-1, 1, DType.FLOAT64, 6, 50); // w has 2000 elements: enough to be summed in place
        Tensor expectedT = x.mT().matmul(Tensor.ones(DType.FLOAT64, 6, 40)); // d sum(x @ t) / dt, t = w.T()
        for (boolean directFirst : new boolean[] {true, false}) {
            Tensor w = g.uniform(-1, 1, DType.FLOAT64, 40, 50).requiresGrad(true);
            Tensor t = w.T();
            Tensor viaT = x.matmul(t).sum();
            Tensor direct = w.mul(w).sum();
            Tensor loss = directFirst ? direct.add(viaT) : viaT.add(direct);
            List<Tensor> grads = Autograd.grad(List.of(loss), List.of(t, w), null, false, false, false);
            assertTrue(grads.get(0).allClose(expectedT, 1e-12, 1e-12), "the gradient of t is left as returned");
            assertTrue(grads.get(1).allClose(expectedT.mT().add(w.detach().mul(2)), 1e-12, 1e-12));
        }
    }

    @Test
    void powerWithAConstantExponentAtZero() { // PyTorch: d/dx x^0 = 0 and d/dx x^2 = 0 at x = 0, not NaN
        for (double c : new double[] {0, 1, 2, 3}) {
            Tensor x = Tensor.of(0.0, -1.5, 2.0).requiresGrad(true);
            x.pow(c).sum().backward();
            double[] expected = new double[3];
            for (int i = 0; i < 3; i++) {
                double xi = x.get(i).item();
                expected[i] = c == 0 ? 0 : c * Math.pow(xi, c - 1);
            }
            assertArrayEquals(expected, x.grad().toDoubleArray(), TOL, "exponent " + c);
        }
    }

    @Test
    void differentiatesThroughLoopsBranchesAndRecursion() {
        Tensor x = Tensor.scalar(0.5, DType.FLOAT64).requiresGrad(true);
        Tensor z = Tensor.scalar(1.0, DType.FLOAT64);
        for (int i = 0; i < 2; i++) {
            z = z.add((long) i).mul(x).mul(x);
        }
        z.backward();
        assertEquals(1.5, x.grad().item(), TOL); // seed 003's while loop

        Tensor y = Tensor.scalar(3.0, DType.FLOAT64).requiresGrad(true);
        Tensor p = power(y, 4);
        p.backward();
        assertEquals(4 * 27.0, y.grad().item(), TOL);

        Tensor w = Tensor.scalar(-2.0, DType.FLOAT64).requiresGrad(true);
        Tensor branch = w.item() > 0 ? w.mul(w) : w.mul(3.0);
        branch.backward();
        assertEquals(3.0, w.grad().item(), TOL);
    }

    private static Tensor power(Tensor x, int n) {
        return n == 0 ? Tensor.onesLike(x) : x.mul(power(x, n - 1));
    }

    @Test
    void createGraphGivesHigherDerivatives() {
        Tensor x = Tensor.scalar(2.0, DType.FLOAT64).requiresGrad(true);
        Tensor y = x.mul(x).mul(x);
        Tensor dy = Autograd.grad(List.of(y), List.of(x), null, true, true, false).get(0);
        assertEquals(12.0, dy.item(), TOL);
        Tensor d2y = Autograd.grad(List.of(dy), List.of(x), null, true, true, false).get(0);
        assertEquals(12.0, d2y.item(), TOL);
        Tensor d3y = Autograd.grad(d2y, x).get(0);
        assertEquals(6.0, d3y.item(), TOL);
    }

    @Test
    void hessianRowByRowWithCreateGraph() { // seed 002's PyTorch part: f = x0^2 + x0 x1
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor f = x.get(0).mul(x.get(0)).add(x.get(0).mul(x.get(1)));
        f.backward(null, true, true);
        Tensor g = x.grad();
        assertArrayEquals(new double[] {4, 1}, g.toDoubleArray(), TOL);
        double[][] hessian = new double[2][];
        for (int i = 0; i < 2; i++) {
            hessian[i] = Autograd.grad(List.of(g.get(i)), List.of(x), null, true, false, false).get(0).toDoubleArray();
        }
        assertArrayEquals(new double[] {2, 1}, hessian[0], TOL);
        assertArrayEquals(new double[] {1, 0}, hessian[1], TOL);
    }

    @Test
    void functionalGradLeavesDotGradAloneAndReportsUnusedInputs() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor y = Tensor.of(3.0, 4.0).requiresGrad(true);
        Tensor unused = Tensor.of(5.0).requiresGrad(true);
        Tensor out = x.mul(y).sum();
        List<Tensor> g = Autograd.grad(List.of(out), List.of(x, y, unused), null, true, false, true);
        assertArrayEquals(new double[] {3, 4}, g.get(0).toDoubleArray(), TOL);
        assertArrayEquals(new double[] {1, 2}, g.get(1).toDoubleArray(), TOL);
        assertNull(g.get(2));
        assertNull(x.grad(), "Autograd.grad must not accumulate into .grad");
        AutogradException e = assertThrows(AutogradException.class,
                () -> Autograd.grad(List.of(out), List.of(unused), null, true, false, false));
        assertTrue(e.getMessage().contains("was not used in computing the outputs; pass allowUnused=true"), e.getMessage());
        // the gradient with respect to an intermediate tensor
        Tensor h = x.mul(2.0);
        Tensor s = h.mul(h).sum();
        assertArrayEquals(new double[] {4, 8}, Autograd.grad(s, h).get(0).toDoubleArray(), TOL);
    }

    @Test
    void noGradScopeIsThreadLocalAndNests() throws Exception {
        Tensor x = Tensor.of(1.0).requiresGrad(true);
        try (GradMode outer = GradMode.noGrad()) {
            assertFalse(x.mul(2.0).requiresGrad());
            try (GradMode inner = GradMode.enableGrad()) {
                assertTrue(x.mul(2.0).requiresGrad());
            }
            assertFalse(GradMode.isEnabled());
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                assertTrue(pool.submit(GradMode::isEnabled).get(), "other threads keep their own mode");
            } finally {
                pool.shutdown();
            }
        }
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void parameterUpdateUnderNoGradKeepsTheLeaf() { // seed 003's gradient descent on x^2 + y^2 + z^2
        Tensor x = Tensor.of(new float[][] {{2}, {1}, {10}}).requiresGrad(true);
        for (int i = 0; i < 100; i++) {
            x.setGrad(null);
            Tensor j = x.get(0).pow(2L).add(x.get(1).pow(2L)).add(x.get(2).pow(2L));
            j.backward();
            try (GradMode g = GradMode.noGrad()) {
                x.subInPlace(x.grad().mul(0.1));
            }
        }
        assertTrue(x.isLeaf());
        assertTrue(x.requiresGrad());
        assertEquals(100, x.version());
        float[] v = x.toFloatArray();
        assertEquals(2 * Math.pow(0.8, 100), v[0], 1e-12);
    }

    @Test
    void retainGradKeepsANonLeafsGradient() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor h = x.mul(3.0);
        h.retainGrad();
        assertTrue(h.retainsGrad());
        h.mul(h).sum().backward();
        assertArrayEquals(new double[] {6, 12}, h.grad().toDoubleArray(), TOL);
        assertArrayEquals(new double[] {18, 36}, x.grad().toDoubleArray(), TOL);
        Tensor notRetained = x.mul(2.0);
        notRetained.sum().backward();
        assertNull(notRetained.grad());
    }

    @Test
    void detachCutsTheGraphButSharesData() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor y = x.mul(2.0);
        Tensor d = y.detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.sharesStorageWith(y));
        Tensor z = y.mul(d).sum(); // d is a constant
        z.backward();
        assertArrayEquals(new double[] {4, 8}, x.grad().toDoubleArray(), TOL);
        assertThrows(AutogradException.class, () -> y.requiresGrad(false));
    }

    @Test
    void hooksSeeAndReplaceGradientsAndCanBeRemoved() {
        Tensor x = Tensor.of(1.0, -2.0).requiresGrad(true);
        List<double[]> seen = new java.util.ArrayList<>();
        HookHandle record = x.registerHook(g -> {
            seen.add(g.toDoubleArray());
            return null;
        });
        Tensor h = x.mul(10.0);
        HookHandle clip = h.registerHook(g -> g.clamp(-1, 1));
        h.mul(h).sum().backward(); // dh = 2h = [20, -40], clipped to [1, -1], times 10
        assertArrayEquals(new double[] {10, -10}, x.grad().toDoubleArray(), TOL);
        assertEquals(1, seen.size());
        record.remove();
        clip.remove();
        x.setGrad(null);
        Tensor h2 = x.mul(10.0);
        h2.sum().backward();
        assertEquals(1, seen.size(), "a removed hook is not called");
        assertThrows(AutogradException.class, () -> Tensor.of(1.0).registerHook(g -> g));
        Tensor y = Tensor.of(1.0, 2.0).requiresGrad(true);
        y.registerHook(g -> Tensor.of(1.0));
        ShapeException e = assertThrows(ShapeException.class, () -> y.mul(2.0).sum().backward());
        assertTrue(e.getMessage().contains("returned shape [1]; expected [2]"), e.getMessage());
    }

    @Test
    void independentGraphsRunBackwardConcurrently() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<double[]>> jobs = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                double start = t;
                jobs.add(() -> {
                    Tensor x = Tensor.of(start, start + 1).requiresGrad(true);
                    Tensor y = x;
                    for (int i = 0; i < 200; i++) {
                        y = y.sin().add(x);
                    }
                    y.sum().backward();
                    return x.grad().toDoubleArray();
                });
            }
            List<Future<double[]>> results = pool.invokeAll(jobs);
            for (int t = 0; t < 8; t++) {
                Tensor x = Tensor.of((double) t, t + 1.0).requiresGrad(true);
                Tensor y = x;
                for (int i = 0; i < 200; i++) {
                    y = y.sin().add(x);
                }
                y.sum().backward();
                assertArrayEquals(x.grad().toDoubleArray(), results.get(t).get(), 0.0);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void concurrentBackwardPassesThroughASharedLeafAccumulateEveryGradient() throws Exception {
        Tensor w = Tensor.of(1.0, 2.0).requiresGrad(true);
        int threads = 4;
        int steps = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> jobs = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                jobs.add(() -> {
                    for (int i = 0; i < steps; i++) {
                        w.mul(w).sum().backward(); // d/dw = 2w; the leaf's node is shared by every thread
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(jobs)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertArrayEquals(new double[] {2.0 * threads * steps, 4.0 * threads * steps}, w.grad().toDoubleArray(), 0.0);
    }

    @Test
    void backwardReleasesSavedTensors() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor intermediate = x.mul(2.0);
        WeakReference<Tensor> ref = new WeakReference<>(intermediate);
        Tensor loss = intermediate.sin().sum(); // SinBackward saves the intermediate
        intermediate = null;
        loss.backward();
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
        }
        assertNull(ref.get(), "the saved intermediate must be freed after backward");
        assertNotNull(loss.gradFn(), "the graph's nodes themselves stay reachable from the output");
    }

    @Test
    void manyScalarStepsKeepTheHeapFlat() {
        Runtime rt = Runtime.getRuntime();
        long[] used = new long[2];
        Tensor x = Tensor.scalar(0.5).requiresGrad(true);
        Tensor y = Tensor.scalar(4.2).requiresGrad(true);
        for (int step = 0; step < 200_000; step++) {
            x.setGrad(null);
            y.setGrad(null);
            Tensor z = x.mul(y).add(x.sin());
            z.backward();
            if (step == 20_000 || step == 199_999) {
                System.gc();
                used[step == 20_000 ? 0 : 1] = rt.totalMemory() - rt.freeMemory();
            }
        }
        assertTrue(used[1] < used[0] + 8 * 1024 * 1024,
                "heap grew from " + used[0] + " to " + used[1] + " bytes over 180k steps");
    }

    @Test
    void deepChainsDoNotOverflowTheStack() {
        Tensor x = Tensor.scalar(1.0, DType.FLOAT64).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) {
            y = y.mul(1.0);
        }
        y.backward();
        assertEquals(1.0, x.grad().item(), TOL);
    }
}
