package dev.jgrad;

import org.junit.jupiter.api.Test;

import static dev.jgrad.Tolerance.assertBools;
import static dev.jgrad.Tolerance.assertLongs;
import static dev.jgrad.Tolerance.assertTensor;
import static dev.jgrad.Tolerance.assertThrowsMessage;
import static dev.jgrad.Tolerance.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PyTorch's type promotion: bool &lt; int64 &lt; float32 &lt; float64 between tensors with dims; a 0-d tensor
 * or a Java scalar only changes the result's category (bool, integer, floating), never its width within one.
 */
class TensorPromotionTest {

    private static Tensor vector(DType dtype) {
        return Tensor.ones(dtype, 2);
    }

    @Test
    void promotionTable() {
        DType[] order = {DType.BOOL, DType.INT64, DType.FLOAT32, DType.FLOAT64};
        for (int i = 0; i < order.length; i++) {
            for (int j = 0; j < order.length; j++) {
                DType expected = order[Math.max(i, j)];
                assertEquals(expected, DType.promote(order[i], order[j]), order[i] + " with " + order[j]);
                assertEquals(expected, vector(order[i]).add(vector(order[j])).dtype(), order[i] + " + " + order[j]);
                assertEquals(expected, vector(order[i]).mul(Tensor.ones(order[j], 3, 1)).dtype());
                assertEquals(expected, Tensor.where(Tensor.of(true, false), vector(order[i]),
                        vector(order[j])).dtype(), "where with " + order[i] + ", " + order[j]);
                assertEquals(expected, Tensor.cat(0, vector(order[i]), vector(order[j])).dtype());
            }
        }
    }

    @Test
    void tensorsWithDimsPromoteToTheWiderType() {
        assertTensor(Tensor.of(1L, 2L).add(Tensor.of(0.5f, 0.5f)), DType.FLOAT32, shape(2), 1.5, 2.5);
        assertTensor(Tensor.of(1L, 2L).mul(Tensor.of(0.1, 0.1)), DType.FLOAT64, shape(2), 0.1, 0.2);
        assertTensor(Tensor.of(1f).add(Tensor.of(0.1)), DType.FLOAT64, shape(1), 1.1);
        assertTensor(Tensor.of(1f).sub(Tensor.of(new double[][] {{0.25}})), DType.FLOAT64, shape(1, 1), 0.75);
        assertLongs(Tensor.of(true, false).add(Tensor.of(5L, 5L)), shape(2), 6, 5);
        assertTensor(Tensor.of(true, false).mul(Tensor.of(2.5f, 2.5f)), DType.FLOAT32, shape(2), 2.5, 0);
        assertTensor(Tensor.of(2L).pow(Tensor.of(0.5f)), DType.FLOAT32, shape(1), Math.sqrt(2));
        assertTensor(Tensor.of(3L, 4L).maximum(Tensor.of(3.5f, 3.5f)), DType.FLOAT32, shape(2), 3.5, 4);
    }

    @Test
    void javaScalarsDoNotUpcastFloatTensors() {
        assertEquals(DType.FLOAT32, Tensor.of(1f).add(2.5).dtype());
        assertTensor(Tensor.of(1f).add(2.5), DType.FLOAT32, shape(1), 3.5);
        assertTensor(Tensor.of(1f).mul(0.1), DType.FLOAT32, shape(1), 0.1f);
        assertTensor(Tensor.of(1f).add(2L), DType.FLOAT32, shape(1), 3);
        assertTensor(Tensor.scalar(1.0).div(3.0), DType.FLOAT32, shape(), 1.0f / 3.0f);
        assertTensor(Tensor.of(1f).pow(2.0), DType.FLOAT32, shape(1), 1);
        assertTensor(Tensor.of(1f).rsub(0.5), DType.FLOAT32, shape(1), -0.5);
        // a float64 tensor keeps the Java double's precision
        assertTensor(Tensor.of(1.0).add(0.1), DType.FLOAT64, shape(1), 1.1);
        assertEquals(1.1, Tensor.of(1.0).add(0.1).item());
    }

    @Test
    void javaScalarsChangeTheCategory() {
        assertTensor(Tensor.of(1L, 2L).add(2.5), DType.FLOAT32, shape(2), 3.5, 4.5);
        assertTensor(Tensor.of(1L, 2L).mul(0.5), DType.FLOAT32, shape(2), 0.5, 1);
        assertLongs(Tensor.of(1L, 2L).add(2L), shape(2), 3, 4);
        assertLongs(Tensor.of(1L, 2L).add(2), shape(2), 3, 4);
        assertLongs(Tensor.of(1L << 62).add(1), shape(1), (1L << 62) + 1);
        assertTensor(Tensor.of(true, false).add(2.5), DType.FLOAT32, shape(2), 3.5, 2.5);
        assertLongs(Tensor.of(true, false).add(2L), shape(2), 3, 2);
        assertTensor(Tensor.of(2L).pow(0.5), DType.FLOAT32, shape(1), Math.sqrt(2));
        assertLongs(Tensor.of(2L).pow(10L), shape(1), 1024);
        assertTensor(Tensor.of(1L).rdiv(4), DType.FLOAT32, shape(1), 4);
        assertTensor(Tensor.of(5L).rsub(0.5), DType.FLOAT32, shape(1), -4.5);
    }

    @Test
    void integerDivisionIsTrueDivision() {
        assertTensor(Tensor.of(7L, -7L).div(Tensor.of(2L, 2L)), DType.FLOAT32, shape(2), 3.5, -3.5);
        assertTensor(Tensor.of(7L).div(2L), DType.FLOAT32, shape(1), 3.5);
        assertTensor(Tensor.of(1L).div(Tensor.of(0L)), DType.FLOAT32, shape(1), Double.POSITIVE_INFINITY);
        assertTensor(Tensor.of(true).div(Tensor.of(true)), DType.FLOAT32, shape(1), 1);
        assertTensor(Tensor.of(1L).div(Tensor.of(4.0)), DType.FLOAT64, shape(1), 0.25);
    }

    @Test
    void zeroDimTensorsDoNotUpcastWithinACategory() {
        Tensor f32 = Tensor.of(1f, 2f);
        assertTensor(Tensor.scalar(0.5, DType.FLOAT64).add(f32), DType.FLOAT32, shape(2), 1.5, 2.5);
        assertTensor(f32.mul(Tensor.scalar(0.1, DType.FLOAT64)), DType.FLOAT32, shape(2), 0.1f, 0.2f);
        assertLongs(Tensor.of(1L, 2L).add(Tensor.scalar(true)), shape(2), 2, 3);
        assertTensor(f32.add(Tensor.scalar(3L)), DType.FLOAT32, shape(2), 4, 5);
        // ...but a higher category wins: a 0-d float64 makes an int vector float64
        assertTensor(Tensor.of(1L, 2L).add(Tensor.scalar(0.5, DType.FLOAT64)), DType.FLOAT64, shape(2), 1.5, 2.5);
        assertTensor(Tensor.of(1L, 2L).add(Tensor.scalar(0.5)), DType.FLOAT32, shape(2), 1.5, 2.5);
        assertLongs(Tensor.of(true, false).add(Tensor.scalar(3L)), shape(2), 4, 3);
        // two 0-d tensors promote normally
        assertTensor(Tensor.scalar(0.5).add(Tensor.scalar(0.25, DType.FLOAT64)), DType.FLOAT64, shape(), 0.75);
        assertTensor(Tensor.scalar(2L).mul(Tensor.scalar(0.5)), DType.FLOAT32, shape(), 1);
    }

    @Test
    void comparisonsPromoteTheirOperands() {
        // int64 compared with a float scalar is compared as float
        assertBools(Tensor.of(1L, 2L, 3L).lt(2.5), shape(3), true, true, false);
        assertBools(Tensor.of(1f, 2f).eq(Tensor.of(1L, 3L)), shape(2), true, false);
        // a float32 tensor against a float64 0-d: float32 wins, so 0.1f == 0.1 holds
        assertBools(Tensor.of(0.1f).eq(Tensor.scalar(0.1, DType.FLOAT64)), shape(1), true);
        assertBools(Tensor.of(0.1f).eq(Tensor.of(0.1)), shape(1), false);
        assertBools(Tensor.of(true, false).eq(Tensor.of(1L, 1L)), shape(2), true, false);
    }

    @Test
    void boolArithmeticFollowsPyTorch() {
        Tensor p = Tensor.of(true, true, false, false);
        Tensor q = Tensor.of(true, false, true, false);
        assertBools(p.add(q), shape(4), true, true, true, false);
        assertBools(p.mul(q), shape(4), true, false, false, false);
        assertBools(p.maximum(q), shape(4), true, true, true, false);
        assertBools(p.minimum(q), shape(4), true, false, false, false);
        assertBools(p.add(Tensor.scalar(false)), shape(4), true, true, false, false);
        assertTensor(p.div(q), DType.FLOAT32, shape(4), 1, Double.POSITIVE_INFINITY, 0, Double.NaN);
        assertThrowsMessage(DTypeException.class, () -> p.sub(q), "^sub", "two bool tensors",
                "shapes \\[4\\] and \\[4\\]", "logicalNot", "to\\(DType.INT64\\)");
        assertThrowsMessage(DTypeException.class, () -> p.pow(q), "^pow", "bool");
        assertTensor(p.rsub(1), DType.FLOAT32, shape(4), 0, 0, 1, 1);
    }
}
