package dev.jgrad;

import java.util.Arrays;

/** Shape arithmetic shared by the tensor ops: element counts, strides, broadcasting, dim normalisation. */
final class Shapes {
    private Shapes() {
    }

    static final int[] SCALAR = new int[0];

    static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        if (n > Integer.MAX_VALUE) {
            throw new ShapeException("shape " + str(shape) + " has " + n + " elements; jgrad tensors hold at most 2^31-1");
        }
        return (int) n;
    }

    static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= shape[d];
        }
        return strides;
    }

    static boolean isContiguous(int[] shape, int[] strides) {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** Whether a tensor of shape {@code from} broadcasts to shape {@code to} as it is (to's shape unchanged). */
    static boolean broadcastsTo(int[] from, int[] to) {
        if (from.length > to.length) {
            return false;
        }
        for (int i = 1; i <= from.length; i++) {
            int d = from[from.length - i];
            if (d != 1 && d != to[to.length - i]) {
                return false;
            }
        }
        return true;
    }

    /** NumPy broadcasting of two shapes; fails naming the op. */
    static int[] broadcast(String op, int[] a, int[] b) {
        if (Arrays.equals(a, b)) {
            return a;
        }
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides that read a tensor of {@code shape}/{@code strides} as if it had shape {@code target} (0 on broadcast dims). */
    static int[] broadcastStrides(int[] shape, int[] strides, int[] target) {
        int[] out = new int[target.length];
        int shift = target.length - shape.length;
        for (int d = 0; d < shape.length; d++) {
            out[d + shift] = shape[d] == 1 ? 0 : strides[d];
        }
        return out;
    }

    /** A dim in [-rank, rank) made non-negative; fails naming the op. */
    static int dim(String op, int dim, int rank) {
        int r = Math.max(rank, 1);
        if (dim < -r || dim >= r) {
            throw new IndexException(op + ": dimension " + dim + " is out of range for a tensor of rank " + rank
                    + " (expected a dim in [" + (-r) + ", " + (r - 1) + "])");
        }
        return dim < 0 ? dim + r : dim;
    }

    /** Sorted, distinct, non-negative dims; an empty list means all dims. */
    static boolean[] dimMask(String op, int[] dims, int rank) {
        boolean[] mask = new boolean[rank];
        if (dims.length == 0) {
            Arrays.fill(mask, true);
            return mask;
        }
        for (int d : dims) {
            int nd = dim(op, d, rank);
            if (rank == 0) {
                continue;
            }
            if (mask[nd]) {
                throw new IndexException(op + ": dimension " + d + " appears more than once in " + Arrays.toString(dims));
            }
            mask[nd] = true;
        }
        return mask;
    }

    /** The number of elements before dim {@code dim} (the product of the leading sizes). */
    static int outerSize(int[] shape, int dim) {
        int n = 1;
        for (int i = 0; i < dim; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** The number of elements after dim {@code dim} (the product of the trailing sizes). */
    static int innerSize(int[] shape, int dim) {
        int n = 1;
        for (int i = dim + 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
