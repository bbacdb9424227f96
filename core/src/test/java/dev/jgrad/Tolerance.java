package dev.jgrad;

import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one tolerance table of the test suite, by dtype, and the assertions built on it. A value passes when
 * {@code |actual - expected| <= atol + rtol * |expected|}; NaN matches only NaN and infinities match exactly.
 * INT64 and BOOL values must be equal.
 */
final class Tolerance {
    private Tolerance() {
    }

    /** Relative tolerance for values of {@code dtype}. */
    static double rtol(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> 1e-5;
            case FLOAT64 -> 1e-12;
            case INT64, BOOL -> 0;
        };
    }

    /** Absolute tolerance for values of {@code dtype}. */
    static double atol(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> 1e-6;
            case FLOAT64 -> 1e-12;
            case INT64, BOOL -> 0;
        };
    }

    static boolean close(double expected, double actual, DType dtype) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual);
        }
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            return expected == actual;
        }
        return Math.abs(actual - expected) <= atol(dtype) + rtol(dtype) * Math.abs(expected);
    }

    /** One number compared with the tolerance of {@code dtype}. */
    static void assertClose(double expected, double actual, DType dtype) {
        if (!close(expected, actual, dtype)) {
            fail("expected " + expected + " but got " + actual + " (" + dtype + ": rtol " + rtol(dtype) + ", atol "
                    + atol(dtype) + ")");
        }
    }

    /** The values of {@code actual} in row-major order, within the tolerance of its dtype. */
    static void assertValues(Tensor actual, double... expected) {
        double[] got = actual.toDoubleArray();
        if (got.length != expected.length) {
            fail("expected " + expected.length + " elements but the tensor of shape " + Arrays.toString(actual.shape())
                    + " has " + got.length + ": " + Arrays.toString(got));
        }
        for (int i = 0; i < got.length; i++) {
            if (!close(expected[i], got[i], actual.dtype())) {
                fail("element " + i + ": expected " + expected[i] + " but got " + got[i] + " (" + actual.dtype()
                        + ")\n expected " + Arrays.toString(expected) + "\n actual   " + Arrays.toString(got));
            }
        }
    }

    /** dtype, shape and values of {@code actual}. */
    static void assertTensor(Tensor actual, DType dtype, int[] shape, double... expected) {
        assertEquals(dtype, actual.dtype(), "dtype");
        assertArrayEquals(shape, actual.shape(), () -> "shape " + Arrays.toString(actual.shape()));
        assertValues(actual, expected);
    }

    /** An INT64 tensor of the given shape and exact values. */
    static void assertLongs(Tensor actual, int[] shape, long... expected) {
        assertEquals(DType.INT64, actual.dtype(), "dtype");
        assertArrayEquals(shape, actual.shape(), () -> "shape " + Arrays.toString(actual.shape()));
        assertArrayEquals(expected, actual.toLongArray());
    }

    /** A BOOL tensor of the given shape and exact values. */
    static void assertBools(Tensor actual, int[] shape, boolean... expected) {
        assertEquals(DType.BOOL, actual.dtype(), "dtype");
        assertArrayEquals(shape, actual.shape(), () -> "shape " + Arrays.toString(actual.shape()));
        assertArrayEquals(expected, actual.toBooleanArray());
    }

    /** Same dtype, shape and values (within the tolerance of the dtype). */
    static void assertClose(Tensor expected, Tensor actual) {
        assertEquals(expected.dtype(), actual.dtype(), "dtype");
        assertArrayEquals(expected.shape(), actual.shape(), () -> "shape " + Arrays.toString(actual.shape()));
        assertValues(actual, expected.toDoubleArray());
    }

    /** Shorthand for a shape literal. */
    static int[] shape(int... dims) {
        return dims;
    }

    /**
     * Asserts that {@code code} throws {@code type} with a message in which every regular expression of
     * {@code patterns} is found; returns the exception.
     */
    static <T extends Throwable> T assertThrowsMessage(Class<T> type, Executable code, String... patterns) {
        T e = assertThrows(type, code);
        String message = e.getMessage();
        if (message == null) {
            fail(type.getSimpleName() + " without a message");
        }
        for (String p : patterns) {
            if (!Pattern.compile(p).matcher(message).find()) {
                fail("message does not match /" + p + "/: " + message);
            }
        }
        return e;
    }

    /** A regular expression matching {@code text} literally (for shapes such as [3, 4]). */
    static String lit(String text) {
        return Pattern.quote(text);
    }
}
