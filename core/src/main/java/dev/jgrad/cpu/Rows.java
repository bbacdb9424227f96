package dev.jgrad.cpu;

/**
 * Walks an N-d index space one row at a time for several strided operands at once, so that a kernel only
 * writes a 1-D inner loop. Dims of size 1 are dropped and dims that are contiguous for every operand are
 * merged first, so a contiguous tensor is a single row. Large walks may be split over {@link CpuPool}.
 */
final class Rows {
    private Rows() {
    }

    /** The inner loop: {@code n} elements; operand {@code i} starts at {@code offsets[i]} and steps {@code strides[i]}. */
    interface Row {
        void run(int n, int[] offsets, int[] strides);
    }

    /** Walks every row on the calling thread. */
    static void forEach(int[] shape, int[][] strides, int[] offsets, Row row) {
        forEach(shape, strides, offsets, false, 1, row);
    }

    /**
     * Walks every row, split into about {@code chunks} parts run in parallel when {@code chunks > 1}: the
     * outermost merged dim is cut into ranges, or a single row into {@link Chunks#ALIGN}-aligned pieces. When
     * {@code accumulates}, operand 0 is an accumulator (a reduction's output): a dim where its stride is 0 is
     * never split, so each output element sees its inputs in the same order whatever the split.
     */
    static void forEach(int[] shape, int[][] strides, int[] offsets, boolean accumulates, int chunks, Row row) {
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
        int[] inner = new int[ops];
        if (r == 0) {
            row.run(1, offsets.clone(), inner);
            return;
        }
        for (int o = 0; o < ops; o++) {
            inner[o] = merged[o][r - 1];
        }
        boolean splittable = chunks > 1 && !(accumulates && merged[0][0] == 0);
        if (splittable && r == 1) {
            int n = mergedShape[0];
            Chunks.run(n, chunks, (from, to) -> {
                int[] offs = new int[ops];
                for (int o = 0; o < ops; o++) {
                    offs[o] = offsets[o] + from * inner[o];
                }
                row.run(to - from, offs, inner);
            });
            return;
        }
        int outer = mergedShape[0];
        int ranges = splittable ? Math.min(chunks, outer) : 1;
        if (ranges <= 1) {
            walk(r, mergedShape, merged, offsets.clone(), inner, row);
            return;
        }
        int rows = r;
        CpuPool.run(ranges, c -> {
            int lo = (int) ((long) outer * c / ranges);
            int hi = (int) ((long) outer * (c + 1) / ranges);
            int[] part = mergedShape.clone();
            part[0] = hi - lo;
            int[] offs = new int[ops];
            for (int o = 0; o < ops; o++) {
                offs[o] = offsets[o] + lo * merged[o][0];
            }
            walk(rows, part, merged, offs, inner, row);
        });
    }

    /** Runs row over every row of the merged index space [mergedShape[0..r)) starting at offs (modified). */
    private static void walk(int r, int[] mergedShape, int[][] merged, int[] offs, int[] inner, Row row) {
        int ops = offs.length;
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
