package dev.jgrad;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * PyTorch-style printing of tensors ({@code torch._tensor_str} with the default print options):
 * {@code tensor([[1., 2.],\n        [3., 4.]])}, {@code tensor([ 0.2053, -0.9787], dtype=float64)},
 * {@code tensor(1., gradFn=<MulBackward>)}. Large tensors are summarised with {@code ...}.
 */
final class TensorFormat {
    /** Digits after the decimal point (PyTorch's {@code precision}). */
    private static final int PRECISION = 4;
    /** More elements than this and the tensor is summarised. */
    private static final int THRESHOLD = 1000;
    /** Items kept at each end of a summarised dimension. */
    private static final int EDGE_ITEMS = 3;
    private static final int LINE_WIDTH = 80;
    private static final String PREFIX = "tensor(";

    private TensorFormat() {
    }

    static String format(Tensor t) {
        List<String> suffixes = new ArrayList<>();
        String body;
        if (t.numel() == 0) {
            // NumPy-like: the shape is printed unless it is (0,); the dtype unless it is the default float
            if (t.dim() != 1) {
                suffixes.add("size=" + tuple(t.shape()));
            }
            if (t.dtype() != DType.FLOAT32) {
                suffixes.add("dtype=" + t.dtype().displayName());
            }
            body = "[]";
        } else {
            // float32, int64 and bool are the defaults for their kind of data and are not printed
            if (t.dtype() == DType.FLOAT64) {
                suffixes.add("dtype=" + t.dtype().displayName());
            }
            body = new Printer(t.detach()).render();
        }
        Node gradFn = t.gradFn();
        if (gradFn != null) {
            suffixes.add("gradFn=<" + gradFn.name() + ">");
        } else if (t.requiresGrad()) {
            suffixes.add("requiresGrad=true");
        }
        return addSuffixes(PREFIX + body, suffixes);
    }

    /** Appends {@code , suffix} to the last line, or on a new line under the data when it would pass the line width. */
    private static String addSuffixes(String text, List<String> suffixes) {
        StringBuilder out = new StringBuilder(text);
        // PyTorch's arithmetic, including its +2 when the text has no newline (rfind gives -1)
        int lastLineLength = text.length() - text.lastIndexOf('\n') + 1;
        for (String suffix : suffixes) {
            if (lastLineLength + suffix.length() + 2 > LINE_WIDTH) {
                out.append(",\n").append(" ".repeat(PREFIX.length())).append(suffix);
                lastLineLength = PREFIX.length() + suffix.length();
            } else {
                out.append(", ").append(suffix);
                lastLineLength += suffix.length() + 2;
            }
        }
        return out.append(')').toString();
    }

    /** Python's tuple syntax for a shape: {@code (0, 3)}, {@code (0,)}. */
    private static String tuple(int[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.append(shape.length == 1 ? ",)" : ")").toString();
    }

    // ---------------------------------------------------------------- the nested brackets

    /** Prints the elements of one non-empty tensor, recursing over its dimensions. */
    private static final class Printer {
        private final int[] shape;
        private final int[] strides;
        private final boolean summarize;
        private final double[] doubles;
        private final long[] longs;
        private final boolean[] booleans;
        private final Formatter formatter;

        Printer(Tensor t) {
            shape = t.shape();
            strides = Shapes.contiguousStrides(shape);
            summarize = t.numel() > THRESHOLD;
            DType dtype = t.dtype();
            doubles = dtype.isFloating() ? t.toDoubleArray() : null;
            longs = dtype == DType.INT64 ? t.toLongArray() : null;
            booleans = dtype == DType.BOOL ? t.toBooleanArray() : null;
            // one width and mode for the whole tensor, chosen from the elements that will be shown
            List<Integer> shown = new ArrayList<>();
            collectShown(0, 0, shown);
            formatter = dtype.isFloating() ? Formatter.forFloats(doubles, shown) : Formatter.forText(this::text, shown);
        }

        String render() {
            return tensorStr(0, 0, PREFIX.length());
        }

        /** The positions printed along a dimension of this size: all, or the first and last EDGE_ITEMS. */
        private int[] kept(int size) {
            if (!summarize || size <= 2 * EDGE_ITEMS) {
                int[] all = new int[size];
                for (int i = 0; i < size; i++) {
                    all[i] = i;
                }
                return all;
            }
            int[] edges = new int[2 * EDGE_ITEMS];
            for (int i = 0; i < EDGE_ITEMS; i++) {
                edges[i] = i;
                edges[EDGE_ITEMS + i] = size - EDGE_ITEMS + i;
            }
            return edges;
        }

        /** Whether a "..." goes before the kept position at index {@code k} (the first of the last EDGE_ITEMS). */
        private boolean gapBefore(int k, int size) {
            return summarize && size > 2 * EDGE_ITEMS && k == EDGE_ITEMS;
        }

        private void collectShown(int dim, int offset, List<Integer> shown) {
            if (dim == shape.length) {
                shown.add(offset);
                return;
            }
            for (int i : kept(shape[dim])) {
                collectShown(dim + 1, offset + i * strides[dim], shown);
            }
        }

        /** The plain text of a non-floating element, before padding. */
        String text(int index) {
            if (longs != null) {
                return Long.toString(longs[index]);
            }
            return booleans[index] ? "True" : "False"; // Python's spelling
        }

        private String element(int index) {
            return doubles != null ? formatter.format(doubles[index]) : formatter.pad(text(index));
        }

        /** The subtensor at {@code offset} from dimension {@code dim} on; {@code indent} is its bracket's column. */
        private String tensorStr(int dim, int offset, int indent) {
            int rank = shape.length;
            if (dim == rank) {
                return element(offset); // a 0-d tensor
            }
            int size = shape[dim];
            int[] kept = kept(size);
            List<String> parts = new ArrayList<>(kept.length + 1);
            if (dim == rank - 1) {
                for (int k = 0; k < kept.length; k++) {
                    if (gapBefore(k, size)) {
                        parts.add(" ...");
                    }
                    parts.add(element(offset + kept[k] * strides[dim]));
                }
                return vectorStr(parts, indent);
            }
            for (int k = 0; k < kept.length; k++) {
                if (gapBefore(k, size)) {
                    parts.add("...");
                }
                parts.add(tensorStr(dim + 1, offset + kept[k] * strides[dim], indent + 1));
            }
            // rows of a matrix on consecutive lines; a blank line between matrices, two between 4-d blocks...
            String separator = "," + "\n".repeat(rank - dim - 1) + " ".repeat(indent + 1);
            return "[" + String.join(separator, parts) + "]";
        }

        /** One innermost row, wrapped so that a line holds as many elements as fit in LINE_WIDTH. */
        private String vectorStr(List<String> items, int indent) {
            int elementLength = formatter.width() + 2; // with ", "
            int perLine = Math.max(1, Math.floorDiv(LINE_WIDTH - indent, elementLength));
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < items.size(); i += perLine) {
                lines.add(String.join(", ", items.subList(i, Math.min(items.size(), i + perLine))));
            }
            return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
        }
    }

    // ---------------------------------------------------------------- one element

    /** How elements are written: as their own text (int64, bool), as {@code 3.}, as {@code 3.1416}, or as {@code 3.1416e+00}. */
    private enum Mode { TEXT, INTEGRAL, FIXED, SCIENTIFIC }

    /** PyTorch's {@code _Formatter}: one mode and one width for every element of a tensor, so columns line up. */
    private record Formatter(Mode mode, int width) {

        static Formatter forText(IntFunction<String> text, List<Integer> shown) {
            int width = 1;
            for (int index : shown) {
                width = Math.max(width, text.apply(index).length());
            }
            return new Formatter(Mode.TEXT, width);
        }

        /**
         * Integral floats print as {@code 3.}; scientific notation when the nonzero finite magnitudes span more
         * than 1000x, pass 1e8, or (for non-integers) go below 1e-4. NaN, infinities and zeros do not count
         * towards the mode or the width.
         */
        static Formatter forFloats(double[] values, List<Integer> shown) {
            boolean integral = true;
            boolean any = false;
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            for (int index : shown) {
                double v = values[index];
                if (v != 0 && Double.isFinite(v)) {
                    any = true;
                    integral &= v == Math.ceil(v);
                    min = Math.min(min, Math.abs(v));
                    max = Math.max(max, Math.abs(v));
                }
            }
            if (!any) {
                return new Formatter(Mode.INTEGRAL, 1);
            }
            boolean wide = max / min > 1000.0 || max > 1.0e8;
            Mode mode = wide || (!integral && min < 1.0e-4) ? Mode.SCIENTIFIC : integral ? Mode.INTEGRAL : Mode.FIXED;
            int width = 1;
            for (int index : shown) {
                double v = values[index];
                if (v != 0 && Double.isFinite(v)) {
                    width = Math.max(width, text(mode, v).length());
                }
            }
            return new Formatter(mode, width);
        }

        /** A float element, padded to the common width. */
        String format(double v) {
            return pad(text(mode, v));
        }

        private static String text(Mode mode, double v) {
            return switch (mode) {
                case INTEGRAL -> Double.isFinite(v) ? fixed(v, 0) + "." : fixed(v, 0); // the dot says "float"
                case FIXED -> fixed(v, PRECISION);
                case SCIENTIFIC -> scientific(v);
                case TEXT -> throw new IllegalStateException("TEXT mode formats int64 and bool, not floats");
            };
        }

        /** Right-aligns to the common width. */
        String pad(String s) {
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }
    }

    /** Python's {@code "{:.Nf}".format(v)}: the exact binary value rounded half-even, keeping the sign of -0. */
    private static String fixed(double v, int digits) {
        if (!Double.isFinite(v)) {
            return nonFinite(v);
        }
        // BigDecimal(double) is exact; Java's %.Nf rounds the shortest decimal instead and can differ from Python
        String s = new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
        return Math.copySign(1.0, v) < 0 && !s.startsWith("-") ? "-" + s : s;
    }

    /** Python's {@code "{:.4e}".format(v)}: {@code 1.2346e+10}, {@code -5.0000e-05}, exponent of at least two digits. */
    private static String scientific(double v) {
        if (!Double.isFinite(v)) {
            return nonFinite(v);
        }
        String sign = Math.copySign(1.0, v) < 0 ? "-" : "";
        if (v == 0) {
            return sign + "0." + "0".repeat(PRECISION) + "e+00";
        }
        BigDecimal rounded = new BigDecimal(Math.abs(v)).round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
        String digits = rounded.unscaledValue().toString();
        int exponent = digits.length() - 1 - rounded.scale();
        digits = (digits + "0".repeat(PRECISION)).substring(0, PRECISION + 1);
        return sign + digits.charAt(0) + "." + digits.substring(1) + "e" + (exponent < 0 ? "-" : "+")
                + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }

    private static String nonFinite(double v) {
        return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    }
}
