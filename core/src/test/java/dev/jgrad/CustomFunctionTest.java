package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** User-defined primitives in both modes and at higher order, their errors, and the checker's meta-tests. */
class CustomFunctionTest {
    private static final double TOL = 1e-12;

    /** exp written by hand: forward on the values, VJP and JVP with jgrad ops. */
    private static final CustomFunction MY_EXP = CustomFunction.define("MyExp",
            inputs -> inputs[0].exp(),
            (grad, inputs, result) -> new Tensor[] {grad.mul(result)},
            (tangents, inputs, result) -> tangents[0].mul(result));

    /** x * y with only a VJP: forward mode transposes it. */
    private static final CustomFunction MY_MUL = CustomFunction.define("MyMul",
            inputs -> inputs[0].mul(inputs[1]),
            (grad, inputs, result) -> new Tensor[] {grad.mul(inputs[1]), grad.mul(inputs[0])});

    @Test
    void recordsANamedNodeAndDifferentiatesInBothModes() {
        Tensor x = Tensor.of(0.5, -1.0).requiresGrad(true);
        Tensor y = MY_EXP.apply(x);
        assertEquals("MyExpBackward", y.gradFn().name());
        y.sum().backward();
        assertArrayEquals(new double[] {Math.exp(0.5), Math.exp(-1.0)}, x.grad().toDoubleArray(), TOL);
        Tensor tangent = Func.jvp(MY_EXP::apply, Tensor.of(0.5, -1.0), Tensor.of(1.0, 2.0)).tangent();
        assertArrayEquals(new double[] {Math.exp(0.5), 2 * Math.exp(-1.0)}, tangent.toDoubleArray(), TOL);
    }

    @Test
    void withoutAJvpForwardModeTransposesTheVjp() {
        Func.JvpResult<java.util.List<Tensor>> r = Func.jvp(
                (java.util.List<Tensor> xs) -> java.util.List.of(MY_MUL.apply(xs.get(0), xs.get(1))),
                java.util.List.of(Tensor.of(2.0, 3.0), Tensor.of(5.0, 7.0)),
                java.util.List.of(Tensor.of(1.0, 0.0), Tensor.of(0.0, 1.0)));
        assertArrayEquals(new double[] {5, 3}, r.tangent().get(0).toDoubleArray(), TOL);
    }

    @Test
    void worksAtHigherOrderAndPassesTheChecker() {
        Function<Tensor, Tensor> f = x -> MY_EXP.apply(MY_MUL.apply(x, x)).sum();
        Tensor x = Tensor.of(0.3, -0.4);
        // d2/dx2 exp(x^2) = (2 + 4x^2) exp(x^2)
        Tensor h = Func.hessian(f).apply(x);
        double[] xs = x.toDoubleArray();
        assertArrayEquals(new double[] {(2 + 4 * xs[0] * xs[0]) * Math.exp(xs[0] * xs[0]), 0, 0,
                (2 + 4 * xs[1] * xs[1]) * Math.exp(xs[1] * xs[1])}, h.toDoubleArray(), 1e-10);
        assertTrue(GradCheck.check(args -> MY_EXP.apply(MY_MUL.apply(args[0], args[1])), x, Tensor.of(1.5, 0.5)).passed());
    }

    @Test
    void aWrongNumberOrShapeOfGradientsIsAClearError() {
        CustomFunction tooMany = CustomFunction.define("TooMany", in -> in[0].mul(2.0),
                (grad, in, result) -> new Tensor[] {grad, grad});
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        JgradException count = assertThrows(JgradException.class, () -> tooMany.apply(x).sum().backward());
        assertEquals("TooMany: the VJP returned 2 gradients for 1 input; return one gradient (or null) per input",
                count.getMessage());
        CustomFunction wrongShape = CustomFunction.define("WrongShape", in -> in[0].sum(),
                (grad, in, result) -> new Tensor[] {grad});
        ShapeException shape = assertThrows(ShapeException.class, () -> wrongShape.apply(x).backward());
        assertEquals("WrongShape: the VJP returned a gradient of shape [] for input 0 of shape [2]", shape.getMessage());
        CustomFunction badJvp = CustomFunction.define("BadJvp", in -> in[0].mul(2.0),
                (grad, in, result) -> new Tensor[] {grad.mul(2.0)}, (t, in, result) -> t[0].sum());
        ShapeException jvp = assertThrows(ShapeException.class, () -> Func.jvp(badJvp::apply, Tensor.of(1.0, 2.0), Tensor.of(1.0, 1.0)));
        assertEquals("BadJvp: the JVP returned a tangent of shape [] for an output of shape [2]", jvp.getMessage());
        CustomFunction nothing = CustomFunction.define("Nothing", in -> null, (grad, in, result) -> new Tensor[] {grad});
        assertThrows(JgradException.class, () -> nothing.apply(x));
    }

    @Test
    void checkerCatchesAVjpOffByOneTenthOfAPercentAtFirstOrder() {
        CustomFunction offVjp = CustomFunction.define("OffVjp", in -> in[0].sin(),
                (grad, in, result) -> new Tensor[] {grad.mul(in[0].cos()).mul(1.001)},
                (t, in, result) -> t[0].mul(in[0].cos()));
        GradCheck.Report report = GradCheck.check(xs -> offVjp.apply(xs[0]), Tensor.of(0.3, 1.1, -0.7));
        assertFalse(report.passed());
        assertTrue(report.toString().contains("adjoint identity"), report.toString());
        // a larger error is also pinned to the Jacobian entry that is wrong
        CustomFunction wayOff = CustomFunction.define("WayOff", in -> in[0].sin(),
                (grad, in, result) -> new Tensor[] {grad.mul(in[0].cos()).mul(1.1)},
                (t, in, result) -> t[0].mul(in[0].cos()));
        String text = GradCheck.check(xs -> wayOff.apply(xs[0]), Tensor.of(0.3, 1.1, -0.7)).toString();
        assertTrue(text.contains("reverse mode, input 0 (shape [3]): 3 of 9 Jacobian entries disagree"), text);
        assertTrue(text.contains("the worst: d output[0] / d input 0[0]: analytic"), text);
    }

    @Test
    void checkerCatchesASecondDerivativeOffByOneTenthOfAPercent() {
        // cos with a VJP (used by reverse over reverse) off by 0.1%, and a right JVP (used by forward over reverse)
        CustomFunction cos = CustomFunction.define("SlightlyOffCos", in -> in[0].cos(),
                (grad, in, result) -> new Tensor[] {grad.mul(in[0].sin()).mul(-1.001)},
                (t, in, result) -> t[0].mul(in[0].sin()).neg());
        CustomFunction sin = CustomFunction.define("SinViaCos", in -> in[0].sin(),
                (grad, in, result) -> new Tensor[] {grad.mul(cos.apply(in[0]))},
                (t, in, result) -> t[0].mul(in[0].cos()));
        Tensor x = Tensor.of(0.3, 1.1, -0.7);
        assertTrue(GradCheck.check(xs -> sin.apply(xs[0]), GradCheck.Options.defaults().withOrder(1), x).passed(),
                "first derivatives are right");
        GradCheck.Report report = GradCheck.check(xs -> sin.apply(xs[0]), x);
        assertFalse(report.passed(), "the second-order error went unnoticed");
        assertTrue(report.toString().contains("second order"), report.toString());
    }

    @Test
    void integerResultsCarryNoHistory() {
        CustomFunction argmax = CustomFunction.define("Argmax", in -> in[0].argmax(), (grad, in, result) -> new Tensor[] {null});
        Tensor x = Tensor.of(1.0, 3.0).requiresGrad(true);
        Tensor idx = argmax.apply(x);
        assertEquals(1L, idx.itemLong());
        assertFalse(idx.requiresGrad());
    }
}
