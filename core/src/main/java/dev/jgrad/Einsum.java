package dev.jgrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Einstein summation over tensors (NumPy/PyTorch semantics), a composite of differentiable primitives: diagonals
 * are flatten + strided slice views, contractions are permute + reshape + batched matmul, and the rest is sum,
 * mul and permute, so gradients (of any order) come from those primitives' rules.
 *
 * <p>Operands are combined pairwise from left to right. Before each step an index that no other remaining
 * operand and not the output needs is summed out of its operand, so no outer product of all operands is ever
 * formed. Index sizes of 1 broadcast against the other operands, like PyTorch.
 */
final class Einsum {
    /** Label ids: 'A'..'Z' are 0..25, 'a'..'z' 26..51 (ASCII order); dim j of the ellipsis is 52 + j. */
    private static final int LETTERS = 52;
    private static final int ELLIPSIS = -1;

    private Einsum() {
    }

    /** A tensor whose dim d carries the label {@code labels[d]}. */
    private record Labeled(Tensor tensor, int[] labels) {
        int dimOf(int label) {
            for (int d = 0; d < labels.length; d++) {
                if (labels[d] == label) {
                    return d;
                }
            }
            return -1;
        }

        int sizeOf(int label) {
            return tensor.shape()[dimOf(label)];
        }
    }

    static Tensor evaluate(String equation, Tensor... operands) {
        Objects.requireNonNull(equation, "einsum: the equation is null");
        Objects.requireNonNull(operands, "einsum: the operand array is null");
        for (int i = 0; i < operands.length; i++) {
            Objects.requireNonNull(operands[i], "einsum: operand " + i + " is null");
        }

        // ---- parse the subscripts (string errors first, then operand count, ranks and sizes)
        StringBuilder stripped = new StringBuilder();
        for (int i = 0; i < equation.length(); i++) {
            if (!Character.isWhitespace(equation.charAt(i))) {
                stripped.append(equation.charAt(i));
            }
        }
        String eq = stripped.toString();
        int arrow = eq.indexOf("->");
        if (arrow >= 0 && eq.indexOf("->", arrow + 2) >= 0) {
            throw new IndexException("einsum: more than one '->' in the equation '" + equation + "'");
        }
        String[] terms = (arrow < 0 ? eq : eq.substring(0, arrow)).split(",", -1);
        String outTerm = arrow < 0 ? null : eq.substring(arrow + 2);
        int[][] raw = new int[terms.length][];
        int[] letterCount = new int[LETTERS];
        boolean anyEllipsis = false;
        for (int i = 0; i < terms.length; i++) {
            raw[i] = parseTerm(terms[i], "operand " + i, equation);
            for (int label : raw[i]) {
                if (label == ELLIPSIS) {
                    anyEllipsis = true;
                } else {
                    letterCount[label]++;
                }
            }
        }
        int[] rawOut = null;
        if (outTerm != null) {
            rawOut = parseTerm(outTerm, "the output", equation);
            boolean[] seen = new boolean[LETTERS];
            for (int label : rawOut) {
                if (label == ELLIPSIS) {
                    continue;
                }
                if (letterCount[label] == 0) {
                    throw new IndexException("einsum: output index '" + letter(label)
                            + "' does not appear in any input subscripts of '" + equation + "'");
                }
                if (seen[label]) {
                    throw new IndexException("einsum: output index '" + letter(label)
                            + "' appears more than once in the output of '" + equation + "'");
                }
                seen[label] = true;
            }
        }
        if (terms.length != operands.length) {
            throw new IndexException("einsum: the equation '" + equation + "' has subscripts for " + terms.length
                    + (terms.length == 1 ? " operand" : " operands") + " but " + operands.length
                    + (operands.length == 1 ? " operand was" : " operands were") + " given");
        }

        // ---- ranks: how many dims each ellipsis covers; the broadcast ellipsis has ellRank dims
        int ellRank = 0;
        int[] ellCover = new int[operands.length];
        for (int i = 0; i < operands.length; i++) {
            int named = 0;
            boolean hasEllipsis = false;
            for (int label : raw[i]) {
                if (label == ELLIPSIS) {
                    hasEllipsis = true;
                } else {
                    named++;
                }
            }
            int rank = operands[i].dim();
            if (hasEllipsis ? named > rank : named != rank) {
                throw new ShapeException("einsum: operand " + i + " has shape " + Shapes.str(operands[i].shape())
                        + " (rank " + rank + ") but its subscripts '" + terms[i] + "' "
                        + (hasEllipsis ? "need at least " : "name ") + named
                        + (named == 1 ? " dimension" : " dimensions"));
            }
            ellCover[i] = rank - named;
            ellRank = Math.max(ellRank, ellCover[i]);
        }

        // ---- label every dim; check sizes within and across operands (size 1 broadcasts)
        int labelCount = LETTERS + ellRank;
        int[] size = new int[labelCount];
        int[] owner = new int[labelCount];
        Arrays.fill(owner, -1);
        Labeled[] inputs = new Labeled[operands.length];
        for (int i = 0; i < operands.length; i++) {
            int[] shape = operands[i].shape();
            int[] labels = new int[shape.length];
            int d = 0;
            for (int label : raw[i]) {
                if (label == ELLIPSIS) {
                    for (int j = ellRank - ellCover[i]; j < ellRank; j++) {
                        labels[d++] = LETTERS + j;
                    }
                } else {
                    labels[d++] = label;
                }
            }
            for (d = 0; d < shape.length; d++) {
                int label = labels[d];
                for (int e = 0; e < d; e++) {
                    if (labels[e] == label && shape[e] != shape[d]) {
                        throw new ShapeException("einsum: index '" + letter(label) + "' is repeated in operand " + i
                                + " (subscripts '" + terms[i] + "', shape " + Shapes.str(shape)
                                + ") but its sizes differ: " + shape[e] + " != " + shape[d]);
                    }
                }
                if (owner[label] < 0 || size[label] == 1) {
                    size[label] = shape[d];
                    owner[label] = i;
                } else if (shape[d] != 1 && shape[d] != size[label]) {
                    int o = owner[label];
                    String other = " in operand " + o + " (shape " + Shapes.str(operands[o].shape()) + ")";
                    String here = " in operand " + i + " (shape " + Shapes.str(shape) + ")";
                    if (label >= LETTERS) {
                        throw new ShapeException("einsum: the dimensions covered by '...' do not broadcast: size "
                                + size[label] + other + " but size " + shape[d] + here);
                    }
                    throw new ShapeException("einsum: index '" + letter(label) + "' has size " + size[label] + other
                            + " but size " + shape[d] + here);
                }
            }
            inputs[i] = new Labeled(operands[i], labels);
        }

        // ---- output labels: explicit, or implicit (ellipsis dims first, then the letters used once, sorted)
        int[] output;
        if (rawOut != null) {
            int[] out = new int[rawOut.length - (contains(rawOut, ELLIPSIS) ? 1 - ellRank : 0)];
            int d = 0;
            for (int label : rawOut) {
                if (label == ELLIPSIS) {
                    for (int j = 0; j < ellRank; j++) {
                        out[d++] = LETTERS + j;
                    }
                } else {
                    out[d++] = label;
                }
            }
            output = out;
        } else {
            List<Integer> out = new ArrayList<>();
            if (anyEllipsis) {
                for (int j = 0; j < ellRank; j++) {
                    out.add(LETTERS + j);
                }
            }
            for (int label = 0; label < LETTERS; label++) {
                if (letterCount[label] == 1) {
                    out.add(label);
                }
            }
            output = out.stream().mapToInt(Integer::intValue).toArray();
        }

        return contract(inputs, output, labelCount);
    }

    /** The einsum of validated, fully labelled inputs: diagonals, then pairwise contraction from left to right. */
    private static Tensor contract(Labeled[] inputs, int[] output, int labelCount) {
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = diagonal(inputs[i]);
        }
        boolean[] inOutput = mark(new boolean[labelCount], output);
        Labeled acc = inputs[0];
        for (int i = 1; i < inputs.length; i++) {
            boolean[] later = inOutput.clone();
            for (int j = i + 1; j < inputs.length; j++) {
                mark(later, inputs[j].labels);
            }
            Labeled right = inputs[i];
            acc = sumUnneeded(acc, mark(later.clone(), right.labels));
            right = sumUnneeded(right, mark(later.clone(), acc.labels));
            acc = contractPair(acc, right, later);
        }
        acc = sumUnneeded(acc, inOutput);
        int[] perm = new int[output.length];
        for (int d = 0; d < output.length; d++) {
            perm[d] = acc.dimOf(output[d]);
        }
        return acc.tensor.permute(perm);
    }

    /** The labels of one term; ELLIPSIS for "...". */
    private static int[] parseTerm(String term, String where, String equation) {
        int[] labels = new int[term.length()];
        int n = 0;
        boolean ellipsis = false;
        for (int p = 0; p < term.length(); p++) {
            char c = term.charAt(p);
            if (c == '.') {
                if (!term.startsWith("...", p)) {
                    throw new IndexException("einsum: a '.' that is not part of an ellipsis '...' in the subscripts '"
                            + term + "' of " + where + " in '" + equation + "'");
                }
                if (ellipsis) {
                    throw new IndexException("einsum: more than one ellipsis '...' in the subscripts '" + term
                            + "' of " + where + " in '" + equation + "'");
                }
                ellipsis = true;
                labels[n++] = ELLIPSIS;
                p += 2;
            } else if (c >= 'A' && c <= 'Z') {
                labels[n++] = c - 'A';
            } else if (c >= 'a' && c <= 'z') {
                labels[n++] = 26 + (c - 'a');
            } else {
                throw new IndexException("einsum: invalid character '" + c + "' in the subscripts '" + term + "' of "
                        + where + " in '" + equation + "'; subscripts must be letters a-z, A-Z or an ellipsis '...'");
            }
        }
        return Arrays.copyOf(labels, n);
    }

    private static char letter(int label) {
        return (char) (label < 26 ? 'A' + label : 'a' + (label - 26));
    }

    private static boolean contains(int[] labels, int label) {
        for (int l : labels) {
            if (l == label) {
                return true;
            }
        }
        return false;
    }

    private static boolean[] mark(boolean[] set, int[] labels) {
        for (int label : labels) {
            set[label] = true;
        }
        return set;
    }

    /**
     * The diagonal over every label repeated in x: its r dims of size n are moved last, flattened to n^r and
     * sliced with step 1 + n + ... + n^(r-1), which picks the elements [i, i, ..., i].
     */
    private static Labeled diagonal(Labeled x) {
        int[] labels = x.labels;
        Tensor t = x.tensor;
        while (true) {
            int repeated = -1;
            for (int d = 0; d < labels.length && repeated < 0; d++) {
                for (int e = d + 1; e < labels.length; e++) {
                    if (labels[e] == labels[d]) {
                        repeated = labels[d];
                        break;
                    }
                }
            }
            if (repeated < 0) {
                return new Labeled(t, labels);
            }
            int rank = labels.length;
            int[] perm = new int[rank];
            int[] kept = new int[rank];
            int others = 0;
            for (int d = 0; d < rank; d++) {
                if (labels[d] != repeated) {
                    kept[others] = labels[d];
                    perm[others++] = d;
                }
            }
            int r = 0;
            for (int d = 0; d < rank; d++) {
                if (labels[d] == repeated) {
                    perm[others + r++] = d;
                }
            }
            int n = t.shape()[perm[others]];
            int step = 0;
            for (int k = 0, power = 1; k < r; k++, power *= n) {
                step += power;
            }
            Tensor flat = t.permute(perm).flatten(others, rank - 1);
            t = flat.slice(others, 0, flat.shape()[others], step);
            kept[others] = repeated;
            labels = Arrays.copyOf(kept, others + 1);
        }
    }

    /** x with every dim whose label is not in {@code needed} summed out. */
    private static Labeled sumUnneeded(Labeled x, boolean[] needed) {
        int[] dims = new int[x.labels.length];
        int[] kept = new int[x.labels.length];
        int nd = 0;
        int nk = 0;
        for (int d = 0; d < x.labels.length; d++) {
            if (needed[x.labels[d]]) {
                kept[nk++] = x.labels[d];
            } else {
                dims[nd++] = d;
            }
        }
        if (nd == 0) {
            return x;
        }
        return new Labeled(x.tensor.sum(Arrays.copyOf(dims, nd), false), Arrays.copyOf(kept, nk));
    }

    /**
     * The product of two operands summed over their shared labels that {@code later} does not need: as
     * [batch, m, k] @ [batch, k, n] with matmul, or a broadcasting mul when nothing is summed.
     */
    private static Labeled contractPair(Labeled left, Labeled right, boolean[] later) {
        List<Integer> batch = new ArrayList<>();
        List<Integer> sum = new ArrayList<>();
        List<Integer> leftOnly = new ArrayList<>();
        List<Integer> rightOnly = new ArrayList<>();
        for (int label : left.labels) {
            if (right.dimOf(label) >= 0) {
                (later[label] ? batch : sum).add(label);
            } else {
                leftOnly.add(label);
            }
        }
        for (int label : right.labels) {
            if (left.dimOf(label) < 0) {
                rightOnly.add(label);
            }
        }
        // A summed label of size 1 on one side broadcasts: sum the other side over it first.
        Tensor l = left.tensor;
        Tensor r = right.tensor;
        for (int label : sum) {
            int sl = left.sizeOf(label);
            int sr = right.sizeOf(label);
            if (sl == 1 && sr != 1) {
                r = r.sum(right.dimOf(label), true);
            } else if (sr == 1 && sl != 1) {
                l = l.sum(left.dimOf(label), true);
            }
        }
        int nb = batch.size();
        int[] labels = concat(batch, leftOnly, rightOnly);
        if (sum.isEmpty()) {
            Tensor lp = l.permute(dims(left, batch, leftOnly));
            for (int k = 0; k < rightOnly.size(); k++) {
                lp = lp.unsqueeze(-1);
            }
            Tensor rp = r.permute(dims(right, batch, rightOnly));
            for (int k = 0; k < leftOnly.size(); k++) {
                rp = rp.unsqueeze(nb);
            }
            return new Labeled(lp.mul(rp), labels);
        }
        int[] lShape = l.shape();
        int[] rShape = r.shape();
        int[] lMatrix = new int[nb + 2];
        int[] rMatrix = new int[nb + 2];
        int[] outShape = new int[labels.length];
        for (int b = 0; b < nb; b++) {
            int label = batch.get(b);
            lMatrix[b] = lShape[left.dimOf(label)];
            rMatrix[b] = rShape[right.dimOf(label)];
            outShape[b] = lMatrix[b] == 1 ? rMatrix[b] : lMatrix[b];
        }
        int m = 1;
        for (int k = 0; k < leftOnly.size(); k++) {
            outShape[nb + k] = lShape[left.dimOf(leftOnly.get(k))];
            m *= outShape[nb + k];
        }
        int n = 1;
        for (int k = 0; k < rightOnly.size(); k++) {
            outShape[nb + leftOnly.size() + k] = rShape[right.dimOf(rightOnly.get(k))];
            n *= outShape[nb + leftOnly.size() + k];
        }
        int inner = 1;
        for (int label : sum) {
            inner *= lShape[left.dimOf(label)];
        }
        lMatrix[nb] = m;
        lMatrix[nb + 1] = inner;
        rMatrix[nb] = inner;
        rMatrix[nb + 1] = n;
        Tensor lp = l.permute(dims(left, batch, leftOnly, sum)).reshape(lMatrix);
        Tensor rp = r.permute(dims(right, batch, sum, rightOnly)).reshape(rMatrix);
        return new Labeled(lp.matmul(rp).reshape(outShape), labels);
    }

    @SafeVarargs
    private static int[] dims(Labeled x, List<Integer>... groups) {
        int[] labels = concat(groups);
        int[] dims = new int[labels.length];
        for (int k = 0; k < labels.length; k++) {
            dims[k] = x.dimOf(labels[k]);
        }
        return dims;
    }

    @SafeVarargs
    private static int[] concat(List<Integer>... groups) {
        return Arrays.stream(groups).flatMap(List::stream).mapToInt(Integer::intValue).toArray();
    }
}
