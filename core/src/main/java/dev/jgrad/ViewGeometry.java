package dev.jgrad;

/**
 * Where a view lies inside its base, both given in the coordinates of their shared storage. Used to move
 * gradients between a view and its base when an in-place op on the view rewrites the base's history.
 */
record ViewGeometry(int[] baseShape, int[] baseStrides, int baseOffset,
                    int[] viewShape, int[] viewStrides, int viewOffset) {

    static ViewGeometry of(Tensor base, Tensor view) {
        return new ViewGeometry(base.shape, base.strides, base.offset, view.shape, view.strides, view.offset);
    }

    /** True when the base is laid out contiguously from the start of its storage (the usual case). */
    boolean baseIsPlain() {
        return baseOffset == 0 && Shapes.isContiguous(baseShape, baseStrides);
    }

    /** Number of storage elements both geometries reach. */
    int storageSize() {
        return Math.max(extent(baseShape, baseStrides, baseOffset), extent(viewShape, viewStrides, viewOffset));
    }

    private static int extent(int[] shape, int[] strides, int offset) {
        int last = offset;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
                return 0;
            }
            last += (shape[d] - 1) * strides[d];
        }
        return last + 1;
    }
}
