package dev.jgrad.bench;

import dev.jgrad.Generator;
import dev.jgrad.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Elementwise ops and a full sum over float32 tensors of 1M and 16M elements (1000 x 1000 and 4000 x 4000), in
 * three layouts: {@code CONTIGUOUS}; {@code ROWS}, every other row of a twice-as-tall tensor (strided, but each
 * row contiguous: the vector kernels run row by row); {@code TRANSPOSED}, a column-major view (no contiguous
 * rows: the strided scalar loops). Each op allocates its result, as in eager use, except the SGD steps, which
 * write into x. Memory traffic per op: 8 bytes per element for unary ops (12 for add, mul and the fused SGD
 * step), so GB/s = 8e-6 * elements / (ms/op) (12e-6 for binary).
 * {@code -jvmArgsPrepend -Djgrad.threads=1} measures one thread, {@code -jvmArgsPrepend -Djgrad.vectorMath=false}
 * the scalar transcendental functions ({@code -jvmArgsAppend} would replace the flags below, the incubator module
 * among them). Run it like GemmBench (bench/README.md), naming {@code ElementwiseBench}:
 * <pre>
 * ./mvnw -q -B package -DskipTests -pl core,bench \
 *   &amp;&amp; (cd bench &amp;&amp; ../mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/cp.txt) \
 *   &amp;&amp; java -cp "bench/target/classes:core/target/classes:$(cat bench/target/cp.txt)" org.openjdk.jmh.Main \
 *   ElementwiseBench -p elements=16000000
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms4g", "-Xmx4g"})
public class ElementwiseBench {
    /** Elements per tensor: 1000 x 1000 or 4000 x 4000. */
    @Param({"1000000", "16000000"})
    public int elements;

    @Param({"CONTIGUOUS", "ROWS", "TRANSPOSED"})
    public String layout;

    private Tensor x;
    private Tensor y;

    @Setup
    public void setup() {
        int side = (int) Math.round(Math.sqrt(elements));
        Generator g = new Generator(7);
        x = view(g, side);
        y = view(g, side);
    }

    /** A side x side float32 standard-normal tensor in this benchmark's layout. */
    private Tensor view(Generator g, int side) {
        return switch (layout) {
            case "CONTIGUOUS" -> g.randn(side, side);
            case "ROWS" -> g.randn(2 * side, side).slice(0, 0, 2 * side, 2);
            case "TRANSPOSED" -> g.randn(side, side).transpose(0, 1);
            default -> throw new IllegalArgumentException(layout);
        };
    }

    @Benchmark
    public Tensor sin() {
        return x.sin();
    }

    @Benchmark
    public Tensor exp() {
        return x.exp();
    }

    @Benchmark
    public Tensor add() {
        return x.add(y);
    }

    /** Times a broadcast scalar: the dense-with-scalar kernel. */
    @Benchmark
    public Tensor mulScalar() {
        return x.mul(2.0);
    }

    @Benchmark
    public Tensor mul() {
        return x.mul(y);
    }

    @Benchmark
    public double sum() {
        return x.sum().item();
    }

    /** An SGD step, x -= lr * y, in one pass (subInPlace with alpha; a transposed x takes the unfused path). */
    @Benchmark
    public Tensor sgdStep() {
        return x.subInPlace(y, 1e-6);
    }

    /** The same step through a temporary for lr * y, as it was written before subInPlace took alpha. */
    @Benchmark
    public Tensor sgdStepWithTemporary() {
        return x.subInPlace(y.mul(1e-6));
    }
}
