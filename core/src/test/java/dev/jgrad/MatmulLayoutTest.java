package dev.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * matmul reads transposed, sliced, expanded and batch-broadcast operands in place (by their strides): the results
 * must be exactly those of the same values made contiguous first, on both the scalar and the packed kernels.
 */
class MatmulLayoutTest {
    private static Tensor rand(Generator g, DType dtype, int... shape) {
        return g.uniform(-1, 1, dtype, shape);
    }

    private static void assertSame(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray());
    }

    /**
     * In forward mode a matrix times a column with a tangent computes the product and its tangent in one pass over
     * the matrix (as in hvp, forward and backward): the values and tangents must be exactly those of the two
     * products computed apart from the same operands, for a row-major and a transposed matrix, and the tangent
     * must stay differentiable.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void aProductAndItsTangentInOnePassAreTheTwoProducts(DType dtype) {
        Generator g = new Generator(12);
        for (int[] mk : new int[][] {{3, 5}, {10, 50_000}, {4000, 40}}) {
            int m = mk[0], k = mk[1];
            Tensor rowMajor = rand(g, dtype, m, k);
            Tensor transposed = rand(g, dtype, k, m).mT();
            Tensor z = rand(g, dtype, k);
            Tensor t = rand(g, dtype, k);
            for (Tensor a : new Tensor[] {rowMajor, transposed}) {
                Func.JvpResult<Tensor> j = Func.jvp((Tensor v) -> a.matmul(v), z, t);
                // Apart, from the same layout (a matrix-vector product's order of sums depends on it); equal up to
                // the order of the final lane sums, which the Vector API leaves open.
                assertClose(a.matmul(z), j.value(), dtype, k);
                assertClose(a.matmul(t), j.tangent(), dtype, k);
            }
        }
        // The tangent product is recorded like any other: reverse over forward still differentiates it.
        Tensor a = rand(g, dtype, 6, 7);
        Tensor z = rand(g, dtype, 7);
        Tensor t = rand(g, dtype, 7).requiresGrad(true);
        Func.jvp((Tensor v) -> a.matmul(v), z, t).tangent().sum().backward();
        assertClose(a.sum(0), t.grad(), dtype, 6);
    }

    private static void assertClose(Tensor expected, Tensor actual, DType dtype, int terms) {
        assertArrayEquals(expected.shape(), actual.shape());
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        double ulp = dtype == DType.FLOAT32 ? 0x1p-23 : 0x1p-52;
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= 4 * ulp * Math.sqrt(terms) * Math.max(1, Math.abs(e[i])),
                    "element " + i + ": " + a[i] + ", expected " + e[i]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void transposedOperandsNeedNoCopy(DType dtype) {
        Generator g = new Generator(11);
        for (int[] mkn : new int[][] {{3, 4, 2}, {70, 90, 50}}) { // below and above the packing threshold
            int m = mkn[0], k = mkn[1], n = mkn[2];
            Tensor aT = rand(g, dtype, k, m).mT();
            Tensor bT = rand(g, dtype, n, k).mT();
            Tensor a = aT.contiguous();
            Tensor b = bT.contiguous();
            assertSame(a.matmul(b), aT.matmul(b));
            assertSame(a.matmul(b), a.matmul(bT));
            assertSame(a.matmul(b), aT.matmul(bT));
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void slicedAndExpandedOperands(DType dtype) {
        Generator g = new Generator(12);
        Tensor a = rand(g, dtype, 40, 60).slice(0, 1, 40, 2).slice(1, 0, 60, 3); // 20 x 20, strides (120, 3)
        Tensor row = rand(g, dtype, 1, 20).expand(30, 20); // every row the same: row stride 0
        assertSame(a.contiguous().matmul(row.mT().contiguous()), a.matmul(row.mT()));
        assertSame(row.contiguous().matmul(a.contiguous()), row.matmul(a));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void batchBroadcastingAndPermutedBatches(DType dtype) {
        Generator g = new Generator(13);
        Tensor x = rand(g, dtype, 3, 1, 20, 30);
        Tensor y = rand(g, dtype, 4, 30, 25);
        Tensor out = x.matmul(y);
        assertArrayEquals(new int[] {3, 4, 20, 25}, out.shape());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                Tensor xi = x.select(0, i).select(0, 0).contiguous();
                Tensor yj = y.select(0, j).contiguous();
                assertSame(xi.matmul(yj), out.select(0, i).select(0, j));
            }
        }
        // Batch dims that do not flatten to one stride (permuted) are copied; the values must not change.
        Tensor p = rand(g, dtype, 4, 3, 20, 30).permute(1, 0, 3, 2); // [3, 4, 30, 20]
        Tensor q = rand(g, dtype, 20, 10);
        assertSame(p.contiguous().matmul(q), p.matmul(q));
        // A matrix broadcast over a batch on the left: stride 0 over the batch.
        Tensor w = rand(g, dtype, 30, 20);
        assertSame(w.expand(3, 4, 30, 20).contiguous().matmul(p.mT().contiguous()), w.matmul(p.mT()));
    }

    /**
     * The gradient of a transposed operand (x @ w.T(), the usual linear layer) is formed transposed so that it
     * reaches w contiguous; it must equal the gradient through a contiguous copy of the operand, on either side,
     * batched too.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void gradientsOfTransposedOperands(DType dtype) {
        Generator g = new Generator(12);
        for (int[] batch : new int[][] {{}, {3}}) {
            Tensor weights = rand(g, dtype, Shapes.concat(batch, new int[] {20, 40}));
            Tensor x = rand(g, dtype, Shapes.concat(batch, new int[] {20, 30})).requiresGrad(true);
            Tensor w = rand(g, dtype, Shapes.concat(batch, new int[] {40, 30})).requiresGrad(true); // used as w.mT()
            x.matmul(w.mT()).mul(weights).sum().backward();
            Tensor xc = x.detach().requiresGrad(true);
            Tensor wc = w.detach().mT().contiguous().requiresGrad(true);
            xc.matmul(wc).mul(weights).sum().backward();
            Tolerance.assertClose(xc.grad(), x.grad());
            Tolerance.assertClose(wc.grad().mT(), w.grad());
            assertTrue(w.grad().isContiguous());

            Tensor a = rand(g, dtype, Shapes.concat(batch, new int[] {30, 20})).requiresGrad(true); // used as a.mT()
            Tensor b = rand(g, dtype, Shapes.concat(batch, new int[] {40, 30})).requiresGrad(true); // used as b.mT()
            a.mT().matmul(b.mT()).mul(weights).sum().backward();
            Tensor ac = a.detach().mT().contiguous().requiresGrad(true);
            Tensor bc = b.detach().mT().contiguous().requiresGrad(true);
            ac.matmul(bc).mul(weights).sum().backward();
            Tolerance.assertClose(ac.grad().mT(), a.grad());
            Tolerance.assertClose(bc.grad().mT(), b.grad());
        }
    }
}
