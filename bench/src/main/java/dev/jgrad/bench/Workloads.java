package dev.jgrad.bench;

import dev.jgrad.DType;
import dev.jgrad.Func;
import dev.jgrad.Generator;
import dev.jgrad.GradMode;
import dev.jgrad.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workloads of bench/WORKLOADS.md, written with jgrad's public API as a user would write them, with the
 * sizes, dtypes and steps of the reference definitions (anchors_torch.py). Each method builds its inputs
 * (not timed) and returns the {@link Step} that one repetition runs; its size parameters exist so that tests
 * can run the same code small, while {@link #ALL} always binds the real sizes.
 */
public final class Workloads {
    private Workloads() {
    }

    /** Every workload by name, in the order of WORKLOADS.md, with the reference's repetition counts. */
    public static final Map<String, Workload> ALL;

    static {
        Map<String, Workload> m = new LinkedHashMap<>();
        add(m, "scalar_graph", "seed 003: z = x*y + sin(x) on scalars, backward", 2000, 200,
                Workloads::scalarGraph);
        add(m, "scalar_points_100", "seed 004: mean distance to 100 points from scalar ops, backward", 50, 5,
                () -> scalarPoints(100));
        add(m, "sin_fit_50x50", "seed 001: 50 SGD steps fitting sin(x*o + t) to 50 points, final loss", 30, 5,
                () -> sinFit(50, 50));
        add(m, "hvp_d50000", "seed 002: Hessian-vector product of sum(A @ sin(x)), A 10 x 50000, float64", 30, 5,
                () -> hvp(50_000));
        add(m, "listcomp_grad_100", "seed 002: gradient of a sum of 100 row products A[i,:] @ x, float64", 50, 5,
                () -> listComp(100));
        for (int n : new int[] {500, 1024, 2048}) {
            add(m, "matmul_f32_" + n, "a @ b, " + n + " x " + n + " float32", 20, 5, () -> matmul(DType.FLOAT32, n));
        }
        add(m, "matmul_f64_1024", "a @ b, 1024 x 1024 float64", 20, 5, () -> matmul(DType.FLOAT64, 1024));
        add(m, "randn_matmul_500_seed002", "randn(500,500) @ randn(500,500).T, generation included", 25, 5,
                () -> randnMatmul(500));
        add(m, "einsum_500_seed002", "einsum(\"ik,jk->j\", randn(500,500), randn(500,500)), generation included",
                25, 5, () -> einsum(500));
        add(m, "mlp_step_b256", "MLP 784-512-512-10 ReLU, batch 256, cross-entropy, one SGD step", 20, 5,
                () -> mlpStep(256, 784, 512, 10));
        add(m, "mlp_step_b256_matmuls", "jgrad only: the 8 matrix products of one mlp_step_b256, alone (its GEMM time)",
                20, 5, () -> mlpMatmuls(256, 784, 512, 10));
        add(m, "elementwise_16M_fwd_bwd", "sum(sin(x)*2 + x*x - exp(-x)) over 16M floats, backward", 10, 5,
                () -> elementwise(16_000_000));
        ALL = Collections.unmodifiableMap(m);
    }

    private static void add(Map<String, Workload> m, String name, String description, int reps, int warmup,
                            java.util.function.Supplier<Step> setUp) {
        m.put(name, new Workload(name, description, reps, warmup, setUp));
    }

    /** scalar_graph (seed 003): x = 0.5, y = 4.2 requiring grad; clear grads; z = x*y + sin(x); backward. */
    static Step scalarGraph() {
        Tensor x = Tensor.scalar(0.5).requiresGrad(true);
        Tensor y = Tensor.scalar(4.2).requiresGrad(true);
        return () -> {
            x.setGrad(null);
            y.setGrad(null);
            Tensor z = x.mul(y).add(x.sin());
            z.backward();
            return x.grad().item();
        };
    }

    /**
     * scalar_points_100 (seed 004): n points (x_i, y_i) ~ U[0,1); xp = yp = 0.3; loss = (1/n) * sum_i
     * sqrt((xp-x_i)^2 + (yp-y_i)^2), one graph node per scalar op (as in the seed's Python loop); backward.
     */
    static Step scalarPoints(int n) {
        Generator g = new Generator(5);
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = g.nextDouble();
        }
        for (int i = 0; i < n; i++) {
            ys[i] = g.nextDouble();
        }
        Tensor xp = Tensor.scalar(0.3).requiresGrad(true);
        Tensor yp = Tensor.scalar(0.3).requiresGrad(true);
        return () -> {
            xp.setGrad(null);
            yp.setGrad(null);
            Tensor loss = Tensor.scalar(0.0);   // Python's `loss = 0`; the first `0 + t` is a node too
            for (int i = 0; i < n; i++) {
                loss = loss.add(xp.sub(xs[i]).pow(2).add(yp.sub(ys[i]).pow(2)).pow(0.5));
            }
            loss.div(n).backward();
            return xp.grad().item();
        };
    }

    /**
     * sin_fit_50x50 (seed 001): points x ~ U(-1,1), y = sin(2.188x + 1) + 0.1 N(0,1); fresh o = 3, t = 1;
     * {@code steps} steps of SGD(lr = 0.1) on mean((sin(x*o + t) - y)^2); reads the final loss.
     */
    static Step sinFit(int points, int steps) {
        Generator g = new Generator(0);
        Tensor xs = g.uniform(-1, 1, DType.FLOAT32, points);
        Tensor ys = xs.mul(2.188).add(1).sin().add(g.normal(0, 1, DType.FLOAT32, points).mul(0.1));
        double lr = 0.1;
        return () -> {
            Tensor o = Tensor.of(3.0f).requiresGrad(true);
            Tensor t = Tensor.of(1.0f).requiresGrad(true);
            Tensor loss = null;
            for (int i = 0; i < steps; i++) {
                loss = xs.mul(o).add(t).sin().sub(ys).square().mean();
                loss.backward();
                try (GradMode ignored = GradMode.noGrad()) {   // SGD by hand (no optim package yet)
                    for (Tensor p : new Tensor[] {o, t}) {
                        p.subInPlace(p.grad(), lr);
                        p.setGrad(null);
                    }
                }
            }
            return loss.item();
        };
    }

    /**
     * hvp_d50000 (seed 002): float64, A (10 x d) ~ U[0,1), x = 2*ones(d), r ~ U[0,1); f(x) = sum(A @ sin(x));
     * one Hessian-vector product H(x) r with {@code Func.hvp}: forward over reverse, one forward and one
     * backward pass with tangents, memory O(d).
     */
    static Step hvp(int d) {
        Generator gen = new Generator(123);
        Tensor a = gen.uniform(0, 1, DType.FLOAT64, 10, d);
        Tensor x = Tensor.ones(DType.FLOAT64, d).mul(2);
        Tensor r = gen.uniform(0, 1, DType.FLOAT64, d);
        return () -> Func.hvp(z -> a.matmul(z.sin()).sum(), x, r).get(0).item();
    }

    /**
     * listcomp_grad_100 (seed 002): float64, A (n x 2) ~ N(0,1), x = [1, 2]; f = sum of the n separate products
     * A[i,:] @ x.reshape(-1,1), stacked; gradient of f into x.grad.
     */
    static Step listComp(int n) {
        Tensor a = new Generator(0).normal(0, 1, DType.FLOAT64, n, 2);
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        return () -> {
            x.setGrad(null);
            List<Tensor> vals = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                vals.add(a.get(i).matmul(x.reshape(-1, 1)));
            }
            Tensor.stack(vals, 0).sum().backward();
            return x.grad().get(0).item();
        };
    }

    /** matmul_f32_N, matmul_f64_N: a @ b with a, b n x n standard normal of {@code dtype}. */
    static Step matmul(DType dtype, int n) {
        Generator g = new Generator(0);
        Tensor a = g.normal(0, 1, dtype, n, n);
        Tensor b = g.normal(0, 1, dtype, n, n);
        return () -> a.matmul(b).get(0, 0).item();
    }

    /** randn_matmul_500_seed002: randn(n,n) @ randn(n,n).T with the random generation included. */
    static Step randnMatmul(int n) {
        Tensor.manualSeed(0);
        return () -> Tensor.randn(n, n).matmul(Tensor.randn(n, n).T()).get(0, 0).item();
    }

    /** einsum_500_seed002: einsum("ik,jk->j", randn(n,n), randn(n,n)) with the random generation included. */
    static Step einsum(int n) {
        Tensor.manualSeed(0);
        return () -> Tensor.einsum("ik,jk->j", Tensor.randn(n, n), Tensor.randn(n, n)).get(0).item();
    }

    /**
     * mlp_step_b256: an MLP in-hidden-hidden-classes with ReLU (PyTorch nn.Linear layout and initialisation,
     * W and b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))), a batch of standard normal inputs and random labels,
     * softmax cross-entropy (logSumExp minus the picked logit, mean over the batch), and one SGD(lr = 0.01)
     * step: zero grads, forward, backward, update. Raw tensor ops: there is no nn package yet.
     */
    static Step mlpStep(int batch, int in, int hidden, int classes) {
        Generator g = new Generator(0);
        List<Tensor> params = new ArrayList<>();
        int[][] layers = {{in, hidden}, {hidden, hidden}, {hidden, classes}};
        for (int[] layer : layers) {
            double bound = 1 / Math.sqrt(layer[0]);
            params.add(g.uniform(-bound, bound, DType.FLOAT32, layer[1], layer[0]).requiresGrad(true));
            params.add(g.uniform(-bound, bound, DType.FLOAT32, layer[1]).requiresGrad(true));
        }
        Tensor xb = g.randn(batch, in);
        Tensor labels = g.randint(0, classes, batch);
        // logits.flatten()[row * classes + label] picks each row's logit of its label
        Tensor picked = Tensor.arange(batch).mul(classes).add(labels);
        double lr = 0.01;
        return () -> {
            for (Tensor p : params) {
                p.setGrad(null);
            }
            Tensor h = xb;
            for (int l = 0; l < layers.length; l++) {
                h = h.matmul(params.get(2 * l).T()).add(params.get(2 * l + 1));
                if (l < layers.length - 1) {
                    h = h.relu();
                }
            }
            Tensor loss = h.logSumExp(1).sub(h.flatten().index(picked)).mean();
            loss.backward();
            try (GradMode ignored = GradMode.noGrad()) {
                for (Tensor p : params) {
                    p.subInPlace(p.grad(), lr);
                }
            }
            return loss.item();
        };
    }

    /**
     * mlp_step_b256_matmuls (not in WORKLOADS.md): the matrix products that one {@link #mlpStep} makes, with the
     * same shapes and operand layouts and nothing else: forward h @ w.T() per layer, backward g.mT() @ h for each
     * weight and g @ w for each hidden input. The mlp target is the step's time over this one's.
     */
    static Step mlpMatmuls(int batch, int in, int hidden, int classes) {
        Generator g = new Generator(1);
        Tensor xb = g.randn(batch, in);
        Tensor w1 = g.randn(hidden, in);
        Tensor w2 = g.randn(hidden, hidden);
        Tensor w3 = g.randn(classes, hidden);
        Tensor h1 = g.randn(batch, hidden);
        Tensor h2 = g.randn(batch, hidden);
        Tensor g1 = g.randn(batch, hidden);
        Tensor g2 = g.randn(batch, hidden);
        Tensor g3 = g.randn(batch, classes);
        return () -> {
            double sum = xb.matmul(w1.T()).get(0, 0).item() + h1.matmul(w2.T()).get(0, 0).item()
                    + h2.matmul(w3.T()).get(0, 0).item();
            sum += g3.mT().matmul(h2).get(0, 0).item() + g3.matmul(w3).get(0, 0).item();
            sum += g2.mT().matmul(h1).get(0, 0).item() + g2.matmul(w2).get(0, 0).item();
            return sum + g1.mT().matmul(xb).get(0, 0).item();
        };
    }

    /** elementwise_16M_fwd_bwd: x (n standard normal floats) requiring grad; y = sum(sin(x)*2 + x*x - exp(-x)); backward. */
    static Step elementwise(int n) {
        Tensor x0 = new Generator(0).randn(n);
        return () -> {
            Tensor x = x0.detach().requiresGrad(true);
            Tensor y = x.sin().mul(2).add(x.mul(x)).sub(x.neg().exp()).sum();
            y.backward();
            return y.item() + x.grad().get(0).item();
        };
    }
}
