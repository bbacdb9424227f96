package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.jgrad.Tolerance.assertLongs;
import static dev.jgrad.Tolerance.assertTensor;
import static dev.jgrad.Tolerance.assertThrowsMessage;
import static dev.jgrad.Tolerance.assertValues;
import static dev.jgrad.Tolerance.lit;
import static dev.jgrad.Tolerance.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cat, stack, split, chunk, unbind, repeat, flip, pad, matmul, dot and outer. */
class TensorStructureTest {

    private static Tensor range(int n) {
        return Tensor.arange(0.0, n, 1.0, DType.FLOAT64);
    }

    private static Tensor m(double[][] rows) {
        return Tensor.of(rows);
    }

    // ------------------------------------------------------------------ cat and stack

    @Test
    void catJoinsAlongAnExistingDim() {
        Tensor a = m(new double[][] {{1, 2}, {3, 4}});
        Tensor b = m(new double[][] {{5, 6}});
        Tensor c = m(new double[][] {{7}, {8}});
        assertTensor(Tensor.cat(0, a, b), DType.FLOAT64, shape(3, 2), 1, 2, 3, 4, 5, 6);
        assertTensor(Tensor.cat(1, a, c), DType.FLOAT64, shape(2, 3), 1, 2, 7, 3, 4, 8);
        assertTensor(Tensor.cat(-1, c, a, c), DType.FLOAT64, shape(2, 4), 7, 1, 2, 7, 8, 3, 4, 8);
        assertTensor(Tensor.cat(List.of(b, a), 0), DType.FLOAT64, shape(3, 2), 5, 6, 1, 2, 3, 4);
        assertTensor(Tensor.cat(0, a), DType.FLOAT64, shape(2, 2), 1, 2, 3, 4);
        assertFalse(Tensor.cat(0, a).sharesStorageWith(a), "cat copies");
        // non-contiguous inputs
        assertTensor(Tensor.cat(0, a.T(), range(6).reshape(3, 2).slice(0, 0, 3, 2)), DType.FLOAT64, shape(4, 2),
                1, 3, 2, 4, 0, 1, 4, 5);
        assertTensor(Tensor.cat(1, Tensor.of(9.0).expand(2, 2), c), DType.FLOAT64, shape(2, 3), 9, 9, 7, 9, 9, 8);
        // dtypes promote; empty 1-d tensors are skipped, as PyTorch
        assertTensor(Tensor.cat(0, Tensor.of(1L, 2L), Tensor.of(0.5f)), DType.FLOAT32, shape(3), 1, 2, 0.5);
        assertTensor(Tensor.cat(0, Tensor.of(1.0f), Tensor.of(2.0)), DType.FLOAT64, shape(2), 1, 2);
        assertTensor(Tensor.cat(0, a, Tensor.zeros(DType.FLOAT64, 0)), DType.FLOAT64, shape(2, 2), 1, 2, 3, 4);
        assertTensor(Tensor.cat(0, a, Tensor.zeros(DType.FLOAT64, 0, 2)), DType.FLOAT64, shape(2, 2), 1, 2, 3, 4);
    }

    @Test
    void catErrors() {
        Tensor a = Tensor.zeros(2, 2);
        assertThrowsMessage(ShapeException.class, () -> Tensor.cat(0, a, Tensor.zeros(3, 3)), "^cat",
                "sizes of tensors must match except in dimension 0", "expected size 2 but got size 3",
                "dimension 1", "position 1", lit("[2, 2]"), lit("[3, 3]"));
        assertThrowsMessage(ShapeException.class, () -> Tensor.cat(1, a, Tensor.zeros(3, 1)), "^cat",
                "except in dimension 1", "dimension 0");
        assertThrowsMessage(ShapeException.class, () -> Tensor.cat(0, a, Tensor.zeros(2)), "^cat", "same rank",
                lit("[2, 2]"), lit("[2]"));
        assertThrowsMessage(ShapeException.class, () -> Tensor.cat(0, Tensor.scalar(1.0)), "^cat",
                "zero-dimensional");
        assertThrowsMessage(ShapeException.class, () -> Tensor.cat(List.of(), 0), "^cat", "non-empty");
        assertThrowsMessage(IndexException.class, () -> Tensor.cat(2, a, a), "^cat", "dimension 2", "rank 2");
    }

    @Test
    void stackJoinsAlongANewDim() {
        Tensor a = Tensor.of(1.0, 2.0, 3.0);
        Tensor b = Tensor.of(4.0, 5.0, 6.0);
        assertTensor(Tensor.stack(0, a, b), DType.FLOAT64, shape(2, 3), 1, 2, 3, 4, 5, 6);
        assertTensor(Tensor.stack(1, a, b), DType.FLOAT64, shape(3, 2), 1, 4, 2, 5, 3, 6);
        assertTensor(Tensor.stack(-1, a, b), DType.FLOAT64, shape(3, 2), 1, 4, 2, 5, 3, 6);
        assertTensor(Tensor.stack(List.of(a, b, a), 0), DType.FLOAT64, shape(3, 3), 1, 2, 3, 4, 5, 6, 1, 2, 3);
        Tensor mat = m(new double[][] {{1, 2}, {3, 4}});
        assertTensor(Tensor.stack(2, mat, mat.T()), DType.FLOAT64, shape(2, 2, 2), 1, 1, 2, 3, 3, 2, 4, 4);
        assertTensor(Tensor.stack(0, Tensor.scalar(1.0), Tensor.scalar(2.0)), DType.FLOAT32, shape(2), 1, 2);
        assertThrowsMessage(ShapeException.class, () -> Tensor.stack(0, a, Tensor.of(1.0, 2.0)), "^stack",
                "equal size", lit("[3]"), "entry 0", lit("[2]"), "entry 1");
        assertThrowsMessage(ShapeException.class, () -> Tensor.stack(List.of(), 0), "^stack", "non-empty");
        assertThrowsMessage(IndexException.class, () -> Tensor.stack(2, a, b), "dimension 2");
    }

    // ------------------------------------------------------------------ split, chunk, unbind

    @Test
    void splitIntoViews() {
        Tensor x = range(5);
        List<Tensor> parts = x.split(2, 0);
        assertEquals(3, parts.size());
        assertTensor(parts.get(0), DType.FLOAT64, shape(2), 0, 1);
        assertTensor(parts.get(1), DType.FLOAT64, shape(2), 2, 3);
        assertTensor(parts.get(2), DType.FLOAT64, shape(1), 4);
        assertTrue(parts.get(2).sharesStorageWith(x));
        parts.get(1).set(0, 20.0);
        assertEquals(20.0, x.get(2).item());

        parts = range(5).split(new int[] {1, 3, 1}, 0);
        assertEquals(3, parts.size());
        assertTensor(parts.get(1), DType.FLOAT64, shape(3), 1, 2, 3);
        assertTensor(parts.get(2), DType.FLOAT64, shape(1), 4);

        Tensor m = range(12).reshape(3, 4);
        parts = m.split(3, 1);
        assertTensor(parts.get(0), DType.FLOAT64, shape(3, 3), 0, 1, 2, 4, 5, 6, 8, 9, 10);
        assertTensor(parts.get(1), DType.FLOAT64, shape(3, 1), 3, 7, 11);
        parts = m.split(new int[] {0, 2, 2}, -1);
        assertArrayEquals(shape(3, 0), parts.get(0).shape());
        assertTensor(parts.get(2), DType.FLOAT64, shape(3, 2), 2, 3, 6, 7, 10, 11);
        parts = m.T().split(new int[] {3, 1}, 0);
        assertTensor(parts.get(1), DType.FLOAT64, shape(1, 3), 3, 7, 11);
        assertEquals(1, m.split(10, 0).size());

        assertThrowsMessage(ShapeException.class, () -> range(5).split(new int[] {1, 2}, 0), "^split",
                lit("[1, 2]"), "add up to 3", "size 5");
        assertThrowsMessage(JgradException.class, () -> range(5).split(0, 0), "^split", "positive");
        assertThrowsMessage(ShapeException.class, () -> range(5).split(new int[] {-1, 6}, 0), "^split",
                lit("[-1, 6]"), "non-negative");
        assertThrowsMessage(IndexException.class, () -> range(5).split(1, 1), "^split", "dimension 1");
    }

    @Test
    void chunkIntoEqualPieces() {
        List<Tensor> c = range(5).chunk(3, 0);
        assertEquals(3, c.size());
        assertTensor(c.get(0), DType.FLOAT64, shape(2), 0, 1);
        assertTensor(c.get(1), DType.FLOAT64, shape(2), 2, 3);
        assertTensor(c.get(2), DType.FLOAT64, shape(1), 4);
        assertEquals(2, range(6).chunk(2, 0).size());
        assertEquals(3, range(6).chunk(4, 0).size(), "ceil(6 / 4) = 2 per chunk gives 3 chunks, as PyTorch");
        assertEquals(2, range(2).chunk(5, 0).size());
        List<Tensor> cols = range(12).reshape(3, 4).chunk(2, 1);
        assertTensor(cols.get(1), DType.FLOAT64, shape(3, 2), 2, 3, 6, 7, 10, 11);
        assertThrowsMessage(JgradException.class, () -> range(5).chunk(0, 0), "^chunk", "positive");
    }

    @Test
    void unbindRemovesTheDim() {
        Tensor m = range(6).reshape(2, 3);
        List<Tensor> rows = m.unbind(0);
        assertEquals(2, rows.size());
        assertTensor(rows.get(1), DType.FLOAT64, shape(3), 3, 4, 5);
        List<Tensor> cols = m.unbind(-1);
        assertEquals(3, cols.size());
        assertTensor(cols.get(2), DType.FLOAT64, shape(2), 2, 5);
        assertTrue(cols.get(2).sharesStorageWith(m));
        assertTensor(m.T().unbind(0).get(1), DType.FLOAT64, shape(2), 1, 4);
        assertThrowsMessage(IndexException.class, () -> m.unbind(2), "^unbind", "dimension 2");
    }

    // ------------------------------------------------------------------ repeat, flip, pad

    @Test
    void repeatTiles() {
        Tensor v = Tensor.of(1.0, 2.0, 3.0);
        assertTensor(v.repeat(2), DType.FLOAT64, shape(6), 1, 2, 3, 1, 2, 3);
        assertTensor(v.repeat(2, 2), DType.FLOAT64, shape(2, 6), 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3);
        Tensor mat = m(new double[][] {{1, 2}, {3, 4}});
        assertTensor(mat.repeat(2, 1), DType.FLOAT64, shape(4, 2), 1, 2, 3, 4, 1, 2, 3, 4);
        assertTensor(mat.repeat(1, 2), DType.FLOAT64, shape(2, 4), 1, 2, 1, 2, 3, 4, 3, 4);
        assertTensor(mat.repeat(2, 1, 1), DType.FLOAT64, shape(2, 2, 2), 1, 2, 3, 4, 1, 2, 3, 4);
        assertTensor(mat.T().repeat(1, 2), DType.FLOAT64, shape(2, 4), 1, 3, 1, 3, 2, 4, 2, 4);
        assertTensor(mat.repeat(0, 1), DType.FLOAT64, shape(0, 2));
        assertLongs(Tensor.scalar(7L).repeat(3), shape(3), 7, 7, 7);
        Tensor r = mat.repeat(1, 1);
        r.set(0, 0, 100.0);
        assertEquals(1.0, mat.get(0, 0).item(), "repeat copies");
        // [3] tiled to [2, 3] could be a zero-stride view; repeat must still give its own contiguous memory
        Tensor tiled = v.repeat(2, 1);
        assertFalse(tiled.sharesStorageWith(v));
        assertArrayEquals(shape(3, 1), tiled.strides());
        tiled.set(0, 0, -1.0);
        assertTensor(tiled, DType.FLOAT64, shape(2, 3), -1, 2, 3, 1, 2, 3);
        Tensor row = Tensor.ones(1, 3);
        assertFalse(row.repeat(1, 1).sharesStorageWith(row));
        assertFalse(v.repeat(1).sharesStorageWith(v));
        assertThrowsMessage(ShapeException.class, () -> mat.repeat(2), "^repeat", "\\(1\\)", "rank \\(2\\)");
        assertThrowsMessage(ShapeException.class, () -> mat.repeat(1, -1), "^repeat", "non-negative");
    }

    @Test
    void flipReverses() {
        Tensor m = range(6).reshape(2, 3);
        assertTensor(m.flip(0), DType.FLOAT64, shape(2, 3), 3, 4, 5, 0, 1, 2);
        assertTensor(m.flip(1), DType.FLOAT64, shape(2, 3), 2, 1, 0, 5, 4, 3);
        assertTensor(m.flip(-1), DType.FLOAT64, shape(2, 3), 2, 1, 0, 5, 4, 3);
        assertTensor(m.flip(0, 1), DType.FLOAT64, shape(2, 3), 5, 4, 3, 2, 1, 0);
        assertTensor(m.T().flip(0), DType.FLOAT64, shape(3, 2), 2, 5, 1, 4, 0, 3);
        assertTensor(range(10).slice(0, 1, 10, 3).flip(0), DType.FLOAT64, shape(3), 7, 4, 1);
        assertTensor(Tensor.of(1.0).expand(2, 2).flip(1), DType.FLOAT64, shape(2, 2), 1, 1, 1, 1);
        assertLongs(Tensor.of(1L, 2L, 3L).flip(0), shape(3), 3, 2, 1);
        Tensor f = m.flip(0);
        assertFalse(f.sharesStorageWith(m), "flip copies, as PyTorch");
        assertTrue(f.isContiguous());
        assertTensor(Tensor.zeros(0, 2).flip(0), DType.FLOAT32, shape(0, 2));
        assertThrowsMessage(IndexException.class, () -> m.flip(2), "^flip", "dimension 2");
        assertThrowsMessage(IndexException.class, () -> m.flip(0, -2), "^flip", "more than once");
    }

    @Test
    void padWithConstantsAndCropWithNegativeAmounts() {
        Tensor v = Tensor.of(1.0, 2.0, 3.0);
        assertTensor(v.pad(new int[] {1, 2}, 0), DType.FLOAT64, shape(6), 0, 1, 2, 3, 0, 0);
        assertTensor(v.pad(new int[] {-1, 1}, 0), DType.FLOAT64, shape(3), 2, 3, 0);
        assertTensor(v.pad(new int[] {0, -2}, 0), DType.FLOAT64, shape(1), 1);
        assertTensor(v.pad(new int[] {-1, -1}, 0), DType.FLOAT64, shape(1), 2);
        assertTensor(v.pad(new int[] {-3, 0}, 0), DType.FLOAT64, shape(0));
        Tensor mat = m(new double[][] {{1, 2}, {3, 4}});
        // (last dim: before 1, after 0), (first dim: before 0, after 1)
        assertTensor(mat.pad(new int[] {1, 0, 0, 1}, 9), DType.FLOAT64, shape(3, 3), 9, 1, 2, 9, 3, 4, 9, 9, 9);
        assertTensor(mat.pad(new int[] {0, 0, -1, 1}, 5), DType.FLOAT64, shape(2, 2), 3, 4, 5, 5);
        assertTensor(mat.T().pad(new int[] {1, 1}, -1), DType.FLOAT64, shape(2, 4), -1, 1, 3, -1, -1, 2, 4, -1);
        assertTensor(mat.pad(new int[0], 1), DType.FLOAT64, shape(2, 2), 1, 2, 3, 4);
        assertLongs(Tensor.of(1L, 2L).pad(new int[] {1, 1}, 7.9), shape(4), 7, 1, 2, 7);
        assertTensor(Tensor.of(1f).pad(new int[] {2, 0}, 0.5), DType.FLOAT32, shape(3), 0.5, 0.5, 1);

        assertThrowsMessage(ShapeException.class, () -> v.pad(new int[] {1, 2, 3}, 0), "^pad", "length 3",
                "even", lit("[3]"));
        assertThrowsMessage(ShapeException.class, () -> v.pad(new int[] {1, 1, 1, 1}, 0), "^pad", "length 4",
                "rank 1");
        assertThrowsMessage(ShapeException.class, () -> v.pad(new int[] {-2, -2}, 0), "^pad", "negative size",
                lit("[-2, -2]"), lit("[3]"));
    }

    // ------------------------------------------------------------------ matmul, dot, outer

    /** Reference batched product of [..., m, k] and [..., k, n] arrays of equal batch (no broadcasting). */
    private static double[] naiveMatmul(double[] a, double[] b, int batch, int m, int k, int n) {
        double[] c = new double[batch * m * n];
        for (int t = 0; t < batch; t++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += a[t * m * k + i * k + p] * b[t * k * n + p * n + j];
                    }
                    c[t * m * n + i * n + j] = s;
                }
            }
        }
        return c;
    }

    @Test
    void matmulOfVectorsAndMatrices() {
        Tensor v3 = Tensor.of(1.0, 2.0, 3.0);
        Tensor a = m(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertTensor(v3.matmul(Tensor.of(4.0, 5.0, 6.0)), DType.FLOAT64, shape(), 32);
        assertTensor(Tensor.of(1.0, 2.0).matmul(a), DType.FLOAT64, shape(3), 9, 12, 15);
        assertTensor(a.matmul(Tensor.of(1.0, 0.0, -1.0)), DType.FLOAT64, shape(2), -2, -2);
        assertTensor(m(new double[][] {{1, 2}, {3, 4}}).matmul(m(new double[][] {{5, 6}, {7, 8}})), DType.FLOAT64,
                shape(2, 2), 19, 22, 43, 50);
        assertTensor(a.matmul(a.T()), DType.FLOAT64, shape(2, 2), 14, 32, 32, 77);
        assertTensor(a.T().matmul(a), DType.FLOAT64, shape(3, 3), 17, 22, 27, 22, 29, 36, 27, 36, 45);
        assertTensor(a.to(DType.FLOAT32).matmul(v3.to(DType.FLOAT32)), DType.FLOAT32, shape(2), 14, 32);
        assertLongs(Tensor.of(new long[][] {{1, 2}, {3, 4}}).matmul(Tensor.of(1L << 40, 1L)), shape(2),
                (1L << 40) + 2, 3 * (1L << 40) + 4);
        assertTensor(Tensor.of(new long[][] {{1, 2}}).matmul(Tensor.of(0.5f, 0.25f)), DType.FLOAT32, shape(1), 1);
        assertTensor(a.matmul(Tensor.of(0.5f, 0.5f, 0.5f)), DType.FLOAT64, shape(2), 3, 7.5);
        // empty inner dim gives zeros
        assertTensor(Tensor.zeros(2, 0).matmul(Tensor.zeros(0, 3)), DType.FLOAT32, shape(2, 3), 0, 0, 0, 0, 0, 0);
    }

    @Test
    void batchedMatmulBroadcastsBatchDims() {
        Tensor a = Tensor.of(new double[][][] {{{1, 2, 3}, {4, 5, 6}}, {{-1, 0, 1}, {2, 2, 2}}});
        Tensor b = m(new double[][] {{1, 0}, {0, 1}, {1, 1}});
        assertTensor(a.matmul(b), DType.FLOAT64, shape(2, 2, 2), 4, 5, 10, 11, 0, 1, 4, 4);
        // [2, 3] @ [2, 3, 2]
        assertTensor(b.T().matmul(a.mT()), DType.FLOAT64, shape(2, 2, 2), 4, 10, 5, 11, 0, 4, 1, 4);
        // 1-d with a batch
        assertTensor(a.matmul(Tensor.of(1.0, 1.0, 1.0)), DType.FLOAT64, shape(2, 2), 6, 15, 0, 6);
        assertTensor(Tensor.of(1.0, -1.0).matmul(a), DType.FLOAT64, shape(2, 3), -3, -3, -3, -3, -2, -1);

        // [2, 1, 2, 3] @ [3, 3, 2] -> [2, 3, 2, 2]
        Tensor x = range(12).reshape(2, 1, 2, 3);
        Tensor y = range(18).sub(9.0).reshape(3, 3, 2);
        Tensor z = x.matmul(y);
        assertArrayEquals(shape(2, 3, 2, 2), z.shape());
        double[] xs = x.expand(2, 3, 2, 3).toDoubleArray();
        double[] ys = y.expand(2, 3, 3, 2).toDoubleArray();
        assertValues(z, naiveMatmul(xs, ys, 6, 2, 3, 2));
        // [4, 1, 3, 2] @ [1, 5, 2, 3] -> [4, 5, 3, 3]: both sides broadcast
        Tensor p = range(24).div(7.0).reshape(4, 1, 3, 2);
        Tensor q = range(30).mul(0.5).reshape(1, 5, 2, 3);
        Tensor r = p.matmul(q);
        assertArrayEquals(shape(4, 5, 3, 3), r.shape());
        assertValues(r, naiveMatmul(p.expand(4, 5, 3, 2).toDoubleArray(), q.expand(4, 5, 2, 3).toDoubleArray(),
                20, 3, 2, 3));
        // non-contiguous batched operands
        Tensor pt = range(24).reshape(2, 3, 4).permute(2, 1, 0); // [4, 3, 2]
        Tensor qt = range(24).reshape(4, 3, 2).mT(); // [4, 2, 3]
        Tensor prod = pt.matmul(qt);
        assertArrayEquals(shape(4, 3, 3), prod.shape());
        assertValues(prod, naiveMatmul(pt.toDoubleArray(), qt.toDoubleArray(), 4, 3, 2, 3));
        Tensor sliced = range(40).reshape(2, 4, 5).slice(2, 1, 5, 2); // [2, 4, 2] with offset and steps
        assertValues(sliced.matmul(pt.get(0).slice(0, 0, 2)),
                naiveMatmul(sliced.toDoubleArray(), pt.get(0).slice(0, 0, 2).expand(2, 2, 2).toDoubleArray(),
                        2, 4, 2, 2));
    }

    @Test
    void matmulErrorsNameTheShapes() {
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(3, 4).matmul(Tensor.zeros(5, 2)),
                "^" + lit("matmul: shapes [3, 4] and [5, 2] cannot be multiplied (4 != 5)") + "$");
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(3).matmul(Tensor.zeros(4)),
                lit("matmul: shapes [3] and [4] cannot be multiplied (3 != 4)"));
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(2)),
                lit("matmul: shapes [2, 3] and [2] cannot be multiplied (3 != 2)"));
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)),
                "^matmul", "batch", lit("[2, 3, 4]"), lit("[3, 4, 5]"));
        assertThrowsMessage(ShapeException.class, () -> Tensor.scalar(1.0).matmul(Tensor.zeros(2)), "^matmul",
                "at least one dimension", lit("[]"), lit("[2]"));
        assertThrowsMessage(DTypeException.class, () -> Tensor.of(true).matmul(Tensor.of(true)), "^matmul", "bool");
    }

    @Test
    void dotAndOuter() {
        Tensor a = Tensor.of(1.0, 2.0, 3.0);
        assertTensor(a.dot(Tensor.of(4.0, 5.0, 6.0)), DType.FLOAT64, shape(), 32);
        assertTensor(range(10).slice(0, 0, 10, 4).dot(a.flip(0)), DType.FLOAT64, shape(), 0 * 3 + 4 * 2 + 8);
        assertLongs(Tensor.of(1L, 2L).dot(Tensor.of(3L, 4L)), shape(), 11);
        assertTensor(Tensor.of(1.0, 2.0).outer(Tensor.of(3.0, 4.0, 5.0)), DType.FLOAT64, shape(2, 3), 3, 4, 5, 6, 8,
                10);
        assertTensor(Tensor.of(1L, 2L).outer(Tensor.of(0.5f)), DType.FLOAT32, shape(2, 1), 0.5, 1);
        assertTensor(a.outer(a).T(), DType.FLOAT64, shape(3, 3), 1, 2, 3, 2, 4, 6, 3, 6, 9);
        assertThrowsMessage(ShapeException.class, () -> a.dot(Tensor.of(1.0, 2.0)), "^dot", "same length",
                lit("[3]"), lit("[2]"));
        assertThrowsMessage(ShapeException.class, () -> a.dot(Tensor.zeros(3, 1)), "^dot", lit("[3, 1]"));
        assertThrowsMessage(ShapeException.class, () -> a.outer(Tensor.zeros(2, 2)), "^outer", lit("[2, 2]"));
    }
}
