package dev.jgrad.bench;

import dev.jgrad.DType;
import dev.jgrad.Generator;
import dev.jgrad.Tensor;
import dev.jgrad.cpu.Gemm;
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
 * Square matrix products n x n @ n x n in float32 and float64: the GEMM kernel on arrays ({@code gemm}), the same
 * with b read transposed through its strides ({@code gemmTransposedB}), and {@code Tensor.matmul}. GFLOP/s =
 * 2 n^3 / (ms/op * 1e6).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBench {
    @Param({"256", "512", "1024"})
    public int n;

    @Param({"FLOAT32", "FLOAT64"})
    public DType dtype;

    private Tensor a;
    private Tensor b;
    private float[] af;
    private float[] bf;
    private double[] ad;
    private double[] bd;

    @Setup
    public void setup() {
        Generator g = new Generator(42);
        a = g.uniform(-1, 1, dtype, n, n);
        b = g.uniform(-1, 1, dtype, n, n);
        if (dtype == DType.FLOAT32) {
            af = a.toFloatArray();
            bf = b.toFloatArray();
        } else {
            ad = a.toDoubleArray();
            bd = b.toDoubleArray();
        }
    }

    @Benchmark
    public Object gemm() {
        return dtype == DType.FLOAT32
                ? Gemm.matmul(af, 0, 0, n, 1, bf, 0, 0, n, 1, 1, n, n, n)
                : Gemm.matmul(ad, 0, 0, n, 1, bd, 0, 0, n, 1, 1, n, n, n);
    }

    @Benchmark
    public Object gemmTransposedB() {
        return dtype == DType.FLOAT32
                ? Gemm.matmul(af, 0, 0, n, 1, bf, 0, 0, 1, n, 1, n, n, n)
                : Gemm.matmul(ad, 0, 0, n, 1, bd, 0, 0, 1, n, 1, n, n, n);
    }

    @Benchmark
    public Tensor tensorMatmul() {
        return a.matmul(b);
    }
}
