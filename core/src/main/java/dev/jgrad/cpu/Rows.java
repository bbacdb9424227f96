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

    /**
     * Columns per tile when an operand's rows are strided: the walk then goes tile by tile, so the cache lines one
     * row of tiles touches (one per column) serve the next rows too instead of being evicted first.
     */
    static final int TILE = 64;

    /** Walks every row on the calling thread. */
    static void forEach(int[] shape, int[][] strides, int[] offsets, Row row) {
        forEach(shape, strides, offsets, false, -1, 1, row);
    }

    /** {@link #forEach(int[], int[][], int[], boolean, int, int, Row)} in the given dim order (no reordering). */
    static void forEach(int[] shape, int[][] strides, int[] offsets, boolean accumulates, int chunks, Row row) {
        forEach(shape, strides, offsets, accumulates, -1, chunks, row);
    }

    /**
     * Walks every row, split into about {@code chunks} parts run in parallel when {@code chunks > 1}: the
     * outermost merged dim is cut into ranges, or a single row into {@link Chunks#ALIGN}-aligned pieces. When
     * {@code accumulates}, operand 0 is an accumulator (a reduction's output): a dim where its stride is 0 is
     * never split, so each output element sees its inputs in the same order whatever the split. When
     * {@code memoryOrder} is an operand's index, dims are first ordered by that operand's strides, largest
     * outermost, so its elements are read in memory order. When an operand steps more than a cache line along
     * the rows but less across them (a transposed view), the walk goes in tiles of {@link #TILE} columns.
     */
    static void forEach(int[] shape, int[][] strides, int[] offsets, boolean accumulates, int memoryOrder, int chunks,
                        Row row) {
        int ops = offsets.length;
        int rank = shape.length;
        int[] order = dimOrder(shape, memoryOrder < 0 ? null : strides[memoryOrder]);
        int[] mergedShape = new int[rank];
        int[][] merged = new int[ops][rank];
        int r = 0;
        for (int d : order) {
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
        if (r >= 2 && mergedShape[r - 1] > 2 * TILE && stridedRows(merged, r, ops)) {
            tiled(r, mergedShape, merged, offsets, inner, chunks > 1 && !(accumulates && inner[0] == 0) ? chunks : 1,
                    row);
            return;
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

    /** The dims in walk order: as given, or by decreasing |stride| of one operand (stable). */
    private static int[] dimOrder(int[] shape, int[] by) {
        int rank = shape.length;
        int[] order = new int[rank];
        for (int d = 0; d < rank; d++) {
            order[d] = d;
        }
        if (by != null) {
            for (int i = 1; i < rank; i++) { // insertion sort: ranks are small
                int d = order[i];
                int j = i - 1;
                for (; j >= 0 && Math.abs(by[order[j]]) < Math.abs(by[d]); j--) {
                    order[j + 1] = order[j];
                }
                order[j + 1] = d;
            }
        }
        return order;
    }

    /** True when some operand steps a cache line or more along the rows but less along an outer dim. */
    private static boolean stridedRows(int[][] merged, int r, int ops) {
        for (int o = 0; o < ops; o++) {
            int step = Math.abs(merged[o][r - 1]);
            if (step >= 16) {
                for (int d = 0; d < r - 1; d++) {
                    if (Math.abs(merged[o][d]) < step) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Walks column tiles of TILE (the last one shorter) one after another, in ranges of tiles over the pool. */
    private static void tiled(int r, int[] mergedShape, int[][] merged, int[] offsets, int[] inner, int chunks,
                              Row row) {
        int ops = offsets.length;
        int n = mergedShape[r - 1];
        int tiles = (n + TILE - 1) / TILE;
        int ranges = Math.min(chunks, tiles);
        java.util.function.IntConsumer range = c -> {
            int[] part = mergedShape.clone();
            int[] offs = new int[ops];
            for (int t = (int) ((long) tiles * c / ranges), end = (int) ((long) tiles * (c + 1) / ranges); t < end;
                    t++) {
                int lo = t * TILE;
                part[r - 1] = Math.min(TILE, n - lo);
                for (int o = 0; o < ops; o++) {
                    offs[o] = offsets[o] + lo * inner[o];
                }
                walk(r, part, merged, offs, inner, row);
            }
        };
        if (ranges <= 1) {
            range.accept(0);
        } else {
            CpuPool.run(ranges, range);
        }
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
