package dev.jgrad.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Generates the Vector API kernels ElementwiseF64/F32 (unary, binary, where) and ReductionF64/F32 (sum, prod,
 * max, min), and their scalar twins ScalarElementwiseF64/F32 and ScalarReductionF64/F32 (which load without the
 * incubator module), from one table of ops and one template per kernel shape, so the two precisions (and the ops
 * within one) cannot drift, as EJML's GenerateCode32 does for its float variants. Run from the repository root
 * or core/: {@code java core/src/test/java/dev/jgrad/cpu/GenerateVectorKernels.java}. VectorKernelsTest fails
 * while a generated file is stale.
 */
public final class GenerateVectorKernels {
    private GenerateVectorKernels() {
    }

    /** The names and literals that differ between the precisions. */
    record Precision(String suffix, String type, String boxed, String vector, String bits, String signBit,
                     String twoToMantissa, String literalSuffix, String dtype) {
    }

    static final Precision F64 = new Precision("F64", "double", "Double", "DoubleVector", "LongVector",
            "0x8000000000000000L", "0x1p52", "", "float64");
    static final Precision F32 = new Precision("F32", "float", "Float", "FloatVector", "IntVector",
            "0x80000000", "0x1p23f", "f", "float32");

    /**
     * One vectorised op. {@code body} computes the vector {@code r} from {@code x} (and {@code y} for binary ops)
     * in statements; {@code $V} is the vector class, {@code $I} its integral view, {@code $f} the literal suffix,
     * {@code $BIG} 2^(mantissa bits) and {@code $SIGN} the sign-bit mask. {@code precisions} lists where the
     * vector loop is used (measured faster than the scalar twin there; elsewhere the scalar twin runs alone).
     */
    record Op(String name, String doc, String body, List<Precision> precisions) {
        /** True when the op calls a vector math library function (SVML, SLEEF), gated by Simd.MATH. */
        boolean math() {
            return body.contains("VectorOperators.EXP") || body.contains("VectorOperators.LOG")
                    || body.contains("VectorOperators.SIN") || body.contains("VectorOperators.COS")
                    || body.contains("VectorOperators.TAN") || body.contains("VectorOperators.ATAN2");
        }
    }

    private static final List<Precision> BOTH = List.of(F64, F32);

    /** rint, floor and ceil of |x| below 2^mantissa (where adding and subtracting 2^mantissa rounds to an integer). */
    private static final String ROUND_ABS = """
            $V ax = x.abs();
            $V m = ax.add($BIG).sub($BIG);
            """;

    /** r = copysign(mag, x), or x itself where |x| >= 2^mantissa (already an integer), infinite or NaN. */
    private static final String SIGNED = """
            $I bits = mag.viewAsIntegralLanes().or(x.viewAsIntegralLanes().and($SIGN));
            $V r = bits.viewAsFloatingLanes().blend(x, ax.compare(VectorOperators.LT, $BIG).not());
            """;

    static final List<Op> UNARY = List.of(
            new Op("NEG", "-x", "$V r = x.neg();", BOTH),
            new Op("ABS", "|x|", "$V r = x.abs();", BOTH),
            new Op("SIGN", "signum(x)", """
                    $V r = x.blend(1.0$f, x.compare(VectorOperators.GT, 0.0$f))
                            .blend(-1.0$f, x.compare(VectorOperators.LT, 0.0$f));""", BOTH),
            new Op("EXP", "e^x", "$V r = x.lanewise(VectorOperators.EXP);", BOTH),
            new Op("EXPM1", "e^x - 1", "$V r = x.lanewise(VectorOperators.EXPM1);", BOTH),
            new Op("LOG", "ln x", "$V r = x.lanewise(VectorOperators.LOG);", BOTH),
            new Op("LOG1P", "ln(1 + x)", "$V r = x.lanewise(VectorOperators.LOG1P);", BOTH),
            new Op("SQRT", "sqrt(x)", "$V r = x.sqrt();", BOTH),
            new Op("RSQRT", "1 / sqrt(x)", "$V r = $V.broadcast(S, 1.0$f).div(x.sqrt());", BOTH),
            new Op("RECIPROCAL", "1 / x", "$V r = $V.broadcast(S, 1.0$f).div(x);", BOTH),
            new Op("SIN", "sin x", "$V r = x.lanewise(VectorOperators.SIN);", BOTH),
            new Op("COS", "cos x", "$V r = x.lanewise(VectorOperators.COS);", BOTH),
            new Op("TAN", "tan x", "$V r = x.lanewise(VectorOperators.TAN);", BOTH),
            // SVML's float64 tanh is slower than Math.tanh on AVX2 (measured): float64 runs the scalar twin.
            new Op("TANH", "tanh x", "$V r = x.lanewise(VectorOperators.TANH);", List.of(F32)),
            new Op("SIGMOID", "1 / (1 + e^-x)", """
                    $V e = x.abs().neg().lanewise(VectorOperators.EXP);
                    $V d = e.add(1.0$f);
                    $V r = $V.broadcast(S, 1.0$f).div(d).blend(e.div(d), x.compare(VectorOperators.LT, 0.0$f));""",
                    BOTH),
            new Op("RELU", "max(x, 0)", """
                    VectorMask<$B> keep = x.compare(VectorOperators.GT, 0.0$f).or(x.test(VectorOperators.IS_NAN));
                    $V r = $V.zero(S).blend(x, keep);""",
                    BOTH),
            new Op("FLOOR", "floor x", ROUND_ABS + """
                    $V up = m.lanewise(VectorOperators.ADD, 1.0$f, m.compare(VectorOperators.LT, ax));
                    $V down = m.lanewise(VectorOperators.SUB, 1.0$f, m.compare(VectorOperators.GT, ax));
                    $V mag = down.blend(up, x.compare(VectorOperators.LT, 0.0$f));
                    """ + SIGNED, BOTH),
            new Op("CEIL", "ceil x", ROUND_ABS + """
                    $V up = m.lanewise(VectorOperators.ADD, 1.0$f, m.compare(VectorOperators.LT, ax));
                    $V down = m.lanewise(VectorOperators.SUB, 1.0$f, m.compare(VectorOperators.GT, ax));
                    $V mag = up.blend(down, x.compare(VectorOperators.LT, 0.0$f));
                    """ + SIGNED, BOTH),
            new Op("ROUND", "rint x", ROUND_ABS + """
                    $V mag = m;
                    """ + SIGNED, BOTH));

    static final List<Op> BINARY = List.of(
            new Op("ADD", "x + y", "$V r = x.add(y);", BOTH),
            new Op("SUB", "x - y", "$V r = x.sub(y);", BOTH),
            new Op("MUL", "x * y", "$V r = x.mul(y);", BOTH),
            new Op("DIV", "x / y", "$V r = x.div(y);", BOTH),
            // POW: the JDK has no SVML pow for 256-bit vectors (it runs Math.pow lane by lane, slower than the
            // scalar twin), so only the exponents 2 and 1 of a broadcast scalar are vectorised (below).
            new Op("MAXIMUM", "max(x, y)", "$V r = x.max(y);", BOTH),
            new Op("MINIMUM", "min(x, y)", "$V r = x.min(y);", BOTH),
            new Op("ATAN2", "atan2(x, y)", "$V r = x.lanewise(VectorOperators.ATAN2, y);", BOTH));

    /** The comparisons: lanes give the scalar test's answer exactly (NaN compares false, except NE). */
    static final List<String> COMPARISONS = List.of("EQ", "NE", "LT", "LE", "GT", "GE");

    static String methodName(String op) {
        StringBuilder s = new StringBuilder();
        boolean upper = false;
        for (char c : op.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                s.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return s.toString();
    }

    private static String indent(String body, int spaces) {
        String pad = " ".repeat(spaces);
        StringBuilder s = new StringBuilder();
        for (String line : body.strip().split("\n")) {
            s.append(pad).append(line).append('\n');
        }
        return s.toString();
    }

    /** Substitutes the precision's names into a template. */
    static String fill(String template, Precision p) {
        return template
                .replace("$BIG", p.twoToMantissa())
                .replace("$SIGN", p.signBit())
                .replace("$V", p.vector())
                .replace("$I", p.bits())
                .replace("$T", p.type())
                .replace("$B", p.boxed())
                .replace("$P", p.suffix())
                .replace("$D", p.dtype())
                .replace("$f", p.literalSuffix());
    }

    private static final String GENERATED = "// GENERATED by GenerateVectorKernels (core/src/test): edit the generator "
            + "and regenerate.\n";

    // ------------------------------------------------------------------ elementwise

    private static final String ELEMENTWISE_HEADER = """
            package dev.jgrad.cpu;

            import jdk.incubator.vector.$V;
            import jdk.incubator.vector.$I;
            import jdk.incubator.vector.VectorMask;
            import jdk.incubator.vector.VectorOperators;
            import jdk.incubator.vector.VectorSpecies;

            /**
             * $D elementwise kernels over runs: each op's Vector API loop covers the first {@code S.loopBound(n)}
             * elements and its scalar twin in ScalarElementwise$P (the test oracle) the tail. Lanes give the scalar
             * twin's bits for + - * / sqrt, neg, abs, sign, floor, ceil, round, relu, max, min, comparisons and
             * where; the transcendental lanes (SVML, see {@link Simd#MATH}) are within 1 ulp of it, sigmoid and
             * float32 rsqrt within a few. Operand steps are 1 (a run) or 0 (a broadcast scalar). Callers split work
             * over threads at multiples of {@link #VL}, so each element takes the same path whatever the split.
             */
            final class Elementwise$P {
                private Elementwise$P() {
                }

                static final VectorSpecies<$B> S = $V.SPECIES_PREFERRED;
                /** Lanes per vector (8 floats or 4 doubles with AVX2). */
                static final int VL = S.length();

            """;

    /** {@code case OP -> method(args);} for the ops vectorised in p, math ops gated by Simd.MATH. */
    private static String cases(List<Op> ops, Precision p, String args) {
        StringBuilder cases = new StringBuilder();
        for (Op op : ops) {
            if (op.precisions().contains(p)) {
                String call = methodName(op.name()) + "(" + args + ")";
                cases.append("            case ").append(op.name()).append(" -> ")
                        .append(op.math() ? "Simd.MATH ? " + call + " : 0" : call).append(";\n");
            }
        }
        return cases.toString();
    }

    private static String unaryDispatch(Precision p) {
        return fill("""
                    /** out[oo + i] = op(a[ao + i]) for i < n. Modifies out only. */
                    static void unary(UnaryOp op, $T[] a, int ao, $T[] out, int oo, int n) {
                        int done = switch (op) {
                """, p) + cases(UNARY, p, "a, ao, out, oo, n") + fill("""
                            default -> 0;
                        };
                        ScalarElementwise$P.unary(op, a, ao + done, out, oo + done, n - done);
                    }

                """, p);
    }

    private static String unaryLoop(Op op, Precision p) {
        return fill("""
                    /** out[oo + i] = %s over the first loopBound(n) elements; returns that count. */
                    private static int %s($T[] a, int ao, $T[] out, int oo, int n) {
                        int bound = S.loopBound(n);
                        for (int i = 0; i < bound; i += VL) {
                            $V x = $V.fromArray(S, a, ao + i);
                %s            r.intoArray(out, oo + i);
                        }
                        return bound;
                    }

                """.formatted(op.doc(), methodName(op.name()), indent(fill(op.body(), p), 12)), p);
    }

    private static String binaryDispatch(Precision p) {
        return fill("""
                    /**
                     * out[oo + i] = op(a[ao + i*as], b[bo + i*bs]) for i < n, with steps as and bs of 1 (a run) or 0 (a
                     * broadcast scalar). Modifies out only.
                     */
                    static void binary(BinaryOp op, $T[] a, int ao, int as, $T[] b, int bo, int bs, $T[] out, int oo,
                            int n) {
                        int done = n <= 0 || (as | bs) == 0 ? 0 : switch (op) {
                """, p) + cases(BINARY, p, "a, ao, as, b, bo, bs, out, oo, n") + fill("""
                            case POW -> as == 1 && bs == 0 ? powBroadcast(a, ao, b[bo], out, oo, n) : 0;
                            default -> 0;
                        };
                        ScalarElementwise$P.binary(op, a, ao + done * as, as, b, bo + done * bs, bs, out, oo + done,
                                n - done);
                    }

                    /**
                     * out[oo + i] = a[ao + i] ^ y over the first loopBound(n) elements for the exponents where Math.pow
                     * is exact arithmetic (y = 2: x * x; y = 1: x); returns that count, or 0 for other exponents.
                     */
                    private static int powBroadcast($T[] a, int ao, $T y, $T[] out, int oo, int n) {
                        if (y != 2 && y != 1) {
                            return 0;
                        }
                        int bound = S.loopBound(n);
                        for (int i = 0; i < bound; i += VL) {
                            $V x = $V.fromArray(S, a, ao + i);
                            (y == 2 ? x.mul(x) : x).intoArray(out, oo + i);
                        }
                        return bound;
                    }

                """, p);
    }

    private static String binaryLoop(Op op, Precision p) {
        String body = indent(fill(op.body(), p), 16);
        return fill("""
                    /** out[oo + i] = %s over the first loopBound(n) elements (steps not both 0); returns that count. */
                    private static int %s($T[] a, int ao, int as, $T[] b, int bo, int bs, $T[] out, int oo, int n) {
                        int bound = S.loopBound(n);
                        if (as == 1 && bs == 1) {
                            for (int i = 0; i < bound; i += VL) {
                                $V x = $V.fromArray(S, a, ao + i);
                                $V y = $V.fromArray(S, b, bo + i);
                %s                r.intoArray(out, oo + i);
                            }
                        } else if (as == 1) {
                            $V y = $V.broadcast(S, b[bo]);
                            for (int i = 0; i < bound; i += VL) {
                                $V x = $V.fromArray(S, a, ao + i);
                %s                r.intoArray(out, oo + i);
                            }
                        } else {
                            $V x = $V.broadcast(S, a[ao]);
                            for (int i = 0; i < bound; i += VL) {
                                $V y = $V.fromArray(S, b, bo + i);
                %s                r.intoArray(out, oo + i);
                            }
                        }
                        return bound;
                    }

                """.formatted(op.doc(), methodName(op.name()), body, body, body), p);
    }

    private static String compareDispatch(Precision p) {
        StringBuilder cases = new StringBuilder();
        for (String c : COMPARISONS) {
            cases.append("            case ").append(c).append(" -> ").append(methodName(c))
                    .append("(a, ao, as, b, bo, bs, out, oo, n);\n");
        }
        return fill("""
                    /**
                     * out[oo + i] = op(a[ao + i*as], b[bo + i*bs]) for a comparison op and i < n, with steps of 1 or 0.
                     * Modifies out only.
                     */
                    static void compare(BinaryOp op, $T[] a, int ao, int as, $T[] b, int bo, int bs, boolean[] out,
                            int oo, int n) {
                        int done = n <= 0 || (as | bs) == 0 ? 0 : switch (op) {
                """, p) + cases + fill("""
                            default -> 0;
                        };
                        ScalarElementwise$P.compare(op, a, ao + done * as, as, b, bo + done * bs, bs, out, oo + done,
                                n - done);
                    }

                """, p);
    }

    private static String compareLoop(String c, Precision p) {
        String body = "                VectorMask<$B> m = x.compare(VectorOperators." + c + ", y);\n";
        return fill("""
                    /** out[oo + i] = x %s y over the first loopBound(n) elements (steps not both 0); returns that count. */
                    private static int %s($T[] a, int ao, int as, $T[] b, int bo, int bs, boolean[] out, int oo, int n) {
                        int bound = S.loopBound(n);
                        if (as == 1 && bs == 1) {
                            for (int i = 0; i < bound; i += VL) {
                                $V x = $V.fromArray(S, a, ao + i);
                                $V y = $V.fromArray(S, b, bo + i);
                %s                m.intoArray(out, oo + i);
                            }
                        } else if (as == 1) {
                            $V y = $V.broadcast(S, b[bo]);
                            for (int i = 0; i < bound; i += VL) {
                                $V x = $V.fromArray(S, a, ao + i);
                %s                m.intoArray(out, oo + i);
                            }
                        } else {
                            $V x = $V.broadcast(S, a[ao]);
                            for (int i = 0; i < bound; i += VL) {
                                $V y = $V.fromArray(S, b, bo + i);
                %s                m.intoArray(out, oo + i);
                            }
                        }
                        return bound;
                    }

                """.formatted(switch (c) {
                    case "EQ" -> "==";
                    case "NE" -> "!=";
                    case "LT" -> "<";
                    case "LE" -> "<=";
                    case "GT" -> ">";
                    default -> ">=";
                }, methodName(c), body, body, body), p);
    }

    /** Kernels of two ops fused into one pass, so that the optimizer step and ReLU's VJP allocate nothing between. */
    private static final String FUSED = """
                /**
                 * out[oo + i] = a[ao + i] + alpha * b[bo + i*bs] for i < n, with bs 1 or 0, rounded after the product and
                 * after the sum as a.add(b.mul(alpha)) rounds (a += alpha * b, an SGD step, without a temporary). out may
                 * be a itself. Modifies out only.
                 */
                static void addScaled($T[] a, int ao, $T[] b, int bo, int bs, $T alpha, $T[] out, int oo, int n) {
                    int bound = n > 0 ? S.loopBound(n) : 0;
                    if (bs == 1) {
                        for (int i = 0; i < bound; i += VL) {
                            $V x = $V.fromArray(S, a, ao + i);
                            x.add($V.fromArray(S, b, bo + i).mul(alpha)).intoArray(out, oo + i);
                        }
                    } else if (bound > 0) {
                        $V y = $V.broadcast(S, b[bo] * alpha);
                        for (int i = 0; i < bound; i += VL) {
                            $V.fromArray(S, a, ao + i).add(y).intoArray(out, oo + i);
                        }
                    }
                    ScalarElementwise$P.addScaled(a, ao + bound, b, bo + bound * bs, bs, alpha, out, oo + bound, n - bound);
                }

                /**
                 * out[oo + i] = y[yo + i] > 0 ? g[go + i] : 0 for i < n: ReLU's VJP from its result y (a NaN y gives 0), in
                 * one pass instead of a mask and a where. out may be g itself. Modifies out only.
                 */
                static void wherePositive($T[] g, int go, $T[] y, int yo, $T[] out, int oo, int n) {
                    int bound = n > 0 ? S.loopBound(n) : 0;
                    $V zero = $V.zero(S);
                    for (int i = 0; i < bound; i += VL) {
                        VectorMask<$B> keep = $V.fromArray(S, y, yo + i).compare(VectorOperators.GT, 0.0$f);
                        zero.blend($V.fromArray(S, g, go + i), keep).intoArray(out, oo + i);
                    }
                    ScalarElementwise$P.wherePositive(g, go + bound, y, yo + bound, out, oo + bound, n - bound);
                }

            """;

    private static final String WHERE = """
                /**
                 * out[oo + i] = c[co + i*cs] ? a[ao + i*as] : b[bo + i*bs] for i < n, with steps of 1 or 0. Modifies out
                 * only.
                 */
                static void where(boolean[] c, int co, int cs, $T[] a, int ao, int as, $T[] b, int bo, int bs, $T[] out,
                        int oo, int n) {
                    int bound = cs == 1 && n > 0 ? S.loopBound(n) : 0;
                    if (bound > 0 && as == 1 && bs == 1) {
                        for (int i = 0; i < bound; i += VL) {
                            VectorMask<$B> m = VectorMask.fromArray(S, c, co + i);
                            $V x = $V.fromArray(S, a, ao + i);
                            $V.fromArray(S, b, bo + i).blend(x, m).intoArray(out, oo + i);
                        }
                    } else if (bound > 0 && as == 1) {
                        $V y = $V.broadcast(S, b[bo]);
                        for (int i = 0; i < bound; i += VL) {
                            VectorMask<$B> m = VectorMask.fromArray(S, c, co + i);
                            y.blend($V.fromArray(S, a, ao + i), m).intoArray(out, oo + i);
                        }
                    } else if (bound > 0 && bs == 1) {
                        $V x = $V.broadcast(S, a[ao]);
                        for (int i = 0; i < bound; i += VL) {
                            VectorMask<$B> m = VectorMask.fromArray(S, c, co + i);
                            $V.fromArray(S, b, bo + i).blend(x, m).intoArray(out, oo + i);
                        }
                    } else if (bound > 0) {
                        $V x = $V.broadcast(S, a[ao]);
                        $V y = $V.broadcast(S, b[bo]);
                        for (int i = 0; i < bound; i += VL) {
                            y.blend(x, VectorMask.fromArray(S, c, co + i)).intoArray(out, oo + i);
                        }
                    }
                    ScalarElementwise$P.where(c, co + bound * cs, cs, a, ao + bound * as, as, b, bo + bound * bs, bs, out,
                            oo + bound, n - bound);
                }
            }
            """;

    /** The generated Vector API elementwise source of one precision. */
    static String elementwise(Precision p) {
        StringBuilder s = new StringBuilder(GENERATED).append(fill(ELEMENTWISE_HEADER, p));
        s.append(unaryDispatch(p));
        for (Op op : UNARY) {
            if (op.precisions().contains(p)) {
                s.append(unaryLoop(op, p));
            }
        }
        s.append(binaryDispatch(p));
        for (Op op : BINARY) {
            if (op.precisions().contains(p)) {
                s.append(binaryLoop(op, p));
            }
        }
        s.append(compareDispatch(p));
        for (String c : COMPARISONS) {
            s.append(compareLoop(c, p));
        }
        return s.append(fill(FUSED, p)).append(fill(WHERE, p)).toString();
    }

    private static final String SCALAR_ELEMENTWISE = """
            package dev.jgrad.cpu;

            /**
             * The scalar twins of Elementwise$P, and the test oracle: plain loops computing in double and rounding
             * once to $D. Steps are any stride (0 for a broadcast scalar). No Vector API, so they also run where
             * the incubator module is absent.
             */
            final class ScalarElementwise$P {
                private ScalarElementwise$P() {
                }

                /** out[oo + i] = op(a[ao + i]) for i < n. Modifies out only. */
                static void unary(UnaryOp op, $T[] a, int ao, $T[] out, int oo, int n) {
                    for (int i = 0; i < n; i++) {
                        out[oo + i] = ($T) op.apply(a[ao + i]);
                    }
                }

                /** out[oo + i] = op(a[ao + i*as], b[bo + i*bs]) for i < n. Modifies out only. */
                static void binary(BinaryOp op, $T[] a, int ao, int as, $T[] b, int bo, int bs, $T[] out, int oo,
                        int n) {
                    for (int i = 0, p = ao, q = bo; i < n; i++, p += as, q += bs) {
                        out[oo + i] = ($T) op.apply(a[p], b[q]);
                    }
                }

                /** out[oo + i] = op(a[ao + i*as], b[bo + i*bs]) for a comparison op and i < n. Modifies out only. */
                static void compare(BinaryOp op, $T[] a, int ao, int as, $T[] b, int bo, int bs, boolean[] out, int oo,
                        int n) {
                    for (int i = 0, p = ao, q = bo; i < n; i++, p += as, q += bs) {
                        out[oo + i] = op.test(a[p], b[q]);
                    }
                }

                /** out[oo + i] = c[co + i*cs] ? a[ao + i*as] : b[bo + i*bs] for i < n. Modifies out only. */
                static void where(boolean[] c, int co, int cs, $T[] a, int ao, int as, $T[] b, int bo, int bs, $T[] out,
                        int oo, int n) {
                    for (int i = 0, q = co, p = ao, r = bo; i < n; i++, q += cs, p += as, r += bs) {
                        out[oo + i] = c[q] ? a[p] : b[r];
                    }
                }

                /** out[oo + i] = a[ao + i] + alpha * b[bo + i*bs] for i < n, rounded after the product and the sum. */
                static void addScaled($T[] a, int ao, $T[] b, int bo, int bs, $T alpha, $T[] out, int oo, int n) {
                    for (int i = 0, q = bo; i < n; i++, q += bs) {
                        $T scaled = ($T) ((double) b[q] * alpha);
                        out[oo + i] = ($T) ((double) a[ao + i] + scaled);
                    }
                }

                /** out[oo + i] = y[yo + i] > 0 ? g[go + i] : 0 for i < n (ReLU's VJP from its result). */
                static void wherePositive($T[] g, int go, $T[] y, int yo, $T[] out, int oo, int n) {
                    for (int i = 0; i < n; i++) {
                        out[oo + i] = y[yo + i] > 0 ? g[go + i] : 0;
                    }
                }
            }
            """;

    // ------------------------------------------------------------------ reductions

    /** A reduction: its ReduceOp, the vector operator that combines two accumulators, and its identity. */
    record Reduction(String name, String operator, String identity) {
    }

    static final List<Reduction> REDUCTIONS = List.of(
            new Reduction("SUM", "ADD", "0.0"),
            new Reduction("PROD", "MUL", "1.0"),
            new Reduction("MAX", "MAX", "Double.NEGATIVE_INFINITY"),
            new Reduction("MIN", "MIN", "Double.POSITIVE_INFINITY"));

    /** How a vector of doubles is read from x at an index: float32 data is widened. */
    private static String load(Precision p, String index) {
        return p == F64 ? "DoubleVector.fromArray(D, x, " + index + ")"
                : "(DoubleVector) FloatVector.fromArray(H, x, " + index + ").convertShape(F2D, D, 0)";
    }

    private static final String REDUCTION_HEADER = """
            package dev.jgrad.cpu;

            import jdk.incubator.vector.DoubleVector;
            $IMPORTSimport jdk.incubator.vector.VectorOperators;
            $SHAPEimport jdk.incubator.vector.VectorSpecies;
            $STATIC
            /**
             * Reductions of $D runs, accumulated in double: Vector API loops with four vector accumulators,
             * combined in a fixed order (lanes left to right), then the scalar twin in ScalarReduction$P (the test
             * oracle, a left-to-right loop) for the tail. max and min follow Math.max and Math.min (NaN wins,
             * -0.0 < 0.0), so they give the scalar twin's bits; sum and prod associate differently (more partial
             * sums: no less accurate). Callers reduce runs of at most {@link Reductions#BLOCK}.
             */
            final class Reduction$P {
                private Reduction$P() {
                }

                private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
            $HALF
                /** op over x[off, off + n), starting from op's identity. */
                static double reduce(ReduceOp op, $T[] x, int off, int n) {
                    return switch (op) {
            $CASES        };
                }

                /** acc[p + i] = op(acc[p + i], x[q + i]) for i < n. Modifies acc only. */
                static void accumulate(ReduceOp op, double[] acc, int p, $T[] x, int q, int n) {
                    int done = switch (op) {
            $ACASES        };
                    ScalarReduction$P.accumulate(op, acc, p + done, x, q + done, n - done);
                }

            """;

    private static String accumulateName(Reduction r) {
        return "accumulate" + r.name().charAt(0) + r.name().substring(1).toLowerCase(Locale.ROOT);
    }

    private static String reductionLoops(Reduction r, Precision p) {
        return fill("""
                    /** %1$s over x[off, off + n) from %2$s. */
                    private static double %3$s($T[] x, int off, int n) {
                        int step = D.length();
                        DoubleVector a0 = DoubleVector.broadcast(D, %2$s);
                        DoubleVector a1 = a0;
                        DoubleVector a2 = a0;
                        DoubleVector a3 = a0;
                        int i = 0;
                        for (int bound = n - n %% (4 * step); i < bound; i += 4 * step) {
                            DoubleVector v0 = %5$s;
                            DoubleVector v1 = %6$s;
                            DoubleVector v2 = %7$s;
                            DoubleVector v3 = %8$s;
                            a0 = a0.lanewise(VectorOperators.%4$s, v0);
                            a1 = a1.lanewise(VectorOperators.%4$s, v1);
                            a2 = a2.lanewise(VectorOperators.%4$s, v2);
                            a3 = a3.lanewise(VectorOperators.%4$s, v3);
                        }
                        for (int bound = D.loopBound(n); i < bound; i += step) {
                            DoubleVector v0 = %5$s;
                            a0 = a0.lanewise(VectorOperators.%4$s, v0);
                        }
                        DoubleVector a = a0.lanewise(VectorOperators.%4$s, a1).lanewise(VectorOperators.%4$s,
                                a2.lanewise(VectorOperators.%4$s, a3));
                        double result = %2$s;
                        for (int lane = 0; lane < step; lane++) {
                            result = ReduceOp.%1$s.combine(result, a.lane(lane));
                        }
                        return ScalarReduction$P.reduce(ReduceOp.%1$s, result, x, off + i, n - i);
                    }

                    /** acc[p + i] = %1$s(acc[p + i], x[q + i]) over the first loopBound(n) elements; returns that many. */
                    private static int %9$s(double[] acc, int p, $T[] x, int q, int n) {
                        int bound = D.loopBound(n);
                        for (int i = 0; i < bound; i += D.length()) {
                            DoubleVector v = %10$s;
                            DoubleVector r = DoubleVector.fromArray(D, acc, p + i).lanewise(VectorOperators.%4$s, v);
                            r.intoArray(acc, p + i);
                        }
                        return bound;
                    }

                """.formatted(r.name(), r.identity(), methodName(r.name()), r.operator(), load(p, "off + i"),
                load(p, "off + i + step"), load(p, "off + i + 2 * step"), load(p, "off + i + 3 * step"),
                accumulateName(r), load(p, "q + i")), p);
    }

    /** The generated Vector API reduction source of one precision. */
    static String reduction(Precision p) {
        StringBuilder cases = new StringBuilder();
        StringBuilder acases = new StringBuilder();
        for (Reduction r : REDUCTIONS) {
            cases.append("            case ").append(r.name()).append(" -> ").append(methodName(r.name()))
                    .append("(x, off, n);\n");
            acases.append("            case ").append(r.name()).append(" -> ").append(accumulateName(r))
                    .append("(acc, p, x, q, n);\n");
        }
        String header = REDUCTION_HEADER
                .replace("$IMPORTS", p == F64 ? "" : "import jdk.incubator.vector.FloatVector;\n")
                .replace("$SHAPE", p == F64 ? "" : "import jdk.incubator.vector.VectorShape;\n")
                .replace("$STATIC\n", p == F64 ? "\n" : "\nimport static jdk.incubator.vector.VectorOperators.F2D;\n\n")
                .replace("$HALF\n", p == F64 ? "\n" : """
                            /** As many float lanes as D has doubles: the float32 data one double vector widens. */
                            private static final VectorSpecies<Float> H =
                                    VectorSpecies.of(float.class, VectorShape.forBitSize(D.length() * Float.SIZE));

                        """)
                .replace("$CASES", cases).replace("$ACASES", acases);
        StringBuilder s = new StringBuilder(GENERATED).append(fill(header, p));
        for (Reduction r : REDUCTIONS) {
            s.append(reductionLoops(r, p));
        }
        s.setLength(s.length() - 1); // no blank line before the closing brace
        return s.append("}\n").toString();
    }

    private static final String SCALAR_REDUCTION = """
            package dev.jgrad.cpu;

            /**
             * The scalar twins of Reduction$P, and the test oracle: left-to-right loops over $D data, accumulated in
             * double. No Vector API, so they also run where the incubator module is absent.
             */
            final class ScalarReduction$P {
                private ScalarReduction$P() {
                }

                /** acc = op(acc, x[off + i]) for i < n in order; returns acc. */
                static double reduce(ReduceOp op, double acc, $T[] x, int off, int n) {
                    for (int i = 0; i < n; i++) {
                        acc = op.combine(acc, x[off + i]);
                    }
                    return acc;
                }

                /** acc[p + i] = op(acc[p + i], x[q + i]) for i < n. Modifies acc only. */
                static void accumulate(ReduceOp op, double[] acc, int p, $T[] x, int q, int n) {
                    for (int i = 0; i < n; i++) {
                        acc[p + i] = op.combine(acc[p + i], x[q + i]);
                    }
                }
            }
            """;

    static Path sourceDir() {
        Path fromCore = Path.of("src/main/java/dev/jgrad/cpu");
        return Files.isDirectory(fromCore) ? fromCore : Path.of("core").resolve(fromCore);
    }

    /** Generated file name to the text it should have now. */
    static Map<String, String> expected() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Precision p : List.of(F64, F32)) {
            out.put("Elementwise" + p.suffix() + ".java", elementwise(p));
            out.put("ScalarElementwise" + p.suffix() + ".java", GENERATED + fill(SCALAR_ELEMENTWISE, p));
            out.put("Reduction" + p.suffix() + ".java", reduction(p));
            out.put("ScalarReduction" + p.suffix() + ".java", GENERATED + fill(SCALAR_REDUCTION, p));
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        for (var e : expected().entrySet()) {
            Path file = sourceDir().resolve(e.getKey());
            Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
            System.out.println("wrote " + file);
        }
    }
}
