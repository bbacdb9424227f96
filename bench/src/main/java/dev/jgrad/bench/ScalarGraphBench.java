package dev.jgrad.bench;

import dev.jgrad.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * JMH twin of the scalar_graph workload (seed 003): per-operation overhead on 0-d tensors. One invocation
 * clears the grads, builds z = x*y + sin(x) and runs z.backward(); the gradient is read and returned.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScalarGraphBench {
    private Tensor x;
    private Tensor y;

    @Setup
    public void setUp() {
        x = Tensor.scalar(0.5).requiresGrad(true);
        y = Tensor.scalar(4.2).requiresGrad(true);
    }

    /** The whole step, as the workload runner times it. */
    @Benchmark
    public double forwardBackward() {
        x.setGrad(null);
        y.setGrad(null);
        Tensor z = x.mul(y).add(x.sin());
        z.backward();
        return x.grad().item();
    }

    /** The forward graph alone (recording included), to split the step's cost. */
    @Benchmark
    public Tensor forwardOnly() {
        return x.mul(y).add(x.sin());
    }
}
