package dev.jgrad;

/**
 * The base's new history after an in-place op wrote into one of its views (PyTorch's CopySlices).
 * The base's gradient splits by position: outside the view's region it belongs to the base's previous
 * value; inside, to the op's output {@code fn}, whose own graph leads on to the view's old value (and
 * through it back to the base's previous value).
 */
final class CopySlices extends Node {
    private final ViewGeometry geometry;

    CopySlices(Node basePrevious, Node fn, ViewGeometry geometry) {
        super("CopySlices", new Node[] {basePrevious, fn});
        this.geometry = geometry;
    }

    @Override
    Tensor[] apply(Tensor grad) {
        Tensor region = Primitives.viewOfBase(grad, geometry);
        Tensor outside = next[0] == null ? null : grad.sub(Primitives.scatterIntoBase(region, geometry));
        return new Tensor[] {outside, region};
    }
}
