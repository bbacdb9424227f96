package dev.jgrad;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static dev.jgrad.Tolerance.assertThrowsMessage;
import static dev.jgrad.Tolerance.lit;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Bad input fails at the call that caused it with a typed exception whose message names the op and the
 * shapes, dims or dtypes involved. Messages are matched by pattern so wording regressions are caught.
 */
class TensorErrorTest {

    @Test
    void shapesThatDoNotBroadcastNameTheOpAndBothShapes() {
        Tensor a = Tensor.zeros(2, 3);
        Tensor b = Tensor.zeros(4);
        Map<String, Executable> ops = new LinkedHashMap<>();
        ops.put("add", () -> a.add(b));
        ops.put("sub", () -> a.sub(b));
        ops.put("mul", () -> a.mul(b));
        ops.put("div", () -> a.div(b));
        ops.put("pow", () -> a.pow(b));
        ops.put("maximum", () -> a.maximum(b));
        ops.put("minimum", () -> a.minimum(b));
        ops.put("atan2", () -> a.atan2(b));
        ops.put("eq", () -> a.eq(b));
        ops.put("ne", () -> a.ne(b));
        ops.put("lt", () -> a.lt(b));
        ops.put("le", () -> a.le(b));
        ops.put("gt", () -> a.gt(b));
        ops.put("ge", () -> a.ge(b));
        ops.put("logicalAnd", () -> a.logicalAnd(b));
        ops.put("logicalOr", () -> a.logicalOr(b));
        ops.forEach((op, code) -> assertThrowsMessage(ShapeException.class, code, "^" + op + ": ",
                "shapes " + lit("[2, 3]") + " and " + lit("[4]") + " cannot be broadcast", "dimension 1: 3 vs 4"));
        assertThrowsMessage(ShapeException.class, () -> Tensor.where(Tensor.zeros(DType.BOOL, 5), a, a), "^where",
                "cannot be broadcast", lit("[5]"), lit("[2, 3]"));
        assertThrowsMessage(ShapeException.class, () -> Tensor.where(Tensor.zeros(DType.BOOL, 3), a, b), "^where",
                "cannot be broadcast", lit("[2, 3]"), lit("[4]"));
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(2, 1, 3).add(Tensor.zeros(5, 2)),
                "^add", lit("[2, 1, 3]"), lit("[5, 2]"), "dimension 2: 3 vs 2");
    }

    @Test
    void matmulNamesBothShapesAndTheInnerSizes() {
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(3, 4).matmul(Tensor.zeros(5, 2)),
                "^" + lit("matmul: shapes [3, 4] and [5, 2] cannot be multiplied (4 != 5)") + "$");
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(7, 3, 4).matmul(Tensor.zeros(5)),
                "^" + lit("matmul: shapes [7, 3, 4] and [5] cannot be multiplied (4 != 5)") + "$");
    }

    @Test
    void badDimsNameTheDimAndTheRank() {
        Tensor x = Tensor.zeros(2, 3);
        Map<String, Executable> ops = new LinkedHashMap<>();
        ops.put("size", () -> x.size(2));
        ops.put("sum", () -> x.sum(-3));
        ops.put("mean", () -> x.mean(2));
        ops.put("prod", () -> x.prod(2, false));
        ops.put("amax", () -> x.amax(new int[] {2}, false));
        ops.put("amin", () -> x.amin(new int[] {2}, false));
        ops.put("argmax", () -> x.argmax(2, false));
        ops.put("cumsum", () -> x.cumsum(2));
        ops.put("transpose", () -> x.transpose(0, 2));
        ops.put("permute", () -> x.permute(0, 2));
        ops.put("squeeze", () -> x.squeeze(2));
        ops.put("unsqueeze", () -> x.unsqueeze(4));
        ops.put("flatten", () -> x.flatten(0, 2));
        ops.put("slice", () -> x.slice(2, 0, 1));
        ops.put("select", () -> x.select(2, 0));
        ops.put("indexSelect", () -> x.indexSelect(2, Tensor.of(0L)));
        ops.put("split", () -> x.split(1, 2));
        ops.put("chunk", () -> x.chunk(2, 2));
        ops.put("unbind", () -> x.unbind(-3));
        ops.put("flip", () -> x.flip(2));
        ops.put("cat", () -> Tensor.cat(2, x, x));
        ops.put("stack", () -> Tensor.stack(4, x, x));
        ops.forEach((op, code) -> {
            IndexException e = assertThrowsMessage(IndexException.class, code, "^" + op + ": ",
                    "dimension -?\\d+ is out of range for a tensor of rank \\d", "expected a dim in \\[-\\d, \\d\\]");
            assertInstanceOf(JgradException.class, e);
        });
    }

    @Test
    void indicesOutOfRangeNameTheIndexAndTheSize() {
        Tensor x = Tensor.zeros(2, 3);
        assertThrowsMessage(IndexException.class, () -> x.select(1, 3), "^select", "index 3", "dimension 1",
                "size 3", lit("[2, 3]"));
        assertThrowsMessage(IndexException.class, () -> x.get(-3), "^select", "index -3", "dimension 0", "size 2");
        assertThrowsMessage(IndexException.class, () -> x.get(0, 0, 0), "^get", "too many indices", "rank 2");
        assertThrowsMessage(IndexException.class, () -> x.index(Tensor.of(0L, 2L)), "^indexSelect", "index 2",
                "out of bounds", "size 2");
        assertThrowsMessage(IndexException.class, () -> x.indexSelect(1, Tensor.of(-4L)), "^indexSelect",
                "index -4", "dimension 1", "size 3");
        assertThrowsMessage(IndexException.class, () -> x.set(5, 1.0), "index 5", "size 2");
    }

    @Test
    void opsRejectBoolTensorsNamingTheDtype() {
        Tensor b = Tensor.of(true, false);
        Map<String, UnaryOperator<Tensor>> ops = new LinkedHashMap<>();
        ops.put("sin", Tensor::sin);
        ops.put("cos", Tensor::cos);
        ops.put("exp", Tensor::exp);
        ops.put("log", Tensor::log);
        ops.put("sqrt", Tensor::sqrt);
        ops.put("tanh", Tensor::tanh);
        ops.put("sigmoid", Tensor::sigmoid);
        ops.put("neg", Tensor::neg);
        ops.put("abs", Tensor::abs);
        ops.put("relu", Tensor::relu);
        ops.put("floor", Tensor::floor);
        ops.forEach((op, f) -> assertThrowsMessage(DTypeException.class, () -> f.apply(b), "^" + op + ": ", "bool",
                lit("[2]")));
        assertThrowsMessage(DTypeException.class, () -> b.mean(), "^mean", "bool");
        assertThrowsMessage(DTypeException.class, () -> Tensor.of(1L).logSumExp(), "^logSumExp", "int64");
        assertThrowsMessage(DTypeException.class, () -> Tensor.where(Tensor.of(1L), b, b), "^where", "int64");
        assertThrowsMessage(DTypeException.class, () -> Tensor.zeros(2).indexSelect(0, Tensor.of(0.0)),
                "^indexSelect", "int64", "float64");
    }

    @Test
    void reshapeToAnotherElementCount() {
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(2, 3).reshape(4, 2),
                "^reshape: shape " + lit("[4, 2]") + " is invalid for input of size 6", lit("[2, 3]"));
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(2, 3).view(7), "^view", lit("[7]"), "size 6");
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(2, 3).flatten().reshape(-1, 4), "^reshape",
                lit("[-1, 4]"), "size 6");
    }

    @Test
    void raggedArrays() {
        assertThrowsMessage(ShapeException.class, () -> Tensor.of(new double[][] {{1, 2, 3}, {4, 5}}),
                "^of: ragged nested array", lit("[1]"), "length 2, expected 3");
        assertThrowsMessage(ShapeException.class, () -> Tensor.of(new float[][][][] {{{{1}}}, {{{1}, {2}}}}),
                "^of: ragged", lit("[1, 0]"), "length 2, expected 1");
    }

    @Test
    void catWithMismatchedSizes() {
        assertThrowsMessage(ShapeException.class, () -> Tensor.cat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4)),
                "^cat: sizes of tensors must match except in dimension 0", "expected size 3 but got size 4",
                "dimension 1", lit("[2, 3]"), lit("[2, 4]"));
        assertThrowsMessage(ShapeException.class,
                () -> Tensor.cat(List.of(Tensor.zeros(1, 2), Tensor.zeros(1, 2), Tensor.zeros(1, 3)), 0),
                "^cat", "position 2");
    }

    @Test
    void requiresGradOnlyOnFloatingTensors() {
        assertThrowsMessage(DTypeException.class, () -> Tensor.of(1L, 2L).requiresGrad(true),
                "^requiresGrad: only tensors of floating point dtype can require gradients, got int64");
        assertThrowsMessage(DTypeException.class, () -> Tensor.of(true).requiresGrad(true), "^requiresGrad",
                "bool");
        Tensor.of(1L).requiresGrad(false); // turning it off is always fine
    }

    @Test
    void conversionsOfManyElements() {
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(2, 2).item(), "^item",
                "only one-element tensors", lit("[2, 2]"));
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(0).itemLong(), "^itemLong", lit("[0]"));
    }

    @Test
    void everyErrorIsAJgradException() {
        for (Class<?> type : List.of(ShapeException.class, IndexException.class, DTypeException.class,
                AutogradException.class)) {
            org.junit.jupiter.api.Assertions.assertTrue(JgradException.class.isAssignableFrom(type), type.getName());
        }
        org.junit.jupiter.api.Assertions.assertTrue(RuntimeException.class.isAssignableFrom(JgradException.class));
    }
}
