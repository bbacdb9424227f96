package dev.jgrad;

import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static dev.jgrad.Tolerance.assertBools;
import static dev.jgrad.Tolerance.assertLongs;
import static dev.jgrad.Tolerance.assertTensor;
import static dev.jgrad.Tolerance.assertThrowsMessage;
import static dev.jgrad.Tolerance.assertValues;
import static dev.jgrad.Tolerance.lit;
import static dev.jgrad.Tolerance.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * In-place ops: results, broadcasting of the operand, dtype rules (the result must be castable to the
 * written tensor's dtype), writes through views, and the version counter.
 */
class TensorInPlaceTest {

    /** [[1, 2, 3], [4, 5, 6]] float64. */
    private static Tensor m() {
        return Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    }

    @Test
    void arithmeticInPlaceReturnsThisAndBumpsTheVersion() {
        Tensor x = m();
        assertEquals(0, x.version());
        assertSame(x, x.addInPlace(Tensor.of(10.0, 20.0, 30.0)));
        assertTensor(x, DType.FLOAT64, shape(2, 3), 11, 22, 33, 14, 25, 36);
        assertEquals(1, x.version());
        assertSame(x, x.subInPlace(Tensor.of(new double[][] {{1}, {4}})));
        assertTensor(x, DType.FLOAT64, shape(2, 3), 10, 21, 32, 10, 21, 32);
        assertSame(x, x.mulInPlace(Tensor.of(0.5, 1.0, 2.0)));
        assertTensor(x, DType.FLOAT64, shape(2, 3), 5, 21, 64, 5, 21, 64);
        assertSame(x, x.divInPlace(Tensor.scalar(4.0, DType.FLOAT64)));
        assertTensor(x, DType.FLOAT64, shape(2, 3), 1.25, 5.25, 16, 1.25, 5.25, 16);
        assertEquals(4, x.version());
        x.addInPlace(1.0).subInPlace(0.25).mulInPlace(2.0).divInPlace(0.5);
        assertTensor(x, DType.FLOAT64, shape(2, 3), 8, 24, 67, 8, 24, 67);
        assertEquals(8, x.version());
        x.addInPlace(x);
        assertTensor(x, DType.FLOAT64, shape(2, 3), 16, 48, 134, 16, 48, 134);
    }

    /** addInPlace / subInPlace with alpha: this +=/-= alpha * other, the bits of the two ops they stand for. */
    @Test
    void scaledAddAndSubInPlace() {
        Tensor x = m();
        assertSame(x, x.addInPlace(Tensor.of(10.0, 20.0, 30.0), 0.5));
        assertTensor(x, DType.FLOAT64, shape(2, 3), 6, 12, 18, 9, 15, 21);
        assertSame(x, x.subInPlace(Tensor.of(new double[][] {{2}, {4}}), 1.5));
        assertTensor(x, DType.FLOAT64, shape(2, 3), 3, 9, 15, 3, 9, 15);
        x.subInPlace(Tensor.scalar(2.0, DType.FLOAT64), -1);
        assertTensor(x, DType.FLOAT64, shape(2, 3), 5, 11, 17, 5, 11, 17);
        assertEquals(3, x.version());

        // float32, dense, large enough to run on several threads: the fused pass equals p - g * lr bit for bit
        Generator gen = new Generator(4);
        Tensor p = gen.randn(300, 1001);
        Tensor g = gen.randn(300, 1001);
        Tensor expected = p.sub(g.mul(0.01));
        p.subInPlace(g, 0.01);
        assertEquals(0, p.sub(expected).abs().max().item(), "bitwise as sub(mul)");
        Tensor q = gen.randn(7, 5);
        Tensor qExpected = q.add(Tensor.of(3f).mul(-0.3));
        q.addInPlace(Tensor.of(3f), -0.3);
        assertEquals(0, q.sub(qExpected).abs().max().item(), "a broadcast scalar, bitwise");

        // a float64 operand into a float32 target, and a transposed view as target: the unfused path, same values
        Tensor f = Tensor.of(1f, 2f);
        f.addInPlace(Tensor.of(0.1, 0.2), 2);
        assertTensor(f, DType.FLOAT32, shape(2), 1.2f, 2.4f);
        Tensor t = m();
        t.T().subInPlace(Tensor.of(1.0, 1.0), 3);
        assertTensor(t, DType.FLOAT64, shape(2, 3), -2, -1, 0, 1, 2, 3);
    }

    /** Recorded like this.add(other.mul(alpha)): the gradient reaching other is alpha times this one's. */
    @Test
    void scaledInPlaceIsDifferentiable() {
        Tensor w = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor o = Tensor.of(3.0, 4.0).requiresGrad(true);
        Tensor y = w.mul(2.0);
        y.addInPlace(o, 0.5).subInPlace(w, 4).mul(Tensor.of(1.0, 10.0)).sum().backward();
        assertTensor(y.detach(), DType.FLOAT64, shape(2), -0.5, -2);
        assertTensor(w.grad(), DType.FLOAT64, shape(2), -2, -20);
        assertTensor(o.grad(), DType.FLOAT64, shape(2), 0.5, 5);
    }

    @Test
    void scaledInPlaceErrorsNameTheOp() {
        Tensor i = Tensor.of(1L, 2L);
        assertThrowsMessage(DTypeException.class, () -> i.addInPlace(Tensor.of(1L, 1L), 0.5), "^addInPlace",
                "can't be cast", "int64");
        assertThrowsMessage(ShapeException.class, () -> Tensor.zeros(3).subInPlace(Tensor.zeros(2, 3), 0.1),
                "^subInPlace", lit("[3]"), lit("[2, 3]"));
        Tensor leaf = Tensor.zeros(3).requiresGrad(true);
        assertThrowsMessage(AutogradException.class, () -> leaf.subInPlace(Tensor.ones(3), 0.1), "^subInPlace",
                "leaf");
        assertEquals(0, i.version());
        try (GradMode ignored = GradMode.noGrad()) {
            leaf.subInPlace(Tensor.ones(3), 0.1); // an SGD step: allowed without recording
        }
        assertTensor(leaf, DType.FLOAT32, shape(3), -0.1f, -0.1f, -0.1f);
    }

    @Test
    void inPlaceConvertsTheResultToTheTargetDtype() {
        Tensor f = Tensor.of(1f, 2f);
        f.addInPlace(Tensor.of(0.1, 0.2));
        assertTensor(f, DType.FLOAT32, shape(2), 1.1f, 2.2f);
        f.mulInPlace(Tensor.of(2L, 3L));
        assertTensor(f, DType.FLOAT32, shape(2), 2.2f, 6.6f);

        Tensor i = Tensor.of(1L, 2L, 3L);
        i.addInPlace(Tensor.of(10L));
        i.mulInPlace(Tensor.of(true, false, true));
        assertLongs(i, shape(3), 11, 0, 13);
        i.subInPlace(Tensor.scalar(1L));
        assertLongs(i, shape(3), 10, -1, 12);
        assertEquals(3, i.version());
    }

    @Test
    void integerTensorsTakeIntegerScalarsInPlace() {
        Tensor i = Tensor.of(1L, 2L, 3L);
        i.addInPlace(2);
        assertLongs(i, shape(3), 3, 4, 5);
        i.subInPlace(1L);
        assertLongs(i, shape(3), 2, 3, 4);
        i.mulInPlace(3);
        assertLongs(i, shape(3), 6, 9, 12);
        assertEquals(3, i.version());
        Tensor f = Tensor.of(1f);
        f.addInPlace(2);
        assertTensor(f, DType.FLOAT32, shape(1), 3);
    }

    @Test
    void resultsThatCannotBeCastFailWithoutWriting() {
        Tensor i = Tensor.of(1L, 2L);
        assertThrowsMessage(DTypeException.class, () -> i.addInPlace(2.5), "^addInPlace", "float32",
                "can't be cast", "int64");
        assertThrowsMessage(DTypeException.class, () -> i.addInPlace(Tensor.of(0.5f, 0.5f)), "^addInPlace",
                "can't be cast");
        assertThrowsMessage(DTypeException.class, () -> i.mulInPlace(2.0), "^mulInPlace", "can't be cast");
        // true division gives float even for two ints
        assertThrowsMessage(DTypeException.class, () -> i.divInPlace(Tensor.of(2L)), "^divInPlace", "float32",
                "can't be cast", "int64");
        assertThrowsMessage(DTypeException.class, () -> i.divInPlace(2), "^divInPlace", "can't be cast");
        assertThrowsMessage(DTypeException.class, () -> i.subInPlace(Tensor.of(1.0)), "^subInPlace", "float64",
                "can't be cast");
        Tensor b = Tensor.of(true, false);
        assertThrowsMessage(DTypeException.class, () -> b.addInPlace(Tensor.of(1L)), "^addInPlace", "int64",
                "can't be cast", "bool");
        assertLongs(i, shape(2), 1, 2);
        assertEquals(0, i.version(), "a failed in-place op writes nothing");
        assertEquals(0, b.version());
    }

    @Test
    void operandsMustBroadcastToTheTargetShape() {
        Tensor x = Tensor.zeros(3);
        assertThrowsMessage(ShapeException.class, () -> x.addInPlace(Tensor.zeros(2, 3)), "^addInPlace",
                "output with shape " + lit("[3]"), "broadcast shape " + lit("[2, 3]"));
        assertThrowsMessage(ShapeException.class, () -> x.mulInPlace(Tensor.zeros(4)), "^mulInPlace",
                "cannot be broadcast", lit("[3]"), lit("[4]"));
        assertThrowsMessage(ShapeException.class, () -> x.copyInPlace(Tensor.zeros(2)), "^copyInPlace",
                "cannot be broadcast", lit("[3]"), lit("[2]"));
        assertThrowsMessage(ShapeException.class, () -> x.copyInPlace(Tensor.zeros(1, 3)), "^copyInPlace",
                lit("[1, 3]"));
        assertThrowsMessage(ShapeException.class, () -> x.maskedFillInPlace(Tensor.zeros(DType.BOOL, 2, 3), 1),
                "^maskedFillInPlace", lit("[3]"), lit("[2, 3]"));
        assertEquals(0, x.version());
    }

    @Test
    void expandedTargetsAreRejected() {
        Tensor base = Tensor.of(1.0, 2.0);
        Tensor e = base.expand(3, 2);
        for (Consumer<Tensor> op : java.util.List.<Consumer<Tensor>>of(t -> t.addInPlace(1.0),
                t -> t.mulInPlace(Tensor.of(2.0)), t -> t.fillInPlace(0), t -> t.zeroInPlace(),
                t -> t.copyInPlace(Tensor.ones(DType.FLOAT64, 3, 2)),
                t -> t.maskedFillInPlace(Tensor.of(true, false), 0))) {
            assertThrowsMessage(JgradException.class, () -> op.accept(e), "InPlace: unsupported operation",
                    "single memory location", lit("[3, 2]"), lit("[0, 1]"));
        }
        assertTensor(base, DType.FLOAT64, shape(2), 1, 2);
        assertEquals(0, base.version());
        // expanding to size 1 overlaps nothing
        Tensor one = Tensor.of(5.0).expand(1, 1);
        one.addInPlace(1.0);
        assertTensor(one, DType.FLOAT64, shape(1, 1), 6);
    }

    @Test
    void zeroAndFill() {
        Tensor x = m();
        assertSame(x, x.fillInPlace(-2.5));
        assertTensor(x, DType.FLOAT64, shape(2, 3), -2.5, -2.5, -2.5, -2.5, -2.5, -2.5);
        assertSame(x, x.zeroInPlace());
        assertTensor(x, DType.FLOAT64, shape(2, 3), 0, 0, 0, 0, 0, 0);
        assertEquals(2, x.version());
        Tensor f = Tensor.ones(2);
        f.fillInPlace(0.1);
        assertTensor(f, DType.FLOAT32, shape(2), 0.1f, 0.1f);
    }

    @Test
    void zeroAndFillOfIntAndBoolTensors() {
        Tensor i = Tensor.of(1L, 2L, 3L);
        i.zeroInPlace();
        assertLongs(i, shape(3), 0, 0, 0);
        i.fillInPlace(7);
        assertLongs(i, shape(3), 7, 7, 7);
        i.fillInPlace(-2.7); // the value is cast, as torch's fill_
        assertLongs(i, shape(3), -2, -2, -2);
        assertEquals(3, i.version());
        Tensor b = Tensor.of(true, false);
        b.fillInPlace(1);
        assertBools(b, shape(2), true, true);
        b.zeroInPlace();
        assertBools(b, shape(2), false, false);
        assertEquals(2, b.version());
    }

    @Test
    void copyBroadcastsAndConverts() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 2, 3);
        assertSame(x, x.copyInPlace(Tensor.of(1.0, 2.0, 3.0)));
        assertTensor(x, DType.FLOAT64, shape(2, 3), 1, 2, 3, 1, 2, 3);
        x.copyInPlace(Tensor.of(new float[][] {{0.5f}, {1.5f}}));
        assertTensor(x, DType.FLOAT64, shape(2, 3), 0.5, 0.5, 0.5, 1.5, 1.5, 1.5);
        x.copyInPlace(Tensor.of(new long[][] {{1, 2}, {3, 4}, {5, 6}}).T());
        assertTensor(x, DType.FLOAT64, shape(2, 3), 1, 3, 5, 2, 4, 6);
        assertEquals(3, x.version());

        Tensor i = Tensor.zeros(DType.INT64, 4);
        i.copyInPlace(Tensor.of(-2.7, -0.5, 0.5, 2.7));
        assertLongs(i, shape(4), -2, 0, 0, 2);
        Tensor f = Tensor.zeros(2);
        f.copyInPlace(Tensor.of(true, false));
        assertTensor(f, DType.FLOAT32, shape(2), 1, 0);
        Tensor b = Tensor.zeros(DType.BOOL, 3);
        b.copyInPlace(Tensor.of(0.0, -1.5, 2.0));
        assertBools(b, shape(3), false, true, true);
        b.copyInPlace(Tensor.of(true, false, true));
        assertBools(b, shape(3), true, false, true);
        b.copyInPlace(Tensor.of(0L, 0L, 5L));
        assertBools(b, shape(3), false, false, true);
        Tensor s = Tensor.scalar(0.0);
        s.copyInPlace(Tensor.scalar(4.0, DType.FLOAT64));
        assertTensor(s, DType.FLOAT32, shape(), 4);
        // copy does not drop dims: [1] into [] fails, as torch's copy_
        assertThrowsMessage(ShapeException.class, () -> s.copyInPlace(Tensor.of(5.0)), "^copyInPlace",
                "output with shape " + lit("[]"), lit("[1]"));
    }

    @Test
    void setWritesElementsRowsAndBlocks() {
        Tensor v = Tensor.zeros(DType.FLOAT64, 3);
        assertSame(v, v.set(1, 5.0));
        v.set(-1, Tensor.of(7.0));
        assertTensor(v, DType.FLOAT64, shape(3), 0, 5, 7);
        assertEquals(2, v.version());

        Tensor x = m();
        x.set(0, 2, -3.0);
        x.set(1, 0, Tensor.scalar(-4.0));
        assertTensor(x, DType.FLOAT64, shape(2, 3), 1, 2, -3, -4, 5, 6);
        x.set(1, Tensor.of(7.0, 8.0, 9.0));
        assertTensor(x, DType.FLOAT64, shape(2, 3), 1, 2, -3, 7, 8, 9);
        x.set(0, 0.0); // a whole row from a scalar
        assertTensor(x, DType.FLOAT64, shape(2, 3), 0, 0, 0, 7, 8, 9);
        x.set(new int[] {1}, Tensor.of(1.0));
        assertTensor(x, DType.FLOAT64, shape(2, 3), 0, 0, 0, 1, 1, 1);
        x.set(new int[] {-2, -1}, Tensor.of(9.0));
        assertTensor(x, DType.FLOAT64, shape(2, 3), 0, 0, 9, 1, 1, 1);
        assertEquals(6, x.version());

        Tensor cube = Tensor.zeros(DType.FLOAT64, 2, 2, 2);
        cube.set(new int[] {1}, Tensor.of(new double[][] {{1, 2}, {3, 4}}));
        cube.set(new int[] {0, 1, 0}, Tensor.scalar(-1.0));
        assertTensor(cube, DType.FLOAT64, shape(2, 2, 2), 0, 0, -1, 0, 1, 2, 3, 4);
        // leading size-1 dims of the value are dropped, as x[i] = value in PyTorch
        cube.set(new int[] {0}, Tensor.full(6, DType.FLOAT64, 1, 1, 2, 2));
        cube.set(1, 1, Tensor.of(new double[][] {{8, 9}}));
        assertTensor(cube, DType.FLOAT64, shape(2, 2, 2), 6, 6, 6, 6, 1, 2, 8, 9);

        Tensor i = Tensor.zeros(DType.INT64, 2);
        i.set(0, 2.9);
        assertLongs(i, shape(2), 2, 0);
        Tensor b = Tensor.zeros(DType.BOOL, 2);
        b.set(1, 1.0);
        assertBools(b, shape(2), false, true);

        assertThrowsMessage(IndexException.class, () -> x.set(2, 0.0), "^select", "index 2", "size 2");
        assertThrowsMessage(IndexException.class, () -> x.set(0, 3, 0.0), "^select", "index 3", "size 3");
        assertThrowsMessage(ShapeException.class, () -> x.set(0, Tensor.of(1.0, 2.0)), "^copyInPlace",
                lit("[3]"), lit("[2]"));
    }

    @Test
    void maskedFill() {
        Tensor x = m();
        assertSame(x, x.maskedFillInPlace(x.gt(3.5), -1));
        assertTensor(x, DType.FLOAT64, shape(2, 3), 1, 2, 3, -1, -1, -1);
        x.maskedFillInPlace(Tensor.of(true, false, true), 0);
        assertTensor(x, DType.FLOAT64, shape(2, 3), 0, 2, 0, 0, -1, 0);
        x.maskedFillInPlace(Tensor.scalar(true), Double.NaN);
        assertValues(x, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        assertEquals(3, x.version());
        assertThrowsMessage(DTypeException.class, () -> x.maskedFillInPlace(Tensor.of(1.0), 0), "^maskedFillInPlace",
                "bool", "float64");
    }

    @Test
    void maskedFillOfIntAndBoolTensorsCastsTheValue() {
        Tensor i = Tensor.of(1L, 2L, 3L);
        i.maskedFillInPlace(Tensor.of(false, true, true), 9);
        assertLongs(i, shape(3), 1, 9, 9);
        i.maskedFillInPlace(Tensor.of(true, false, false), -2.5);
        assertLongs(i, shape(3), -2, 9, 9);
        Tensor b = Tensor.of(true, true);
        b.maskedFillInPlace(Tensor.of(false, true), 0);
        assertBools(b, shape(2), true, false);
    }

    // ------------------------------------------------------------------ through views

    @Test
    void everyInPlaceOpWritesThroughViewsAndBumpsTheSharedVersion() {
        Tensor base = Tensor.arange(0.0, 12.0, 1.0, DType.FLOAT64).reshape(3, 4);
        Tensor t = base.T();                        // [4, 3]
        Tensor col = base.select(1, 2);             // 2, 6, 10
        Tensor stepped = base.slice(1, 1, 4, 2);    // [[1, 3], [5, 7], [9, 11]]
        Tensor flat = base.reshape(-1);
        Tensor alias = base.detach();

        t.addInPlace(Tensor.of(100.0, 200.0, 300.0)); // adds 100 to row 0, 200 to row 1, 300 to row 2 of base
        assertEquals(1, base.version());
        assertTensor(base, DType.FLOAT64, shape(3, 4), 100, 101, 102, 103, 204, 205, 206, 207, 308, 309, 310, 311);
        col.subInPlace(2.0);
        stepped.mulInPlace(Tensor.of(-1.0, 1.0));
        assertTensor(base, DType.FLOAT64, shape(3, 4), 100, -101, 100, 103, 204, -205, 204, 207, 308, -309, 308, 311);
        stepped.divInPlace(Tensor.of(new double[][] {{1}, {5}, {3}}));
        assertTensor(stepped, DType.FLOAT64, shape(3, 2), -101, 103, -41, 41.4, -103, 103.66666666666667);
        col.zeroInPlace();
        flat.set(0, -0.5);
        t.set(3, 2, 1.0);
        alias.set(1, 0, 8.0);
        assertTensor(base, DType.FLOAT64, shape(3, 4), -0.5, -101, 0, 103, 8, -41, 0, 41.4, 308, -103, 0, 1);
        col.fillInPlace(3);
        stepped.copyInPlace(Tensor.of(0.25, 0.75));
        base.get(2).maskedFillInPlace(Tensor.of(true, false, false, false), 42);
        assertTensor(base, DType.FLOAT64, shape(3, 4), -0.5, 0.25, 3, 0.75, 8, 0.25, 3, 0.75, 42, 0.25, 3, 0.75);
        for (Tensor v : new Tensor[] {base, t, col, stepped, flat, alias}) {
            assertEquals(11, v.version(), "every view sees every write");
        }
        assertTensor(t.get(1), DType.FLOAT64, shape(3), 0.25, 0.25, 0.25);
        assertTensor(col, DType.FLOAT64, shape(3), 3, 3, 3);
    }

    @Test
    void outOfPlaceOpsDoNotBumpTheVersion() {
        Tensor x = m();
        x.add(1.0);
        x.T().mul(2.0).sum();
        x.reshape(6).exp();
        x.clone().addInPlace(1.0);
        x.index(Tensor.of(0L)).zeroInPlace();
        x.to(DType.FLOAT32).zeroInPlace();
        assertEquals(0, x.version());
        assertTensor(x, DType.FLOAT64, shape(2, 3), 1, 2, 3, 4, 5, 6);
    }

    // ------------------------------------------------------------------ written straight into memory

    /**
     * Arithmetic in place on a dense tensor writes the kernel's output straight into it (large sizes run in
     * parallel ranges); the values must be exactly the out-of-place op's, for every operand layout, including an
     * operand that overlaps the target (which must take the copying path).
     */
    @Test
    void directWritesEqualTheOutOfPlaceOpBitForBit() {
        Generator g = new Generator(5);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int n : new int[] {7, 1000, 300_001}) {
                Tensor x = g.uniform(-2, 2, dtype, n);
                Tensor[] operands = {g.uniform(1, 2, dtype, n), Tensor.scalar(1.5, dtype),
                        g.uniform(1, 2, dtype, 1), g.uniform(1, 2, dtype, 2 * n).slice(0, 0, 2 * n, 2)};
                for (Tensor y : operands) {
                    assertDirectMatches(x, y);
                }
                assertDirectMatches(x, x.flip(0)); // overlapping memory
                assertDirectMatches(x, x);         // the very same elements
            }
            Tensor rows = g.uniform(-2, 2, dtype, 300, 400);
            assertDirectMatches(rows, g.uniform(1, 2, dtype, 400));     // a broadcast row (not one value)
            assertDirectMatches(rows.T(), g.uniform(1, 2, dtype, 300)); // a transposed target
        }
    }

    private static void assertDirectMatches(Tensor x, Tensor y) {
        String[] names = {"add", "sub", "mul", "div"};
        for (String name : names) {
            Tensor target = x.clone();
            Tensor operand = y == x ? target : y.storage == x.storage ? target.flip(0) : y;
            Tensor expected = switch (name) {
                case "add" -> target.add(operand);
                case "sub" -> target.sub(operand);
                case "mul" -> target.mul(operand);
                default -> target.div(operand);
            };
            long version = target.version();
            Tensor returned = switch (name) {
                case "add" -> target.addInPlace(operand);
                case "sub" -> target.subInPlace(operand);
                case "mul" -> target.mulInPlace(operand);
                default -> target.divInPlace(operand);
            };
            assertSame(target, returned);
            assertEquals(version + 1, target.version(), name);
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected.toDoubleArray(), target.toDoubleArray(),
                    name + "InPlace, shape " + Shapes.str(x.shape()) + ", operand " + Shapes.str(y.shape()));
        }
    }
}
