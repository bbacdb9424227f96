package dev.jgrad;

/** Element types of a tensor. FLOAT32 is the default for floating data, as in PyTorch. */
public enum DType {
    /** 32-bit IEEE float, stored as {@code float[]}: the default floating dtype. */
    FLOAT32("float32", true),
    /** 64-bit IEEE float, stored as {@code double[]}: what {@code Tensor.of(double...)} makes. */
    FLOAT64("float64", true),
    /** 64-bit signed integer, stored as {@code long[]}. */
    INT64("int64", false),
    /** true or false, stored as {@code boolean[]}. */
    BOOL("bool", false);

    private final String displayName;
    private final boolean floating;

    DType(String displayName, boolean floating) {
        this.displayName = displayName;
        this.floating = floating;
    }

    /** True for FLOAT32 and FLOAT64. */
    public boolean isFloating() {
        return floating;
    }

    /** The name PyTorch prints, e.g. {@code float32}. */
    public String displayName() {
        return displayName;
    }

    /**
     * PyTorch's promotion of two tensor dtypes: bool &lt; int64 &lt; float32 &lt; float64.
     * int with float gives the float; float32 with float64 gives float64.
     */
    public static DType promote(DType a, DType b) {
        return a.ordinalRank() >= b.ordinalRank() ? a : b;
    }

    private int ordinalRank() {
        return switch (this) {
            case BOOL -> 0;
            case INT64 -> 1;
            case FLOAT32 -> 2;
            case FLOAT64 -> 3;
        };
    }

    /** The display name, e.g. {@code float32}. */
    @Override
    public String toString() {
        return displayName;
    }
}
