package dev.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EinsumTest {
    private static final double RTOL64 = 1e-12;
    private static final double ATOL64 = 1e-12;
    private static final double RTOL32 = 1e-5;
    private static final double ATOL32 = 1e-5;

    @BeforeEach
    void seed() {
        Tensor.manualSeed(1234);
    }

    /** 0, 1, 2, ... in {@code shape}, float64. */
    private static Tensor iota(int... shape) {
        int n = Shapes.numel(shape);
        double[] data = new double[n];
        for (int i = 0; i < n; i++) {
            data[i] = i;
        }
        return Tensor.fromArray(data, shape);
    }

    private static Tensor randn64(int... shape) {
        return Tensor.randn(shape).to(DType.FLOAT64);
    }

    private static void assertValues(Tensor actual, int[] shape, double... expected) {
        assertArrayEquals(shape, actual.shape(), "shape");
        double[] got = actual.toDoubleArray();
        assertEquals(expected.length, got.length, "element count");
        for (int i = 0; i < expected.length; i++) {
            double tol = ATOL64 + RTOL64 * Math.abs(expected[i]);
            assertEquals(expected[i], got[i], tol, "element " + i);
        }
    }

    private static void assertSame(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        assertEquals(expected.dtype(), actual.dtype(), "dtype");
        boolean f32 = expected.dtype() == DType.FLOAT32;
        assertTrue(actual.allClose(expected, f32 ? RTOL32 : RTOL64, f32 ? ATOL32 : ATOL64),
                () -> "expected " + expected + " but got " + actual);
    }

    // ---------------------------------------------------------------- values

    @Test
    void matrixProduct() {
        Tensor a = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor b = Tensor.of(new double[][] {{7, 8}, {9, 10}, {11, 12}});
        Tensor c = Tensor.einsum("ik,kj->ij", a, b);
        assertValues(c, new int[] {2, 2}, 58, 64, 139, 154);
        Tensor x = randn64(5, 7);
        Tensor y = randn64(7, 3);
        assertSame(x.matmul(y), Tensor.einsum("ik,kj->ij", x, y));
    }

    @Test
    void batchMatmul() {
        Tensor a = randn64(4, 2, 3);
        Tensor b = randn64(4, 3, 5);
        assertSame(a.matmul(b), Tensor.einsum("bij,bjk->bik", a, b));
        // Batch label in the middle and output reordered.
        Tensor c = Tensor.einsum("ibj,bjk->bki", a.permute(1, 0, 2), b);
        assertSame(a.matmul(b).permute(0, 2, 1), c);
    }

    @Test
    void transpose() {
        Tensor a = iota(2, 3);
        Tensor t = Tensor.einsum("ij->ji", a);
        assertValues(t, new int[] {3, 2}, 0, 3, 1, 4, 2, 5);
        Tensor x = randn64(2, 3, 4);
        assertSame(x.permute(2, 0, 1), Tensor.einsum("abc->cab", x));
    }

    @Test
    void traceAndDiagonal() {
        Tensor a = iota(3, 3);
        assertValues(Tensor.einsum("ii->", a), new int[0], 0 + 4 + 8);
        assertValues(Tensor.einsum("ii->i", a), new int[] {3}, 0, 4, 8);
        // Implicit: "ii" is the trace (i appears twice, so it is not in the output).
        assertValues(Tensor.einsum("ii", a), new int[0], 12);
    }

    @Test
    void diagonalOverThreeDimsAndWithOtherDims() {
        Tensor x = iota(3, 3, 3);
        // x[i,i,i] = 13 i
        assertValues(Tensor.einsum("iii->i", x), new int[] {3}, 0, 13, 26);
        // d[j, i] = x[i, j, i] = 9 i + 3 j + i
        assertValues(Tensor.einsum("iji->ji", x), new int[] {3, 3}, 0, 10, 20, 3, 13, 23, 6, 16, 26);
        // Two repeated labels in one operand: y[i,j,i,j] over shape [2,3,2,3], trace over both.
        Tensor y = iota(2, 3, 2, 3);
        double expected = 0;
        double[] yd = y.toDoubleArray();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                expected += yd[((i * 3 + j) * 2 + i) * 3 + j];
            }
        }
        assertValues(Tensor.einsum("ijij->", y), new int[0], expected);
    }

    @Test
    void rowColumnAndTotalSums() {
        Tensor a = iota(2, 3);
        assertValues(Tensor.einsum("ij->i", a), new int[] {2}, 3, 12);
        assertValues(Tensor.einsum("ij->j", a), new int[] {3}, 3, 5, 7);
        assertValues(Tensor.einsum("ij->", a), new int[0], 15);
        assertValues(Tensor.einsum("ij->ij", a), new int[] {2, 3}, 0, 1, 2, 3, 4, 5);
    }

    @Test
    void outerDotAndElementwise() {
        Tensor u = Tensor.of(1.0, 2.0, 3.0);
        Tensor v = Tensor.of(4.0, 5.0);
        assertValues(Tensor.einsum("i,j->ij", u, v), new int[] {3, 2}, 4, 5, 8, 10, 12, 15);
        assertValues(Tensor.einsum("i,i->", u, Tensor.of(4.0, 5.0, 6.0)), new int[0], 32);
        Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}});
        Tensor b = Tensor.of(new double[][] {{5, 6}, {7, 8}});
        assertValues(Tensor.einsum("ij,ij->ij", a, b), new int[] {2, 2}, 5, 12, 21, 32);
        assertValues(Tensor.einsum("ij,ji->ij", a, b), new int[] {2, 2}, 5, 14, 18, 32);
        // Matrix-vector product and a scalar (0-d) operand.
        assertValues(Tensor.einsum("ij,j->i", a, Tensor.of(1.0, -1.0)), new int[] {2}, -1, -1);
        assertValues(Tensor.einsum(",ij->ij", Tensor.scalar(2.0), a), new int[] {2, 2}, 2, 4, 6, 8);
    }

    @Test
    void implicitOutput() {
        Tensor a = randn64(3, 4);
        Tensor b = randn64(4, 5);
        // "ij,jk": j appears twice, so the output is "ik": a matrix product.
        assertSame(a.matmul(b), Tensor.einsum("ij,jk", a, b));
        // "ba": the output is the sorted labels "ab", so result[a, b] = x[b, a]: a transpose (as NumPy).
        Tensor x = iota(2, 3);
        assertValues(Tensor.einsum("ba", x), new int[] {3, 2}, 0, 3, 1, 4, 2, 5);
        assertValues(Tensor.einsum("ab", x), new int[] {2, 3}, 0, 1, 2, 3, 4, 5);
        // Upper case sorts before lower case (ASCII, as NumPy and PyTorch): "aB" -> "Ba".
        assertSame(x.T(), Tensor.einsum("aB", x));
        // "i,i" is a dot product (empty output); "i,j" an outer product.
        assertValues(Tensor.einsum("i,i", Tensor.of(1.0, 2.0), Tensor.of(3.0, 4.0)), new int[0], 11);
        assertValues(Tensor.einsum("j,i", Tensor.of(1.0, 2.0), Tensor.of(3.0, 4.0, 5.0)), new int[] {3, 2},
                3, 6, 4, 8, 5, 10);
    }

    @Test
    void whitespaceIsIgnored() {
        Tensor a = randn64(3, 4);
        Tensor b = randn64(4, 2);
        assertSame(a.matmul(b), Tensor.einsum(" ik , kj -> ij ", a, b));
        assertSame(a.matmul(b), Tensor.einsum("i k,k j->i j", a, b));
    }

    @Test
    void ellipsisBroadcastsBatchDims() {
        Tensor a = randn64(2, 1, 3, 4);
        Tensor b = randn64(5, 4, 6);
        Tensor c = Tensor.einsum("...ij,...jk->...ik", a, b);
        assertArrayEquals(new int[] {2, 5, 3, 6}, c.shape());
        assertSame(a.matmul(b), c);
        // Implicit mode puts the ellipsis dims first: "...ij,...jk" -> "...ik".
        assertSame(a.matmul(b), Tensor.einsum("...ij,...jk", a, b));
        // An ellipsis in the middle, and an operand whose ellipsis covers no dims.
        Tensor x = randn64(3, 2, 5, 4);
        Tensor y = randn64(4);
        assertSame(x.permute(1, 2, 0, 3).matmul(y), Tensor.einsum("i...j,j->...i", x, y));
        assertSame(x.matmul(y), Tensor.einsum("...j,...j->...", x, y));
        // Ellipsis dims missing from an explicit output are summed (PyTorch).
        assertSame(x.sum(new int[] {0, 1}, false), Tensor.einsum("...ij->ij", x));
        // Batch diagonal with an ellipsis.
        Tensor s = iota(2, 3, 3);
        assertValues(Tensor.einsum("...ii->...i", s), new int[] {2, 3}, 0, 4, 8, 9, 13, 17);
        // An output ellipsis with no input ellipsis covers no dims.
        assertValues(Tensor.einsum("ij->...ji", iota(2, 2)), new int[] {2, 2}, 0, 2, 1, 3);
    }

    @Test
    void threeOperands() {
        Tensor a = randn64(2, 3);
        Tensor b = randn64(3, 4);
        Tensor c = randn64(4, 5);
        assertSame(a.matmul(b).matmul(c), Tensor.einsum("ij,jk,kl->il", a, b, c));
        // A label shared by the first and the third operand only, and a kept batch label in all three.
        Tensor p = randn64(6, 2, 3);
        Tensor q = randn64(6, 3);
        Tensor r = randn64(6, 2);
        Tensor expected = p.mul(q.unsqueeze(1)).mul(r.unsqueeze(2)).sum(new int[] {1, 2}, false);
        assertSame(expected, Tensor.einsum("bij,bj,bi->b", p, q, r));
        // Implicit with three operands: every label twice except l and i.
        assertSame(a.matmul(b).matmul(c), Tensor.einsum("ij,jk,kl", a, b, c));
    }

    @Test
    void contractionWithoutOuterProduct() {
        // seed 002: einsum("ik,jk->j", a, b) = sum_k (sum_i a[i,k]) b[j,k]; with 500x500 operands a 500^3
        // intermediate would be 1 GiB in float64.
        Tensor a = randn64(500, 500);
        Tensor b = randn64(500, 500);
        Tensor got = Tensor.einsum("ik,jk->j", a, b);
        Tensor expected = b.mul(a.sum(0)).sum(1);
        assertArrayEquals(new int[] {500}, got.shape());
        assertTrue(got.allClose(expected, 1e-9, 1e-9));
        // 1300^3 > 2^31 elements: an outer product of the operands could not even be indexed.
        Tensor big1 = randn64(1300, 1300);
        Tensor big2 = randn64(1300, 1300);
        assertTrue(Tensor.einsum("ik,jk->j", big1, big2).allClose(big2.mul(big1.sum(0)).sum(1), 1e-9, 1e-9));
        // Against a direct loop on a small case.
        Tensor a2 = randn64(3, 4);
        Tensor b2 = randn64(5, 4);
        double[] ad = a2.toDoubleArray();
        double[] bd = b2.toDoubleArray();
        double[] exp = new double[5];
        for (int j = 0; j < 5; j++) {
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 4; k++) {
                    exp[j] += ad[i * 4 + k] * bd[j * 4 + k];
                }
            }
        }
        assertValues(Tensor.einsum("ik,jk->j", a2, b2), new int[] {5}, exp);
    }

    @Test
    void sizeOneDimsBroadcast() {
        Tensor a = randn64(2, 1);
        Tensor b = randn64(2, 3);
        // Kept label j: size 1 against 3 broadcasts like a.mul(b).
        assertSame(a.mul(b), Tensor.einsum("ij,ij->ij", a, b));
        // Summed label j: sum_j a[i,0] b[i,j].
        assertSame(a.mul(b).sum(1), Tensor.einsum("ij,ij->i", a, b));
        // Summed label of size 1 on the right side, through a matmul with other dims.
        Tensor c = randn64(4, 3);
        Tensor d = randn64(1, 5);
        assertSame(c.sum(new int[] {1}, true).matmul(d), Tensor.einsum("ik,kj->ij", c, d));
        // Broadcast batch label through matmul: b of size 1 vs 3.
        Tensor e = randn64(1, 2, 4);
        Tensor f = randn64(3, 4, 5);
        assertSame(e.matmul(f), Tensor.einsum("bij,bjk->bik", e, f));
        // A size-1 label in the first operand meets its full size only in the third operand.
        Tensor g = randn64(1);
        Tensor h = randn64(4, 5);
        Tensor k = randn64(4);
        assertSame(g.mul(k).unsqueeze(1).mul(h), Tensor.einsum("i,ij,i->ij", g, h, k));
    }

    @Test
    void zeroSizedDims() {
        Tensor a = Tensor.zeros(DType.FLOAT64, 2, 0);
        Tensor b = Tensor.zeros(DType.FLOAT64, 0, 3);
        assertValues(Tensor.einsum("ik,kj->ij", a, b), new int[] {2, 3}, 0, 0, 0, 0, 0, 0);
        assertValues(Tensor.einsum("ij->j", a), new int[] {0});
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "INT64"})
    void dtypes(DType dtype) {
        Tensor a = iota(2, 3).to(dtype);
        Tensor b = iota(3, 2).to(dtype);
        Tensor c = Tensor.einsum("ik,kj->ij", a, b);
        assertEquals(dtype, c.dtype());
        assertValues(c.to(DType.FLOAT64), new int[] {2, 2}, 10, 13, 28, 40);
        Tensor s = iota(3, 3).to(dtype);
        assertEquals(dtype, Tensor.einsum("ii->", s).dtype());
        assertEquals(12.0, Tensor.einsum("ii->", s).toDoubleArray()[0]);
        Tensor t = Tensor.einsum("ij,ij->i", a, a);
        assertEquals(dtype, t.dtype());
        assertValues(t.to(DType.FLOAT64), new int[] {2}, 0 + 1 + 4, 9 + 16 + 25);
        Tensor o = Tensor.einsum("ij,jk,kl->il", a, b, a);
        assertEquals(dtype, o.dtype());
        assertSame(a.matmul(b).matmul(a), o);
    }

    // ---------------------------------------------------------------- gradients

    @Test
    void gradientsEqualMatmulGradients() {
        Tensor a0 = randn64(3, 4);
        Tensor b0 = randn64(4, 5);
        Tensor w = randn64(3, 5);

        Tensor a = a0.clone().detach().requiresGrad(true);
        Tensor b = b0.clone().detach().requiresGrad(true);
        Tensor out = Tensor.einsum("ij,jk->ik", a, b);
        assertNotNull(out.gradFn(), "einsum result must have a gradFn");
        out.mul(w).sum().backward();

        Tensor a2 = a0.clone().detach().requiresGrad(true);
        Tensor b2 = b0.clone().detach().requiresGrad(true);
        a2.matmul(b2).mul(w).sum().backward();

        assertSame(a2.grad(), a.grad());
        assertSame(b2.grad(), b.grad());
        // Closed form: dL/da = w b^T, dL/db = a^T w.
        assertSame(w.matmul(b0.T()), a.grad());
        assertSame(a0.T().matmul(w), b.grad());
    }

    @Test
    void gradientsThroughDiagonalEllipsisAndBroadcast() {
        // d trace(x) / dx = I.
        Tensor x = randn64(3, 3).requiresGrad(true);
        Tensor.einsum("ii->", x).backward();
        assertSame(Tensor.eye(3, 3, DType.FLOAT64), x.grad());

        // d/dx sum_i x[i,i,i] w[i] = w on the diagonal.
        Tensor y = randn64(2, 2, 2).requiresGrad(true);
        Tensor.einsum("iii,i->", y, Tensor.of(5.0, 7.0)).backward();
        assertValues(y.grad(), new int[] {2, 2, 2}, 5, 0, 0, 0, 0, 0, 0, 7);

        // Broadcast size-1 label and an ellipsis: same gradients as the broadcasting ops.
        Tensor p0 = randn64(2, 1, 3);
        Tensor q0 = randn64(4, 3);
        Tensor w = randn64(2, 4);
        Tensor p = p0.clone().detach().requiresGrad(true);
        Tensor q = q0.clone().detach().requiresGrad(true);
        Tensor.einsum("...k,...k->...", p, q).mul(w).sum().backward();
        Tensor p2 = p0.clone().detach().requiresGrad(true);
        Tensor q2 = q0.clone().detach().requiresGrad(true);
        p2.mul(q2).sum(2).mul(w).sum().backward();
        assertSame(p2.grad(), p.grad());
        assertSame(q2.grad(), q.grad());
    }

    @Test
    void secondOrderGradients() {
        // f(x) = x^T A x: grad = (A + A^T) x, and the gradient of <grad, v> is (A + A^T) v. The second pass
        // goes back through the first graph, so it is retained (PyTorch defaults retain_graph to create_graph).
        Tensor aMat = randn64(3, 3);
        Tensor v = randn64(3);
        Tensor x = randn64(3).requiresGrad(true);
        Tensor f = Tensor.einsum("i,ij,j->", x, aMat, x);
        Tensor sym = aMat.add(aMat.T());
        Tensor g = Autograd.grad(java.util.List.of(f), java.util.List.of(x), null, true, true, false).get(0);
        assertSame(sym.matmul(x.detach()), g.detach());
        g.mul(v).sum().backward();
        assertSame(sym.matmul(v), x.grad());
    }

    // ---------------------------------------------------------------- errors

    private static void assertError(Class<? extends JgradException> type, String regex, Supplier<Tensor> call) {
        JgradException e = assertThrows(type, call::get);
        assertTrue(e.getMessage().startsWith("einsum: "), () -> "message must start with 'einsum: ': " + e.getMessage());
        assertTrue(Pattern.compile(regex, Pattern.DOTALL).matcher(e.getMessage()).find(),
                () -> "message '" + e.getMessage() + "' does not match /" + regex + "/");
    }

    @Test
    void wrongNumberOfOperands() {
        Tensor a = randn64(2, 3);
        assertError(IndexException.class, "'ij,jk->ik' has subscripts for 2 operands but 1 operand was given",
                () -> Tensor.einsum("ij,jk->ik", a));
        assertError(IndexException.class, "subscripts for 1 operand but 2 operands were given",
                () -> Tensor.einsum("ij->i", a, a));
    }

    @Test
    void rankMismatch() {
        Tensor a = randn64(2, 3);
        Tensor b = randn64(3, 4, 5);
        assertError(ShapeException.class,
                "operand 1 has shape \\[3, 4, 5\\] \\(rank 3\\) but its subscripts 'jk' name 2 dimensions",
                () -> Tensor.einsum("ij,jk->ik", a, b));
        assertError(ShapeException.class,
                "operand 0 has shape \\[2, 3\\] \\(rank 2\\) but its subscripts '\\.\\.\\.ijk' need at least 3",
                () -> Tensor.einsum("...ijk->k", a));
    }

    @Test
    void invalidCharacter() {
        Tensor a = randn64(2, 3);
        assertError(IndexException.class, "invalid character '1' in the subscripts 'i1' of operand 0",
                () -> Tensor.einsum("i1->i", a));
        assertError(IndexException.class, "invalid character '_' in the subscripts 'i_' of the output",
                () -> Tensor.einsum("ij->i_", a));
        assertError(IndexException.class, "invalid character '-'", () -> Tensor.einsum("ij-i", a));
        assertError(IndexException.class, "invalid character ','", () -> Tensor.einsum("ij->i,j", a));
        assertError(IndexException.class, "a '\\.' that is not part of an ellipsis",
                () -> Tensor.einsum("..ij->ij", a));
        assertError(IndexException.class, "more than one '->'", () -> Tensor.einsum("ij->ji->ij", a));
    }

    @Test
    void outputIndexErrors() {
        Tensor a = randn64(2, 3);
        assertError(IndexException.class, "output index 'z' does not appear in any input",
                () -> Tensor.einsum("ij->iz", a));
        assertError(IndexException.class, "output index 'i' appears more than once in the output",
                () -> Tensor.einsum("ij->ii", a));
    }

    @Test
    void moreThanOneEllipsis() {
        Tensor a = randn64(2, 3, 4);
        assertError(IndexException.class, "more than one ellipsis '\\.\\.\\.' in the subscripts '\\.\\.\\.i\\.\\.\\.' of operand 0",
                () -> Tensor.einsum("...i...->i", a));
        assertError(IndexException.class, "more than one ellipsis .* of the output",
                () -> Tensor.einsum("...i->......", a));
    }

    @Test
    void sizeMismatch() {
        Tensor a = randn64(2, 3);
        Tensor b = randn64(4, 5);
        assertError(ShapeException.class,
                "index 'j' has size 3 in operand 0 \\(shape \\[2, 3\\]\\) but size 4 in operand 1 \\(shape \\[4, 5\\]\\)",
                () -> Tensor.einsum("ij,jk->ik", a, b));
        assertError(ShapeException.class,
                "index 'i' is repeated in operand 0 \\(subscripts 'ii', shape \\[2, 3\\]\\) but its sizes differ: 2 != 3",
                () -> Tensor.einsum("ii->i", a));
        assertError(ShapeException.class, "dimensions covered by '\\.\\.\\.' do not broadcast: size 2 in operand 0",
                () -> Tensor.einsum("...i,...i->...", randn64(2, 3), randn64(5, 3)));
    }
}
