package dev.jgrad.cpu;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which ops the Vector API kernels compute bit for bit like the scalar {@code apply} (rounded once to the dtype),
 * and the error bound of the others, for tests. IEEE operations (+ - * / sqrt), sign and rounding ops, max, min,
 * relu and where are exact; SVML's transcendental lanes are within 1 ulp of the scalar result (measured: float64
 * sin, cos, exp, log within 1 ulp of Math, about 0.51 ulp from the exact value), float32 composites such as rsqrt
 * and sigmoid (rounded after each step in float) within a few ulp. All of it is far inside the tolerance table
 * (float32 1e-5, float64 1e-12 relative).
 */
public final class VectorAccuracy {
    private VectorAccuracy() {
    }

    private static final Set<UnaryOp> EXACT_UNARY = EnumSet.of(UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SIGN, UnaryOp.SQRT,
            UnaryOp.RECIPROCAL, UnaryOp.RELU, UnaryOp.FLOOR, UnaryOp.CEIL, UnaryOp.ROUND);
    private static final Set<BinaryOp> EXACT_BINARY = EnumSet.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL,
            BinaryOp.DIV, BinaryOp.POW, BinaryOp.MAXIMUM, BinaryOp.MINIMUM);

    /** True when the vector kernels of op give the scalar twin's bits in float32 and float64. */
    public static boolean exact(UnaryOp op) {
        return EXACT_UNARY.contains(op);
    }

    /** True when the vector kernels of op give the scalar twin's bits in float32 and float64. */
    public static boolean exact(BinaryOp op) {
        return EXACT_BINARY.contains(op) || op.isComparison() || op.isLogical();
    }

    /** Units in the last place by which a vector lane may differ from the scalar twin, for inexact ops. */
    public static final int MAX_ULPS = 4;
}
