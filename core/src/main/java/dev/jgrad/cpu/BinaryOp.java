package dev.jgrad.cpu;

/**
 * Elementwise functions of two arguments. Arithmetic ops produce the operands' dtype; comparisons produce BOOL.
 * Each constant is the {@link dev.jgrad.Tensor} method of the same name (AND, OR: logicalAnd, logicalOr).
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, ATAN2,
    EQ, NE, LT, LE, GT, GE,
    AND, OR;

    /** True for EQ, NE, LT, LE, GT and GE, which give BOOL. */
    public boolean isComparison() {
        return ordinal() >= EQ.ordinal() && ordinal() <= GE.ordinal();
    }

    /** True for AND and OR, which treat nonzero as true and give BOOL. */
    public boolean isLogical() {
        return this == AND || this == OR;
    }

    /** The arithmetic op on two doubles (MAXIMUM and MINIMUM propagate NaN); predicates throw IllegalStateException. */
    public double apply(double x, double y) {
        return switch (this) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case POW -> Math.pow(x, y);
            case MAXIMUM -> (x != x || y != y) ? Double.NaN : Math.max(x, y);
            case MINIMUM -> (x != x || y != y) ? Double.NaN : Math.min(x, y);
            case ATAN2 -> Math.atan2(x, y);
            default -> throw new IllegalStateException(this + " is not arithmetic");
        };
    }

    /**
     * The op on two longs: DIV floors, POW to a negative exponent is 0 unless the base is 1 or -1; ATAN2 and
     * predicates throw.
     */
    public long applyLong(long x, long y) {
        return switch (this) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> Math.floorDiv(x, y);
            case POW -> longPow(x, y);
            case MAXIMUM -> Math.max(x, y);
            case MINIMUM -> Math.min(x, y);
            default -> throw new IllegalStateException(this + " is not an integer op");
        };
    }

    /** The predicate on two doubles, with IEEE comparisons; arithmetic ops throw IllegalStateException. */
    public boolean test(double x, double y) {
        return switch (this) {
            case EQ -> x == y;
            case NE -> x != y;
            case LT -> x < y;
            case LE -> x <= y;
            case GT -> x > y;
            case GE -> x >= y;
            case AND -> x != 0 && y != 0;
            case OR -> x != 0 || y != 0;
            default -> throw new IllegalStateException(this + " is not a predicate");
        };
    }

    /** The predicate on two longs; arithmetic ops throw IllegalStateException. */
    public boolean testLong(long x, long y) {
        return switch (this) {
            case EQ -> x == y;
            case NE -> x != y;
            case LT -> x < y;
            case LE -> x <= y;
            case GT -> x > y;
            case GE -> x >= y;
            case AND -> x != 0 && y != 0;
            case OR -> x != 0 || y != 0;
            default -> throw new IllegalStateException(this + " is not a predicate");
        };
    }

    private static long longPow(long base, long exp) {
        if (exp < 0) {
            return base == 1 ? 1 : base == -1 ? ((exp & 1) == 0 ? 1 : -1) : 0;
        }
        long result = 1;
        while (exp > 0) {
            if ((exp & 1) == 1) {
                result *= base;
            }
            base *= base;
            exp >>= 1;
        }
        return result;
    }
}
