package dev.jgrad.cpu;

/**
 * Elementwise functions of one argument, evaluated in double (float32 results are rounded once). Each
 * constant is the {@link dev.jgrad.Tensor} method of the same name; ROUND rounds half to even.
 */
public enum UnaryOp {
    NEG, ABS, SIGN, EXP, EXPM1, LOG, LOG1P, SQRT, RSQRT, RECIPROCAL, SIN, COS, TAN, TANH, SIGMOID, RELU,
    FLOOR, CEIL, ROUND;

    /** The op on one value. */
    public double apply(double x) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case EXP -> Math.exp(x);
            case EXPM1 -> Math.expm1(x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log1p(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1.0 / Math.sqrt(x);
            case RECIPROCAL -> 1.0 / x;
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TAN -> Math.tan(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
            case RELU -> x > 0 ? x : (x == x ? 0.0 : x);
            case FLOOR -> Math.floor(x);
            case CEIL -> Math.ceil(x);
            case ROUND -> Math.rint(x); // half to even, as PyTorch and NumPy
        };
    }

    /** True when the op maps integers to integers (it then keeps an INT64 tensor's dtype). */
    public boolean keepsIntegers() {
        return switch (this) {
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND -> true;
            default -> false;
        };
    }

    /** The op on an int64 value; only for ops where {@link #keepsIntegers()}. */
    public long applyLong(long x) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGN -> Long.signum(x);
            case RELU -> Math.max(x, 0);
            case FLOOR, CEIL, ROUND -> x;
            default -> throw new IllegalStateException(this + " is not an integer op");
        };
    }
}
