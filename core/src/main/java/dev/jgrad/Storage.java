package dev.jgrad;

/**
 * The memory behind one or more tensors (a Java array; the GC owns its lifetime) and its version counter.
 * Every in-place write bumps the version; views share both, so autograd can tell when a tensor it saved
 * was modified, through whichever view.
 */
final class Storage {
    final Object data;
    private int version;

    Storage(Object data) {
        this.data = data;
    }

    int version() {
        return version;
    }

    void bumpVersion() {
        version++;
    }
}
