package dev.jgrad.cpu;

/** Elementwise functions of two arguments. Arithmetic ops produce the operands' dtype; comparisons produce BOOL. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, ATAN2,
    EQ, NE, LT, LE, GT, GE,
    AND, OR;

    public boolean isComparison() {
        return ordinal() >= EQ.ordinal() && ordinal() <= GE.ordinal();
    }

    public boolean isLogical() {
        return this == AND || this == OR;
    }

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
