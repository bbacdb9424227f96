package dev.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Tensor.toString() against what PyTorch's default printing (precision 4, threshold 1000, edgeitems 3,
 * linewidth 80) writes for the same data; jgrad spells the dtype {@code float64} and the autograd
 * suffixes {@code requiresGrad=true} / {@code gradFn=<MulBackward>}.
 */
class TensorFormatTest {

    @Nested
    class Scalars {
        @Test
        void floatScalarHasFourDecimals() {
            assertEquals("tensor(2.5000)", Tensor.scalar(2.5).toString());
        }

        @Test
        void integralFloatScalarEndsInDot() {
            assertEquals("tensor(3.)", Tensor.scalar(3.0).toString());
        }

        @Test
        void int64AndBoolScalars() {
            assertEquals("tensor(3)", Tensor.scalar(3L).toString());
            assertEquals("tensor(True)", Tensor.scalar(true).toString());
        }

        @Test
        void nanScalar() {
            assertEquals("tensor(nan)", Tensor.scalar(Double.NaN).toString());
        }
    }

    @Nested
    class FloatModes {
        @Test
        void integralValuesPrintWithATrailingDot() {
            assertEquals("tensor([1., 2., 3.])", Tensor.of(1f, 2f, 3f).toString());
        }

        @Test
        void integralValuesAreRightAligned() {
            assertEquals("tensor([-1., 10.,  0.])", Tensor.of(-1f, 10f, 0f).toString());
        }

        @Test
        void allZeros() {
            assertEquals("tensor([0., 0., 0.])", Tensor.zeros(3).toString());
        }

        @Test
        void negativeZeroKeepsItsSignButDoesNotWidenTheColumn() {
            // as in PyTorch, zeros do not count towards the width, so "-0." sticks out by one
            assertEquals("tensor([-0., 1.])", Tensor.of(-0f, 1f).toString());
        }

        @Test
        void fractionsHaveFourDecimals() {
            assertEquals("tensor([0.3000, 0.3000])", Tensor.of(0.3f, 0.3f).toString());
        }

        @Test
        void negativeNumbersLeaveRoomForTheSign() {
            assertEquals("tensor([ 0.2053, -0.9787])", Tensor.of(0.2053f, -0.9787f).toString());
        }

        @Test
        void mixedWidthsAlignRight() {
            assertEquals("tensor([  1.5000, -10.2500, 100.0000])", Tensor.of(1.5f, -10.25f, 100f).toString());
        }

        @Test
        void roundingIsHalfEvenOnTheExactBinaryValue() {
            // 1/32 and 3/32 are exact ties at four decimals; Python rounds them to even
            assertEquals("tensor([0.0312, 0.0938])", Tensor.of(0.03125f, 0.09375f).toString());
        }

        @Test
        void largeRatioOfIntegersIsScientific() {
            assertEquals("tensor([1.0000e+10, 1.0000e+00])", Tensor.of(1e10f, 1f).toString());
        }

        @Test
        void largeRatioOfFractionsIsScientific() {
            assertEquals("tensor([5.0000e-01, 2.0000e+03])", Tensor.of(0.5f, 2000f).toString());
        }

        @Test
        void tinyValueIsScientific() {
            assertEquals("tensor([1.0000e-05, 1.0000e+00])", Tensor.of(1e-5f, 1f).toString());
        }

        @Test
        void scientificAlignsNegatives() {
            assertEquals("tensor([-1.2346e+05,  1.0000e-02])", Tensor.of(-123456.7f, 0.01f).toString());
        }

        @Test
        void zeroInScientificMode() {
            assertEquals("tensor([0.0000e+00, 1.0000e+10])", Tensor.of(0f, 1e10f).toString());
        }

        @Test
        void nanAndInfinitiesInIntegralMode() {
            assertEquals("tensor([1., nan, inf, -inf])",
                    Tensor.of(1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY).toString());
        }

        @Test
        void nanAndInfinityArePaddedToTheFiniteWidth() {
            assertEquals("tensor([1.5000,    nan,   -inf])",
                    Tensor.of(1.5f, Float.NaN, Float.NEGATIVE_INFINITY).toString());
        }
    }

    @Nested
    class OtherDtypes {
        @Test
        void int64HasNoSuffix() {
            assertEquals("tensor([1, 2, 3])", Tensor.of(1L, 2L, 3L).toString());
        }

        @Test
        void int64AlignsRight() {
            assertEquals("tensor([ -1,  10, 200])", Tensor.of(-1L, 10L, 200L).toString());
        }

        @Test
        void boolUsesPythonSpelling() {
            assertEquals("tensor([ True, False])", Tensor.of(true, false).toString());
        }

        @Test
        void float64IsNamed() {
            assertEquals("tensor([0.5000, 0.2500], dtype=float64)", Tensor.of(0.5, 0.25).toString());
        }

        @Test
        void float64Matrix() {
            assertEquals("tensor([[1., 2.],\n        [3., 4.]], dtype=float64)",
                    Tensor.of(new double[][] {{1, 2}, {3, 4}}).toString());
        }

        @Test
        void castToFloat32DropsTheSuffix() {
            assertEquals("tensor([0.5000, 0.2500])", Tensor.of(0.5, 0.25).to(DType.FLOAT32).toString());
        }
    }

    @Nested
    class Dimensions {
        @Test
        void matrixRowsAlignUnderTheBracket() {
            assertEquals("tensor([[1., 2.],\n        [3., 4.]])",
                    Tensor.of(new float[][] {{1, 2}, {3, 4}}).toString());
        }

        @Test
        void matrixColumnsShareOneWidth() {
            assertEquals("tensor([[ 1.0000, -2.5000],\n        [30.0000,  4.0000]])",
                    Tensor.of(new float[][] {{1, -2.5f}, {30, 4}}).toString());
        }

        @Test
        void threeDimensionsSeparateMatricesWithABlankLine() {
            assertEquals("tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]])",
                    Tensor.arange(8).reshape(2, 2, 2).toString());
        }

        @Test
        void transposedViewPrintsInLogicalOrder() {
            assertEquals("tensor([[1., 4.],\n        [2., 5.],\n        [3., 6.]])",
                    Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}}).T().toString());
        }
    }

    @Nested
    class LineWrapping {
        @Test
        void longVectorWrapsAtEightyColumns() {
            // torch.manual_seed(42); torch.randn(10)
            Tensor t = Tensor.of(0.3367f, 0.1288f, 0.2345f, 0.2303f, -1.1229f, -0.1863f, 2.2082f, -0.6380f,
                    0.4617f, 0.2674f);
            assertEquals("tensor([ 0.3367,  0.1288,  0.2345,  0.2303, -1.1229, -0.1863,  2.2082, -0.6380,\n"
                    + "         0.4617,  0.2674])", t.toString());
        }

        @Test
        void int64VectorWraps() {
            assertEquals("tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n"
                    + "        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])", Tensor.arange(30).toString());
        }

        @Test
        void suffixThatDoesNotFitGoesOnItsOwnLine() {
            Tensor t = Tensor.of(0.3367, 0.1288, 0.2345, 0.2303, -1.1229, -0.1863, 2.2082, -0.6380);
            assertEquals("tensor([ 0.3367,  0.1288,  0.2345,  0.2303, -1.1229, -0.1863,  2.2082, -0.6380],\n"
                    + "       dtype=float64)", t.toString());
        }
    }

    @Nested
    class Autograd {
        @Test
        void leafThatRequiresGrad() {
            assertEquals("tensor(0.5000, requiresGrad=true)", Tensor.scalar(0.5).requiresGrad(true).toString());
        }

        @Test
        void resultOfAnOpNamesItsGradFn() {
            Tensor x = Tensor.scalar(0.5).requiresGrad(true);
            assertEquals("tensor(1., gradFn=<MulBackward>)", x.mul(2).toString());
        }

        @Test
        void dtypeComesBeforeAutogradInfo() {
            assertEquals("tensor([1., 2.], dtype=float64, requiresGrad=true)",
                    Tensor.of(1.0, 2.0).requiresGrad(true).toString());
        }

        @Test
        void detachedTensorHasNoAutogradInfo() {
            Tensor x = Tensor.scalar(0.5).requiresGrad(true);
            assertEquals("tensor(1.)", x.mul(2).detach().toString());
        }
    }

    @Nested
    class Summarised {
        @Test
        void thousandElementsAreAllPrinted() {
            String s = Tensor.arange(1000).toString();
            assertFalse(s.contains("..."), s);
            assertEquals(999, s.chars().filter(c -> c == ',').count());
        }

        @Test
        void longInt64Vector() {
            assertEquals("tensor([   0,    1,    2,  ..., 9997, 9998, 9999])", Tensor.arange(10000).toString());
        }

        @Test
        void longFloatVectorTakesItsWidthFromTheShownItems() {
            assertEquals("tensor([ 500.,  501.,  502.,  ..., 1597., 1598., 1599.])",
                    Tensor.arange(500.0, 1600.0, 1.0).toString());
        }

        @Test
        void summarisedScientificVectorWrapsAfterSixItems() {
            // torch.arange(2000.): 1999 / 1 > 1000 makes it scientific, and the " ..." counts as an item
            assertEquals("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
                    + "        1.9990e+03])", Tensor.arange(0.0, 2000.0, 1.0).toString());
        }

        @Test
        void matrixWithManyRows() {
            assertEquals("""
                    tensor([[   0,    1,    2,  ...,   27,   28,   29],
                            [  30,   31,   32,  ...,   57,   58,   59],
                            [  60,   61,   62,  ...,   87,   88,   89],
                            ...,
                            [1110, 1111, 1112,  ..., 1137, 1138, 1139],
                            [1140, 1141, 1142,  ..., 1167, 1168, 1169],
                            [1170, 1171, 1172,  ..., 1197, 1198, 1199]])""",
                    Tensor.arange(1200).reshape(40, 30).toString());
        }

        @Test
        void matrixWithLongRows() {
            assertEquals("""
                    tensor([[   0,    1,    2,  ...,  997,  998,  999],
                            [1000, 1001, 1002,  ..., 1997, 1998, 1999]])""",
                    Tensor.arange(2000).reshape(2, 1000).toString());
        }

        @Test
        void threeDimensionsKeepTheBlankLinesAroundTheEllipsis() {
            assertEquals("""
                    tensor([[[   0]],

                            [[   1]],

                            [[   2]],

                            ...,

                            [[ 998]],

                            [[ 999]],

                            [[1000]]])""",
                    Tensor.arange(1001).reshape(1001, 1, 1).toString());
        }
    }

    @Nested
    class Empty {
        @Test
        void emptyVector() {
            assertEquals("tensor([])", Tensor.of(new float[0]).toString());
        }

        @Test
        void emptyMatrixShowsItsSize() {
            assertEquals("tensor([], size=(0, 3))", Tensor.zeros(0, 3).toString());
        }

        @Test
        void emptyNonFloat32ShowsItsDtype() {
            assertEquals("tensor([], dtype=int64)", Tensor.of(new long[0]).toString());
            assertEquals("tensor([], dtype=bool)", Tensor.of(new boolean[0]).toString());
            assertEquals("tensor([], size=(2, 0), dtype=float64)", Tensor.fromArray(new double[0], 2, 0).toString());
        }
    }
}
