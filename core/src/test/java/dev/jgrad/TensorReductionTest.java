package dev.jgrad;

import org.junit.jupiter.api.Test;

import static dev.jgrad.Tolerance.assertBools;
import static dev.jgrad.Tolerance.assertLongs;
import static dev.jgrad.Tolerance.assertTensor;
import static dev.jgrad.Tolerance.assertThrowsMessage;
import static dev.jgrad.Tolerance.assertValues;
import static dev.jgrad.Tolerance.lit;
import static dev.jgrad.Tolerance.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** sum, mean, prod, max/min (with indices), argmax/argmin, amax/amin, var/std, logSumExp, norm, cumsum. */
class TensorReductionTest {
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    /** [[1, 5, 3], [4, 2, 6]]. */
    private static Tensor m() {
        return Tensor.of(new double[][] {{1, 5, 3}, {4, 2, 6}});
    }

    /** arange(24) as float64 [2, 3, 4]: element (i, j, k) is 12i + 4j + k. */
    private static Tensor cube() {
        return Tensor.arange(0.0, 24.0, 1.0, DType.FLOAT64).reshape(2, 3, 4);
    }

    @Test
    void sumOverAllAndOverDims() {
        assertTensor(m().sum(), DType.FLOAT64, shape(), 21);
        assertTensor(m().sum(0), DType.FLOAT64, shape(3), 5, 7, 9);
        assertTensor(m().sum(1), DType.FLOAT64, shape(2), 9, 12);
        assertTensor(m().sum(-1, true), DType.FLOAT64, shape(2, 1), 9, 12);
        assertTensor(m().sum(new int[] {0, 1}, true), DType.FLOAT64, shape(1, 1), 21);
        assertTensor(m().sum(new int[] {1, 0}, false), DType.FLOAT64, shape(), 21);
        // (i, k) summed: 32j + 60
        assertTensor(cube().sum(new int[] {0, 2}, false), DType.FLOAT64, shape(3), 60, 92, 124);
        assertTensor(cube().sum(new int[] {0, 2}, true), DType.FLOAT64, shape(1, 3, 1), 60, 92, 124);
        assertTensor(cube().sum(0).sum(0), DType.FLOAT64, shape(4), 60, 66, 72, 78);
        assertTensor(Tensor.scalar(3.0).sum(), DType.FLOAT32, shape(), 3);
        assertTensor(Tensor.scalar(3.0).sum(0), DType.FLOAT32, shape(), 3);
        assertTensor(Tensor.zeros(0).sum(), DType.FLOAT32, shape(), 0);
        assertTensor(Tensor.zeros(2, 0).sum(1), DType.FLOAT32, shape(2), 0, 0);
    }

    @Test
    void sumDtypes() {
        assertLongs(Tensor.of(new long[][] {{1, 2}, {3, 4}}).sum(0), shape(2), 4, 6);
        assertLongs(Tensor.of(1L << 60, 1L << 60, 1L).sum(), shape(), (1L << 61) + 1);
        assertLongs(Tensor.of(true, false, true, true).sum(), shape(), 3);
        assertTensor(Tensor.of(1f, 2f).sum(), DType.FLOAT32, shape(), 3);
        assertTensor(Tensor.ones(1_000_003).sum(), DType.FLOAT32, shape(), 1_000_003);
    }

    @Test
    void meanOfFloats() {
        assertTensor(m().mean(), DType.FLOAT64, shape(), 3.5);
        assertTensor(m().mean(0), DType.FLOAT64, shape(3), 2.5, 3.5, 4.5);
        assertTensor(m().mean(1, true), DType.FLOAT64, shape(2, 1), 3, 4);
        assertTensor(cube().mean(new int[] {0, 2}, false), DType.FLOAT64, shape(3), 7.5, 11.5, 15.5);
        assertTensor(Tensor.of(1f, 2f, 4f).mean(), DType.FLOAT32, shape(), 7.0 / 3);
        assertValues(Tensor.zeros(0).mean(), NAN);
        assertThrowsMessage(DTypeException.class, () -> Tensor.of(1L, 2L).mean(), "^mean", "floating", "int64");
    }

    @Test
    void prodOverAllAndOverDims() {
        assertTensor(m().prod(), DType.FLOAT64, shape(), 720);
        assertTensor(m().prod(0, false), DType.FLOAT64, shape(3), 4, 10, 18);
        assertTensor(m().prod(1, true), DType.FLOAT64, shape(2, 1), 15, 48);
        assertTensor(m().prod(new int[] {0, 1}, false), DType.FLOAT64, shape(), 720);
        assertLongs(Tensor.of(2L, 3L, -4L).prod(), shape(), -24);
        assertLongs(Tensor.of(true, true, false).prod(), shape(), 0);
        assertTensor(Tensor.zeros(0).prod(), DType.FLOAT32, shape(), 1);
        assertTensor(Tensor.of(0.5f, 4f, 0f).prod(), DType.FLOAT32, shape(), 0);
    }

    @Test
    void maxAndMinValues() {
        assertTensor(m().max(), DType.FLOAT64, shape(), 6);
        assertTensor(m().min(), DType.FLOAT64, shape(), 1);
        assertLongs(Tensor.of(-5L, 9L, 2L).max(), shape(), 9);
        assertLongs(Tensor.of(-5L, 9L, 2L).min(), shape(), -5);
        assertBools(Tensor.of(false, true).max(), shape(), true);
        assertBools(Tensor.of(false, true).min(), shape(), false);
        assertValues(Tensor.of(1.0, NAN, 3.0).max(), NAN);
        assertValues(Tensor.of(1.0, NAN, 3.0).min(), NAN);
        assertValues(Tensor.of(-INF, -INF).max(), -INF);
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(0, 2).max(), "^max", "non-empty", lit("[0, 2]"));
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(0).min(), "^min", "non-empty");
    }

    @Test
    void maxAndMinAlongADimReturnValuesAndIndices() {
        Tensor.ValuesIndices r = m().max(1);
        assertTensor(r.values(), DType.FLOAT64, shape(2), 5, 6);
        assertLongs(r.indices(), shape(2), 1, 2);
        r = m().max(0);
        assertTensor(r.values(), DType.FLOAT64, shape(3), 4, 5, 6);
        assertLongs(r.indices(), shape(3), 1, 0, 1);
        r = m().min(0);
        assertTensor(r.values(), DType.FLOAT64, shape(3), 1, 2, 3);
        assertLongs(r.indices(), shape(3), 0, 1, 0);
        r = m().max(-1, true);
        assertTensor(r.values(), DType.FLOAT64, shape(2, 1), 5, 6);
        assertLongs(r.indices(), shape(2, 1), 1, 2);
        r = m().min(1, true);
        assertTensor(r.values(), DType.FLOAT64, shape(2, 1), 1, 2);
        assertLongs(r.indices(), shape(2, 1), 0, 1);
        // along the middle dim of a 3-d tensor
        r = cube().neg().max(1);
        assertTensor(r.values(), DType.FLOAT64, shape(2, 4), 0, -1, -2, -3, -12, -13, -14, -15);
        assertLongs(r.indices(), shape(2, 4), 0, 0, 0, 0, 0, 0, 0, 0);
        r = cube().max(1, true);
        assertTensor(r.values(), DType.FLOAT64, shape(2, 1, 4), 8, 9, 10, 11, 20, 21, 22, 23);
        assertLongs(r.indices(), shape(2, 1, 4), 2, 2, 2, 2, 2, 2, 2, 2);
        // ints keep their dtype; 0-d input
        r = Tensor.of(new long[][] {{3, 9}, {7, 1}}).min(1);
        assertLongs(r.values(), shape(2), 3, 1);
        assertLongs(r.indices(), shape(2), 0, 1);
        r = Tensor.scalar(2.5).max(0);
        assertTensor(r.values(), DType.FLOAT32, shape(), 2.5);
        assertLongs(r.indices(), shape(), 0);
    }

    @Test
    void argmaxAndArgmin() {
        assertLongs(m().argmax(), shape(), 5);
        assertLongs(m().argmin(), shape(), 0);
        assertLongs(m().argmax(0, false), shape(3), 1, 0, 1);
        assertLongs(m().argmin(1, true), shape(2, 1), 0, 1);
        assertLongs(cube().argmax(2, false), shape(2, 3), 3, 3, 3, 3, 3, 3);
        assertLongs(cube().argmin(-3, false), shape(3, 4), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        // the first of ties wins; NaN counts as the extreme
        assertLongs(Tensor.of(3.0, 7.0, 7.0, 1.0).argmax(), shape(), 1);
        assertLongs(Tensor.of(2.0, 1.0, 1.0).argmin(), shape(), 1);
        assertLongs(Tensor.of(1.0, NAN, 3.0, NAN).argmax(), shape(), 1);
        assertLongs(Tensor.of(1.0, NAN, -3.0).argmin(), shape(), 1);
        assertLongs(Tensor.of(false, true, true).argmax(), shape(), 1);
        assertLongs(Tensor.of(5L, -2L, 9L).argmin(), shape(), 1);
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(0).argmax(), "^argmax", "non-empty");
    }

    @Test
    void amaxAndAmin() {
        assertTensor(m().amax(new int[] {0}, false), DType.FLOAT64, shape(3), 4, 5, 6);
        assertTensor(m().amin(new int[] {1}, true), DType.FLOAT64, shape(2, 1), 1, 2);
        assertTensor(m().amax(new int[0], false), DType.FLOAT64, shape(), 6);
        assertTensor(cube().amax(new int[] {0, 2}, false), DType.FLOAT64, shape(3), 15, 19, 23);
        assertTensor(cube().amin(new int[] {-1, -3}, true), DType.FLOAT64, shape(1, 3, 1), 0, 4, 8);
        assertLongs(Tensor.of(new long[][] {{1, 8}, {9, 0}}).amax(new int[] {1}, false), shape(2), 8, 9);
    }

    @Test
    void varianceAndStandardDeviation() {
        // values 1..6 in another order: mean 3.5, squared deviations sum to 17.5
        assertTensor(m().var(), DType.FLOAT64, shape(), 3.5);
        assertTensor(m().std(), DType.FLOAT64, shape(), 1.8708286933869707);
        assertTensor(m().var(new int[0], 0, false), DType.FLOAT64, shape(), 2.9166666666666665);
        assertTensor(m().std(new int[0], 0, false), DType.FLOAT64, shape(), 1.707825127659933);
        assertTensor(m().var(new int[] {1}, 1, false), DType.FLOAT64, shape(2), 4, 4);
        assertTensor(m().std(new int[] {1}, 1, true), DType.FLOAT64, shape(2, 1), 2, 2);
        assertTensor(m().var(new int[] {0}, 0, true), DType.FLOAT64, shape(1, 3), 2.25, 2.25, 2.25);
        assertTensor(cube().var(new int[] {0, 2}, 1, false), DType.FLOAT64, shape(3), 42.57142857142857,
                42.57142857142857, 42.57142857142857);
        assertTensor(cube().std(new int[] {1}, 0, false).reshape(-1), DType.FLOAT64, shape(8), 3.265986323710904,
                3.265986323710904, 3.265986323710904, 3.265986323710904, 3.265986323710904, 3.265986323710904,
                3.265986323710904, 3.265986323710904);
        assertTensor(Tensor.of(1f, 2f, 3f, 4f).var(), DType.FLOAT32, shape(), 5.0 / 3);
        // one element with Bessel's correction: 0 / 0
        assertValues(Tensor.of(5.0).var(), NAN);
        assertThrowsMessage(DTypeException.class, () -> Tensor.of(1L, 2L).var(), "^var", "int64");
        assertThrowsMessage(DTypeException.class, () -> Tensor.of(1L, 2L).std(), "^std", "int64");
    }

    @Test
    void logSumExpIsStable() {
        assertTensor(Tensor.of(1.0, 2.0, 3.0).logSumExp(), DType.FLOAT64, shape(), 3.40760596444438);
        assertTensor(Tensor.of(1000.0, 1000.0).logSumExp(), DType.FLOAT64, shape(), 1000.6931471805599);
        assertTensor(Tensor.of(-1000.0, -1000.0).logSumExp(), DType.FLOAT64, shape(), -999.3068528194401);
        assertTensor(Tensor.of(1000f, 1000f).logSumExp(), DType.FLOAT32, shape(), 1000.6931471805599);
        Tensor rows = Tensor.of(new double[][] {{1, 2, 3}, {1000, 0, -1000}});
        assertTensor(rows.logSumExp(1), DType.FLOAT64, shape(2), 3.40760596444438, 1000);
        assertTensor(rows.logSumExp(new int[] {1}, true), DType.FLOAT64, shape(2, 1), 3.40760596444438, 1000);
        assertTensor(rows.logSumExp(0), DType.FLOAT64, shape(3), 1000, 2.1269280110429727, 3);
        assertTensor(cube().logSumExp(0, 2), DType.FLOAT64, shape(3), 15.440195842754672, 19.440195842754672,
                23.440195842754672);
        assertValues(Tensor.of(-INF, -INF).logSumExp(), -INF);
        assertValues(Tensor.of(INF, 1.0).logSumExp(), INF);
        assertValues(Tensor.of(-INF, 0.0).logSumExp(), 0);
        assertThrowsMessage(DTypeException.class, () -> Tensor.of(1L).logSumExp(), "^logSumExp", "int64");
    }

    @Test
    void norms() {
        Tensor v = Tensor.of(3.0, -4.0);
        assertTensor(v.norm(), DType.FLOAT64, shape(), 5);
        assertTensor(v.norm(1, new int[0], false), DType.FLOAT64, shape(), 7);
        assertTensor(v.norm(INF, new int[0], false), DType.FLOAT64, shape(), 4);
        assertTensor(v.norm(3, new int[0], false), DType.FLOAT64, shape(), 4.497941445275415);
        assertTensor(m().norm(2, new int[] {1}, false), DType.FLOAT64, shape(2), 5.916079783099616,
                7.483314773547883);
        assertTensor(m().neg().norm(1, new int[] {0}, false), DType.FLOAT64, shape(3), 5, 7, 9);
        assertTensor(m().neg().norm(INF, new int[] {1}, true), DType.FLOAT64, shape(2, 1), 5, 6);
        assertTensor(cube().norm(2, new int[] {1, 2}, false), DType.FLOAT64, shape(2), 22.494443758403985,
                61.78996682310163);
        assertTensor(Tensor.of(3f, 4f).norm(), DType.FLOAT32, shape(), 5);
        // torch.linalg.vector_norm: ord 0 counts nonzeros, -inf is the smallest magnitude
        assertTensor(Tensor.of(3.0, 0.0, -4.0).norm(0, new int[0], false), DType.FLOAT64, shape(), 2);
        assertTensor(m().sub(3.0).norm(0, new int[] {1}, true), DType.FLOAT64, shape(2, 1), 2, 3);
        assertTensor(Tensor.of(3.0, 0.5, -4.0).norm(-INF, new int[0], false), DType.FLOAT64, shape(), 0.5);
        assertTensor(m().neg().norm(-INF, new int[] {0}, false), DType.FLOAT64, shape(3), 1, 2, 3);
        assertTensor(Tensor.of(1.0, 4.0).norm(0.5, new int[0], false), DType.FLOAT64, shape(), 9);
        assertThrowsMessage(DTypeException.class, () -> Tensor.of(3L, 4L).norm(), "^norm", "int64");
    }

    @Test
    void cumulativeSums() {
        assertTensor(Tensor.of(1.0, 2.0, 3.0, 4.0).cumsum(0), DType.FLOAT64, shape(4), 1, 3, 6, 10);
        assertTensor(m().cumsum(0), DType.FLOAT64, shape(2, 3), 1, 5, 3, 5, 7, 9);
        assertTensor(m().cumsum(1), DType.FLOAT64, shape(2, 3), 1, 6, 9, 4, 6, 12);
        assertTensor(m().cumsum(-1), DType.FLOAT64, shape(2, 3), 1, 6, 9, 4, 6, 12);
        assertTensor(cube().cumsum(1).get(1), DType.FLOAT64, shape(3, 4), 12, 13, 14, 15, 28, 30, 32, 34, 48, 51,
                54, 57);
        assertLongs(Tensor.of(5L, -2L, 10L).cumsum(0), shape(3), 5, 3, 13);
        assertLongs(Tensor.of(true, false, true).cumsum(0), shape(3), 1, 1, 2);
        assertTensor(Tensor.scalar(4.0).cumsum(0), DType.FLOAT32, shape(), 4);
        assertTensor(Tensor.of(0.1f, 0.2f).cumsum(0), DType.FLOAT32, shape(2), 0.1, 0.3);
    }

    @Test
    void reductionsOfNonContiguousInputs() {
        Tensor t = m().T(); // [[1, 4], [5, 2], [3, 6]]
        assertTensor(t.sum(1), DType.FLOAT64, shape(3), 5, 7, 9);
        assertTensor(t.prod(0, false), DType.FLOAT64, shape(2), 15, 48);
        assertTensor(t.mean(0), DType.FLOAT64, shape(2), 3, 4);
        assertTensor(t.cumsum(0), DType.FLOAT64, shape(3, 2), 1, 4, 6, 6, 9, 12);
        assertTensor(t.var(new int[] {0}, 1, false), DType.FLOAT64, shape(2), 4, 4);
        assertTensor(t.logSumExp(0), DType.FLOAT64, shape(2), 5.142931628499899, 6.142931628499899);
        assertLongs(t.argmax(0, false), shape(2), 1, 2);
        Tensor.ValuesIndices r = t.max(0);
        assertTensor(r.values(), DType.FLOAT64, shape(2), 5, 6);
        assertLongs(r.indices(), shape(2), 1, 2);
        r = t.min(1);
        assertTensor(r.values(), DType.FLOAT64, shape(3), 1, 2, 3);
        assertLongs(r.indices(), shape(3), 0, 1, 0);

        Tensor stepped = Tensor.arange(0.0, 10.0, 1.0, DType.FLOAT64).slice(0, 1, 10, 3); // 1, 4, 7
        assertTensor(stepped.sum(), DType.FLOAT64, shape(), 12);
        assertTensor(stepped.cumsum(0), DType.FLOAT64, shape(3), 1, 5, 12);
        assertLongs(stepped.argmax(), shape(), 2);
        assertTensor(stepped.norm(), DType.FLOAT64, shape(), Math.sqrt(66));

        Tensor expanded = Tensor.of(1.0, 2.0, 3.0).expand(4, 3);
        assertTensor(expanded.sum(0), DType.FLOAT64, shape(3), 4, 8, 12);
        assertTensor(expanded.sum(), DType.FLOAT64, shape(), 24);
        assertTensor(expanded.prod(0, false), DType.FLOAT64, shape(3), 1, 16, 81);
        assertTensor(expanded.cumsum(0).get(3), DType.FLOAT64, shape(3), 4, 8, 12);
        assertLongs(expanded.argmax(1, false), shape(4), 2, 2, 2, 2);
        assertTensor(expanded.var(new int[] {0}, 1, false), DType.FLOAT64, shape(3), 0, 0, 0);

        // a middle slice: offset into the storage and a non-unit stride
        Tensor middle = cube().select(2, 1); // [2, 3]: 12i + 4j + 1
        assertTensor(middle.sum(0), DType.FLOAT64, shape(3), 14, 22, 30);
        assertTensor(middle.amax(new int[] {1}, false), DType.FLOAT64, shape(2), 9, 21);
        assertTensor(middle.cumsum(1), DType.FLOAT64, shape(2, 3), 1, 6, 15, 13, 30, 51);
        assertLongs(middle.argmin(1, false), shape(2), 0, 0);
    }

    @Test
    void badDimsNameTheOpAndRank() {
        assertThrowsMessage(IndexException.class, () -> m().sum(2), "^sum", "dimension 2", "rank 2",
                lit("[-2, 1]"));
        assertThrowsMessage(IndexException.class, () -> m().sum(new int[] {0, -2}, false), "^sum",
                "more than once");
        assertThrowsMessage(IndexException.class, () -> m().mean(-3), "^mean", "dimension -3", "rank 2");
        assertThrowsMessage(IndexException.class, () -> m().max(5), "^max", "dimension 5", "rank 2");
        assertThrowsMessage(IndexException.class, () -> m().min(-3, true), "^min", "dimension -3", "rank 2");
        assertThrowsMessage(IndexException.class, () -> m().std(new int[] {2}, 1, false), "^std", "dimension 2");
        assertThrowsMessage(IndexException.class, () -> m().logSumExp(2), "^logSumExp", "dimension 2", "rank 2");
        assertThrowsMessage(IndexException.class, () -> m().norm(2, new int[] {3}, false), "^norm", "dimension 3");
        assertThrowsMessage(IndexException.class, () -> m().norm(INF, new int[] {3}, false), "^norm", "dimension 3");
        assertThrowsMessage(IndexException.class, () -> m().prod(2, false), "^prod", "dimension 2");
        assertThrowsMessage(IndexException.class, () -> m().argmin(2, false), "^argmin", "dimension 2");
        assertThrowsMessage(IndexException.class, () -> m().cumsum(3), "^cumsum", "dimension 3");
        assertThrowsMessage(IndexException.class, () -> m().amax(new int[] {4}, false), "^amax", "dimension 4");
        assertThrowsMessage(IndexException.class, () -> m().var(new int[] {2}, 1, false), "^var", "dimension 2");
        assertThrowsMessage(IndexException.class, () -> Tensor.scalar(1.0).sum(1), "^sum", "rank 0");
        assertEquals(2, m().dim());
    }
}
