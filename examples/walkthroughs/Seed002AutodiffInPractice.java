// Title: seed 002 — autodiff in practice (HIPS autograd and PyTorch), in jgrad
//
// Seed 002 ("Automatic Differentiation in Practice"), cell by cell and exercise by exercise in jgrad. The
// HIPS autograd half maps to jgrad's function transforms (Func.grad, valueAndGrad, hessian, hvp, Tree.ravel),
// the PyTorch half to tensors with requiresGrad, backward and Autograd.grad. Arrays print as NumPy prints
// them (np below), tensors in the PyTorch half as jgrad prints them. Timings are jgrad's on this machine.
// Run it with `./jgrad run examples/walkthroughs/Seed002AutodiffInPractice.java`.
import dev.jgrad.*;
import dev.jgrad.examples.Probit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A 0-, 1- or 2-d tensor as NumPy prints it: floats in fixed notation with up to 8 decimals, aligned on the
 * point ("[3.         1.41614684]"), integers as integers.
 */
String np(Tensor t) {
    double[] v = t.to(DType.FLOAT64).toDoubleArray();
    boolean floating = t.dtype().isFloating();
    String[] ints = new String[v.length];
    String[] fracs = new String[v.length];
    int left = 0;
    int right = 0;
    for (int i = 0; i < v.length; i++) {
        String s = floating ? String.format(Locale.ROOT, "%.8f", v[i]).replaceAll("0+$", "") : (long) v[i] + ".";
        int dot = s.indexOf('.');
        ints[i] = s.substring(0, dot);
        fracs[i] = s.substring(dot + 1);
        left = Math.max(left, ints[i].length());
        right = Math.max(right, fracs[i].length());
    }
    String point = floating ? "." : "";
    String[] cells = new String[v.length];
    for (int i = 0; i < v.length; i++) {
        cells[i] = " ".repeat(left - ints[i].length()) + ints[i] + point + fracs[i] + " ".repeat(right - fracs[i].length());
    }
    if (t.dim() == 0) {
        return ints[0] + point + fracs[0];
    }
    int cols = t.size(t.dim() - 1);
    List<String> rows = new ArrayList<>();
    for (int r = 0; r * cols < v.length || rows.isEmpty(); r++) {
        rows.add("[" + String.join(" ", Arrays.copyOfRange(cells, r * cols, Math.min(v.length, (r + 1) * cols))) + "]");
    }
    return t.dim() == 1 ? rows.getFirst() : "[" + String.join("\n ", rows) + "]";
}

/** The median time of {@code reps} calls in milliseconds, after {@code warmup} untimed calls. */
double medianMs(int warmup, int reps, Runnable work) {
    for (int i = 0; i < warmup; i++) {
        work.run();
    }
    double[] ms = new double[reps];
    for (int i = 0; i < reps; i++) {
        long t0 = System.nanoTime();
        work.run();
        ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms[reps / 2];
}

/** central_difference: the gradient of a scalar function by central differences with step h. */
Tensor centralDifference(Tensor x, Function<Tensor, Tensor> func, double h) {
    int n = x.size(0);
    Tensor gr = Tensor.zeros(DType.FLOAT64, n);
    for (int i = 0; i < n; i++) {
        Tensor delta = Tensor.zeros(DType.FLOAT64, n);
        delta.set(i, h);
        Tensor xb = x.sub(delta);
        Tensor xf = x.add(delta);
        gr.set(i, (func.apply(xf).item() - func.apply(xb).item()) / (2 * h));
    }
    return gr;
}

/** f1(x) = log(x0) + x0*x1 - sin(x1). */
Tensor f1(Tensor x) {
    return x.get(0).log().add(x.get(0).mul(x.get(1))).sub(x.get(1).sin());
}

/** f2: sum_i A[i,:] @ x by array assignment into vals (vals[i] = ...), which HIPS autograd cannot differentiate. */
Tensor f2(Tensor A, Tensor x) {
    int n = A.size(0);
    Tensor vals = Tensor.zeros(DType.FLOAT64, n);
    for (int i = 0; i < n; i++) {
        vals.set(i, A.get(i).reshape(1, -1).matmul(x.reshape(-1, 1))); // *** (a [1, 1] value into vals[i])
    }
    return vals.sum();
}

/** f3: f2 with a list (the seed's list comprehension), stacked and summed. */
Tensor f3(Tensor A, Tensor x) {
    List<Tensor> vals = new ArrayList<>();
    for (int i = 0; i < A.size(0); i++) {
        vals.add(A.get(i).reshape(1, -1).matmul(x.reshape(-1, 1)));
    }
    return Tensor.stack(vals, 0).sum();
}

/** The "complicated example": f(A, x, y) = x^T A x + sin(y)^T x, a [1, 1] tensor. */
Tensor complicated(Tensor A, Tensor x, Tensor y) {
    return x.T().matmul(A).matmul(x).add(y.sin().T().matmul(x));
}

void main() {
    // ================================================================ HIPS autograd → jgrad transforms

    // Basics: grad_f = autograd.grad(f1, 0); grad_f([1, 2]) = [1/x0 + x1, x0 - cos(x1)] = [3, 1.41614684].
    Function<Tensor, Tensor> gradF = Func.grad(this::f1);
    Tensor x = Tensor.of(1.0, 2.0);
    IO.println("grad_f([1., 2.]) = " + np(gradF.apply(x)));

    // Finite differences to make sure it worked, at [4, 3]: both [1/4 + 3, 4 - cos 3].
    x = Tensor.of(4.0, 3.0);
    IO.println("FD:" + np(centralDifference(x, this::f1, 1e-5)) + ", AD:" + np(gradF.apply(x)));

    // Pitfall 1, non-float arrays. The seed's np.array([4, 3.]) is in fact float (3. is a float), so it worked
    // there. A real integer array cannot be differentiated; jgrad says so at the call, naming the fix.
    try {
        gradF.apply(Tensor.of(4L, 3L)); // int64
        IO.println("no error?");
    } catch (DTypeException e) {
        IO.println("integer input: " + e.getMessage());
    }
    IO.println("integer input converted with to(DType.FLOAT64): " + np(gradF.apply(Tensor.of(4L, 3L).to(DType.FLOAT64))));

    // Pitfall 2, array assignment. f2 fills vals[i] in a loop; HIPS autograd fails with "setting an array
    // element with a sequence". In jgrad set(i, value) is a recorded in-place copy (as in PyTorch), so f2 has
    // a gradient: d/dx sum(A x) = column sums of A = [4, 6].
    Tensor A2 = Tensor.of(new double[][] {{1, 2}, {3, 4}});
    x = Tensor.of(1.0, 2.0);
    IO.println(String.format("f2(x): %.2f", f2(A2, x).item()));
    Function<Tensor, Tensor> gradf2 = Func.grad(v -> f2(A2, v));
    IO.println("gradf2(x) = " + np(gradf2.apply(x)));

    // The seed's solution, a list (comprehension): f3 on A = randn(100, 2), FD vs AD. (jgrad's generator is
    // not NumPy's, so the values differ from the seed's -12.34; FD and AD agree.)
    Generator rng = new Generator(42);
    Tensor A100 = rng.normal(0, 1, DType.FLOAT64, 100, 2);
    IO.println(String.format("f(x): %.2f", f3(A100, x).item()));
    Function<Tensor, Tensor> gradf3 = Func.grad(v -> f3(A100, v));
    IO.println("FD:" + np(centralDifference(x, v -> f3(A100, v), 1e-5)) + ", AD:" + np(gradf3.apply(x)));
    IO.println("f3 FD and AD agree: " + centralDifference(x, v -> f3(A100, v), 1e-5).allClose(gradf3.apply(x), 1e-8, 1e-8));

    // value_and_grad: the value comes with the gradient from the same forward pass.
    Function<Tensor, Func.ValueAndGrad<Tensor>> f3aux = Func.valueAndGrad(v -> f3(A100, v));
    var vg = f3aux.apply(x);
    IO.println("f: " + vg.value().item() + " , gradf: " + np(vg.grad()));
    // ...so gradf3 and f3aux cost the same (both run one forward and one backward pass).
    Tensor xf = x;
    IO.println(String.format("gradf3: %.3f ms, f3aux: %.3f ms (median of 25)",
            medianMs(50, 25, () -> gradf3.apply(xf)), medianMs(50, 25, () -> f3aux.apply(xf))));

    // Something a bit more complicated: f(A, x, y) = x^T A x + sin(y)^T x, three grads as in the seed
    // (three forward and backward passes).
    Tensor A = Tensor.of(new double[][] {{1, 2}, {2, 1}});
    x = Tensor.of(new double[][] {{1, 2}}).T();
    Tensor y = Tensor.of(new double[][] {{1, 1}}).T();
    Func.TensorFunction<Tensor> f = args -> complicated(args[0], args[1], args[2]);
    IO.println(np(f.apply(A, x, y)));
    IO.println("gA: " + np(Func.grad(f, 0).apply(A, x, y))); // x x^T
    IO.println("gx: " + np(Func.grad(f, 1).apply(A, x, y))); // (A + A^T) x + sin(y)
    IO.println("gy: " + np(Func.grad(f, 2).apply(A, x, y))); // cos(y) * x

    // ...and all three in one forward and one backward pass: argnums {0, 1, 2} (JAX's argnums=(0, 1, 2)).
    List<Tensor> all = Func.grad(f, new int[] {0, 1, 2}).apply(A, x, y);
    IO.println("one pass: gA: " + np(all.get(0)));
    IO.println("one pass: gx: " + np(all.get(1)));
    IO.println("one pass: gy: " + np(all.get(2)));

    // Exercise 3: pack A, x, y into one vector, differentiate a function of that vector once, unpack the
    // gradient. Tree.ravel is pack, its unravel is unpack (JAX's ravel_pytree). (The seed's pack is column
    // major; ravel is row major. A is symmetric, so the packed vector is the seed's.)
    IO.println("shapes: {A=" + Arrays.toString(A.shape()) + ", x=" + Arrays.toString(x.shape()) + ", y="
            + Arrays.toString(y.shape()) + "}");
    Tree.Raveled<List<Tensor>> packed = Tree.ravel(List.of(A, x, y));
    IO.println("pack([A, x, y]) = " + np(packed.flat()));
    Function<Tensor, Tensor> fPacked = v -> {
        List<Tensor> p = packed.unravel().apply(v); // unpack
        return complicated(p.get(0), p.get(1), p.get(2));
    };
    Tensor gPacked = Func.grad(fPacked).apply(packed.flat());
    IO.println("packed gradient: " + np(gPacked));
    List<Tensor> unpacked = packed.unravel().apply(gPacked);
    IO.println("unpacked: gA: " + np(unpacked.get(0)));
    IO.println("unpacked: gx: " + np(unpacked.get(1)));
    IO.println("unpacked: gy: " + np(unpacked.get(2)));

    // Hessians: the full Hessian of x0^2 + x0*x1 (forward over reverse) is [[2, 1], [1, 0]].
    Function<Tensor, Tensor> quad = v -> v.get(0).pow(2).add(v.get(0).mul(v.get(1)));
    IO.println("hessian(x0^2 + x0*x1) at [1, 2] =\n" + np(Func.hessian(quad).apply(Tensor.of(1.0, 2.0))));

    // Hessian-vector products at d = 50000: f(x) = sum(A @ sin(x)) with A = rand(10, d), x = 2, r = rand(d).
    // H = diag(-sin(x) * colsum(A)), so H r = -sin(x) * colsum(A) * r. Func.hvp runs one forward pass with
    // tangents over one backward pass: O(d) memory; the full Hessian would hold 2.5e9 numbers. (The seed's
    // f3 sums the rows with a list comprehension; the vectorised A @ sin(x) has the same derivatives.)
    int d = 50000;
    Generator hvpRng = new Generator(123);
    Tensor Ad = hvpRng.uniform(0, 1, DType.FLOAT64, 10, d);
    Tensor xd = Tensor.full(2.0, DType.FLOAT64, d);
    Tensor r = hvpRng.uniform(0, 1, DType.FLOAT64, d);
    Function<Tensor, Tensor> fd = v -> Ad.matmul(v.sin()).sum();
    Tensor hvp = Func.hvp(fd, xd, r);
    Tensor analytic = xd.sin().neg().mul(Ad.sum(0)).mul(r);
    IO.println("hvp max abs error vs -sin(x)*colsum(A)*r: " + hvp.sub(analytic).abs().max().item());
    IO.println(String.format("HVP... %.3f ms (median of 15)", medianMs(5, 15, () -> Func.hvp(fd, xd, r))));

    // ================================================================ PyTorch → jgrad tensors and backward

    // Basics: a float32 column vector, x @ x.T, the old way with transpose(0, 1), then float64.
    Tensor xt = Tensor.of(new float[][] {{1}, {2}, {3}});
    IO.println(xt);
    IO.println(xt.matmul(xt.T())); // x @ x.T
    IO.println(xt.matmul(xt.transpose(0, 1))); // the old way
    IO.println(xt.dtype()); // float32, like torch.tensor's default
    xt = Tensor.of(new double[][] {{1}, {2}, {3}});
    IO.println(np(xt) + " " + xt.dtype());
    IO.println(xt.matmul(xt.transpose(0, 1)));

    // requires_grad: jgrad records operations on x; autograd.grad(y, x) of y = x^T x is 2x.
    xt = Tensor.of(new double[][] {{1}, {2}, {3}}).requiresGrad(true);
    IO.println(xt);
    Tensor yt = xt.T().matmul(xt);
    IO.println("autograd.grad(y, x) = " + Autograd.grad(List.of(yt), List.of(xt), null, false, false, false).getFirst());

    // The "gradient only" function and backward: f(x) = x^T x at [[2], [2], [3]] is [[17.]]; backward
    // accumulates into x.grad: once gives 2x, twice gives 4x.
    Function<Tensor, Tensor> fx = v -> v.T().matmul(v);
    Tensor xg = Tensor.of(new float[][] {{2}, {2}, {3}}).requiresGrad(true);
    IO.println(fx.apply(xg));
    fx.apply(xg).backward();
    IO.println("x.grad after one backward: " + np(xg.grad()));
    fx.apply(xg).backward();
    IO.println("x.grad after two backwards (accumulated): " + np(xg.grad()));

    // Assignment is not a problem: f2 with array assignment, backward on the eager graph.
    Tensor xa = Tensor.of(1.0, 2.0).requiresGrad(true);
    Tensor z2 = f2(A2, xa);
    z2.backward();
    IO.println(String.format("f2(x): %.2f", z2.item()) + ", x.grad = " + np(xa.grad()));

    // The complicated example with backward: one pass fills A.grad, x.grad and y.grad.
    Tensor At = Tensor.of(new double[][] {{1, 2}, {2, 1}}).requiresGrad(true);
    Tensor xc = Tensor.of(new double[][] {{1, 2}}).T().requiresGrad(true); // a view with no history is a leaf
    Tensor yc = Tensor.of(new double[][] {{1, 1}}).T().requiresGrad(true);
    Tensor zc = complicated(At, xc, yc);
    zc.backward();
    IO.println("val: " + np(zc));
    Map<String, Tensor> gradients = new LinkedHashMap<>(); // "mad dictionary skills"
    gradients.put("A", At.grad());
    gradients.put("x", xc.grad());
    gradients.put("y", yc.grad());
    gradients.forEach((k, v) -> IO.println(k + " :\n " + np(v)));

    // Higher order: the Hessian row by row. g = grad(f(x), x, create_graph=True) is itself differentiable;
    // g.backward(e_i, retain_graph=True) puts row i of the Hessian in x.grad.
    Tensor xh = Tensor.of(1f, 2f).requiresGrad(true);
    Tensor g = Autograd.grad(List.of(quad.apply(xh)), List.of(xh), null, true, true, false).getFirst();
    List<Tensor> rows = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
        Tensor vec = Tensor.zeros(2);
        vec.set(i, 1);
        g.backward(vec, true, false); // vector-Jacobian products: Hessian rows
        rows.add(xh.grad().clone());
        xh.grad().zeroInPlace(); // zero the gradient in the leaf
    }
    Tensor H = Tensor.stack(rows, 0);
    IO.println("Hessian via createGraph:\n" + H);
    IO.println(np(H));

    // Performance: einsum('ik,jk->j') and A @ B^T on 500 x 500 random matrices (generation included, as in the seed).
    int n = 500;
    IO.println(String.format("einsum('ik,jk->j', randn, randn): %.3f ms; randn @ randn.T: %.3f ms (median of 5)",
            medianMs(3, 5, () -> Tensor.einsum("ik,jk->j", Tensor.randn(n, n), Tensor.randn(n, n))),
            medianMs(3, 5, () -> Tensor.randn(n, n).matmul(Tensor.randn(n, n).T()))));

    // Demonstration: calling autodiff'd Python from R (reticulate) and exercise 5 are about R interop and
    // have no counterpart here.

    // ================================================================ exercises

    // Exercise 1: f2a (array assignment) vs f2b (a list, stacked) vs the vectorised A @ x, value and
    // gradient on A = randn(100, 2).
    Function<Tensor, Func.ValueAndGrad<Tensor>> f2a = Func.valueAndGrad(v -> f2(A100, v));
    Function<Tensor, Func.ValueAndGrad<Tensor>> f2b = Func.valueAndGrad(v -> f3(A100, v));
    Function<Tensor, Func.ValueAndGrad<Tensor>> f2c = Func.valueAndGrad(v -> A100.matmul(v).sum());
    Tensor x2 = Tensor.of(1.0, 2.0);
    IO.println("f2a, f2b, vectorised agree: " + (f2a.apply(x2).grad().allClose(f2b.apply(x2).grad())
            && f2b.apply(x2).grad().allClose(f2c.apply(x2).grad()) && Math.abs(f2a.apply(x2).value().item()
            - f2c.apply(x2).value().item()) < 1e-12));
    IO.println(String.format("f2a (assignment): %.3f ms, f2b (list): %.3f ms, vectorised A @ x: %.4f ms (median of 25)",
            medianMs(50, 25, () -> f2a.apply(x2)), medianMs(50, 25, () -> f2b.apply(x2)),
            medianMs(200, 25, () -> f2c.apply(x2))));

    // Exercise 2: the Jacobian of f(x1, x2) = (x1, x1*x2), [[1, 0], [x2, x1]]: explicitly, one gradient per
    // output stacked into rows, then with jacfwd, jacrev and jacobian. At (3, 5): [[1, 0], [5, 3]].
    Function<Tensor, Tensor> fj = v -> Tensor.stack(0, v.get(0), v.get(0).mul(v.get(1)));
    Tensor xj = Tensor.of(3.0, 5.0);
    Tensor explicit = Tensor.stack(0, Func.grad((Tensor v) -> fj.apply(v).get(0)).apply(xj),
            Func.grad((Tensor v) -> fj.apply(v).get(1)).apply(xj));
    IO.println("explicit Jacobian:\n" + np(explicit));
    IO.println("jacfwd:\n" + np(Func.jacfwd(fj).apply(xj)));
    IO.println("jacrev:\n" + np(Func.jacrev(fj).apply(xj)));
    IO.println("jacobian:\n" + np(Func.jacobian(fj).apply(xj)));

    // Exercise 4: einsum. 'ij->i' sums rows, 'ij->j' sums columns, 'ik,kj->ij' is the matrix product.
    Generator er = new Generator(7);
    Tensor M = er.normal(0, 1, DType.FLOAT64, 4, 3);
    Tensor N = er.normal(0, 1, DType.FLOAT64, 3, 5);
    IO.println("einsum row sums == sum(1): " + Tensor.einsum("ij->i", M).allClose(M.sum(1), 1e-12, 1e-12));
    IO.println("einsum column sums == sum(0): " + Tensor.einsum("ij->j", M).allClose(M.sum(0), 1e-12, 1e-12));
    IO.println("einsum matrix product == matmul: " + Tensor.einsum("ik,kj->ij", M, N).allClose(M.matmul(N), 1e-12, 1e-12));
    IO.println("row sums: " + np(Tensor.einsum("ij->i", M)));

    // Exercise 6: a new primitive, probit = Φ^-1, with d/dx Φ^-1(x) = 1 / φ(Φ^-1(x)) (Probit.java:
    // AS241 values, a VJP and a JVP written with jgrad ops, so it differentiates to any order).
    Tensor p = Tensor.of(0.025, 0.5, 0.975, 0.999, 1e-10);
    double[] q = Probit.probit(p).toDoubleArray();
    IO.println("probit([0.025, 0.5, 0.975, 0.999, 1e-10]) = " + Arrays.toString(q));
    Tensor pg = Func.grad((Tensor v) -> Probit.probit(v).sum()).apply(p);
    Tensor pfd = Tensor.zeros(DType.FLOAT64, p.numel());
    for (int i = 0; i < p.numel(); i++) {
        double pi = p.get(i).item();
        double h = Math.min(1e-7, pi * 1e-4);
        pfd.set(i, (Probit.ppnd16(pi + h) - Probit.ppnd16(pi - h)) / (2 * h));
    }
    IO.println("probit gradient:       " + Arrays.toString(pg.toDoubleArray()));
    IO.println("finite differences:    " + Arrays.toString(pfd.toDoubleArray()));
    IO.println("probit gradient vs FD: max relative difference " + pg.sub(pfd).div(pfd).abs().max().item());
    IO.println("probit GradCheck (orders 1 and 2, forward and reverse): "
            + GradCheck.check(args -> Probit.probit(args[0]), Tensor.of(new double[][] {{0.05, 0.3}, {0.5, 0.9}})));
    Tensor pp = Tensor.scalar(0.975, DType.FLOAT64);
    double y1 = Func.grad(Probit::probit).apply(pp).item();
    IO.println("probit'(0.975) = " + y1 + ", probit''(0.975) = " + Func.grad(Func.grad(Probit::probit)).apply(pp).item()
            + " (= probit * probit'^2 = " + q[2] * y1 * y1 + ")");

    // ================================================================ extra

    // Pass by reference: reassigning a parameter (y = y**2) leaves the caller's tensor alone, as in Python.
    Tensor five = Tensor.of(5L);
    squareLocally(five);
    IO.println("after y = y**2 inside f: " + np(five));

    // Broadcasting: x.reshape(-1, 1) and y are both [2, 1]; x @ y fails as NumPy's matmul does.
    Tensor xb = Tensor.of(1L, 2L).reshape(-1, 1);
    Tensor yb = Tensor.of(new long[][] {{1}, {2}});
    try {
        xb.matmul(yb);
        IO.println("no error?");
    } catch (ShapeException e) {
        IO.println("x @ y: " + e.getMessage());
    }
}

/** The seed's f(y): y = y**2 rebinds the local name only. */
void squareLocally(Tensor y) {
    y = y.pow(2);
}
