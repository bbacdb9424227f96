package dev.jgrad;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One gradient test over the whole primitive table: every differentiable primitive is checked in float64
 * (reverse and forward mode against central differences, the adjoint identity, and second order) over
 * broadcast shapes, strided and view inputs. The test fails when a primitive has no case here.
 */
class PrimitiveGradientTest {
    private record Case(String label, Function<Tensor[], Tensor> f, Tensor[] inputs) {
    }

    private static final Generator RANDOM = new Generator(42);
    private static final int[][] BROADCAST_PAIRS = {{3, 4}, {3, 4}, {3, 1}, {1, 4}, {}, {3, 4}, {3, 4}, {}, {1, 4}, {3, 1}};

    private static Tensor any(int... shape) {
        return RANDOM.uniform(-1.5, 1.5, DType.FLOAT64, shape);
    }

    private static Tensor positive(int... shape) {
        return RANDOM.uniform(0.5, 2.0, DType.FLOAT64, shape);
    }

    /** A strided (transposed) view of fresh data, so primitives see non-contiguous inputs. */
    private static Function<Tensor[], Tensor> viaTranspose(Function<Tensor[], Tensor> f) {
        return xs -> f.apply(new Tensor[] {xs[0].T()});
    }

    private final Map<String, List<Case>> cases = new LinkedHashMap<>();

    private void add(String primitive, String label, Function<Tensor[], Tensor> f, Tensor... inputs) {
        cases.computeIfAbsent(primitive, k -> new ArrayList<>()).add(new Case(primitive + ": " + label, f, inputs));
    }

    private void unary(String primitive, Function<Tensor, Tensor> op, boolean positiveOnly) {
        Function<int[], Tensor> make = positiveOnly ? PrimitiveGradientTest::positive : PrimitiveGradientTest::any;
        add(primitive, "(3, 4)", xs -> op.apply(xs[0]), make.apply(new int[] {3, 4}));
        add(primitive, "()", xs -> op.apply(xs[0]), make.apply(new int[] {}));
        add(primitive, "transposed (4, 3)", viaTranspose(xs -> op.apply(xs[0])), make.apply(new int[] {4, 3}));
    }

    private interface BinaryOp {
        Tensor apply(Tensor x, Tensor y);
    }

    private void binary(String primitive, BinaryOp op, boolean positiveX, boolean positiveY) {
        for (int i = 0; i < BROADCAST_PAIRS.length; i += 2) {
            int[] a = BROADCAST_PAIRS[i];
            int[] b = BROADCAST_PAIRS[i + 1];
            add(primitive, java.util.Arrays.toString(a) + " with " + java.util.Arrays.toString(b),
                    xs -> op.apply(xs[0], xs[1]), positiveX ? positive(a) : any(a), positiveY ? positive(b) : any(b));
        }
        add(primitive, "transposed view with (3, 1)", xs -> op.apply(xs[0].T(), xs[1]),
                positiveX ? positive(4, 3) : any(4, 3), positiveY ? positive(3, 1) : any(3, 1));
    }

    private void buildTable() {
        unary("Neg", Tensor::neg, false);
        unary("Abs", Tensor::abs, false);
        unary("Sign", Tensor::sign, false);
        unary("Exp", Tensor::exp, false);
        unary("Expm1", Tensor::expm1, false);
        unary("Log", Tensor::log, true);
        unary("Log1p", Tensor::log1p, true);
        unary("Sqrt", Tensor::sqrt, true);
        unary("Rsqrt", Tensor::rsqrt, true);
        unary("Reciprocal", Tensor::reciprocal, true);
        unary("Sin", Tensor::sin, false);
        unary("Cos", Tensor::cos, false);
        unary("Tan", x -> x.mul(0.8).tan(), false);
        unary("Tanh", Tensor::tanh, false);
        unary("Sigmoid", Tensor::sigmoid, false);
        unary("Relu", Tensor::relu, false);
        unary("Floor", x -> x.mul(3).floor(), false);
        unary("Ceil", x -> x.mul(3).ceil(), false);
        unary("Round", x -> x.mul(3).round(), false);

        binary("Add", Tensor::add, false, false);
        binary("Sub", Tensor::sub, false, false);
        binary("Mul", Tensor::mul, false, false);
        binary("Div", Tensor::div, false, true);
        binary("Pow", Tensor::pow, true, false);
        for (double c : new double[] {0, 1, 2, 3, 0.5, -1.5}) { // a constant exponent takes a shorter rule
            add("Pow", "constant exponent " + c, xs -> xs[0].pow(c), positive(3, 4));
        }
        add("Pow", "constant exponent 2 at signed x", xs -> xs[0].pow(2L), any(3, 4));
        binary("Maximum", Tensor::maximum, false, false);
        binary("Minimum", Tensor::minimum, false, false);
        binary("Atan2", Tensor::atan2, false, false);

        Tensor cond = RANDOM.uniform(0, 1, DType.FLOAT64, 3, 4).gt(0.5);
        add("Where", "cond (3, 4), x (3, 1), y (1, 4)", xs -> Tensor.where(cond, xs[0], xs[1]), any(3, 1), any(1, 4));
        add("Where", "x (3, 4), scalar y", xs -> Tensor.where(cond, xs[0], xs[1]), any(3, 4), any());

        add("Sum", "all", xs -> xs[0].sum(), any(3, 4));
        add("Sum", "dim 1", xs -> xs[0].sum(1), any(3, 4));
        add("Sum", "dims 0, 2 keepDim", xs -> xs[0].sum(new int[] {0, 2}, true), any(2, 3, 4));
        add("Sum", "transposed", viaTranspose(xs -> xs[0].sum(0)), any(4, 3));
        add("Amax", "dim 1", xs -> xs[0].amax(new int[] {1}, false), any(3, 4));
        add("Amax", "all", xs -> xs[0].max(), any(3, 4));
        add("Amin", "dim 0 keepDim", xs -> xs[0].amin(new int[] {0}, true), any(3, 4));
        add("Prod", "dim 1", xs -> xs[0].prod(1, false), any(3, 4));
        add("Prod", "all, with a zero", xs -> xs[0].prod(), Tensor.of(0.7, 0.0, -1.3, 1.1));
        add("Cumsum", "dim 1", xs -> xs[0].cumsum(1), any(3, 4));
        add("Cumsum", "transposed, dim 0", viaTranspose(xs -> xs[0].cumsum(0)), any(4, 3));

        add("View", "reshape (3, 4) -> (2, 6)", xs -> xs[0].reshape(2, 6).mul(xs[0].reshape(2, 6)), any(3, 4));
        add("View", "reshape of a transposed view (copies)", viaTranspose(xs -> xs[0].reshape(-1).sin()), any(4, 3));
        add("Permute", "(2, 3, 4) -> (4, 2, 3)", xs -> xs[0].permute(2, 0, 1).sin(), any(2, 3, 4));
        add("Expand", "(3, 1) -> (3, 4)", xs -> xs[0].expand(3, 4).mul(xs[0]), any(3, 1));
        add("Expand", "() -> (2, 2)", xs -> xs[0].expand(2, 2).sin(), any());
        add("Slice", "rows 1:5:2", xs -> xs[0].slice(0, 1, 5, 2).sin(), any(5, 4));
        add("Slice", "select and get", xs -> xs[0].get(1).mul(xs[0].select(1, 2)), any(4, 4));
        add("SliceScatter", "into (5, 4)", xs -> Primitives.sliceScatter(xs[0], new int[] {5, 4}, 0, 1, 2).sin(), any(2, 4));
        add("Alias", "(3, 4)", xs -> Primitives.alias(xs[0]).mul(xs[0]), any(3, 4));
        add("Clone", "(3, 4)", xs -> xs[0].clone().mul(xs[0]), any(3, 4));
        add("Flip", "dims 0, 1", xs -> xs[0].flip(0, 1).mul(xs[0]), any(3, 4));
        add("Cat", "dim 0", xs -> Tensor.cat(0, xs[0], xs[1]).sin(), any(2, 4), any(3, 4));
        add("Cat", "dim 1 with a transposed view", xs -> Tensor.cat(1, xs[0], xs[1].T()).sin(), any(3, 2), any(4, 3));
        add("IndexSelect", "rows [2, 0, 2]", xs -> xs[0].indexSelect(0, Tensor.of(2L, 0L, 2L)).sin(), any(3, 4));
        add("IndexSelect", "bool mask", xs -> xs[0].maskedSelect(xs[0].gt(0)).exp(), Tensor.of(0.5, -0.3, 1.2, -2.0));
        add("IndexScatter", "rows [2, 0, 2]",
                xs -> Primitives.indexScatter(xs[0], new int[] {3, 4}, 0, new long[] {2, 0, 2}).sin(), any(3, 4));
        add("Matmul", "(3, 4) @ (4, 2)", xs -> xs[0].matmul(xs[1]), any(3, 4), any(4, 2));
        add("Matmul", "batched (2, 3, 4) @ (4, 5)", xs -> xs[0].matmul(xs[1]), any(2, 3, 4), any(4, 5));
        add("Matmul", "broadcast (2, 1, 3, 4) @ (3, 4, 2)", xs -> xs[0].matmul(xs[1]), any(2, 1, 3, 4), any(3, 4, 2));
        add("Matmul", "vector @ transposed matrix", xs -> xs[0].matmul(xs[1].T()), any(4), any(3, 4));
        add("Cast", "float64 -> float64 via float32 and back (rounding only)",
                xs -> xs[0].mul(1024).round().div(1024).to(DType.FLOAT32).to(DType.FLOAT64).mul(xs[0]), any(3));
        ViewGeometry rows = new ViewGeometry(new int[] {4, 3}, new int[] {3, 1}, 0, new int[] {2, 3}, new int[] {6, 1}, 0);
        add("AsStrided", "rows 0 and 2 of a (4, 3) base", xs -> Primitives.viewOfBase(xs[0], rows).sin(), any(4, 3));
        add("AsStrided", "base given transposed", viaTranspose(xs -> Primitives.viewOfBase(xs[0], rows).sin()), any(3, 4));
        add("AsStridedScatter", "rows 0 and 2 of a (4, 3) base",
                xs -> Primitives.scatterIntoBase(xs[0], rows).sin(), any(2, 3));
    }

    @TestFactory
    Stream<DynamicTest> everyPrimitiveHasCorrectDerivatives() {
        buildTable();
        return cases.values().stream().flatMap(List::stream).map(c -> DynamicTest.dynamicTest(c.label(), () -> {
            GradCheck.Report report = GradCheck.check(c.f()::apply, c.inputs());
            assertTrue(report.passed(), c.label() + ": " + report);
        }));
    }

    @Test
    void everyDifferentiablePrimitiveHasACase() {
        buildTable();
        Set<String> missing = new TreeSet<>();
        for (Primitive p : Primitives.ALL) {
            if (p.differentiable() && !cases.containsKey(p.name())) {
                missing.add(p.name());
            }
        }
        assertTrue(missing.isEmpty(), "primitives without a gradient case: " + missing);
        Set<String> unknown = new TreeSet<>(cases.keySet());
        Primitives.ALL.forEach(p -> unknown.remove(p.name()));
        assertTrue(unknown.isEmpty(), "cases naming no primitive: " + unknown);
    }

    @Test
    void nonDifferentiablePrimitivesGiveOutputsWithoutHistory() {
        Tensor x = any(3).requiresGrad(true);
        Tensor y = any(3).requiresGrad(true);
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        outputs.put("Eq", x.eq(y));
        outputs.put("Ne", x.ne(y));
        outputs.put("Lt", x.lt(y));
        outputs.put("Le", x.le(y));
        outputs.put("Gt", x.gt(y));
        outputs.put("Ge", x.ge(y));
        outputs.put("LogicalAnd", x.logicalAnd(y));
        outputs.put("LogicalOr", x.logicalOr(y));
        outputs.put("LogicalNot", x.logicalNot());
        for (Primitive p : Primitives.ALL) {
            if (!p.differentiable()) {
                Tensor out = outputs.get(p.name());
                assertNotNull(out, "no case for non-differentiable primitive " + p.name());
                assertEquals(DType.BOOL, out.dtype());
                assertFalse(out.requiresGrad(), p.name());
            }
        }
    }

    @Test
    void castPassesTheGradientBackInTheInputDtype() {
        Tensor x = Tensor.of(1.5, -2.25).requiresGrad(true);
        Tensor y = x.to(DType.FLOAT32);
        assertEquals("CastBackward", y.gradFn().name());
        y.mul(Tensor.of(3f, 4f)).sum().backward();
        assertEquals(DType.FLOAT64, x.grad().dtype());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {3, 4}, x.grad().toDoubleArray());
    }

    @Test
    void theCheckerCatchesARuleOffByOneTenthOfAPercent() {
        // A correct function passes...
        assertTrue(GradCheck.check(xs -> xs[0].sin().mul(xs[0]), any(3, 4)).passed());
        // ...but a VJP scaled by 1.001 (the hook rescales the gradient reaching sin's output) is caught
        GradCheck.Report report = GradCheck.check(xs -> {
            Tensor s = xs[0].sin();
            if (s.requiresGrad()) {
                s.registerHook(g -> g.mul(1.001));
            }
            return s.mul(xs[0]);
        }, any(3, 4));
        assertFalse(report.passed(), "a 0.1% error in a VJP went unnoticed");
        assertTrue(report.toString().contains("adjoint identity"), report.toString());
    }

    @Test
    void tableTestFailsWhenAPrimitiveHasNoCase() {
        buildTable();
        cases.remove("Sin");
        Set<String> missing = new TreeSet<>();
        for (Primitive p : Primitives.ALL) {
            if (p.differentiable() && !cases.containsKey(p.name())) {
                missing.add(p.name());
            }
        }
        if (!missing.contains("Sin")) {
            fail("the coverage check would not notice a primitive without a case");
        }
    }
}
