package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import static dev.jgrad.Tolerance.assertBools;
import static dev.jgrad.Tolerance.assertLongs;
import static dev.jgrad.Tolerance.assertTensor;
import static dev.jgrad.Tolerance.assertThrowsMessage;
import static dev.jgrad.Tolerance.assertValues;
import static dev.jgrad.Tolerance.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Elementwise ops of one and two arguments, comparisons, logical ops, where and clamp. Expected values
 * were computed with NumPy (float64) and pasted here.
 */
class TensorElementwiseTest {
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    /** Inputs of the unary tests. */
    private static final double[] X = {-2.5, -1.0, -0.5, 0.0, 0.5, 1.5, 2.5, 3.0};
    /** Positive inputs for log, sqrt and friends. */
    private static final double[] P = {0.25, 0.5, 1.0, 2.0, 10.0};

    /** op name -> (input, f(input) from NumPy). */
    private static Map<String, double[][]> unaryFixtures() {
        Map<String, double[][]> m = new LinkedHashMap<>();
        m.put("neg", new double[][] {X, {2.5, 1.0, 0.5, -0.0, -0.5, -1.5, -2.5, -3.0}});
        m.put("abs", new double[][] {X, {2.5, 1.0, 0.5, 0.0, 0.5, 1.5, 2.5, 3.0}});
        m.put("sign", new double[][] {X, {-1, -1, -1, 0, 1, 1, 1, 1}});
        m.put("exp", new double[][] {X, {0.0820849986238988, 0.36787944117144233, 0.6065306597126334, 1.0,
                1.6487212707001282, 4.4816890703380645, 12.182493960703473, 20.085536923187668}});
        m.put("expm1", new double[][] {X, {-0.9179150013761013, -0.6321205588285577, -0.3934693402873666, 0.0,
                0.6487212707001282, 3.481689070338065, 11.182493960703473, 19.085536923187668}});
        m.put("log", new double[][] {P, {-1.3862943611198906, -0.6931471805599453, 0.0, 0.6931471805599453,
                2.302585092994046}});
        m.put("log1p", new double[][] {P, {0.22314355131420976, 0.4054651081081644, 0.6931471805599453,
                1.0986122886681096, 2.3978952727983707}});
        m.put("sqrt", new double[][] {P, {0.5, 0.7071067811865476, 1.0, 1.4142135623730951, 3.1622776601683795}});
        m.put("rsqrt", new double[][] {P, {2.0, 1.414213562373095, 1.0, 0.7071067811865475, 0.31622776601683794}});
        m.put("square", new double[][] {X, {6.25, 1, 0.25, 0, 0.25, 2.25, 6.25, 9}});
        m.put("reciprocal", new double[][] {X, {-0.4, -1, -2, INF, 2, 1 / 1.5, 0.4, 1 / 3.0}});
        m.put("sin", new double[][] {X, {-0.5984721441039565, -0.8414709848078965, -0.479425538604203, 0.0,
                0.479425538604203, 0.9974949866040544, 0.5984721441039565, 0.1411200080598672}});
        m.put("cos", new double[][] {X, {-0.8011436155469337, 0.5403023058681398, 0.8775825618903728, 1.0,
                0.8775825618903728, 0.0707372016677029, -0.8011436155469337, -0.9899924966004454}});
        m.put("tan", new double[][] {X, {0.7470222972386603, -1.5574077246549023, -0.5463024898437905, 0.0,
                0.5463024898437905, 14.101419947171719, -0.7470222972386603, -0.1425465430742778}});
        m.put("tanh", new double[][] {X, {-0.9866142981514303, -0.7615941559557649, -0.46211715726000974, 0.0,
                0.46211715726000974, 0.9051482536448665, 0.9866142981514303, 0.9950547536867305}});
        m.put("sigmoid", new double[][] {X, {0.07585818002124355, 0.2689414213699951, 0.3775406687981454, 0.5,
                0.6224593312018546, 0.8175744761936437, 0.9241418199787566, 0.9525741268224334}});
        m.put("relu", new double[][] {X, {0, 0, 0, 0, 0.5, 1.5, 2.5, 3.0}});
        m.put("floor", new double[][] {X, {-3, -1, -1, 0, 0, 1, 2, 3}});
        m.put("ceil", new double[][] {X, {-2, -1, -0.0, 0, 1, 2, 3, 3}});
        m.put("round", new double[][] {X, {-2, -1, -0.0, 0, 0, 2, 2, 3}});
        return m;
    }

    private static Map<String, UnaryOperator<Tensor>> unaryOps() {
        Map<String, UnaryOperator<Tensor>> m = new LinkedHashMap<>();
        m.put("neg", Tensor::neg);
        m.put("abs", Tensor::abs);
        m.put("sign", Tensor::sign);
        m.put("exp", Tensor::exp);
        m.put("expm1", Tensor::expm1);
        m.put("log", Tensor::log);
        m.put("log1p", Tensor::log1p);
        m.put("sqrt", Tensor::sqrt);
        m.put("rsqrt", Tensor::rsqrt);
        m.put("square", Tensor::square);
        m.put("reciprocal", Tensor::reciprocal);
        m.put("sin", Tensor::sin);
        m.put("cos", Tensor::cos);
        m.put("tan", Tensor::tan);
        m.put("tanh", Tensor::tanh);
        m.put("sigmoid", Tensor::sigmoid);
        m.put("relu", Tensor::relu);
        m.put("floor", Tensor::floor);
        m.put("ceil", Tensor::ceil);
        m.put("round", Tensor::round);
        return m;
    }

    @Test
    void everyUnaryOpHasAFixture() {
        assertEquals(unaryOps().keySet(), unaryFixtures().keySet());
    }

    @Test
    void unaryOpsInFloat64() {
        Map<String, double[][]> fixtures = unaryFixtures();
        unaryOps().forEach((name, op) -> {
            double[][] f = fixtures.get(name);
            Tensor result = op.apply(Tensor.of(f[0]));
            assertEquals(DType.FLOAT64, result.dtype(), name);
            assertValues(result, f[1]);
        });
    }

    @Test
    void unaryOpsInFloat32() {
        Map<String, double[][]> fixtures = unaryFixtures();
        unaryOps().forEach((name, op) -> {
            double[][] f = fixtures.get(name);
            Tensor result = op.apply(Tensor.of(f[0]).to(DType.FLOAT32));
            assertEquals(DType.FLOAT32, result.dtype(), name);
            assertValues(result, f[1]);
        });
    }

    @Test
    void unaryOpsOnNonContiguousInputs() {
        Map<String, double[][]> fixtures = unaryFixtures();
        unaryOps().forEach((name, op) -> {
            double[][] f = fixtures.get(name);
            int n = f[0].length;
            // the inputs sit at the odd positions of a longer buffer, read backwards through a flip-free view:
            // every second element of [pad, x0, pad, x1, ...] -> a step-2 slice with an offset
            double[] padded = new double[2 * n];
            for (int i = 0; i < n; i++) {
                padded[2 * i] = 1234.5;
                padded[2 * i + 1] = f[0][i];
            }
            Tensor stepped = Tensor.of(padded).slice(0, 1, 2 * n, 2);
            assertFalse(stepped.isContiguous());
            assertValues(op.apply(stepped), f[1]);

            // as a transposed matrix: [[x0, x1, ...]] stored as a column
            Tensor column = Tensor.fromArray(f[0], n, 1).T();
            assertValues(op.apply(column), f[1]);

            // an expanded input reads one element many times
            Tensor expanded = Tensor.of(f[0][1]).expand(3, 4);
            double[] repeated = new double[12];
            java.util.Arrays.fill(repeated, f[1][1]);
            assertValues(op.apply(expanded), repeated);
            assertEquals(12, op.apply(expanded).numel());
        });
    }

    @Test
    void unaryOpsKeepTheShape() {
        Tensor m = Tensor.of(new double[][] {{0.5, 1.0, 2.0}, {4.0, 8.0, 16.0}});
        Tensor r = m.log();
        assertTensor(r, DType.FLOAT64, shape(2, 3), Math.log(0.5), 0, Math.log(2), Math.log(4), Math.log(8),
                Math.log(16));
        assertTensor(Tensor.scalar(4.0).sqrt(), DType.FLOAT32, shape(), 2);
        assertTensor(Tensor.zeros(0, 3).exp(), DType.FLOAT32, shape(0, 3));
    }

    @Test
    void roundIsHalfToEven() {
        Tensor t = Tensor.of(-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 3.5f, 0.49999997f);
        assertTensor(t.round(), DType.FLOAT32, shape(8), -2, -2, -0.0, 0, 2, 2, 4, 0);
        assertValues(Tensor.of(4.5, 5.5, -4.5, 1e300).round(), 4, 6, -4, 1e300);
    }

    @Test
    void specialValues() {
        assertValues(Tensor.of(0.0, -1.0, INF).log(), -INF(), NAN, INF);
        assertValues(Tensor.of(-1.0, 0.0, INF).sqrt(), NAN, 0, INF);
        assertValues(Tensor.of(0.0, -0.0).reciprocal(), INF, -INF());
        assertValues(Tensor.of(0.0).rsqrt(), INF);
        assertValues(Tensor.of(1000.0, -1000.0).exp(), INF, 0);
        assertValues(Tensor.of(1000f, -1000f).exp(), INF, 0);
        assertValues(Tensor.of(-1000.0, 1000.0, -40.0).sigmoid(), 0, 1, 4.248354255291589e-18);
        assertValues(Tensor.of(-1000f, 1000f).tanh(), -1, 1);
        assertValues(Tensor.of(NAN, -INF).relu(), NAN, 0);
        assertValues(Tensor.of(NAN, INF, -INF).abs(), NAN, INF, INF);
        assertValues(Tensor.of(NAN).exp(), NAN);
        // expm1 and log1p stay accurate near 0 where exp(x) - 1 and log(1 + x) lose every digit
        assertValues(Tensor.of(1e-10, -1e-12, 1e-7).expm1(), 1.00000000005e-10, -9.999999999995e-13,
                1.0000000500000016e-07);
        assertValues(Tensor.of(1e-10, -1e-12, 1e-7).log1p(), 9.999999999500001e-11, -1.0000000000005e-12,
                9.999999500000033e-08);
    }

    private static double INF() {
        return INF;
    }

    @Test
    void integerInputs() {
        Tensor i = Tensor.of(-3L, 0L, 2L, 7L);
        assertLongs(i.neg(), shape(4), 3, 0, -2, -7);
        assertLongs(i.abs(), shape(4), 3, 0, 2, 7);
        assertLongs(i.sign(), shape(4), -1, 0, 1, 1);
        assertLongs(i.relu(), shape(4), 0, 0, 2, 7);
        assertLongs(i.floor(), shape(4), -3, 0, 2, 7);
        assertLongs(i.ceil(), shape(4), -3, 0, 2, 7);
        assertLongs(i.round(), shape(4), -3, 0, 2, 7);
        assertLongs(i.square(), shape(4), 9, 0, 4, 49);
        // ops whose result is not an integer compute in the default float dtype, as PyTorch
        assertTensor(i.exp(), DType.FLOAT32, shape(4), Math.exp(-3), 1, Math.exp(2), Math.exp(7));
        assertTensor(Tensor.of(4L, 9L).sqrt(), DType.FLOAT32, shape(2), 2, 3);
        assertTensor(Tensor.of(2L).reciprocal(), DType.FLOAT32, shape(1), 0.5);
        assertTensor(Tensor.of(0L).sigmoid(), DType.FLOAT32, shape(1), 0.5);
        assertLongs(Tensor.of(1L << 62).neg(), shape(1), -(1L << 62));
    }

    // ------------------------------------------------------------------ binary arithmetic

    private static final double[][] A = {{1.5, -2.0, 3.0}, {0.5, 4.0, -1.0}};
    private static final double[] B = {2.0, -0.5, 4.0};

    @Test
    void binaryOpsBroadcastARowAgainstAMatrix() {
        Tensor a = Tensor.of(A);
        Tensor b = Tensor.of(B);
        assertTensor(a.add(b), DType.FLOAT64, shape(2, 3), 3.5, -2.5, 7, 2.5, 3.5, 3);
        assertTensor(a.sub(b), DType.FLOAT64, shape(2, 3), -0.5, -1.5, -1, -1.5, 4.5, -5);
        assertTensor(b.sub(a), DType.FLOAT64, shape(2, 3), 0.5, 1.5, 1, 1.5, -4.5, 5);
        assertTensor(a.mul(b), DType.FLOAT64, shape(2, 3), 3, 1, 12, 1, -2, -4);
        assertTensor(a.div(b), DType.FLOAT64, shape(2, 3), 0.75, 4, 0.75, 0.25, -8, -0.25);
        assertTensor(a.abs().pow(b), DType.FLOAT64, shape(2, 3), 2.25, 0.7071067811865476, 81, 0.25, 0.5, 1);
        assertTensor(a.maximum(b), DType.FLOAT64, shape(2, 3), 2, -0.5, 4, 2, 4, 4);
        assertTensor(b.maximum(a), DType.FLOAT64, shape(2, 3), 2, -0.5, 4, 2, 4, 4);
        assertTensor(a.minimum(b), DType.FLOAT64, shape(2, 3), 1.5, -2, 3, 0.5, -0.5, -1);
        assertTensor(a.atan2(b), DType.FLOAT64, shape(2, 3), 0.6435011087932844, -1.8157749899217608,
                0.6435011087932844, 0.24497866312686414, 1.695151321341658, -0.24497866312686414);
    }

    @Test
    void binaryOpsBroadcastAColumnAgainstARow() {
        Tensor col = Tensor.of(new double[][] {{1}, {2}});
        Tensor row = Tensor.of(10.0, 20.0, 30.0);
        assertTensor(col.add(row), DType.FLOAT64, shape(2, 3), 11, 21, 31, 12, 22, 32);
        assertTensor(col.sub(row), DType.FLOAT64, shape(2, 3), -9, -19, -29, -8, -18, -28);
        assertTensor(row.div(col), DType.FLOAT64, shape(2, 3), 10, 20, 30, 5, 10, 15);
        assertTensor(col.pow(Tensor.of(1.0, 2.0, 3.0)), DType.FLOAT64, shape(2, 3), 1, 1, 1, 2, 4, 8);
        // [2, 1, 3] with [4, 1]: both sides grow
        Tensor a = Tensor.arange(0.0, 6.0, 1.0, DType.FLOAT64).reshape(2, 1, 3);
        Tensor b = Tensor.of(new double[][] {{0}, {10}, {20}, {30}});
        Tensor sum = a.add(b);
        assertEquals(24, sum.numel());
        assertTensor(sum.get(1), DType.FLOAT64, shape(4, 3), 3, 4, 5, 13, 14, 15, 23, 24, 25, 33, 34, 35);
        // a 0-d operand and an empty dim
        assertTensor(Tensor.scalar(2.0, DType.FLOAT64).mul(row), DType.FLOAT64, shape(3), 20, 40, 60);
        assertTensor(Tensor.zeros(DType.FLOAT64, 0, 3).add(row), DType.FLOAT64, shape(0, 3));
        assertTensor(Tensor.zeros(DType.FLOAT64, 2, 1).add(Tensor.zeros(DType.FLOAT64, 0)), DType.FLOAT64, shape(2, 0));
    }

    @Test
    void tensorScalarOverloads() {
        Tensor a = Tensor.of(A);
        assertTensor(a.add(1.0), DType.FLOAT64, shape(2, 3), 2.5, -1, 4, 1.5, 5, 0);
        assertTensor(a.add(2L), DType.FLOAT64, shape(2, 3), 3.5, 0, 5, 2.5, 6, 1);
        assertTensor(a.sub(0.5), DType.FLOAT64, shape(2, 3), 1, -2.5, 2.5, 0, 3.5, -1.5);
        assertTensor(a.sub(1L), DType.FLOAT64, shape(2, 3), 0.5, -3, 2, -0.5, 3, -2);
        assertTensor(a.rsub(10), DType.FLOAT64, shape(2, 3), 8.5, 12, 7, 9.5, 6, 11);
        assertTensor(a.mul(-2.0), DType.FLOAT64, shape(2, 3), -3, 4, -6, -1, -8, 2);
        assertTensor(a.mul(3L), DType.FLOAT64, shape(2, 3), 4.5, -6, 9, 1.5, 12, -3);
        assertTensor(a.div(4.0), DType.FLOAT64, shape(2, 3), 0.375, -0.5, 0.75, 0.125, 1, -0.25);
        assertTensor(a.div(2L), DType.FLOAT64, shape(2, 3), 0.75, -1, 1.5, 0.25, 2, -0.5);
        assertTensor(a.rdiv(3), DType.FLOAT64, shape(2, 3), 2, -1.5, 1, 6, 0.75, -3);
        assertTensor(a.pow(2L), DType.FLOAT64, shape(2, 3), 2.25, 4, 9, 0.25, 16, 1);
        assertTensor(a.pow(-1.0), DType.FLOAT64, shape(2, 3), 1 / 1.5, -0.5, 1 / 3.0, 2, 0.25, -1);
        assertTensor(a.abs().pow(2.5), DType.FLOAT64, shape(2, 3), 2.7556759606310752, 5.656854249492381,
                15.588457268119896, 0.1767766952966369, 32.0, 1.0);
        assertValues(Tensor.of(-8.0, 0.0).pow(1.0 / 3), NAN, 0);
        assertValues(Tensor.of(0.0, 0.0).pow(Tensor.of(0.0, -1.0)), 1, INF);
    }

    @Test
    void integerArithmeticStaysExact() {
        Tensor i = Tensor.of(7L, -7L, 3L);
        assertLongs(i.add(Tensor.of(1L, 2L, 3L)), shape(3), 8, -5, 6);
        assertLongs(i.sub(2L), shape(3), 5, -9, 1);
        assertLongs(i.mul(3L), shape(3), 21, -21, 9);
        assertLongs(Tensor.of(2L, 3L, -2L).pow(3L), shape(3), 8, 27, -8);
        assertLongs(Tensor.of(2L).pow(62L), shape(1), 1L << 62);
        assertThrowsMessage(DTypeException.class, () -> Tensor.of(2L, 3L).pow(-1L), "^pow",
                "integers to negative integer powers", "int64", "-1");
        assertTensor(Tensor.of(2L, 4L).pow(-1.0), DType.FLOAT32, shape(2), 0.5, 0.25);
        assertTensor(Tensor.of(2.0).pow(-2L), DType.FLOAT64, shape(1), 0.25);
        assertLongs(Tensor.of(3L).pow(Tensor.of(0L, 1L, 39L)), shape(3), 1, 3, 4052555153018976267L);
        assertLongs(Tensor.of(1L << 60).add(Tensor.of(1L)), shape(1), (1L << 60) + 1);
        assertLongs(i.maximum(Tensor.of(0L)), shape(3), 7, 0, 3);
        assertLongs(i.minimum(Tensor.of(0L)), shape(3), 0, -7, 0);
        // true division, as PyTorch: int / int is float32
        assertTensor(i.div(Tensor.of(2L)), DType.FLOAT32, shape(3), 3.5, -3.5, 1.5);
        assertTensor(i.div(2L), DType.FLOAT32, shape(3), 3.5, -3.5, 1.5);
        assertTensor(Tensor.of(1L, -1L, 0L).atan2(Tensor.of(1L, -1L, -1L)), DType.FLOAT32, shape(3),
                0.7853981633974483, -2.356194490192345, 3.141592653589793);
        // bool arithmetic with an int promotes to int
        assertLongs(Tensor.of(true, false).add(Tensor.of(1L, 1L)), shape(2), 2, 1);
        assertLongs(Tensor.of(true, false).add(1L), shape(2), 2, 1);
    }

    @Test
    void maximumAndMinimumPropagateNaN() {
        assertValues(Tensor.of(NAN, 1.0, 2.0).maximum(Tensor.of(0.0, NAN, 1.0)), NAN, NAN, 2);
        assertValues(Tensor.of(NAN, 1.0, 2.0).minimum(Tensor.of(0.0, NAN, 1.0)), NAN, NAN, 1);
        assertValues(Tensor.of(-0.0, 3.0).maximum(Tensor.of(0.0, INF)), 0, INF);
    }

    @Test
    void atan2CoversAllQuadrants() {
        Tensor y = Tensor.of(1.0, -1.0, 0.0, 2.0, 3.0, -0.0);
        Tensor x = Tensor.of(1.0, -1.0, -1.0, 0.0, -4.0, -1.0);
        assertValues(y.atan2(x), 0.7853981633974483, -2.356194490192345, 3.141592653589793, 1.5707963267948966,
                2.498091544796509, -3.141592653589793);
    }

    // ------------------------------------------------------------------ comparisons and logic

    @Test
    void comparisonsGiveBool() {
        Tensor x = Tensor.of(1.0, 2.0, 3.0);
        Tensor y = Tensor.of(3.0, 2.0, 1.0);
        assertBools(x.eq(y), shape(3), false, true, false);
        assertBools(x.ne(y), shape(3), true, false, true);
        assertBools(x.lt(y), shape(3), true, false, false);
        assertBools(x.le(y), shape(3), true, true, false);
        assertBools(x.gt(y), shape(3), false, false, true);
        assertBools(x.ge(y), shape(3), false, true, true);
        assertBools(x.eq(2.0), shape(3), false, true, false);
        assertBools(x.ne(2.0), shape(3), true, false, true);
        assertBools(x.lt(2.0), shape(3), true, false, false);
        assertBools(x.le(2.0), shape(3), true, true, false);
        assertBools(x.gt(2.0), shape(3), false, false, true);
        assertBools(x.ge(2.0), shape(3), false, true, true);
    }

    @Test
    void comparisonsBroadcastAndPromote() {
        Tensor a = Tensor.of(A);
        Tensor b = Tensor.of(B);
        assertBools(a.gt(b), shape(2, 3), false, false, false, false, true, false);
        assertBools(a.lt(b), shape(2, 3), true, true, true, true, false, true);
        assertBools(Tensor.of(new double[][] {{1}, {2}}).eq(Tensor.of(1.0, 2.0, 3.0)), shape(2, 3),
                true, false, false, false, true, false);
        assertBools(Tensor.of(1L, 2L, 3L).gt(1.5), shape(3), false, true, true);
        assertBools(Tensor.of(1L, 2L, 3L).eq(Tensor.of(1.0f, 2.5f, 3.0f)), shape(3), true, false, true);
        assertBools(Tensor.of(true, false).eq(Tensor.of(true, true)), shape(2), true, false);
        assertBools(Tensor.of(true, false).gt(Tensor.of(false, false)), shape(2), true, false);
        // int64 comparisons are exact beyond 2^53
        assertBools(Tensor.of(9007199254740993L).eq(Tensor.of(9007199254740992L)), shape(1), false);
        assertBools(Tensor.of(9007199254740993L).gt(Tensor.of(9007199254740992L)), shape(1), true);
    }

    @Test
    void nanComparesUnequal() {
        Tensor n = Tensor.of(NAN, 1.0);
        assertBools(n.eq(n), shape(2), false, true);
        assertBools(n.ne(n), shape(2), true, false);
        assertBools(n.lt(INF), shape(2), false, true);
        assertBools(n.ge(-INF), shape(2), false, true);
    }

    @Test
    void logicalOps() {
        Tensor p = Tensor.of(true, true, false, false);
        Tensor q = Tensor.of(true, false, true, false);
        assertBools(p.logicalAnd(q), shape(4), true, false, false, false);
        assertBools(p.logicalOr(q), shape(4), true, true, true, false);
        assertBools(p.logicalNot(), shape(4), false, false, true, true);
        // nonzero numbers are true
        assertBools(Tensor.of(0.0, 2.0, -1.0, 0.0).logicalAnd(Tensor.of(1L, 1L, 0L, 0L)), shape(4),
                false, true, false, false);
        assertBools(Tensor.of(0.0, NAN, -0.0).logicalOr(Tensor.of(false, false, false)), shape(3), false, true, false);
        assertBools(Tensor.of(0L, 5L, -1L).logicalNot(), shape(3), true, false, false);
        assertBools(Tensor.of(new boolean[][] {{true}, {false}}).logicalAnd(Tensor.of(true, false, true)),
                shape(2, 3), true, false, true, false, false, false);
    }

    // ------------------------------------------------------------------ where and clamp

    @Test
    void whereChoosesElementwiseWithBroadcasting() {
        Tensor cond = Tensor.of(new boolean[][] {{true, false, true}, {false, true, false}});
        Tensor a = Tensor.of(A);
        assertTensor(Tensor.where(cond, a, a.neg()), DType.FLOAT64, shape(2, 3), 1.5, 2, 3, -0.5, 4, 1);
        assertTensor(Tensor.where(cond, a, 0.0), DType.FLOAT64, shape(2, 3), 1.5, 0, 3, 0, 4, 0);
        assertTensor(Tensor.where(cond, 9.0, a), DType.FLOAT64, shape(2, 3), 9, -2, 9, 0.5, 9, -1);
        // cond [3], x [2, 1], y [1, 3]
        Tensor c = Tensor.of(true, false, true);
        Tensor x = Tensor.of(new double[][] {{1}, {2}});
        Tensor y = Tensor.of(new double[][] {{-1, -2, -3}});
        assertTensor(Tensor.where(c, x, y), DType.FLOAT64, shape(2, 3), 1, -2, 1, 2, -2, 2);
        // a 0-d condition
        assertTensor(Tensor.where(Tensor.scalar(false), x, y), DType.FLOAT64, shape(2, 3), -1, -2, -3, -1, -2, -3);
    }

    @Test
    void whereFollowsTypePromotion() {
        Tensor c = Tensor.of(true, false);
        Tensor ints = Tensor.of(1L, 2L);
        assertLongs(Tensor.where(c, ints, Tensor.of(5L, 6L)), shape(2), 1, 6);
        assertTensor(Tensor.where(c, ints, Tensor.of(0.5f, 0.5f)), DType.FLOAT32, shape(2), 1, 0.5);
        assertTensor(Tensor.where(c, ints, 2.5), DType.FLOAT32, shape(2), 1, 2.5);
        assertTensor(Tensor.where(c, Tensor.of(1f, 2f), 2.5), DType.FLOAT32, shape(2), 1, 2.5);
        assertTensor(Tensor.where(c, Tensor.of(1.0, 2.0), Tensor.of(3f, 4f)), DType.FLOAT64, shape(2), 1, 4);
        assertTensor(Tensor.where(c, Tensor.of(1f, 2f), Tensor.scalar(7.0, DType.FLOAT64)), DType.FLOAT32, shape(2),
                1, 7);
        assertBools(Tensor.where(c, Tensor.of(false, false), Tensor.of(true, true)), shape(2), false, true);
        assertThrowsMessage(DTypeException.class, () -> Tensor.where(Tensor.of(1f, 0f), ints, ints),
                "^where", "condition must be bool", "float32");
    }

    @Test
    void clampBoundsValuesAndKeepsNaN() {
        Tensor v = Tensor.of(-3.0, -1.0, 0.0, 0.5, 2.0, 5.0, NAN);
        assertTensor(v.clamp(-1, 2), DType.FLOAT64, shape(7), -1, -1, 0, 0.5, 2, 2, NAN);
        assertTensor(v.clampMin(0), DType.FLOAT64, shape(7), 0, 0, 0, 0.5, 2, 5, NAN);
        assertTensor(v.clampMax(1), DType.FLOAT64, shape(7), -3, -1, 0, 0.5, 1, 1, NAN);
        assertTensor(Tensor.of(-2f, 0.25f, 9f).clamp(0, 1), DType.FLOAT32, shape(3), 0, 0.25, 1);
        Tensor m = Tensor.of(new double[][] {{-5, 5}, {0.5, -0.5}}).T();
        assertTensor(m.clamp(-1, 1), DType.FLOAT64, shape(2, 2), -1, 0.5, 1, -0.5);
        // float bounds on an int tensor give float32, as torch.clamp(int_tensor, -1.5, 1.5)
        assertTensor(Tensor.of(-5L, 0L, 5L).clamp(-1.5, 1.5), DType.FLOAT32, shape(3), -1.5, 0, 1.5);
    }

    @Test
    void clampWithMinAboveMaxGivesMax() {
        // torch.clamp: "If min is greater than max, all elements are set to max"
        assertTensor(Tensor.of(0.0, 5.0, 10.0).clamp(6, 4), DType.FLOAT64, shape(3), 4, 4, 4);
    }
}
