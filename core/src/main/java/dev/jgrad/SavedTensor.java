package dev.jgrad;

/**
 * A tensor kept for backward with the version of its storage at the time. Unpacking fails, as PyTorch
 * does, when the tensor was modified in place since.
 */
final class SavedTensor {
    private final Tensor tensor;
    private final int version;
    private final String producer;

    SavedTensor(Tensor tensor, Node producer) {
        this.tensor = tensor;
        this.version = tensor.storage.version();
        this.producer = producer == null ? null : producer.name;
    }

    Tensor unpack(String usedBy) {
        int now = tensor.storage.version();
        if (now != version) {
            throw new AutogradException("one of the variables needed for gradient computation by " + usedBy
                    + " has been modified by an in-place operation: [" + tensor.dtype + " " + Shapes.str(tensor.shape) + "]"
                    + (producer == null ? "" : ", which is output 0 of " + producer)
                    + ", is at version " + now + "; expected version " + version + " instead. Hint: enable anomaly"
                    + " detection (try (var a = AnomalyMode.enable()) { ... }) to find the forward operation that"
                    + " created the tensor, or clone() it before modifying it in place.");
        }
        return tensor;
    }
}
