// Title: seed 003 — PyTorch reverse mode, in jgrad
//
// Seed 003 ("Part 3: Reverse Mode Automatic Differentiation with PyTorch"), cell by cell in jgrad.
// Run it with `./jgrad run examples/walkthroughs/Seed003ReverseMode.java`.
import dev.jgrad.*;

void main() {
    // Cell 1: z = x*y + sin(x) at x=0.5, y=4.2, then backward.
    // torch.tensor(0.5) would be float32; FLOAT64 scalars (Tensor.scalar(0.5, DType.FLOAT64)) give the
    // seed's printed digits, which are those of Python doubles: z = 2.579425538604203.
    var x = Tensor.scalar(0.5, DType.FLOAT64).requiresGrad(true);
    var y = Tensor.scalar(4.2, DType.FLOAT64).requiresGrad(true);
    var z = x.mul(y).add(x.sin());
    IO.println("z = " + z.item());
    z.backward(); // walks the graph and accumulates into the leaves' grad()
    IO.println("dz/dx = " + x.grad().item()); // y + cos(x)
    IO.println("dz/dy = " + y.grad().item()); // x

    // Cell 2: differentiate through an algorithm: z = 1; for i < 2: z = (z + i) * x * x.
    // z = x^4 + x^2, so dz/dx = 4x^3 + 2x = 1.5 at x = 0.5.
    x = Tensor.scalar(0.5, DType.FLOAT64).requiresGrad(true);
    z = Tensor.scalar(1.0, DType.FLOAT64);
    int i = 0;
    while (i < 2) {
        z = z.add(i).mul(x).mul(x);
        i = i + 1;
    }
    z.backward();
    double dzdx = x.grad().item();
    IO.println("dzdx = " + dzdx);

    // Cell 3: in-place on tanh's output. tanh saves its result for backward; add_ bumps its version,
    // so backward fails and names TanhBackward and the versions.
    try {
        var a = Tensor.scalar(1.0).requiresGrad(true);
        var b = a.tanh();
        b.addInPlace(3); // in-place addition
        b.backward();
        IO.println("no error?");
    } catch (AutogradException e) {
        IO.println("in-place on tanh's output: " + e.getMessage());
    }

    // Cell 4: in-place on a view of a leaf that requires grad: y = x[:1]; y.add_(3) fails at once.
    try {
        var a = Tensor.of(1f, 2f, 3f, 4f).requiresGrad(true);
        var b = a.slice(0, 0, 1); // x[:1]
        b.addInPlace(3);
        b.backward();
        IO.println("no error?");
    } catch (AutogradException e) {
        IO.println("in-place on a view of a leaf: " + e.getMessage());
    }

    // Cell 5: multiple outputs z = 2x + sin x, v = 4x + cos x as one [2, 1] tensor, backward with weights.
    var xv = Tensor.of(new float[][] {{1}, {1}}).requiresGrad(true);
    var zv = Tensor.of(new float[][] {{2}, {4}}).mul(xv)
            .add(Tensor.of(new float[][] {{1}, {0}}).mul(xv.sin()))
            .add(Tensor.of(new float[][] {{0}, {1}}).mul(xv.cos()));
    zv.backward(Tensor.of(new float[][] {{1}, {1}})); // "multiple outputs": weights of zv's shape
    IO.println(xv.grad()); // as PyTorch prints it: tensor([[2.5403], [3.1585]]) over two lines
    // dz/dx = 2 + cos 1, dv/dx = 4 - sin 1, to 7 decimals
    float[] g = xv.grad().toFloatArray();
    IO.println(String.format("x.grad = [[%.7f], [%.7f]]", g[0], g[1]));

    // Cell 6: gradient descent on x0^2 + x1^2 + x2^2 from [[2], [1], [10]], step 0.1, 100 iterations.
    // PyTorch's `x.data = x - x.grad*0.1` is an in-place update with recording off. The values are
    // float32 like PyTorch's (checked against NumPy float32: 67.19999694824219 first, 2.418617877589929E-16
    // last); Java writes numbers below 1e-3 as 1.0298370034433901E-4 where Python writes
    // 0.00010298370034433901, with the same digits.
    var p = Tensor.of(new float[][] {{2.0f}, {1.0f}, {10.0f}}).requiresGrad(true);
    for (int it = 0; it < 100; it++) {
        p.setGrad(null); // dispose of the gradient
        var J = function(p); // evaluate the function
        J.backward(); // gradients at the current point
        try (var ng = GradMode.noGrad()) { // the update
            p.subInPlace(p.grad().mul(0.1));
        }
        if (it % 10 == 0) {
            IO.println("(" + p + ", " + function(p).item() + ")");
        }
    }

    // Cell 7: the reparameterisation trick, z = mu + sigma * N(0, 1): dz/dmu = 1 and dz/dsigma = the sample.
    // (jgrad's generator is not PyTorch's, so the samples differ from torch.randn's; the gradients do not.)
    Tensor.manualSeed(0);
    var mu = Tensor.scalar(1.0).requiresGrad(true);
    var sigma = Tensor.scalar(1.0).requiresGrad(true);
    for (int k = 0; k < 10; k++) {
        mu.setGrad(null);
        sigma.setGrad(null);
        var zs = mu.add(sigma.mul(Tensor.randn(1)));
        zs.backward();
        IO.println("z: " + zs.item() + "\tdzdmu: " + mu.grad().item() + "\tdzdsigma: " + sigma.grad().item());
    }
}

/** x[0]**2 + x[1]**2 + x[2]**2. */
Tensor function(Tensor x) {
    return x.get(0).pow(2).add(x.get(1).pow(2)).add(x.get(2).pow(2));
}
