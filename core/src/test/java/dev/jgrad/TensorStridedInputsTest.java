package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

import static dev.jgrad.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of op fed with non-contiguous views (transposed, permuted, sliced with a step and an offset,
 * expanded) gives the same result as on a contiguous copy of the same values. The contiguous results are
 * checked against fixed values in the other tests.
 */
class TensorStridedInputsTest {

    /** Values 0.5, 1.5, ... scaled so that products and quotients stay well conditioned. */
    private static double[] values(int n, double shift) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = ((i * 7 + 3) % 11 - 5 + shift) / 4;
        }
        return out;
    }

    /** Non-contiguous [3, 4] float64 views with distinct values, by name. */
    private static Map<String, Tensor> views(double shift) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("transposed", Tensor.fromArray(values(12, shift), 4, 3).T());
        m.put("permuted", Tensor.fromArray(values(24, shift), 2, 4, 3).permute(0, 2, 1).select(0, 1));
        m.put("stepped", Tensor.fromArray(values(24, shift), 3, 8).slice(1, 1, 8, 2));
        m.put("offset", Tensor.fromArray(values(20, shift), 5, 4).slice(0, 2, 5));
        m.put("expanded", Tensor.fromArray(values(4, shift), 1, 4).expand(3, 4));
        m.put("column-expanded", Tensor.fromArray(values(6, shift), 2, 3).T().slice(1, 1, 2).expand(3, 4));
        for (Map.Entry<String, Tensor> e : m.entrySet()) {
            assertArrayEquals(new int[] {3, 4}, e.getValue().shape(), e.getKey());
            assertTrue(!e.getValue().isContiguous() || e.getValue().storageOffset() > 0, e.getKey());
        }
        return m;
    }

    private static Map<String, BinaryOperator<Tensor>> binaryOps() {
        Map<String, BinaryOperator<Tensor>> m = new LinkedHashMap<>();
        m.put("add", Tensor::add);
        m.put("sub", Tensor::sub);
        m.put("mul", Tensor::mul);
        m.put("div", Tensor::div);
        m.put("pow", (x, y) -> x.abs().add(0.5).pow(y));
        m.put("maximum", Tensor::maximum);
        m.put("minimum", Tensor::minimum);
        m.put("atan2", Tensor::atan2);
        m.put("eq", Tensor::eq);
        m.put("ne", Tensor::ne);
        m.put("lt", Tensor::lt);
        m.put("le", Tensor::le);
        m.put("gt", Tensor::gt);
        m.put("ge", Tensor::ge);
        m.put("logicalAnd", (x, y) -> x.gt(0.0).logicalAnd(y.gt(0.0)));
        m.put("logicalOr", (x, y) -> x.gt(0.0).logicalOr(y));
        m.put("where", (x, y) -> Tensor.where(x.gt(y), x, y));
        m.put("matmul", (x, y) -> x.matmul(y.T()));
        m.put("cat", (x, y) -> Tensor.cat(1, x, y));
        m.put("stack", (x, y) -> Tensor.stack(0, x, y));
        m.put("copyInPlace", (x, y) -> x.clone().copyInPlace(y));
        m.put("addInPlace", (x, y) -> x.clone().addInPlace(y));
        m.put("mulInPlace-into-view", (x, y) -> {
            Tensor target = Tensor.zeros(DType.FLOAT64, 4, 6).T().slice(0, 1, 4); // a [3, 4] view of [4, 6]
            target.copyInPlace(x);
            return target.mulInPlace(y);
        });
        return m;
    }

    private static Map<String, UnaryOperator<Tensor>> otherOps() {
        Map<String, UnaryOperator<Tensor>> m = new LinkedHashMap<>();
        m.put("exp", Tensor::exp);
        m.put("sigmoid", Tensor::sigmoid);
        m.put("round", x -> x.mul(3.0).round());
        m.put("clamp", x -> x.clamp(-0.5, 0.5));
        m.put("to-float32", x -> x.to(DType.FLOAT32));
        m.put("to-int64", x -> x.mul(4.0).to(DType.INT64));
        m.put("sum", x -> x.sum(1));
        m.put("mean", x -> x.mean(0));
        m.put("prod", x -> x.prod(1, true));
        m.put("amax", x -> x.amax(new int[] {0}, false));
        m.put("max-values", x -> x.max(1).values());
        m.put("max-indices", x -> x.max(1).indices());
        m.put("argmin", x -> x.argmin(0, false));
        m.put("var", x -> x.var(new int[] {1}, 1, false));
        m.put("logSumExp", x -> x.logSumExp(0));
        m.put("norm", x -> x.norm(3, new int[] {1}, false));
        m.put("cumsum", x -> x.cumsum(1));
        m.put("flip", x -> x.flip(0, 1));
        m.put("pad", x -> x.pad(new int[] {1, -1, -1, 2}, 9));
        m.put("repeat", x -> x.repeat(2, 1));
        m.put("reshape", x -> x.reshape(2, 6));
        m.put("indexSelect", x -> x.indexSelect(1, Tensor.of(3L, 0L, 3L)));
        m.put("index", x -> x.index(Tensor.of(new long[][] {{2}, {0}})));
        m.put("maskedSelect", x -> x.maskedSelect(Tensor.of(true, false, true, true)));
        m.put("index-mask", x -> x.index(Tensor.of(false, true, true)));
        m.put("nonzero", x -> x.gt(0.0).nonzero());
        m.put("squeeze-unsqueeze", x -> x.unsqueeze(1).mul(2.0).squeeze(1));
        m.put("fillInPlace", x -> x.clone().T().fillInPlace(2));
        m.put("maskedFillInPlace", x -> x.clone().maskedFillInPlace(x.lt(0.0), 0));
        return m;
    }

    @Test
    void binaryOpsOnEveryPairOfViews() {
        Map<String, Tensor> xs = views(0);
        Map<String, Tensor> ys = views(0.3);
        binaryOps().forEach((name, op) -> {
            for (Map.Entry<String, Tensor> x : xs.entrySet()) {
                for (Map.Entry<String, Tensor> y : ys.entrySet()) {
                    Tensor expected = op.apply(x.getValue().clone(), y.getValue().clone());
                    Tensor actual = op.apply(x.getValue(), y.getValue());
                    try {
                        assertClose(expected, actual);
                    } catch (AssertionError e) {
                        throw new AssertionError(name + "(" + x.getKey() + ", " + y.getKey() + "): " + e.getMessage(), e);
                    }
                }
            }
        });
    }

    @Test
    void binaryOpsBroadcastStridedOperands() {
        Tensor row = Tensor.fromArray(values(8, 0.1), 8).slice(0, 0, 8, 2);          // [4], stride 2
        Tensor col = Tensor.fromArray(values(6, 0.2), 2, 3).select(0, 1).unsqueeze(1); // [3, 1], offset 3
        for (Map.Entry<String, Tensor> x : views(0).entrySet()) {
            for (Tensor other : List.of(row, col, Tensor.scalar(0.75, DType.FLOAT64))) {
                binaryOps().forEach((name, op) -> {
                    if (name.equals("matmul") || name.equals("cat") || name.equals("stack")) {
                        return;
                    }
                    assertClose(op.apply(x.getValue().clone(), other.clone()), op.apply(x.getValue(), other));
                });
            }
        }
        assertClose(row.clone().outer(col.squeeze(1).clone()), row.outer(col.squeeze(1)));
        assertClose(row.clone().dot(row.clone()), row.dot(row));
    }

    @Test
    void unaryReductionMovementAndIndexingOpsOnEveryView() {
        otherOps().forEach((name, op) -> {
            for (Map.Entry<String, Tensor> x : views(0).entrySet()) {
                Tensor expected = op.apply(x.getValue().clone());
                Tensor actual = op.apply(x.getValue());
                try {
                    assertClose(expected, actual);
                } catch (AssertionError e) {
                    throw new AssertionError(name + "(" + x.getKey() + "): " + e.getMessage(), e);
                }
            }
        });
    }

    @Test
    void viewsAreNotModifiedByOps() {
        Map<String, Tensor> xs = views(0);
        Map<String, double[]> before = new LinkedHashMap<>();
        xs.forEach((k, v) -> before.put(k, v.toDoubleArray()));
        otherOps().values().forEach(op -> xs.values().forEach(op::apply));
        binaryOps().values().forEach(op -> xs.values().forEach(x -> op.apply(x, x)));
        xs.forEach((k, v) -> {
            assertArrayEquals(before.get(k), v.toDoubleArray(), k);
            assertEquals(0, v.version(), k);
        });
    }
}
