package dev.jgrad;

/** PyTorch-style printing of tensors. */
final class TensorFormat {
    private TensorFormat() {
    }

    static String format(Tensor t) {
        return "tensor(" + java.util.Arrays.toString(t.toDoubleArray()) + ")";
    }
}
