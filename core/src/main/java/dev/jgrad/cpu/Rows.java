package dev.jgrad.cpu;

/**
 * Walks an N-d index space one row at a time for several strided operands at once, so that a kernel only
 * writes a 1-D inner loop. Dims of size 1 are dropped and dims that are contiguous for every operand are
 * merged first, so a contiguous tensor is a single row.
 */
final class Rows {
    private Rows() {
    }

    /** The inner loop: {@code n} elements; operand {@code i} starts at {@code offsets[i]} and steps {@code strides[i]}. */
    interface Row {
        void run(int n, int[] offsets, int[] strides);
    }

    static void forEach(int[] shape, int[][] strides, int[] offsets, Row row) {
        int ops = offsets.length;
        int rank = shape.length;
        int[] mergedShape = new int[rank];
        int[][] merged = new int[ops][rank];
        int r = 0;
        for (int d = 0; d < rank; d++) {
            int size = shape[d];
            if (size == 0) {
                return;
            }
            if (size == 1) {
                continue;
            }
            boolean mergeable = r > 0;
            for (int o = 0; o < ops && mergeable; o++) {
                mergeable = merged[o][r - 1] == strides[o][d] * size;
            }
            if (mergeable) {
                mergedShape[r - 1] *= size;
                for (int o = 0; o < ops; o++) {
                    merged[o][r - 1] = strides[o][d];
                }
            } else {
                mergedShape[r] = size;
                for (int o = 0; o < ops; o++) {
                    merged[o][r] = strides[o][d];
                }
                r++;
            }
        }
        int[] offs = offsets.clone();
        int[] inner = new int[ops];
        if (r == 0) {
            row.run(1, offs, inner);
            return;
        }
        for (int o = 0; o < ops; o++) {
            inner[o] = merged[o][r - 1];
        }
        int n = mergedShape[r - 1];
        int[] idx = new int[r - 1];
        while (true) {
            row.run(n, offs, inner);
            int d = r - 2;
            for (; d >= 0; d--) {
                idx[d]++;
                for (int o = 0; o < ops; o++) {
                    offs[o] += merged[o][d];
                }
                if (idx[d] < mergedShape[d]) {
                    break;
                }
                for (int o = 0; o < ops; o++) {
                    offs[o] -= merged[o][d] * mergedShape[d];
                }
                idx[d] = 0;
            }
            if (d < 0) {
                return;
            }
        }
    }
}
