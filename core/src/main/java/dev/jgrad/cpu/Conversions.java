package dev.jgrad.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dtype conversions of runs with the Vector API: float32 to float64 and back (as Java casts: exact, and round to
 * nearest even), bool to float32 or float64 (1 or 0). Their scalar twin, for the tail and as the test oracle, is
 * CpuKernels.convertScalar.
 */
final class Conversions {
    private Conversions() {
    }

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** As many float lanes as D has doubles. */
    private static final VectorSpecies<Float> H =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.length() * Float.SIZE));

    /**
     * d[p + i] = s[q + i] converted, for i < n, when the conversion has a vector kernel; returns false (and
     * writes nothing) when it has none. Modifies d only.
     */
    static boolean convert(Object s, int q, Object d, int p, int n) {
        switch (s) {
            case float[] a when d instanceof double[] out -> floatToDouble(a, q, out, p, n);
            case double[] a when d instanceof float[] out -> doubleToFloat(a, q, out, p, n);
            case boolean[] a when d instanceof float[] out -> boolToFloat(a, q, out, p, n);
            case boolean[] a when d instanceof double[] out -> boolToDouble(a, q, out, p, n);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** out[p + i] = a[q + i] for i < n (exact). Modifies out only. */
    static void floatToDouble(float[] a, int q, double[] out, int p, int n) {
        int bound = D.loopBound(n);
        for (int i = 0; i < bound; i += D.length()) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(H, a, q + i).convertShape(VectorOperators.F2D, D, 0);
            v.intoArray(out, p + i);
        }
        CpuKernels.convertScalar(a, q + bound, out, p + bound, n - bound);
    }

    /** out[p + i] = (float) a[q + i] for i < n. Modifies out only. */
    static void doubleToFloat(double[] a, int q, float[] out, int p, int n) {
        int bound = D.loopBound(n);
        for (int i = 0; i < bound; i += D.length()) {
            FloatVector v = (FloatVector) DoubleVector.fromArray(D, a, q + i).convertShape(VectorOperators.D2F, H, 0);
            v.intoArray(out, p + i);
        }
        CpuKernels.convertScalar(a, q + bound, out, p + bound, n - bound);
    }

    /** out[p + i] = a[q + i] ? 1 : 0 for i < n. Modifies out only. */
    static void boolToFloat(boolean[] a, int q, float[] out, int p, int n) {
        int bound = F.loopBound(n);
        FloatVector zero = FloatVector.zero(F);
        for (int i = 0; i < bound; i += F.length()) {
            zero.blend(1.0f, VectorMask.fromArray(F, a, q + i)).intoArray(out, p + i);
        }
        CpuKernels.convertScalar(a, q + bound, out, p + bound, n - bound);
    }

    /** out[p + i] = a[q + i] ? 1 : 0 for i < n. Modifies out only. */
    static void boolToDouble(boolean[] a, int q, double[] out, int p, int n) {
        int bound = D.loopBound(n);
        DoubleVector zero = DoubleVector.zero(D);
        for (int i = 0; i < bound; i += D.length()) {
            zero.blend(1.0, VectorMask.fromArray(D, a, q + i)).intoArray(out, p + i);
        }
        CpuKernels.convertScalar(a, q + bound, out, p + bound, n - bound);
    }
}
