package dev.jgrad;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PyTorch's autograd safety rules, ported in substance from its test_autograd: version counters,
 * modified saved tensors, backward twice, in-place on leaves and on views, anomaly detection.
 */
class AutogradSafetyTest {
    private static Tensor ones(int... shape) {
        return Tensor.ones(DType.FLOAT64, shape);
    }

    @Test
    void modifyingASavedTensorFailsAtBackwardButAnUnsavedOneIsFine() { // test_inplace
        Tensor x = ones(5, 5).requiresGrad(true);
        Tensor y = ones(5, 5).mul(4.0).requiresGrad(true);
        Tensor z = x.mul(y);
        Tensor q = z.add(y);
        Tensor w = z.mul(y);
        z.addInPlace(2.0);
        // q = z + y saved nothing, so it is not affected
        q.backward(ones(5, 5), true, false);
        assertArrayEquals(ones(5, 5).mul(4.0).toDoubleArray(), x.grad().toDoubleArray());
        // w = z * y saved z, which is now at version 1
        AutogradException e = assertThrows(AutogradException.class, () -> w.backward(ones(5, 5)));
        assertTrue(e.getMessage().matches("(?s)one of the variables needed for gradient computation by MulBackward"
                + " has been modified by an in-place operation: \\[float64 \\[5, 5]], which is output 0 of MulBackward,"
                + " is at version 1; expected version 0 instead\\. Hint: enable anomaly detection.*"), e.getMessage());
    }

    /**
     * As PyTorch, a product saves an operand only for the other operand's gradient: when that operand needs no
     * gradient, the first may be modified in place before backward (and is not kept alive by the graph).
     */
    @Test
    void anOperandOnlyTheOtherGradientReadsIsNotSavedWhenThatGradientIsNotWanted() {
        Tensor w = Tensor.of(3.0, 4.0);
        Tensor m = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}).reshape(2, 3);
        for (int op = 0; op < 3; op++) {
            Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
            Tensor h = x.sin();
            Tensor y = switch (op) {
                case 0 -> h.mul(w);
                case 1 -> h.div(w);
                default -> h.reshape(1, 2).matmul(m).sum();
            };
            h.mulInPlace(2.0); // no gradient flows to w or m, so h was not saved
            y.sum().backward();
            double[] expected = new double[2];
            for (int i = 0; i < 2; i++) {
                double dh = switch (op) {
                    case 0 -> w.get(i).item();
                    case 1 -> 1 / w.get(i).item();
                    default -> i == 0 ? 1 + 2 + 3 : 4 + 5 + 6; // the sums of the rows of m
                };
                expected[i] = Math.cos(i + 1.0) * dh;
            }
            assertArrayEquals(expected, x.grad().toDoubleArray(), 1e-12, "op " + op);
        }
        // when w does want a gradient, h is saved and its modification is caught
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor wanted = w.detach().requiresGrad(true);
        Tensor h = x.sin();
        Tensor y = h.mul(wanted);
        h.mulInPlace(2.0);
        AutogradException e = assertThrows(AutogradException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("needed for gradient computation by MulBackward"), e.getMessage());
    }

    @Test
    void versionCounterIsSharedByViewsAndDetach() { // test_version_counter
        Tensor x = Tensor.zeros(DType.FLOAT64, 3, 4);
        Tensor view = x.get(1);
        Tensor detached = x.detach();
        assertEquals(0, x.version());
        view.addInPlace(1.0);
        assertEquals(1, x.version());
        assertEquals(1, detached.version());
        detached.mulInPlace(2.0);
        assertEquals(2, view.version());
        assertArrayEquals(new double[] {0, 0, 0, 0, 2, 2, 2, 2, 0, 0, 0, 0}, x.toDoubleArray());
    }

    @Test
    void noGradStillBumpsTheVersionSoBackwardFails() { // test_no_grad_modifies_version
        Tensor x = Tensor.of(1.0, 2.0, 3.0).requiresGrad(true);
        Tensor y = Tensor.of(4.0, 5.0, 6.0).requiresGrad(true);
        Tensor z = x.mul(y).sum();
        try (GradMode g = GradMode.noGrad()) {
            x.mulInPlace(2.0);
        }
        AutogradException e = assertThrows(AutogradException.class, z::backward);
        assertTrue(e.getMessage().contains("modified by an in-place operation"), e.getMessage());
        assertTrue(e.getMessage().contains("is at version 1; expected version 0"), e.getMessage());
    }

    @Test
    void tanhOutputModifiedInPlaceFailsNamingTanhBackward() { // seed 003
        Tensor x = Tensor.scalar(1.0).requiresGrad(true);
        Tensor y = x.tanh();
        y.addInPlace(3.0);
        AutogradException e = assertThrows(AutogradException.class, y::backward);
        assertTrue(e.getMessage().contains("[float32 []], which is output 0 of TanhBackward, is at version 1;"
                + " expected version 0 instead"), e.getMessage());
        assertTrue(e.getMessage().contains("AnomalyMode"), e.getMessage());
    }

    @Test
    void backwardTwiceThroughFreedBuffersNamesRetainGraph() { // test_backward_twice_with_saved_values
        Tensor a = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor b = Tensor.of(3.0, 4.0).requiresGrad(true);
        Tensor c = a.mul(b).sum();
        c.backward();
        AutogradException e = assertThrows(AutogradException.class, c::backward);
        assertTrue(e.getMessage().contains("Trying to backward through the graph a second time"), e.getMessage());
        assertTrue(e.getMessage().contains("retainGraph=true"), e.getMessage());
    }

    @Test
    void backwardTwiceWithRetainGraphAccumulates() { // test_backward_twice_retained_graph_with_saved_values
        Tensor a = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor b = Tensor.of(3.0, 4.0).requiresGrad(true);
        Tensor c = a.mul(b).sum();
        c.backward(null, true, false);
        c.backward();
        assertArrayEquals(new double[] {6, 8}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {2, 4}, b.grad().toDoubleArray());
    }

    @Test
    void backwardTwiceWithNothingSavedWorks() { // test_backward_twice_without_saved_values
        Tensor a = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor b = Tensor.of(3.0, 4.0).requiresGrad(true);
        Tensor c = a.add(b).sum();
        c.backward();
        c.backward();
        assertArrayEquals(new double[] {2, 2}, a.grad().toDoubleArray());
    }

    @Test
    void inPlaceOnALeafThatRequiresGradFailsAtOnce() { // test_leaf_assignment
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        AutogradException e = assertThrows(AutogradException.class, () -> x.addInPlace(1.0));
        assertEquals("addInPlace: a leaf tensor that requires grad is being used in an in-place operation;"
                + " do it inside GradMode.noGrad() or on detach()", e.getMessage());
        assertEquals(0, x.version());
        assertArrayEquals(new double[] {1, 2}, x.toDoubleArray(), "a refused in-place op must not write");
        try (GradMode g = GradMode.noGrad()) {
            x.subInPlace(Tensor.of(0.5, 0.5));
        }
        assertArrayEquals(new double[] {0.5, 1.5}, x.toDoubleArray());
        assertTrue(x.isLeaf());
        assertTrue(x.requiresGrad());
    }

    @Test
    void inPlaceOnAViewOfALeafFailsAtOnce() { // seed 003, test_inplace_on_view_of_leaf
        Tensor x = Tensor.of(1f, 2f, 3f, 4f).requiresGrad(true);
        Tensor y = x.slice(0, 0, 1);
        AutogradException e = assertThrows(AutogradException.class, () -> y.addInPlace(3.0));
        assertTrue(e.getMessage().startsWith("addInPlace: a view of a leaf tensor that requires grad is being used"
                + " in an in-place operation"), e.getMessage());
        assertArrayEquals(new float[] {1, 2, 3, 4}, x.toFloatArray());
    }

    @Test
    void inPlaceOnAViewOfANonLeafReachesTheBase() { // test_inplace_on_view_backprop_base
        Tensor root = Tensor.randn(2, 2).to(DType.FLOAT64).requiresGrad(true);
        Tensor x = root.clone();
        Tensor v1 = x.slice(0, 0, 1);
        v1.mulInPlace(2.0);
        x.sum().backward();
        assertArrayEquals(new double[] {2, 2, 1, 1}, root.grad().toDoubleArray());
        assertEquals("CopySlices", x.gradFn().name());
    }

    @Test
    void inPlaceOnAViewOfAViewAgreesWithFiniteDifferences() { // test_inplace_on_view_of_view (gradcheck)
        Tensor rootValue = Tensor.randn(4, 3).to(DType.FLOAT64);
        Tensor other = Tensor.randn(3).to(DType.FLOAT64);
        GradCheck.Report report = GradCheck.check(xs -> {
            Tensor x = xs[0].mul(1.0);
            Tensor rows = x.slice(0, 1, 4);
            Tensor column = rows.select(1, 0);
            column.mulInPlace(xs[1].slice(0, 0, 3));
            return x.mul(x).sum(1);
        }, rootValue, other);
        assertTrue(report.passed(), report.toString());
    }

    @Test
    void aViewTakenBeforeTheBaseWasRewrittenSeesTheNewHistory() { // test_inplace_on_view_multiple_outputs-like
        Tensor root = ones(2, 2).requiresGrad(true);
        Tensor x = root.mul(1.0);
        Tensor first = x.get(0);
        Tensor second = x.get(1);
        second.mulInPlace(3.0);     // rewrites x's history through another view
        first.sum().backward(null, true, false); // first must now derive from the rewritten x
        assertArrayEquals(new double[] {1, 1, 0, 0}, root.grad().toDoubleArray());
        root.setGrad(null);
        x.sum().backward();
        assertArrayEquals(new double[] {1, 1, 3, 3}, root.grad().toDoubleArray());
    }

    @Test
    void indexAssignmentIntoAFreshTensorIsDifferentiable() { // seed 002's f2
        Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}});
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor vals = Tensor.zeros(DType.FLOAT64, 2);
        for (int i = 0; i < 2; i++) {
            vals.set(i, a.get(i).matmul(x.reshape(-1, 1)).reshape());
        }
        Tensor f = vals.sum();
        assertEquals(16.0, f.item());
        f.backward();
        assertArrayEquals(new double[] {4, 6}, x.grad().toDoubleArray());
        assertFalse(vals.isLeaf());
    }

    @Test
    void inPlaceWithAGradRequiringOperandMakesTheTargetANonLeaf() {
        Tensor w = Tensor.of(2.0, 3.0).requiresGrad(true);
        Tensor acc = Tensor.zeros(DType.FLOAT64, 2);
        acc.addInPlace(w.mul(w));
        assertEquals("AddBackward", acc.gradFn().name());
        acc.sum().backward();
        assertArrayEquals(new double[] {4, 6}, w.grad().toDoubleArray());
    }

    @Test
    void writingThroughAnExpandedViewIsRefused() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 3).unsqueeze(0).expand(2, 3);
        JgradException e = assertThrows(JgradException.class, () -> x.addInPlace(1.0));
        assertTrue(e.getMessage().contains("more than one element of the written-to tensor"), e.getMessage());
    }

    @Test
    void anomalyModeNamesTheBackwardOpAndTheForwardCall() { // test_anomaly_detect_nan
        Tensor x = Tensor.of(0.0, 1.0).requiresGrad(true);
        // without anomaly mode the infinite gradient just flows
        x.sqrt().sum().backward();
        assertTrue(Double.isInfinite(x.grad().toDoubleArray()[0]));
        x.setGrad(null);
        try (AnomalyMode a = AnomalyMode.enable()) {
            Tensor y = x.sqrt().sum();
            AutogradException e = assertThrows(AutogradException.class, y::backward);
            assertEquals("Function 'SqrtBackward' returned infinite values in its 0th output (anomaly mode)."
                    + " The forward call that created it is the cause of this exception.", e.getMessage());
            boolean mentionsThisTest = false;
            for (StackTraceElement frame : e.getCause().getStackTrace()) {
                mentionsThisTest |= frame.getMethodName().equals("anomalyModeNamesTheBackwardOpAndTheForwardCall");
            }
            assertTrue(mentionsThisTest, "the cause should show where the forward op was created");
        }
        assertFalse(AnomalyMode.isEnabled());
    }

    @Test
    void anomalyModeReportsNaN() {
        Tensor x = Tensor.of(-1.0).requiresGrad(true);
        try (AnomalyMode a = AnomalyMode.enable()) {
            Tensor z = x.sqrt().sum(); // sqrt(-1) is NaN, and so is its derivative
            AutogradException e = assertThrows(AutogradException.class, z::backward);
            assertTrue(e.getMessage().startsWith("Function 'SqrtBackward' returned nan values"), e.getMessage());
        }
    }
}
