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
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Views (reshape, permute, expand, slice, select...) share storage and version with their base; indexing
 * with tensors copies.
 */
class TensorViewTest {

    /** 0, 1, ..., n-1 as float64. */
    private static Tensor range(int n) {
        return Tensor.arange(0.0, n, 1.0, DType.FLOAT64);
    }

    /** Values of a [2, 3, 4] arange permuted to (2, 0, 1): element [k, i, j] = 12i + 4j + k. */
    private static double[] permutedCube() {
        double[] out = new double[24];
        int p = 0;
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    out[p++] = 12 * i + 4 * j + k;
                }
            }
        }
        return out;
    }

    /** Asserts that {@code view} shares storage with {@code base} and that writes go both ways. */
    private static void assertSharesAndWritesThrough(Tensor base, Tensor view, int[] viewIndex, int baseFlatIndex) {
        assertTrue(view.sharesStorageWith(base));
        assertTrue(base.sharesStorageWith(view));
        int before = base.version();
        view.set(viewIndex, Tensor.scalar(-99.0, base.dtype()));
        assertEquals(before + 1, base.version(), "a write through the view bumps the base's version");
        assertEquals(base.version(), view.version(), "views share the version counter");
        assertEquals(-99.0, base.reshape(-1).get(baseFlatIndex).item(), "the write is visible in the base");
        base.reshape(-1).set(baseFlatIndex, 7.0);
        assertEquals(before + 2, view.version());
        assertEquals(7.0, view.get(viewIndex).item(), "a write to the base is visible in the view");
    }

    // ------------------------------------------------------------------ reshape and view

    @Test
    void reshapeOfAContiguousTensorIsAView() {
        Tensor base = range(12);
        Tensor r = base.reshape(3, 4);
        assertTrue(r.isView());
        assertFalse(base.isView());
        assertTensor(r, DType.FLOAT64, shape(3, 4), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertArrayEquals(shape(4, 1), r.strides());
        assertArrayEquals(shape(2, 6), base.reshape(-1, 6).shape());
        assertArrayEquals(shape(2, 2, 3), base.reshape(2, -1, 3).shape());
        assertArrayEquals(shape(12), r.reshape(-1).shape());
        assertArrayEquals(shape(), Tensor.of(5.0).reshape().shape());
        assertArrayEquals(shape(1, 1, 1), Tensor.scalar(5.0).reshape(1, -1, 1).shape());
        assertSharesAndWritesThrough(base, r, shape(1, 2), 6);
        assertArrayEquals(shape(0, 4), Tensor.zeros(0, 2).reshape(-1, 4).shape());
    }

    @Test
    void viewOfANonContiguousTensorFailsAndReshapeCopies() {
        Tensor t = range(12).reshape(3, 4).T(); // [4, 3]: t[i, j] = 4j + i
        assertFalse(t.isContiguous());
        assertThrowsMessage(ShapeException.class, () -> t.view(12), "^view", lit("[12]"), lit("[4, 3]"),
                lit("[1, 4]"), "reshape");
        Tensor flat = t.reshape(12);
        assertFalse(flat.sharesStorageWith(t), "reshape copies when no view can do it");
        assertTensor(flat, DType.FLOAT64, shape(12), 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
        // splitting a dim is always possible without a copy, even for a transposed tensor
        Tensor split = t.view(2, 2, 3);
        assertTrue(split.sharesStorageWith(t));
        assertArrayEquals(shape(2, 1, 4), split.strides());
        assertTensor(split, DType.FLOAT64, shape(2, 2, 3), 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
        Tensor viaReshape = t.reshape(2, 2, 3);
        assertTrue(viaReshape.sharesStorageWith(t), "reshape gives a view where one exists");
        // a column slice: merging the rows needs a copy
        Tensor cols = range(12).reshape(3, 4).slice(1, 0, 3);
        assertThrowsMessage(ShapeException.class, () -> cols.view(9), "^view");
        assertTensor(cols.reshape(9), DType.FLOAT64, shape(9), 0, 1, 2, 4, 5, 6, 8, 9, 10);
        // every second column: rows of stride 4 and columns of stride 2 merge into one dim of stride 2
        Tensor stepped = range(12).reshape(3, 4).slice(1, 0, 4, 2);
        assertTrue(stepped.view(6).sharesStorageWith(stepped));
        assertTensor(stepped.view(6), DType.FLOAT64, shape(6), 0, 2, 4, 6, 8, 10);
    }

    @Test
    void reshapeErrorsNameTheShapes() {
        Tensor x = range(12);
        assertThrowsMessage(ShapeException.class, () -> x.reshape(5), "^reshape", lit("[5]"), "size 12");
        assertThrowsMessage(ShapeException.class, () -> x.reshape(-1, 5), "^reshape", lit("[-1, 5]"), "size 12");
        assertThrowsMessage(ShapeException.class, () -> x.reshape(-1, -1), "^reshape", "only one dimension");
        assertThrowsMessage(ShapeException.class, () -> x.reshape(0, -1), "^reshape", lit("[0, -1]"));
        assertThrowsMessage(ShapeException.class, () -> x.reshape(-2, 6), "^reshape", "-2");
        assertThrowsMessage(ShapeException.class, () -> x.view(2, 5), "^view", lit("[2, 5]"), "size 12");
    }

    // ------------------------------------------------------------------ permute and transposes

    @Test
    void permuteReordersDims() {
        Tensor cube = range(24).reshape(2, 3, 4);
        Tensor p = cube.permute(2, 0, 1);
        assertArrayEquals(shape(4, 2, 3), p.shape());
        assertArrayEquals(shape(1, 12, 4), p.strides());
        assertValues(p, permutedCube());
        assertTensor(cube.permute(-1, -3, -2), DType.FLOAT64, shape(4, 2, 3), permutedCube());
        assertSharesAndWritesThrough(cube, p, shape(3, 1, 2), 12 + 8 + 3);
        assertArrayEquals(shape(), Tensor.scalar(1.0).permute().shape());
        assertThrowsMessage(IndexException.class, () -> cube.permute(0, 1), "^permute", lit("[0, 1]"), "rank 3");
        assertThrowsMessage(IndexException.class, () -> cube.permute(0, 1, 1), "^permute", "repeat");
        assertThrowsMessage(IndexException.class, () -> cube.permute(0, 1, 3), "^permute", "dimension 3", "rank 3");
    }

    @Test
    void transposeTAndMT() {
        Tensor m = range(6).reshape(2, 3);
        assertTensor(m.transpose(0, 1), DType.FLOAT64, shape(3, 2), 0, 3, 1, 4, 2, 5);
        assertTensor(m.transpose(-1, -2), DType.FLOAT64, shape(3, 2), 0, 3, 1, 4, 2, 5);
        assertTensor(m.T(), DType.FLOAT64, shape(3, 2), 0, 3, 1, 4, 2, 5);
        assertTensor(m.mT(), DType.FLOAT64, shape(3, 2), 0, 3, 1, 4, 2, 5);
        assertTensor(m.transpose(1, 1), DType.FLOAT64, shape(2, 3), 0, 1, 2, 3, 4, 5);
        assertTensor(m.T().T(), DType.FLOAT64, shape(2, 3), 0, 1, 2, 3, 4, 5);
        assertTrue(m.T().T().isContiguous());
        assertSharesAndWritesThrough(m, m.T(), shape(2, 1), 5);

        Tensor cube = range(24).reshape(2, 3, 4);
        Tensor mt = cube.mT(); // [2, 4, 3]: [i, k, j] = 12i + 4j + k
        assertArrayEquals(shape(2, 4, 3), mt.shape());
        assertEquals(12 + 8 + 1, mt.get(1, 1, 2).item());
        Tensor t = cube.T(); // [4, 3, 2]: [k, j, i]
        assertArrayEquals(shape(4, 3, 2), t.shape());
        assertEquals(12 + 4 * 2 + 3, t.get(3, 2, 1).item());
        assertTensor(cube.transpose(0, 2).get(3), DType.FLOAT64, shape(3, 2), 3, 15, 7, 19, 11, 23);
        assertTensor(Tensor.of(1.0, 2.0).T(), DType.FLOAT64, shape(2), 1, 2);
        assertTensor(Tensor.scalar(3.0).transpose(0, -1), DType.FLOAT32, shape(), 3);

        assertThrowsMessage(ShapeException.class, () -> Tensor.of(1.0, 2.0).mT(), "^mT", "rank 1", lit("[2]"));
        assertThrowsMessage(IndexException.class, () -> m.transpose(0, 2), "^transpose", "dimension 2", "rank 2");
    }

    // ------------------------------------------------------------------ squeeze, unsqueeze, flatten

    @Test
    void squeezeAndUnsqueeze() {
        Tensor x = range(6).reshape(1, 3, 1, 2);
        assertArrayEquals(shape(3, 2), x.squeeze().shape());
        assertArrayEquals(shape(3, 1, 2), x.squeeze(0).shape());
        assertArrayEquals(shape(1, 3, 1, 2), x.squeeze(1).shape(), "a dim not of size 1 is kept");
        assertArrayEquals(shape(1, 3, 2), x.squeeze(-2).shape());
        assertTrue(x.squeeze().sharesStorageWith(x));
        assertValues(x.squeeze(), 0, 1, 2, 3, 4, 5);
        assertArrayEquals(shape(), Tensor.ones(1, 1).squeeze().shape());
        assertArrayEquals(shape(), Tensor.scalar(1.0).squeeze(0).shape());

        Tensor m = range(6).reshape(2, 3);
        assertArrayEquals(shape(1, 2, 3), m.unsqueeze(0).shape());
        assertArrayEquals(shape(2, 1, 3), m.unsqueeze(1).shape());
        assertArrayEquals(shape(2, 3, 1), m.unsqueeze(2).shape());
        assertArrayEquals(shape(2, 3, 1), m.unsqueeze(-1).shape());
        assertArrayEquals(shape(1, 2, 3), m.unsqueeze(-3).shape());
        assertArrayEquals(shape(1), Tensor.scalar(2.0).unsqueeze(0).shape());
        // unsqueeze of a transposed view is still a view
        Tensor u = m.T().unsqueeze(1);
        assertArrayEquals(shape(3, 1, 2), u.shape());
        assertTensor(u, DType.FLOAT64, shape(3, 1, 2), 0, 3, 1, 4, 2, 5);
        assertSharesAndWritesThrough(m, u, shape(2, 0, 1), 5);

        assertThrowsMessage(IndexException.class, () -> m.unsqueeze(3), "^unsqueeze", "dimension 3", "rank 3");
        assertThrowsMessage(IndexException.class, () -> m.unsqueeze(-4), "^unsqueeze", "dimension -4");
        assertThrowsMessage(IndexException.class, () -> x.squeeze(4), "^squeeze", "dimension 4", "rank 4");
    }

    @Test
    void flatten() {
        Tensor cube = range(24).reshape(2, 3, 4);
        assertArrayEquals(shape(24), cube.flatten().shape());
        assertArrayEquals(shape(2, 12), cube.flatten(1, 2).shape());
        assertArrayEquals(shape(6, 4), cube.flatten(0, 1).shape());
        assertArrayEquals(shape(2, 12), cube.flatten(-2, -1).shape());
        assertArrayEquals(shape(2, 3, 4), cube.flatten(1, 1).shape());
        assertTrue(cube.flatten().sharesStorageWith(cube));
        assertArrayEquals(shape(1), Tensor.scalar(1.0).flatten().shape());
        assertArrayEquals(shape(1), Tensor.scalar(1.0).flatten(0, -1).shape());
        Tensor p = cube.permute(2, 0, 1).flatten(1, 2);
        assertArrayEquals(shape(4, 6), p.shape());
        assertValues(p, permutedCube());
        assertThrowsMessage(IndexException.class, () -> cube.flatten(2, 1), "^flatten", "startDim 2", "endDim 1");
        assertThrowsMessage(IndexException.class, () -> cube.flatten(0, 3), "^flatten", "dimension 3");
    }

    // ------------------------------------------------------------------ expand

    @Test
    void expandBroadcastsWithZeroStrides() {
        Tensor col = Tensor.of(new double[][] {{1}, {2}, {3}});
        Tensor e = col.expand(3, 4);
        assertArrayEquals(shape(1, 0), e.strides());
        assertTensor(e, DType.FLOAT64, shape(3, 4), 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        assertTensor(col.expand(2, 3, 2), DType.FLOAT64, shape(2, 3, 2), 1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3);
        assertTensor(col.expand(-1, 2), DType.FLOAT64, shape(3, 2), 1, 1, 2, 2, 3, 3);
        assertTensor(col.broadcastTo(3, 2), DType.FLOAT64, shape(3, 2), 1, 1, 2, 2, 3, 3);
        assertTensor(Tensor.scalar(5.0).expand(2, 2), DType.FLOAT32, shape(2, 2), 5, 5, 5, 5);
        assertArrayEquals(shape(3, 0), col.expand(3, 0).shape());
        // the expanded view reads the base's memory
        assertTrue(e.sharesStorageWith(col));
        col.set(1, 0, -1.0);
        assertTensor(e.get(1), DType.FLOAT64, shape(4), -1, -1, -1, -1);
        assertEquals(col.version(), e.version());

        assertThrowsMessage(ShapeException.class, () -> col.expand(2, 4), "^expand", "dimension 0", "\\(3\\)",
                lit("[3, 1]"), lit("[2, 4]"));
        assertThrowsMessage(ShapeException.class, () -> col.expand(4), "^expand", "rank");
        assertThrowsMessage(ShapeException.class, () -> col.expand(-1, 3, 1), "^expand", "-1");
        assertThrowsMessage(ShapeException.class, () -> Tensor.of(1.0).expand(-2), "^expand", "invalid size -2",
                lit("[-2]"));
        assertThrowsMessage(ShapeException.class, () -> col.expand(3, -3), "^expand", "-3");
    }

    // ------------------------------------------------------------------ slice, select, get

    @Test
    void sliceHasPythonSemantics() {
        Tensor x = range(10);
        assertTensor(x.slice(0, 2, 5), DType.FLOAT64, shape(3), 2, 3, 4);
        assertTensor(x.slice(0, -3, 10), DType.FLOAT64, shape(3), 7, 8, 9);
        assertTensor(x.slice(0, -3, -1), DType.FLOAT64, shape(2), 7, 8);
        assertTensor(x.slice(0, 1, 10, 3), DType.FLOAT64, shape(3), 1, 4, 7);
        assertTensor(x.slice(0, 0, 10, 4), DType.FLOAT64, shape(3), 0, 4, 8);
        assertTensor(x.slice(0, -100, 100), DType.FLOAT64, shape(10), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertTensor(x.slice(0, 8, 2), DType.FLOAT64, shape(0));
        assertTensor(x.slice(0, 5, 5), DType.FLOAT64, shape(0));
        assertTensor(x.slice(0, 12, 20), DType.FLOAT64, shape(0));
        assertTensor(x.slice(0, 9, 100, 5), DType.FLOAT64, shape(1), 9);
        assertTensor(x.slice(-1, 3, 6).slice(0, 1, 3), DType.FLOAT64, shape(2), 4, 5);
        Tensor s = x.slice(0, 2, 8, 2);
        assertEquals(2, s.storageOffset());
        assertArrayEquals(shape(2), s.strides());
        assertSharesAndWritesThrough(x, s, shape(1), 4);

        Tensor m = range(12).reshape(3, 4);
        assertTensor(m.slice(1, 1, 4, 2), DType.FLOAT64, shape(3, 2), 1, 3, 5, 7, 9, 11);
        assertTensor(m.slice(-2, -1, 3), DType.FLOAT64, shape(1, 4), 8, 9, 10, 11);
        assertTensor(m.slice(0, 0, 3, 2).slice(1, 3, 0), DType.FLOAT64, shape(2, 0));
        assertSharesAndWritesThrough(m, m.slice(1, 1, 4, 2), shape(2, 1), 11);

        assertThrowsMessage(IndexException.class, () -> x.slice(0, 0, 5, 0), "^slice", "step", "0");
        assertThrowsMessage(IndexException.class, () -> x.slice(0, 5, 0, -1), "^slice", "step", "-1");
        assertThrowsMessage(IndexException.class, () -> m.slice(2, 0, 1), "^slice", "dimension 2", "rank 2");
        assertThrowsMessage(IndexException.class, () -> Tensor.scalar(1.0).slice(0, 0, 1), "^slice", "0-d");
    }

    @Test
    void selectAndGet() {
        Tensor m = range(12).reshape(3, 4);
        assertTensor(m.select(0, 1), DType.FLOAT64, shape(4), 4, 5, 6, 7);
        assertTensor(m.select(1, -1), DType.FLOAT64, shape(3), 3, 7, 11);
        assertTensor(m.select(-1, 0), DType.FLOAT64, shape(3), 0, 4, 8);
        assertTensor(m.get(2), DType.FLOAT64, shape(4), 8, 9, 10, 11);
        assertTensor(m.get(1, 2), DType.FLOAT64, shape(), 6);
        assertTensor(m.get(-1, -4), DType.FLOAT64, shape(), 8);
        assertSame(m, m.get());
        assertTensor(m.T().get(1), DType.FLOAT64, shape(3), 1, 5, 9);
        assertSharesAndWritesThrough(m, m.select(1, 2), shape(1), 6);
        assertSharesAndWritesThrough(m, m.get(2, 3), shape(), 11);
        assertThrowsMessage(IndexException.class, () -> m.select(1, 4), "^select", "index 4", "dimension 1",
                "size 4", lit("[3, 4]"));
        assertThrowsMessage(IndexException.class, () -> m.get(-4), "^select", "index -4", "size 3");
        assertThrowsMessage(IndexException.class, () -> m.get(1, 2, 3), "^get", "too many indices \\(3\\)", "rank 2");
        assertThrowsMessage(IndexException.class, () -> Tensor.scalar(1.0).select(0, 0), "^select", "0-d");
    }

    // ------------------------------------------------------------------ advanced indexing (copies)

    @Test
    void indexWithAnIntTensorPicksRows() {
        Tensor m = range(12).reshape(3, 4);
        Tensor rows = m.index(Tensor.of(2L, 0L, 2L));
        assertTensor(rows, DType.FLOAT64, shape(3, 4), 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11);
        assertFalse(rows.sharesStorageWith(m), "advanced indexing copies");
        assertTensor(m.index(Tensor.of(new long[][] {{0, 1}, {2, -1}})), DType.FLOAT64, shape(2, 2, 4),
                0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 8, 9, 10, 11);
        assertTensor(m.index(Tensor.of(-3L)), DType.FLOAT64, shape(1, 4), 0, 1, 2, 3);
        assertTensor(m.index(Tensor.scalar(1L)), DType.FLOAT64, shape(4), 4, 5, 6, 7);
        assertTensor(m.index(Tensor.zeros(DType.INT64, 0)), DType.FLOAT64, shape(0, 4));
        assertTensor(m.T().index(Tensor.of(3L, 1L)), DType.FLOAT64, shape(2, 3), 3, 7, 11, 1, 5, 9);
        assertLongs(Tensor.of(10L, 20L, 30L).index(Tensor.of(new long[][] {{2, 2}, {0, -2}})), shape(2, 2),
                30, 30, 10, 20);
        assertThrowsMessage(IndexException.class, () -> m.index(Tensor.of(3L)), "^indexSelect", "index 3",
                "out of bounds", "dimension 0", "size 3");
        assertThrowsMessage(IndexException.class, () -> m.index(Tensor.of(-4L)), "index -4", "size 3");
    }

    @Test
    void indexSelectAlongAnyDim() {
        Tensor m = range(12).reshape(3, 4);
        assertTensor(m.indexSelect(1, Tensor.of(3L, 0L)), DType.FLOAT64, shape(3, 2), 3, 0, 7, 4, 11, 8);
        assertTensor(m.indexSelect(-1, Tensor.of(new long[][] {{1}, {-1}})), DType.FLOAT64, shape(3, 2, 1),
                1, 3, 5, 7, 9, 11);
        assertTensor(m.indexSelect(0, Tensor.of(1L, 1L)), DType.FLOAT64, shape(2, 4), 4, 5, 6, 7, 4, 5, 6, 7);
        Tensor cube = range(24).reshape(2, 3, 4);
        assertTensor(cube.indexSelect(1, Tensor.of(2L)), DType.FLOAT64, shape(2, 1, 4), 8, 9, 10, 11, 20, 21, 22, 23);
        assertTensor(cube.permute(2, 0, 1).indexSelect(2, Tensor.of(0L, 2L)), DType.FLOAT64, shape(4, 2, 2),
                0, 8, 12, 20, 1, 9, 13, 21, 2, 10, 14, 22, 3, 11, 15, 23);
        assertThrowsMessage(DTypeException.class, () -> m.indexSelect(0, Tensor.of(1f)), "^indexSelect", "int64",
                "float32");
        assertThrowsMessage(IndexException.class, () -> m.indexSelect(1, Tensor.of(4L)), "^indexSelect", "index 4",
                "dimension 1", "size 4");
        assertThrowsMessage(IndexException.class, () -> m.indexSelect(2, Tensor.of(0L)), "^indexSelect",
                "dimension 2", "rank 2");
    }

    @Test
    void indexWithABoolMask() {
        Tensor m = range(12).reshape(3, 4);
        assertTensor(m.index(m.gt(8.5)), DType.FLOAT64, shape(3), 9, 10, 11);
        // a mask over the leading dim picks whole rows, as x[mask] in PyTorch
        assertTensor(m.index(Tensor.of(true, false, true)), DType.FLOAT64, shape(2, 4), 0, 1, 2, 3, 8, 9, 10, 11);
        Tensor square = range(4).reshape(2, 2);
        assertTensor(square.index(Tensor.of(false, true)), DType.FLOAT64, shape(1, 2), 2, 3);
        Tensor cube = range(24).reshape(2, 3, 4);
        Tensor mask = Tensor.of(new boolean[][] {{true, false, false}, {false, false, true}});
        assertTensor(cube.index(mask), DType.FLOAT64, shape(2, 4), 0, 1, 2, 3, 20, 21, 22, 23);
        assertTensor(m.index(Tensor.zeros(DType.BOOL, 3)), DType.FLOAT64, shape(0, 4));
        assertTensor(m.T().index(m.T().lt(2.0)), DType.FLOAT64, shape(2), 0, 1);
        assertThrowsMessage(IndexException.class, () -> m.index(Tensor.of(true, false)), "^index", "mask", lit("[2]"),
                lit("[3, 4]"));
        assertThrowsMessage(IndexException.class, () -> m.index(Tensor.zeros(DType.BOOL, 3, 4, 1)), "^index",
                lit("[3, 4, 1]"), lit("[3, 4]"));
        // a 0-d mask adds a dim of size 1 or 0
        assertTensor(Tensor.of(1.0, 2.0).index(Tensor.scalar(true)), DType.FLOAT64, shape(1, 2), 1, 2);
        assertTensor(Tensor.zeros(3, 0).index(Tensor.of(true, true, false)), DType.FLOAT32, shape(2, 0));
    }

    @Test
    void maskedSelectBroadcastsTheMaskAndReturnsOneDim() {
        Tensor m = range(12).reshape(3, 4);
        assertTensor(m.maskedSelect(m.gt(5.5)), DType.FLOAT64, shape(6), 6, 7, 8, 9, 10, 11);
        assertTensor(m.maskedSelect(Tensor.of(true, false, false, true)), DType.FLOAT64, shape(6), 0, 3, 4, 7, 8, 11);
        // a mask as long as the first dim still broadcasts against the last (torch.masked_select)
        Tensor square = range(4).reshape(2, 2);
        assertTensor(square.maskedSelect(Tensor.of(true, false)), DType.FLOAT64, shape(2), 0, 2);
        assertTensor(m.maskedSelect(Tensor.of(new boolean[][] {{true}, {false}, {true}})), DType.FLOAT64, shape(8),
                0, 1, 2, 3, 8, 9, 10, 11);
        assertTensor(Tensor.of(5.0).maskedSelect(Tensor.of(true, false, true)), DType.FLOAT64, shape(2), 5, 5);
        assertTensor(m.maskedSelect(Tensor.scalar(false)), DType.FLOAT64, shape(0));
        assertThrowsMessage(DTypeException.class, () -> m.maskedSelect(Tensor.of(1L)), "^maskedSelect", "bool",
                "int64");
        assertThrowsMessage(ShapeException.class, () -> m.maskedSelect(Tensor.of(true, false)), "^maskedSelect",
                "cannot be broadcast", lit("[3, 4]"), lit("[2]"));
    }

    @Test
    void nonzeroListsCoordinates() {
        assertLongs(Tensor.of(new double[][] {{0, 1}, {2, 0}}).nonzero(), shape(2, 2), 0, 1, 1, 0);
        assertLongs(Tensor.of(0L, 3L, 0L, -1L).nonzero(), shape(2, 1), 1, 3);
        assertLongs(Tensor.of(true, false, true).nonzero(), shape(2, 1), 0, 2);
        assertLongs(Tensor.zeros(2, 3).nonzero(), shape(0, 2));
        assertLongs(range(24).reshape(2, 3, 4).gt(21.5).nonzero(), shape(2, 3), 1, 2, 2, 1, 2, 3);
        assertLongs(range(6).reshape(2, 3).T().nonzero(), shape(5, 2), 0, 1, 1, 0, 1, 1, 2, 0, 2, 1);
        assertLongs(Tensor.of(Double.NaN, 0.0).nonzero(), shape(1, 1), 0);
    }

    // ------------------------------------------------------------------ copies and aliases

    @Test
    void contiguousCloneAndDetach() {
        Tensor m = range(6).reshape(2, 3);
        assertSame(m, m.contiguous());
        Tensor t = m.T();
        Tensor c = t.contiguous();
        assertTrue(c.isContiguous());
        assertFalse(c.sharesStorageWith(m));
        assertArrayEquals(shape(2, 1), c.strides());
        assertTensor(c, DType.FLOAT64, shape(3, 2), 0, 3, 1, 4, 2, 5);

        Tensor k = m.clone();
        assertFalse(k.sharesStorageWith(m));
        assertTensor(k, DType.FLOAT64, shape(2, 3), 0, 1, 2, 3, 4, 5);
        k.set(0, 0, 100.0);
        assertEquals(0.0, m.get(0, 0).item(), "a clone is independent");
        assertEquals(0, m.version());
        Tensor kt = t.clone();
        assertTrue(kt.isContiguous());
        assertTensor(kt, DType.FLOAT64, shape(3, 2), 0, 3, 1, 4, 2, 5);
        assertLongs(Tensor.of(1L, 2L).slice(0, 1, 2).clone(), shape(1), 2);
        assertEquals(0, Tensor.of(1L, 2L).slice(0, 1, 2).clone().storageOffset());

        Tensor leaf = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor d = leaf.detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.sharesStorageWith(leaf));
        d.set(1, 5.0);
        assertEquals(5.0, leaf.get(1).item(), "detach aliases the data");
        assertEquals(1, leaf.version(), "and shares the version counter");
        Tensor dt = t.detach();
        assertArrayEquals(t.strides(), dt.strides());
        assertTensor(dt, DType.FLOAT64, shape(3, 2), 0, 3, 1, 4, 2, 5);
    }

    @Test
    void viewsOfViewsShareOneVersionCounter() {
        Tensor base = range(24);
        Tensor v = base.reshape(2, 3, 4).permute(1, 2, 0).slice(1, 1, 4, 2).select(0, 2);
        // v[k, i] = base[12i + 4*2 + (1 + 2k)]
        assertTensor(v, DType.FLOAT64, shape(2, 2), 9, 21, 11, 23);
        int before = base.version();
        v.addInPlace(Tensor.of(100.0, 200.0));
        assertEquals(before + 1, base.version());
        assertEquals(base.version(), v.version());
        assertTensor(v, DType.FLOAT64, shape(2, 2), 109, 221, 111, 223);
        assertValues(base.index(Tensor.of(9L, 11L, 21L, 23L)), 109, 111, 221, 223);
        assertEquals(276 + 600, base.sum().item(), "0 + ... + 23 plus what was added");
        assertBools(base.ne(range(24)), shape(24), seqBools(24, 9, 11, 21, 23));
    }

    private static boolean[] seqBools(int n, int... trueAt) {
        boolean[] out = new boolean[n];
        for (int i : trueAt) {
            out[i] = true;
        }
        return out;
    }
}
