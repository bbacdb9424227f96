package dev.jgrad.bench;

import dev.jgrad.DType;
import dev.jgrad.Generator;
import dev.jgrad.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every workload runs and gives a finite, and where it is cheap to know, the right result. */
class WorkloadsTest {
    /** Too slow for a unit test at their real sizes; run below at reduced sizes through the same code. */
    private static final Set<String> HEAVY = Set.of("matmul_f32_1024", "matmul_f32_2048", "matmul_f64_1024",
            "mlp_step_b256", "mlp_step_b256_matmuls", "elementwise_16M_fwd_bwd");

    private static double once(Step step) {
        Timing.Measurement m = Timing.measure(step, 1, 0, 1);
        assertEquals(1, m.reps());
        assertTrue(m.minS() > 0 && m.minS() <= m.medianS(), "min " + m.minS() + " median " + m.medianS());
        return m.result();
    }

    @TestFactory
    Stream<DynamicTest> everyLightWorkloadRunsAtItsRealSizeWithAFiniteResult() {
        return Workloads.ALL.values().stream().filter(w -> !HEAVY.contains(w.name()))
                .map(w -> DynamicTest.dynamicTest(w.name(), () -> {
                    double result = once(w.setUp().get());
                    assertTrue(Double.isFinite(result), w.name() + " gave " + result);
                }));
    }

    @Test
    void registryHasEveryWorkloadOfWorkloadsMdInOrder() {
        assertEquals(java.util.List.of("scalar_graph", "scalar_points_100", "sin_fit_50x50", "hvp_d50000",
                "listcomp_grad_100", "matmul_f32_500", "matmul_f32_1024", "matmul_f32_2048", "matmul_f64_1024",
                "randn_matmul_500_seed002", "einsum_500_seed002", "mlp_step_b256", "mlp_step_b256_matmuls",
                "elementwise_16M_fwd_bwd"),
                java.util.List.copyOf(Workloads.ALL.keySet()));
        assertTrue(HEAVY.stream().allMatch(Workloads.ALL::containsKey));
    }

    @Test
    void scalarGraphGivesSeed003Gradient() {
        // dz/dx = y + cos(x) at x = 0.5, y = 4.2 (float32)
        assertEquals(5.077582561890373, once(Workloads.scalarGraph()), 1e-6);
    }

    @Test
    void scalarPointsGradientIsTheMeanUnitVectorComponent() {
        // d/dxp mean_i |p - q_i| = mean_i (xp - x_i) / |p - q_i|, bounded by 1 in absolute value
        double g = once(Workloads.scalarPoints(10));
        assertTrue(Math.abs(g) <= 1, "gradient " + g);
    }

    @Test
    void sinFitLowersTheLoss() {
        double afterOneStep = once(Workloads.sinFit(50, 1));
        double afterFifty = once(Workloads.sinFit(50, 50));
        assertTrue(afterFifty < afterOneStep, afterFifty + " !< " + afterOneStep);
    }

    @Test
    void hvpMatchesTheClosedForm() {
        // f = sum_j colsum(A)_j sin(x_j): H = diag(-colsum(A) sin(x)), so (H r)_0 = -colsum(A)_0 sin(2) r_0
        int d = 100;
        Generator gen = new Generator(123);   // the workload's draws, in its order
        Tensor a = gen.uniform(0, 1, DType.FLOAT64, 10, d);
        Tensor r = gen.uniform(0, 1, DType.FLOAT64, d);
        double expected = -a.sum(0).get(0).item() * Math.sin(2) * r.get(0).item();
        Step step = Workloads.hvp(d);
        assertEquals(expected, once(step), 1e-12);
        assertEquals(expected, once(step), 1e-12);   // x is fresh each repetition
    }

    @Test
    void listCompGradientIsTheColumnSumOfA() {
        // f = sum_i A[i,:] @ x: df/dx_0 = sum_i A[i,0]; x.grad is cleared each repetition, not accumulated
        Tensor a = new Generator(0).normal(0, 1, DType.FLOAT64, 100, 2);
        Step step = Workloads.listComp(100);
        assertEquals(a.sum(0).get(0).item(), once(step), 1e-12);
        assertEquals(a.sum(0).get(0).item(), once(step), 1e-12);
    }

    @Test
    void reducedHeavyWorkloadsRunWithFiniteResults() {
        assertTrue(Double.isFinite(once(Workloads.matmul(DType.FLOAT32, 64))));
        assertTrue(Double.isFinite(once(Workloads.matmul(DType.FLOAT64, 33))));
        double loss = once(Workloads.mlpStep(16, 20, 12, 10));
        // freshly initialised 10-class logits are small: the loss is near ln(10)
        assertEquals(Math.log(10), loss, 0.5);
        double elementwise = once(Workloads.elementwise(1001));
        assertTrue(Double.isFinite(elementwise));
    }

    @Test
    void mlpMatmulsRunAtAReducedSize() {
        assertTrue(Double.isFinite(once(Workloads.mlpMatmuls(16, 20, 12, 10))));
    }

    @Test
    void mlpStepLowersTheLossOnItsBatch() {
        Step step = Workloads.mlpStep(16, 20, 12, 10);
        double first = step.run();
        double last = first;
        for (int i = 0; i < 20; i++) {
            last = step.run();
        }
        assertTrue(last < first, last + " !< " + first);
    }
}
