package dev.jgrad;

import org.junit.jupiter.api.Test;

import static dev.jgrad.Tolerance.assertBools;
import static dev.jgrad.Tolerance.assertLongs;
import static dev.jgrad.Tolerance.assertTensor;
import static dev.jgrad.Tolerance.assertThrowsMessage;
import static dev.jgrad.Tolerance.assertValues;
import static dev.jgrad.Tolerance.lit;
import static dev.jgrad.Tolerance.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Factories, conversions between Java values and tensors, and random numbers. */
class TensorCreationTest {

    // ------------------------------------------------------------------ scalars and nested arrays

    @Test
    void scalarsAreZeroDimensionalWithPyTorchDefaultDtypes() {
        Tensor f = Tensor.scalar(2.5);
        assertTensor(f, DType.FLOAT32, shape(), 2.5);
        assertEquals(0, f.dim());
        assertEquals(1, f.numel());
        assertEquals(2.5, f.item());

        assertTensor(Tensor.scalar(0.1, DType.FLOAT64), DType.FLOAT64, shape(), 0.1);
        assertEquals(0.1, Tensor.scalar(0.1, DType.FLOAT64).item());
        assertEquals((double) 0.1f, Tensor.scalar(0.1).item(), "float32 rounds the value once");
        assertLongs(Tensor.scalar(7L), shape(), 7);
        assertEquals(Long.MAX_VALUE, Tensor.scalar(Long.MAX_VALUE).itemLong(), "int64 keeps all 64 bits");
        assertBools(Tensor.scalar(true), shape(), true);
        assertEquals(1L, Tensor.scalar(true).itemLong());
        assertLongs(Tensor.scalar(-2.9, DType.INT64), shape(), -2);
        assertBools(Tensor.scalar(0.5, DType.BOOL), shape(), true);
    }

    @Test
    void nestedArraysOfOneToFourDims() {
        assertTensor(Tensor.of(1f, 2f, 3f), DType.FLOAT32, shape(3), 1, 2, 3);
        assertTensor(Tensor.of(1.0, 2.0), DType.FLOAT64, shape(2), 1, 2);
        assertLongs(Tensor.of(1L, -2L, 3L), shape(3), 1, -2, 3);
        assertBools(Tensor.of(true, false), shape(2), true, false);

        assertTensor(Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}}), DType.FLOAT32, shape(2, 3), 1, 2, 3, 4, 5, 6);
        assertTensor(Tensor.of(new double[][] {{0.1}, {0.2}}), DType.FLOAT64, shape(2, 1), 0.1, 0.2);
        assertLongs(Tensor.of(new long[][] {{1, 2}, {3, 4}}), shape(2, 2), 1, 2, 3, 4);
        assertBools(Tensor.of(new boolean[][] {{true}, {false}, {true}}), shape(3, 1), true, false, true);

        assertTensor(Tensor.of(new float[][][] {{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}, {{9, 10}, {11, 12}}}),
                DType.FLOAT32, shape(3, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertTensor(Tensor.of(new double[][][] {{{1.5, 2.5, 3.5}}}), DType.FLOAT64, shape(1, 1, 3), 1.5, 2.5, 3.5);
        assertLongs(Tensor.of(new long[][][] {{{1}, {2}}, {{3}, {4}}}), shape(2, 2, 1), 1, 2, 3, 4);

        assertTensor(Tensor.of(new float[][][][] {{{{1, 2}}, {{3, 4}}}}), DType.FLOAT32, shape(1, 2, 1, 2), 1, 2, 3, 4);
        assertTensor(Tensor.of(new double[][][][] {{{{1}, {2}}}, {{{3}, {4}}}}), DType.FLOAT64, shape(2, 1, 2, 1),
                1, 2, 3, 4);
    }

    @Test
    void nestedArrayWithAnExplicitDtypeConverts() {
        assertLongs(Tensor.of(new double[][] {{1.9, -1.9}, {2.5, -0.5}}, DType.INT64), shape(2, 2), 1, -1, 2, 0);
        assertTensor(Tensor.of(new long[] {1, 2, 3}, DType.FLOAT64), DType.FLOAT64, shape(3), 1, 2, 3);
        assertBools(Tensor.of(new float[][] {{0, 2}, {-0.5f, 0}}, DType.BOOL), shape(2, 2), false, true, true, false);
        assertTensor(Tensor.of(new boolean[][] {{true, false}}, DType.FLOAT32), DType.FLOAT32, shape(1, 2), 1, 0);
        assertEquals(9007199254740993L, Tensor.of(new long[] {9007199254740993L}, DType.INT64).itemLong(),
                "longs are copied exactly, not through double");
    }

    @Test
    void nestedArraysWithEmptyDims() {
        assertArrayEquals(shape(2, 0), Tensor.of(new float[2][0]).shape());
        assertArrayEquals(shape(0), Tensor.of(new float[0]).shape());
    }

    @Test
    void raggedArraysFailNamingTheIndex() {
        assertThrowsMessage(ShapeException.class, () -> Tensor.of(new float[][] {{1, 2}, {3}}),
                "^of: ragged", lit("[1]"), "length 1, expected 2");
        assertThrowsMessage(ShapeException.class,
                () -> Tensor.of(new double[][][] {{{1, 2}, {3, 4}}, {{5, 6}, {7, 8, 9}}}),
                "ragged", lit("[1, 1]"), "length 3, expected 2");
        assertThrowsMessage(ShapeException.class, () -> Tensor.of(new long[][] {{1}, {2, 3}}), "ragged");
        assertThrowsMessage(ShapeException.class, () -> Tensor.of(new boolean[][] {{true, false}, {}}), "ragged");
        assertThrowsMessage(ShapeException.class, () -> Tensor.of(new float[][] {{1, 2}, null}), "ragged", lit("[1]"));
    }

    @Test
    void fromArrayCopiesAndReshapes() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.fromArray(data, 3, 2);
        data[0] = 100;
        assertTensor(t, DType.FLOAT32, shape(3, 2), 1, 2, 3, 4, 5, 6);
        assertTensor(Tensor.fromArray(new double[] {7}), DType.FLOAT64, shape(), 7);
        assertLongs(Tensor.fromArray(new long[] {1, 2, 3, 4}, 2, 1, 2), shape(2, 1, 2), 1, 2, 3, 4);
        assertBools(Tensor.fromArray(new boolean[] {true, false, false, true}, 4), shape(4), true, false, false, true);
        assertArrayEquals(shape(0, 3), Tensor.fromArray(new float[0], 0, 3).shape());

        assertThrowsMessage(ShapeException.class, () -> Tensor.fromArray(new float[5], 2, 3),
                "^fromArray", "5 elements", lit("[2, 3]"), "6 elements");
        assertThrowsMessage(ShapeException.class, () -> Tensor.fromArray(new double[6], -2, -3),
                "^fromArray", "negative", lit("[-2, -3]"));
    }

    // ------------------------------------------------------------------ factories

    @Test
    void zerosOnesFullEmpty() {
        assertTensor(Tensor.zeros(2, 3), DType.FLOAT32, shape(2, 3), 0, 0, 0, 0, 0, 0);
        assertLongs(Tensor.zeros(DType.INT64, 2), shape(2), 0, 0);
        assertTensor(Tensor.ones(3), DType.FLOAT32, shape(3), 1, 1, 1);
        assertBools(Tensor.ones(DType.BOOL, 2, 1), shape(2, 1), true, true);
        assertTensor(Tensor.ones(DType.FLOAT64), DType.FLOAT64, shape(), 1);
        assertTensor(Tensor.full(-1.5, 2, 2), DType.FLOAT32, shape(2, 2), -1.5, -1.5, -1.5, -1.5);
        assertLongs(Tensor.full(3.7, DType.INT64, 3), shape(3), 3, 3, 3);
        assertBools(Tensor.full(2, DType.BOOL, 2), shape(2), true, true);
        assertTensor(Tensor.empty(4), DType.FLOAT32, shape(4), 0, 0, 0, 0);
        assertArrayEquals(shape(2, 0, 3), Tensor.zeros(2, 0, 3).shape());
        assertEquals(0, Tensor.zeros(2, 0, 3).numel());
        Tensor e = Tensor.empty(DType.INT64, 2, 2);
        assertEquals(DType.INT64, e.dtype());
        assertArrayEquals(shape(2, 2), e.shape());

        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(2, -1), "^full", "negative", lit("[2, -1]"));
    }

    @Test
    void likeFactoriesCopyShapeAndDtype() {
        Tensor proto = Tensor.of(new long[][] {{1, 2, 3}, {4, 5, 6}}).transpose(0, 1);
        assertLongs(Tensor.zerosLike(proto), shape(3, 2), 0, 0, 0, 0, 0, 0);
        assertLongs(Tensor.onesLike(proto), shape(3, 2), 1, 1, 1, 1, 1, 1);
        assertLongs(Tensor.fullLike(proto, 9), shape(3, 2), 9, 9, 9, 9, 9, 9);
        Tensor e = Tensor.emptyLike(Tensor.zeros(DType.FLOAT64, 4, 1));
        assertEquals(DType.FLOAT64, e.dtype());
        assertArrayEquals(shape(4, 1), e.shape());
        assertFalse(Tensor.zerosLike(proto).sharesStorageWith(proto));
        assertTrue(Tensor.zerosLike(proto).isContiguous());
    }

    @Test
    void arangeOfLongs() {
        assertLongs(Tensor.arange(5), shape(5), 0, 1, 2, 3, 4);
        assertLongs(Tensor.arange(2, 11, 3), shape(3), 2, 5, 8);
        assertLongs(Tensor.arange(5, 0, -2), shape(3), 5, 3, 1);
        assertLongs(Tensor.arange(-3, 3, 2), shape(3), -3, -1, 1);
        assertLongs(Tensor.arange(0), shape(0));
        assertLongs(Tensor.arange(4, 4, 1), shape(0));
        assertThrowsMessage(JgradException.class, () -> Tensor.arange(0, 5, 0), "^arange", "step");
        // torch.arange(-3) and torch.arange(5, 0, 1) fail rather than return nothing
        assertThrowsMessage(JgradException.class, () -> Tensor.arange(-3), "^arange", "inconsistent with step sign",
                "end=-3");
        assertThrowsMessage(JgradException.class, () -> Tensor.arange(5, 0, 1), "^arange", "step sign");
        assertThrowsMessage(JgradException.class, () -> Tensor.arange(0, 5, -1), "^arange", "step sign");
    }

    @Test
    void arangeOfDoubles() {
        assertTensor(Tensor.arange(1.0, 2.5, 0.5), DType.FLOAT32, shape(3), 1, 1.5, 2);
        assertTensor(Tensor.arange(0.0, 1.0, 0.25, DType.FLOAT64), DType.FLOAT64, shape(4), 0, 0.25, 0.5, 0.75);
        // ceil((end - start) / step) elements: 0.1 * 10 is not 1 exactly, the count is still 10
        Tensor tenths = Tensor.arange(0.0, 1.0, 0.1, DType.FLOAT64);
        assertArrayEquals(shape(10), tenths.shape());
        assertEquals(0.9, tenths.toDoubleArray()[9], 1e-15);
        assertTensor(Tensor.arange(1.0, -1.0, -0.5), DType.FLOAT32, shape(4), 1, 0.5, 0, -0.5);
        assertTensor(Tensor.arange(0.0, 1.5, 1.0), DType.FLOAT32, shape(2), 0, 1);
        assertThrowsMessage(JgradException.class, () -> Tensor.arange(0.0, 1.0, 0.0), "^arange", "step");
        assertThrowsMessage(JgradException.class, () -> Tensor.arange(1.0, 0.0, 0.5), "^arange", "step sign");
        assertTensor(Tensor.arange(1.0, 1.0, -0.5), DType.FLOAT32, shape(0));
    }

    @Test
    void linspaceIncludesBothEnds() {
        assertTensor(Tensor.linspace(0, 1, 5), DType.FLOAT32, shape(5), 0, 0.25, 0.5, 0.75, 1);
        assertTensor(Tensor.linspace(-1, 1, 4, DType.FLOAT64), DType.FLOAT64, shape(4), -1, -1.0 / 3, 1.0 / 3, 1);
        assertTensor(Tensor.linspace(3, -3, 3, DType.FLOAT64), DType.FLOAT64, shape(3), 3, 0, -3);
        Tensor tenths = Tensor.linspace(0, 0.3, 4, DType.FLOAT64);
        assertEquals(0.3, tenths.toDoubleArray()[3], "the last value is exactly end");
        assertTensor(Tensor.linspace(0, 1, 0), DType.FLOAT32, shape(0));
        assertThrowsMessage(JgradException.class, () -> Tensor.linspace(0, 1, -1), "^linspace", "-1");
    }

    @Test
    void linspaceOfOneStepIsStart() {
        // torch.linspace(2, 7, 1) == tensor([2.])
        assertTensor(Tensor.linspace(2, 7, 1), DType.FLOAT32, shape(1), 2);
    }

    @Test
    void eyeIsTheIdentity() {
        assertTensor(Tensor.eye(3), DType.FLOAT32, shape(3, 3), 1, 0, 0, 0, 1, 0, 0, 0, 1);
        assertTensor(Tensor.eye(2, 3, DType.FLOAT64), DType.FLOAT64, shape(2, 3), 1, 0, 0, 0, 1, 0);
        assertLongs(Tensor.eye(3, 2, DType.INT64), shape(3, 2), 1, 0, 0, 1, 0, 0);
        assertBools(Tensor.eye(2, 2, DType.BOOL), shape(2, 2), true, false, false, true);
    }

    // ------------------------------------------------------------------ conversions

    @Test
    void itemAndArrays() {
        Tensor x = Tensor.of(new double[][] {{1.25, -2.75}, {3.5, 0}});
        assertArrayEquals(new double[] {1.25, -2.75, 3.5, 0}, x.toDoubleArray());
        assertArrayEquals(new float[] {1.25f, -2.75f, 3.5f, 0}, x.toFloatArray());
        assertArrayEquals(new long[] {1, -2, 3, 0}, x.toLongArray(), "float to int truncates toward zero");
        assertArrayEquals(new boolean[] {true, true, true, false}, x.toBooleanArray());
        // arrays follow the logical (row-major) order of a non-contiguous view, not the storage order
        assertArrayEquals(new double[] {1.25, 3.5, -2.75, 0}, x.T().toDoubleArray());
        double[] copy = x.toDoubleArray();
        copy[0] = 99;
        assertEquals(1.25, x.get(0, 0).item(), "the array is a copy");

        assertEquals(-2.75, x.get(0, 1).item());
        assertEquals(3, Tensor.of(3L, 4L).get(0).itemLong());
        assertEquals(3.0, Tensor.of(3L).item());
        assertEquals(1.0, Tensor.scalar(true).item());
        assertEquals(-1L, Tensor.scalar(-1.9).itemLong(), "itemLong truncates toward zero");
        assertEquals(5.0, Tensor.ones(1, 1, 1).mul(5.0).item(), "any one-element tensor");
        assertThrowsMessage(ShapeException.class, () -> x.item(), "^item", "one-element", lit("[2, 2]"));
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(0).itemLong(), "^itemLong", lit("[0]"));
    }

    @Test
    void toConvertsLikePyTorch() {
        Tensor x = Tensor.of(-2.7f, -0.5f, 0f, 0.5f, 2.7f);
        assertLongs(x.to(DType.INT64), shape(5), -2, 0, 0, 0, 2);
        assertBools(x.to(DType.BOOL), shape(5), true, true, false, true, true);
        assertTensor(x.to(DType.FLOAT64), DType.FLOAT64, shape(5), -2.7f, -0.5, 0, 0.5, 2.7f);
        assertTensor(Tensor.of(0.1).to(DType.FLOAT32), DType.FLOAT32, shape(1), 0.1f);
        assertTensor(Tensor.of(true, false).to(DType.FLOAT32), DType.FLOAT32, shape(2), 1, 0);
        assertBools(Tensor.of(-3L, 0L, 2L).to(DType.BOOL), shape(3), true, false, true);
        assertBools(Tensor.of(Double.NaN).to(DType.BOOL), shape(1), true);
        assertLongs(Tensor.of(new double[][] {{1.5, 2.5}, {-3.5, 4.5}}).T().to(DType.INT64), shape(2, 2), 1, -3, 2, 4);
        assertTrue(x.to(DType.FLOAT32) == x, "to() of the same dtype is the tensor itself");
        assertFalse(x.to(DType.FLOAT64).sharesStorageWith(x));
    }

    @Test
    void allCloseUsesBothTolerancesAndBroadcasts() {
        Tensor a = Tensor.of(1.0, 2.0, 3.0);
        assertTrue(a.allClose(Tensor.of(1.0, 2.0, 3.0 + 1e-6), 1e-5, 0));
        assertFalse(a.allClose(Tensor.of(1.0, 2.0, 3.0 + 1e-3), 1e-5, 1e-8));
        assertTrue(a.allClose(Tensor.of(1.0, 2.0, 3.0 + 1e-3), 0, 2e-3));
        assertTrue(a.allClose(Tensor.of(1.0, 2.0, 3.0 + 2e-5)), "default rtol 1e-5 relative to other");
        assertFalse(a.allClose(Tensor.of(1.0, 2.0, 3.0 + 4e-5)));
        assertTrue(Tensor.ones(2, 3).allClose(Tensor.scalar(1.0)), "broadcasts");
        assertFalse(Tensor.of(Double.NaN).allClose(Tensor.of(Double.NaN)), "NaNs are unequal");
        assertTrue(Tensor.of(Double.POSITIVE_INFINITY).allClose(Tensor.of(Double.POSITIVE_INFINITY)));
        assertFalse(Tensor.of(Double.POSITIVE_INFINITY).allClose(Tensor.of(Double.NEGATIVE_INFINITY)));
        assertThrowsMessage(ShapeException.class, () -> Tensor.ones(2).allClose(Tensor.ones(3)),
                "^allClose", "cannot be broadcast", lit("[2]"), lit("[3]"));
    }

    // ------------------------------------------------------------------ random numbers

    @Test
    void sameSeedSameNumbers() {
        Tensor.manualSeed(42);
        Tensor a = Tensor.rand(3, 4);
        Tensor b = Tensor.randn(5);
        Tensor c = Tensor.randint(0, 100, 6);
        Tensor.manualSeed(42);
        assertArrayEquals(a.toFloatArray(), Tensor.rand(3, 4).toFloatArray());
        assertArrayEquals(b.toFloatArray(), Tensor.randn(5).toFloatArray());
        assertArrayEquals(c.toLongArray(), Tensor.randint(0, 100, 6).toLongArray());
        Tensor.manualSeed(43);
        assertNotEquals(a.toDoubleArray()[0], Tensor.rand(3, 4).toDoubleArray()[0]);

        Generator g1 = new Generator(7);
        Generator g2 = new Generator(7);
        assertArrayEquals(g1.normal(1, 2, DType.FLOAT64, 10).toDoubleArray(),
                g2.normal(1, 2, DType.FLOAT64, 10).toDoubleArray());
        assertArrayEquals(g1.uniform(-1, 1, DType.FLOAT64, 10).toDoubleArray(),
                g2.uniform(-1, 1, DType.FLOAT64, 10).toDoubleArray());
        g1.manualSeed(7);
        g2.manualSeed(7);
        assertEquals(g1.nextLong(), g2.nextLong());
    }

    @Test
    void randomShapesAndDtypes() {
        Generator g = new Generator(1);
        assertTensor(g.rand(2, 3).mul(0.0), DType.FLOAT32, shape(2, 3), 0, 0, 0, 0, 0, 0);
        assertEquals(DType.FLOAT32, g.randn(4).dtype());
        assertEquals(DType.FLOAT64, g.uniform(0, 1, DType.FLOAT64, 2).dtype());
        assertEquals(DType.FLOAT64, g.normal(0, 1, DType.FLOAT64, 2).dtype());
        assertEquals(DType.INT64, g.randint(0, 2, 3).dtype());
        assertArrayEquals(shape(), g.rand().shape());
        assertArrayEquals(shape(0, 2), g.randn(0, 2).shape());
        assertThrowsMessage(DTypeException.class, () -> g.uniform(0, 1, DType.INT64, 2), "^uniform", "int64");
        assertThrowsMessage(DTypeException.class, () -> g.normal(0, 1, DType.BOOL, 2), "^normal", "bool");
        assertThrowsMessage(JgradException.class, () -> g.randint(5, 5, 2), "^randint", "low=5", "high=5");
        assertThrowsMessage(JgradException.class, () -> g.uniform(2, 1, DType.FLOAT32, 2), "^uniform", "low=2");
        assertThrowsMessage(JgradException.class, () -> g.normal(0, -1, DType.FLOAT32, 2), "^normal", "std");
    }

    @Test
    void uniformStaysInRangeWithTheRightMoments() {
        Generator g = new Generator(2024);
        Tensor u = g.rand(100_000);
        assertTrue(u.min().item() >= 0 && u.max().item() < 1, "rand is in [0, 1)");
        assertEquals(0.5, u.to(DType.FLOAT64).mean().item(), 0.01);
        assertEquals(Math.sqrt(1.0 / 12), u.to(DType.FLOAT64).std().item(), 0.01);

        Tensor v = g.uniform(-2, 3, DType.FLOAT64, 100_000);
        assertTrue(v.min().item() >= -2 && v.max().item() < 3);
        assertEquals(0.5, v.mean().item(), 0.03);
        assertEquals(5 / Math.sqrt(12), v.std().item(), 0.02);

        Tensor narrow = g.uniform(1, 1 + 1e-7, DType.FLOAT32, 10_000);
        assertTrue(narrow.lt(1 + 1e-7).logicalAnd(narrow.ge(1)).to(DType.INT64).sum().itemLong() == 10_000,
                "float32 rounding never reaches high");
    }

    @Test
    void normalHasTheRightMoments() {
        Generator g = new Generator(99);
        Tensor n = g.randn(100_000).to(DType.FLOAT64);
        assertEquals(0, n.mean().item(), 0.02);
        assertEquals(1, n.std().item(), 0.02);
        // about 68.3% within one standard deviation
        assertEquals(0.6827, n.abs().lt(1.0).to(DType.FLOAT64).mean().item(), 0.01);

        Tensor m = g.normal(3, 0.5, DType.FLOAT64, 100_000);
        assertEquals(3, m.mean().item(), 0.01);
        assertEquals(0.5, m.std().item(), 0.01);
        assertValues(g.normal(4, 0, DType.FLOAT32, 3), 4, 4, 4);

        Tensor.manualSeed(5);
        Tensor global = Tensor.randn(100_000).to(DType.FLOAT64);
        assertEquals(0, global.mean().item(), 0.02);
        assertEquals(1, global.std().item(), 0.02);
    }

    @Test
    void randintCoversTheRangeEvenly() {
        Generator g = new Generator(3);
        Tensor r = g.randint(-3, 4, 70_000);
        assertEquals(-3, r.min().itemLong());
        assertEquals(3, r.max().itemLong());
        for (long v = -3; v <= 3; v++) {
            long count = r.eq((double) v).to(DType.INT64).sum().itemLong();
            assertEquals(10_000, count, 500, "count of " + v);
        }
        Tensor.manualSeed(11);
        Tensor big = Tensor.randint(0, 1L << 40, 1000);
        assertTrue(big.min().itemLong() >= 0 && big.max().itemLong() < (1L << 40));
        assertTrue(big.max().itemLong() > (1L << 39), "uses the high bits of a wide range");
    }

    @Test
    void randAndRandnTakeADtype() {
        Tensor.manualSeed(7);
        Tensor u = Tensor.rand(DType.FLOAT64, 1000);
        Tensor n = Tensor.randn(DType.FLOAT64, 2, 3);
        assertEquals(DType.FLOAT64, u.dtype());
        assertEquals(DType.FLOAT64, n.dtype());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2, 3}, n.shape());
        for (double v : u.toDoubleArray()) {
            org.junit.jupiter.api.Assertions.assertTrue(v >= 0 && v < 1, "rand outside [0, 1): " + v);
        }
        Tensor.manualSeed(7);
        org.junit.jupiter.api.Assertions.assertArrayEquals(u.toDoubleArray(), Tensor.rand(DType.FLOAT64, 1000).toDoubleArray());
        org.junit.jupiter.api.Assertions.assertThrows(DTypeException.class, () -> Tensor.rand(DType.INT64, 2));
    }
}
