package dev.jgrad;

import dev.jgrad.cpu.BinaryOp;
import dev.jgrad.cpu.CpuKernels;
import dev.jgrad.cpu.Strided;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * An n-dimensional array of FLOAT32, FLOAT64, INT64 or BOOL values on the CPU, with PyTorch's semantics:
 * NumPy broadcasting, views that share storage, and reverse-mode autograd ({@link #requiresGrad(boolean)},
 * {@link #backward()}, {@link #grad()}). Ops return new tensors and leave their inputs unmodified unless
 * their name ends in {@code InPlace}.
 */
public final class Tensor {
    final Storage storage;
    final DType dtype;
    final int[] shape;
    final int[] strides;
    final int offset;

    /** For views: the tensor owning the storage (never itself a view); null otherwise. */
    final Tensor base;
    /** For views: the base's gradFn when this view's gradFn was last derived from it. */
    private Node viewBaseFn;

    private boolean requiresGradLeaf;
    Node gradFn;
    private Tensor grad;
    private AccumulateGrad accumulator;
    private HookHandle retainGradHook;
    /** Forward-mode tangents by level, or null. Read them through {@link #tangents()}. */
    private Tangents tangents;
    /** For views: the base's tangents when this view's were last derived from them. */
    private Tangents viewBaseTangents;

    Tensor(Storage storage, DType dtype, int[] shape, int[] strides, int offset, Tensor base) {
        this.storage = storage;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.base = base;
        this.viewBaseFn = base == null ? null : base.gradFn;
        this.viewBaseTangents = base == null ? null : base.tangents;
    }

    /** A fresh contiguous tensor over a kernel's result array. */
    static Tensor wrap(Object data, int[] shape) {
        int[] strides = shape.length == 0 ? Shapes.SCALAR : Shapes.contiguousStrides(shape);
        return new Tensor(new Storage(data), CpuKernels.dtypeOf(data), shape, strides, 0, null);
    }

    /** A view of this tensor's storage with another geometry. */
    Tensor viewWith(int[] newShape, int[] newStrides, int newOffset) {
        return new Tensor(storage, dtype, newShape, newStrides, newOffset, base == null ? this : base);
    }

    Strided strided() {
        return new Strided(storage.data, offset, strides);
    }

    /** This tensor read as if broadcast to {@code target} (stride 0 on broadcast dims). */
    Strided stridedAs(int[] target) {
        return new Strided(storage.data, offset, Shapes.broadcastStrides(shape, strides, target));
    }

    // ---------------------------------------------------------------- creation

    /** A 0-d FLOAT32 tensor (PyTorch's default for Python floats). */
    public static Tensor scalar(double value) {
        return scalar(value, DType.FLOAT32);
    }

    /** A 0-d tensor of the given dtype. */
    public static Tensor scalar(double value, DType dtype) {
        Object data = CpuKernels.allocate(dtype, 1);
        CpuKernels.write(data, 0, value);
        return wrap(data, Shapes.SCALAR);
    }

    /** A 0-d INT64 tensor. */
    public static Tensor scalar(long value) {
        return wrap(new long[] {value}, Shapes.SCALAR);
    }

    /** A 0-d BOOL tensor. */
    public static Tensor scalar(boolean value) {
        return wrap(new boolean[] {value}, Shapes.SCALAR);
    }

    /** A FLOAT32 tensor from a flat array and a shape (the array is copied). */
    public static Tensor fromArray(float[] data, int... shape) {
        return fromFlat(data.clone(), data.length, shape);
    }

    /** A FLOAT64 tensor from a flat array and a shape (the array is copied). */
    public static Tensor fromArray(double[] data, int... shape) {
        return fromFlat(data.clone(), data.length, shape);
    }

    /** An INT64 tensor from a flat array and a shape (the array is copied). */
    public static Tensor fromArray(long[] data, int... shape) {
        return fromFlat(data.clone(), data.length, shape);
    }

    /** A BOOL tensor from a flat array and a shape (the array is copied). */
    public static Tensor fromArray(boolean[] data, int... shape) {
        return fromFlat(data.clone(), data.length, shape);
    }

    private static Tensor fromFlat(Object data, int length, int[] shape) {
        int[] s = shape.clone();
        for (int d : s) {
            if (d < 0) {
                throw new ShapeException("fromArray: negative dimension in shape " + Shapes.str(s));
            }
        }
        if (Shapes.numel(s) != length) {
            throw new ShapeException("fromArray: an array of " + length + " elements does not fit shape "
                    + Shapes.str(s) + " (" + Shapes.numel(s) + " elements)");
        }
        return wrap(data, s);
    }

    /** A 1-d FLOAT32 tensor. */
    public static Tensor of(float... data) {
        return fromArray(data, data.length);
    }

    /** A 1-d FLOAT64 tensor (Java doubles keep their precision; use {@link #to} for float32). */
    public static Tensor of(double... data) {
        return fromArray(data, data.length);
    }

    /** A 1-d INT64 tensor. */
    public static Tensor of(long... data) {
        return fromArray(data, data.length);
    }

    /** A 1-d BOOL tensor. */
    public static Tensor of(boolean... data) {
        return fromArray(data, data.length);
    }

    /** A 2-d FLOAT32 tensor from a rectangular nested array (copied); a ragged one throws ShapeException. */
    public static Tensor of(float[][] data) {
        return fromNested(data, DType.FLOAT32);
    }

    /** A 2-d FLOAT64 tensor from a rectangular nested array (copied); use {@link #to} for float32. */
    public static Tensor of(double[][] data) {
        return fromNested(data, DType.FLOAT64);
    }

    /** A 2-d INT64 tensor from a rectangular nested array (copied). */
    public static Tensor of(long[][] data) {
        return fromNested(data, DType.INT64);
    }

    /** A 2-d BOOL tensor from a rectangular nested array (copied). */
    public static Tensor of(boolean[][] data) {
        return fromNested(data, DType.BOOL);
    }

    /** A 3-d FLOAT32 tensor from a rectangular nested array (copied). */
    public static Tensor of(float[][][] data) {
        return fromNested(data, DType.FLOAT32);
    }

    /** A 3-d FLOAT64 tensor from a rectangular nested array (copied). */
    public static Tensor of(double[][][] data) {
        return fromNested(data, DType.FLOAT64);
    }

    /** A 3-d INT64 tensor from a rectangular nested array (copied). */
    public static Tensor of(long[][][] data) {
        return fromNested(data, DType.INT64);
    }

    /** A 4-d FLOAT32 tensor from a rectangular nested array (copied). */
    public static Tensor of(float[][][][] data) {
        return fromNested(data, DType.FLOAT32);
    }

    /** A 4-d FLOAT64 tensor from a rectangular nested array (copied). */
    public static Tensor of(double[][][][] data) {
        return fromNested(data, DType.FLOAT64);
    }

    /** A tensor of {@code dtype} from a nested Java array (rectangular, 1 to 4 levels). */
    public static Tensor of(Object nestedArray, DType dtype) {
        return fromNested(nestedArray, dtype);
    }

    private static Tensor fromNested(Object nested, DType dtype) {
        List<Integer> dims = new ArrayList<>();
        Object level = nested;
        while (level != null && level.getClass().isArray()) {
            int len = java.lang.reflect.Array.getLength(level);
            dims.add(len);
            if (len == 0 || !level.getClass().getComponentType().isArray()) {
                break;
            }
            level = java.lang.reflect.Array.get(level, 0);
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        Object out = CpuKernels.allocate(dtype, Shapes.numel(shape));
        int[] cursor = {0};
        fill(nested, shape, 0, out, cursor, new int[shape.length]);
        return wrap(out, shape);
    }

    private static void fill(Object level, int[] shape, int depth, Object out, int[] cursor, int[] path) {
        int len = java.lang.reflect.Array.getLength(level);
        if (len != shape[depth]) {
            throw new ShapeException("of: ragged nested array: the sub-array at index "
                    + Arrays.toString(Arrays.copyOf(path, depth)) + " has length " + len + ", expected " + shape[depth]);
        }
        for (int i = 0; i < len; i++) {
            path[depth] = i;
            Object item = java.lang.reflect.Array.get(level, i);
            if (depth + 1 < shape.length) {
                if (item == null || !item.getClass().isArray()) {
                    throw new ShapeException("of: ragged nested array at index " + Arrays.toString(Arrays.copyOf(path, depth + 1)));
                }
                fill(item, shape, depth + 1, out, cursor, path);
            } else if (item instanceof Boolean b) {
                CpuKernels.write(out, cursor[0]++, b ? 1 : 0);
            } else if (item instanceof Long l && out instanceof long[] longs) {
                longs[cursor[0]++] = l;
            } else if (item instanceof Number n) {
                CpuKernels.write(out, cursor[0]++, n.doubleValue());
            } else {
                throw new ShapeException("of: ragged nested array: expected a number at index "
                        + Arrays.toString(Arrays.copyOf(path, depth + 1)) + ", found " + item);
            }
        }
    }

    /** Zeros of the default dtype FLOAT32. */
    public static Tensor zeros(int... shape) {
        return full(0, DType.FLOAT32, shape);
    }

    /** Zeros of {@code dtype} (false for BOOL). */
    public static Tensor zeros(DType dtype, int... shape) {
        return full(0, dtype, shape);
    }

    /** Ones of the default dtype FLOAT32. */
    public static Tensor ones(int... shape) {
        return full(1, DType.FLOAT32, shape);
    }

    /** Ones of {@code dtype} (true for BOOL). */
    public static Tensor ones(DType dtype, int... shape) {
        return full(1, dtype, shape);
    }

    /** An uninitialised tensor (in jgrad: zero-filled, as Java arrays are). */
    public static Tensor empty(int... shape) {
        return full(0, DType.FLOAT32, shape);
    }

    /** An uninitialised tensor of {@code dtype} (in jgrad: zero-filled, as Java arrays are). */
    public static Tensor empty(DType dtype, int... shape) {
        return full(0, dtype, shape);
    }

    /** A FLOAT32 tensor of {@code shape} with every element {@code value}. */
    public static Tensor full(double value, int... shape) {
        return full(value, DType.FLOAT32, shape);
    }

    /**
     * A tensor of {@code dtype} and {@code shape} with every element {@code value}, converted as a cast does
     * (to INT64 truncates toward zero, to BOOL is {@code value != 0}).
     */
    public static Tensor full(double value, DType dtype, int... shape) {
        int[] s = shape.clone();
        for (int d : s) {
            if (d < 0) {
                throw new ShapeException("full: negative dimension in shape " + Shapes.str(s));
            }
        }
        Object data = CpuKernels.allocate(dtype, Shapes.numel(s));
        if (value != 0) {
            CpuKernels.fill(new Strided(data, 0, new int[] {1}), new int[] {Shapes.numel(s)}, value);
        }
        return wrap(data, s);
    }

    /** Zeros of {@code t}'s shape and dtype, without history. */
    public static Tensor zerosLike(Tensor t) {
        return full(0, t.dtype, t.shape);
    }

    /** Ones of {@code t}'s shape and dtype, without history. */
    public static Tensor onesLike(Tensor t) {
        return full(1, t.dtype, t.shape);
    }

    /** {@code value} (converted to {@code t}'s dtype) in {@code t}'s shape, without history. */
    public static Tensor fullLike(Tensor t, double value) {
        return full(value, t.dtype, t.shape);
    }

    /** An uninitialised tensor of {@code t}'s shape and dtype (in jgrad: zero-filled). */
    public static Tensor emptyLike(Tensor t) {
        return full(0, t.dtype, t.shape);
    }

    /** 0, 1, ..., end-1 as INT64. */
    public static Tensor arange(long end) {
        return arange(0, end, 1);
    }

    /** start, start+step, ... up to (not including) end, as INT64. */
    public static Tensor arange(long start, long end, long step) {
        if (step == 0) {
            throw new JgradException("arange: step must be nonzero");
        }
        if (step > 0 ? end < start : end > start) {
            throw new JgradException("arange: upper bound and lower bound inconsistent with step sign (start=" + start
                    + ", end=" + end + ", step=" + step + ")");
        }
        int n = (int) Math.max(0, Math.ceilDiv(end - start, step));
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = start + i * step;
        }
        return wrap(out, new int[] {n});
    }

    /** start, start+step, ... up to (not including) end, as FLOAT32 (use {@link #arange(double, double, double, DType)} for another dtype). */
    public static Tensor arange(double start, double end, double step) {
        return arange(start, end, step, DType.FLOAT32);
    }

    /**
     * start, start+step, ... up to (not including) end: ceil((end - start) / step) values, each converted to
     * {@code dtype} (to INT64 truncates toward zero).
     */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        if (step == 0 || Double.isNaN(step)) {
            throw new JgradException("arange: step must be nonzero, got " + step);
        }
        if (step > 0 ? end < start : end > start) {
            throw new JgradException("arange: upper bound and lower bound inconsistent with step sign (start=" + start
                    + ", end=" + end + ", step=" + step + ")");
        }
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        Object out = CpuKernels.allocate(dtype, n);
        for (int i = 0; i < n; i++) {
            CpuKernels.write(out, i, start + i * step);
        }
        return wrap(out, new int[] {n});
    }

    /** {@code steps} evenly spaced FLOAT32 values from start to end inclusive. */
    public static Tensor linspace(double start, double end, int steps) {
        return linspace(start, end, steps, DType.FLOAT32);
    }

    /** {@code steps} evenly spaced values of {@code dtype} from start to end inclusive (end exactly when steps > 1). */
    public static Tensor linspace(double start, double end, int steps, DType dtype) {
        if (steps < 0) {
            throw new JgradException("linspace: number of steps must be non-negative, got " + steps);
        }
        Object out = CpuKernels.allocate(dtype, steps);
        double delta = steps > 1 ? (end - start) / (steps - 1) : 0;
        for (int i = 0; i < steps; i++) {
            // fill from both ends, as PyTorch does, so the last value is exactly end
            CpuKernels.write(out, i, steps == 1 ? start
                    : i < steps / 2 ? start + i * delta : end - (steps - 1 - i) * delta);
        }
        return wrap(out, new int[] {steps});
    }

    /** The n x n identity (FLOAT32). */
    public static Tensor eye(int n) {
        return eye(n, n, DType.FLOAT32);
    }

    /** An n x m matrix of {@code dtype}: ones on the main diagonal, zeros elsewhere. */
    public static Tensor eye(int n, int m, DType dtype) {
        Tensor t = zeros(dtype, n, m);
        for (int i = 0; i < Math.min(n, m); i++) {
            CpuKernels.write(t.storage.data, i * m + i, 1);
        }
        return t;
    }

    /** Uniform [0, 1) FLOAT32 from the global generator (see {@link Generator#manualSeed}). */
    public static Tensor rand(int... shape) {
        return Generator.global().rand(shape);
    }

    /** Standard normal FLOAT32 from the global generator. */
    public static Tensor randn(int... shape) {
        return Generator.global().randn(shape);
    }

    /** Uniform [0, 1) of a floating {@code dtype} from the global generator. */
    public static Tensor rand(DType dtype, int... shape) {
        return Generator.global().uniform(0, 1, dtype, shape);
    }

    /** Standard normal of a floating {@code dtype} from the global generator. */
    public static Tensor randn(DType dtype, int... shape) {
        return Generator.global().normal(0, 1, dtype, shape);
    }

    /** Uniform integers in [low, high) as INT64 from the global generator. */
    public static Tensor randint(long low, long high, int... shape) {
        return Generator.global().randint(low, high, shape);
    }

    /** Seeds the global generator, like {@code torch.manual_seed}. */
    public static void manualSeed(long seed) {
        Generator.global().manualSeed(seed);
    }

    // ---------------------------------------------------------------- metadata

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The size of one dim (negative dims count from the end). */
    public int size(int dim) {
        return shape[Shapes.dim("size", dim, shape.length)];
    }

    /** The number of dims. */
    public int dim() {
        return shape.length;
    }

    /** The number of elements: the product of the shape (1 for a 0-d tensor). */
    public int numel() {
        return Shapes.numel(shape);
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** Strides in elements (a copy). */
    public int[] strides() {
        return strides.clone();
    }

    /** The position of the first element in the storage, in elements. */
    public int storageOffset() {
        return offset;
    }

    /** True when the strides are row-major (C order), as {@link #contiguous()} makes them. */
    public boolean isContiguous() {
        return Shapes.isContiguous(shape, strides);
    }

    /** Whether several elements read one memory location (an expanded dim), so it cannot be written in place. */
    boolean repeatsElements() {
        for (int d = 0; d < shape.length; d++) {
            if (strides[d] == 0 && shape[d] > 1) {
                return true;
            }
        }
        return false;
    }

    /**
     * The single value of a tensor of several elements that all read one memory location (a 0-d value
     * expanded, as the gradient of a sum), as a 0-d tensor; else null.
     */
    Tensor repeatedValue() {
        if (numel() < 2) {
            return null;
        }
        for (int d = 0; d < shape.length; d++) {
            if (strides[d] != 0 && shape[d] > 1) {
                return null;
            }
        }
        return Tensor.scalar(CpuKernels.read(storage.data, offset), dtype);
    }

    /** True when this tensor shares another tensor's storage (a view made by reshape, permute, slicing...). */
    public boolean isView() {
        return base != null;
    }

    /** True when both tensors read the same memory. */
    public boolean sharesStorageWith(Tensor other) {
        return storage == other.storage;
    }

    /** The storage's version counter: the number of in-place writes to it so far. */
    public int version() {
        return storage.version();
    }

    // ---------------------------------------------------------------- autograd

    /** Whether gradients will be computed for this tensor. */
    public boolean requiresGrad() {
        return requiresGradLeaf || gradNode() != null;
    }

    /**
     * Sets whether a leaf records operations for autograd (PyTorch's {@code requires_grad_}); returns this.
     * Only floating tensors can require gradients.
     */
    public Tensor requiresGrad(boolean requires) {
        if (gradFn != null) {
            if (!requires) {
                throw new AutogradException("requiresGrad(false): this tensor is not a leaf (its gradFn is "
                        + gradFn.name + "); use detach() to get a tensor without history");
            }
            return this;
        }
        if (requires && !dtype.isFloating()) {
            throw new DTypeException("requiresGrad: only tensors of floating point dtype can require gradients, got "
                    + dtype);
        }
        requiresGradLeaf = requires;
        return this;
    }

    /** The accumulated gradient of a leaf (or of a non-leaf after {@link #retainGrad()}); null until backward. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the gradient ({@code x.grad = g}); null clears it. */
    public void setGrad(Tensor newGrad) {
        if (newGrad != null && (!Arrays.equals(newGrad.shape, shape) || newGrad.dtype != dtype)) {
            throw new ShapeException("setGrad: gradient of shape " + Shapes.str(newGrad.shape) + " and dtype "
                    + newGrad.dtype + " does not match the tensor's shape " + Shapes.str(shape) + " and dtype " + dtype);
        }
        grad = newGrad;
    }

    /** The node that produced this tensor ({@code MulBackward}, ...), or null for leaves. */
    public Node gradFn() {
        Node n = gradNode();
        return n instanceof AccumulateGrad ? null : n;
    }

    /** True for tensors created by the user rather than by a recorded op. */
    public boolean isLeaf() {
        return gradFn() == null;
    }

    /** Where gradients for this tensor go: its gradFn, the accumulator of a leaf requiring grad, or null. */
    Node gradNode() {
        if (base != null && base.gradFn != viewBaseFn) {
            // the base's history was rewritten by an in-place op through some view: derive ours from it again
            viewBaseFn = base.gradFn;
            gradFn = Primitives.viewFromBase(base, this);
        }
        if (gradFn != null) {
            return gradFn;
        }
        if (requiresGradLeaf) {
            if (accumulator == null) {
                accumulator = new AccumulateGrad(this);
            }
            return accumulator;
        }
        return null;
    }

    /** All forward-mode tangents; a view re-derives its own from its base's when an in-place op replaced those. */
    Tangents tangents() {
        if (base != null && base.tangents != viewBaseTangents) {
            viewBaseTangents = base.tangents;
            ViewGeometry geometry = ViewGeometry.of(base, this);
            tangents = null;
            for (Tangents t = base.tangents; t != null; t = t.next()) {
                tangents = Tangents.with(tangents, t.level(), Primitives.viewOfBase(t.value(), geometry));
            }
        }
        return tangents;
    }

    /** The tangent of forward-mode level {@code level}, or null. */
    Tensor tangent(int level) {
        return Tangents.get(tangents(), level);
    }

    void setTangent(int level, Tensor tangent) {
        tangents = tangent == null ? Tangents.without(tangents(), level) : Tangents.with(tangents(), level, tangent);
    }

    /**
     * Adds a gradient into {@link #grad()}. {@code owned}: nothing else references {@code incoming}, so a first
     * gradient of this dtype and layout is kept as it is rather than copied. Synchronized: backward passes on
     * several threads may share this leaf.
     */
    synchronized void accumulateGrad(Tensor incoming, boolean owned) {
        if (GradMode.isEnabled()) { // createGraph: keep the gradient's own history
            grad = grad == null ? incoming : grad.add(incoming);
        } else if (grad == null && owned && incoming.dtype == dtype && Arrays.equals(incoming.shape, shape)
                && incoming.gradFn == null && incoming.tangents() == null && incoming.isContiguous()) {
            // a view (w.T()'s gradient, say) is kept as a tensor of its own over the same, unshared memory
            grad = incoming.base == null ? incoming
                    : new Tensor(incoming.storage, dtype, incoming.shape, incoming.strides, incoming.offset, null);
        } else if (grad == null) {
            grad = incoming.to(dtype).cloneData(); // a copy: the incoming gradient may be shared with other leaves
        } else {
            grad.addInPlace(incoming);
        }
    }

    /** Keeps the gradient of this non-leaf in {@link #grad()} during backward. */
    public Tensor retainGrad() {
        if (gradFn() == null) {
            if (!requiresGrad()) {
                throw new AutogradException("retainGrad: can't retain the gradient of a tensor that does not require grad");
            }
            return this;
        }
        if (retainGradHook == null) {
            retainGradHook = gradNode().addPreHook(g -> {
                accumulateGrad(g, false);
                return null;
            });
        }
        return this;
    }

    /** Whether {@link #retainGrad()} is in force. */
    public boolean retainsGrad() {
        return retainGradHook != null;
    }

    /**
     * Registers a hook called with this tensor's gradient during backward; it may return a replacement
     * (of the same shape) or null to keep it.
     */
    public HookHandle registerHook(UnaryOperator<Tensor> hook) {
        Node node = gradNode();
        if (node == null) {
            throw new AutogradException("registerHook: cannot register a hook on a tensor that does not require grad");
        }
        return node.addPreHook(hook);
    }

    /** Backpropagates from this scalar: adds d this / d leaf into each leaf's {@link #grad()}. */
    public void backward() {
        backward(null, false, false);
    }

    /** Backpropagates {@code gradient} (the weights of this tensor's elements, same shape). */
    public void backward(Tensor gradient) {
        backward(gradient, false, false);
    }

    /**
     * Backpropagates {@code gradient} (null for a scalar: 1). {@code retainGraph} keeps saved tensors for
     * another backward; {@code createGraph} records the backward pass itself, for higher derivatives.
     */
    public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        Autograd.backward(this, gradient, retainGraph, createGraph);
    }

    /** A tensor sharing this one's data but cut from the graph (requiresGrad false). */
    public Tensor detach() {
        return new Tensor(storage, dtype, shape, strides, offset, base);
    }

    /** The data without history ({@code x.data} in PyTorch): the same as {@link #detach()}. */
    public Tensor data() {
        return detach();
    }

    // ---------------------------------------------------------------- conversions

    /** The value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new ShapeException("item: only one-element tensors can be converted to a Java number, got shape "
                    + Shapes.str(shape));
        }
        return CpuKernels.read(storage.data, offset);
    }

    /** The value of a one-element INT64 or BOOL tensor as a long. */
    public long itemLong() {
        if (numel() != 1) {
            throw new ShapeException("itemLong: only one-element tensors can be converted to a Java number, got shape "
                    + Shapes.str(shape));
        }
        return CpuKernels.readLong(storage.data, offset);
    }

    /** The elements in row-major order, converted to float. */
    public float[] toFloatArray() {
        return (float[]) to(DType.FLOAT32).cloneData().storage.data;
    }

    /** The elements in row-major order, converted to double (true is 1). */
    public double[] toDoubleArray() {
        return (double[]) to(DType.FLOAT64).cloneData().storage.data;
    }

    /** The elements in row-major order, converted to long (floats truncate toward zero; true is 1). */
    public long[] toLongArray() {
        return (long[]) to(DType.INT64).cloneData().storage.data;
    }

    /** The elements in row-major order, converted to boolean (nonzero, NaN included, is true). */
    public boolean[] toBooleanArray() {
        return (boolean[]) to(DType.BOOL).cloneData().storage.data;
    }

    /** A contiguous copy of the data with no history (internal). */
    Tensor cloneData() {
        Object out = CpuKernels.allocate(dtype, numel());
        CpuKernels.copy(strided(), new Strided(out, 0, Shapes.contiguousStrides(shape)), shape);
        return wrap(out, shape);
    }

    /** This tensor converted to {@code target} (itself when the dtype already matches). Differentiable between floats. */
    public Tensor to(DType target) {
        return target == dtype ? this : Primitives.cast(this, target);
    }

    /**
     * {@code |this - other| <= atol + rtol * |other|} elementwise (broadcasting), NaNs unequal; infinities are close
     * only to an equal infinity.
     */
    public boolean allClose(Tensor other, double rtol, double atol) {
        int[] out = Shapes.broadcast("allClose", shape, other.shape);
        double[] a = expand(out).toDoubleArray();
        double[] b = other.expand(out).toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            boolean close = a[i] == b[i] || Double.isFinite(a[i]) && Double.isFinite(b[i])
                    && Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]);
            if (!close) {
                return false;
            }
        }
        return true;
    }

    /** {@link #allClose(Tensor, double, double)} with PyTorch's defaults rtol 1e-5, atol 1e-8. */
    public boolean allClose(Tensor other) {
        return allClose(other, 1e-5, 1e-8);
    }

    /** PyTorch's printout, e.g. {@code tensor([1., 2.])}. */
    @Override
    public String toString() {
        return TensorFormat.format(this);
    }

    // ---------------------------------------------------------------- views and movement

    /** The same data in another shape (one dim may be -1); a view when the strides allow, else a copy. */
    public Tensor reshape(int... newShape) {
        int[] target = inferShape("reshape", newShape);
        if (Arrays.equals(target, shape)) {
            return this;
        }
        int[] viewStrides = viewStrides(target);
        return Primitives.reshape(viewStrides == null ? contiguous() : this, target);
    }

    /** The same data in another shape; fails if that needs a copy (use {@link #reshape}). */
    public Tensor view(int... newShape) {
        int[] target = inferShape("view", newShape);
        if (viewStrides(target) == null) {
            throw new ShapeException("view: shape " + Shapes.str(target) + " is not compatible with the size "
                    + Shapes.str(shape) + " and strides " + Shapes.str(strides)
                    + " of the input (at least one dimension spans two contiguous subspaces); use reshape() instead");
        }
        return Primitives.reshape(this, target);
    }

    int[] inferShape(String op, int[] newShape) {
        int[] target = newShape.clone();
        int infer = -1;
        int known = 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1) {
                if (infer >= 0) {
                    throw new ShapeException(op + ": only one dimension can be inferred (-1) in " + Shapes.str(newShape));
                }
                infer = i;
            } else if (target[i] < 0) {
                throw new ShapeException(op + ": invalid dimension " + target[i] + " in " + Shapes.str(newShape));
            } else {
                known *= target[i];
            }
        }
        int n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new ShapeException(op + ": shape " + Shapes.str(newShape) + " is invalid for input of size " + n
                        + " (shape " + Shapes.str(shape) + ")");
            }
            target[infer] = n / known;
        }
        if (Shapes.numel(target) != n) {
            throw new ShapeException(op + ": shape " + Shapes.str(newShape) + " is invalid for input of size " + n
                    + " (shape " + Shapes.str(shape) + ")");
        }
        return target;
    }

    /**
     * Strides that read this tensor's elements in row-major order as {@code target}, or null when no view
     * can (PyTorch's rule: each run of input dims that is contiguous within itself must map onto whole
     * output dims).
     */
    int[] viewStrides(int[] target) {
        int[] oldShape = shape.length == 0 ? new int[] {1} : shape;
        int[] oldStrides = shape.length == 0 ? new int[] {1} : strides;
        int[] out = new int[target.length];
        if (numel() == 0) {
            return Shapes.contiguousStrides(target);
        }
        int viewD = target.length - 1;
        long chunkBaseStride = oldStrides[oldStrides.length - 1];
        long tensorNumel = 1;
        long viewNumel = 1;
        for (int d = oldShape.length - 1; d >= 0; d--) {
            tensorNumel *= oldShape[d];
            boolean chunkEnds = d == 0
                    || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBaseStride);
            if (chunkEnds) {
                while (viewD >= 0 && (viewNumel < tensorNumel || target[viewD] == 1)) {
                    out[viewD] = (int) (viewNumel * chunkBaseStride);
                    viewNumel *= target[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (d > 0) {
                    chunkBaseStride = oldStrides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? out : null;
    }

    /** A contiguous tensor with this one's values: itself if already contiguous, else a copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : Primitives.clone(this);
    }

    /** A copy with its own storage; differentiable (the gradient passes through unchanged). */
    public Tensor clone() {
        return Primitives.clone(this);
    }

    /** The dims reordered: result dim i is this tensor's dim {@code dims[i]}. A view. */
    public Tensor permute(int... dims) {
        return Primitives.permute(this, dims);
    }

    /** Dims {@code dim0} and {@code dim1} swapped. A view. */
    public Tensor transpose(int dim0, int dim1) {
        int[] dims = identityDims();
        int a = Shapes.dim("transpose", dim0, shape.length);
        int b = Shapes.dim("transpose", dim1, shape.length);
        if (shape.length == 0) {
            return this;
        }
        dims[a] = b;
        dims[b] = a;
        return permute(dims);
    }

    /** All dims reversed (PyTorch's {@code .T}). A view. */
    public Tensor T() {
        int[] dims = new int[shape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = dims.length - 1 - i;
        }
        return permute(dims);
    }

    /** The last two dims swapped (PyTorch's {@code .mT}). A view. */
    public Tensor mT() {
        if (shape.length < 2) {
            throw new ShapeException("mT: tensor of rank " + shape.length + " has no matrix dims (shape "
                    + Shapes.str(shape) + ")");
        }
        return transpose(-2, -1);
    }

    private int[] identityDims() {
        int[] dims = new int[shape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i;
        }
        return dims;
    }

    /** All dims of size 1 removed. A view. */
    public Tensor squeeze() {
        return reshape(Arrays.stream(shape).filter(s -> s != 1).toArray());
    }

    /** Dim {@code dim} removed if its size is 1 (else unchanged). A view. */
    public Tensor squeeze(int dim) {
        int d = Shapes.dim("squeeze", dim, shape.length);
        if (shape.length == 0 || shape[d] != 1) {
            return this;
        }
        int[] target = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                target[j++] = shape[i];
            }
        }
        return Primitives.reshape(this, target);
    }

    /** A dim of size 1 inserted at {@code dim} (in [-rank-1, rank]). A view. */
    public Tensor unsqueeze(int dim) {
        int d = Shapes.dim("unsqueeze", dim, shape.length + 1);
        int[] target = new int[shape.length + 1];
        for (int i = 0, j = 0; i < target.length; i++) {
            target[i] = i == d ? 1 : shape[j++];
        }
        return Primitives.reshape(this, target);
    }

    /** All dims merged into one. */
    public Tensor flatten() {
        return reshape(-1);
    }

    /** Dims {@code startDim..endDim} merged into one. */
    public Tensor flatten(int startDim, int endDim) {
        if (shape.length == 0) {
            return reshape(1);
        }
        int s = Shapes.dim("flatten", startDim, shape.length);
        int e = Shapes.dim("flatten", endDim, shape.length);
        if (s > e) {
            throw new IndexException("flatten: startDim " + startDim + " comes after endDim " + endDim);
        }
        int[] target = new int[shape.length - (e - s)];
        int j = 0;
        for (int i = 0; i < s; i++) {
            target[j++] = shape[i];
        }
        int merged = 1;
        for (int i = s; i <= e; i++) {
            merged *= shape[i];
        }
        target[j++] = merged;
        for (int i = e + 1; i < shape.length; i++) {
            target[j++] = shape[i];
        }
        return reshape(target);
    }

    /** This tensor broadcast to {@code newShape} (-1 keeps a dim) without copying: a view with zero strides. */
    public Tensor expand(int... newShape) {
        int[] target = newShape.clone();
        int shift = target.length - shape.length;
        if (shift < 0) {
            throw new ShapeException("expand: the number of sizes provided (" + target.length
                    + ") must be at least the tensor's rank (" + shape.length + ") for shape " + Shapes.str(shape));
        }
        for (int i = 0; i < target.length; i++) {
            int own = i >= shift ? shape[i - shift] : 1;
            if (target[i] == -1) {
                if (i < shift) {
                    throw new ShapeException("expand: -1 is not allowed in a new leading dimension " + Shapes.str(newShape));
                }
                target[i] = own;
            } else if (target[i] < 0) {
                throw new ShapeException("expand: invalid size " + target[i] + " in " + Shapes.str(newShape)
                        + " (only -1 may be negative)");
            } else if (own != 1 && own != target[i]) {
                throw new ShapeException("expand: the size of dimension " + (i - shift) + " (" + own + ") of shape "
                        + Shapes.str(shape) + " must match " + target[i] + " or be 1 to expand to " + Shapes.str(newShape));
            }
        }
        if (Arrays.equals(target, shape)) {
            return this;
        }
        return Primitives.expand(this, target);
    }

    /** Same as {@link #expand}. */
    public Tensor broadcastTo(int... newShape) {
        return expand(newShape);
    }

    /** Elements {@code start, start+step, ...} before {@code stop} along {@code dim}; Python slice semantics. A view. */
    public Tensor slice(int dim, int start, int stop, int step) {
        int d = Shapes.dim("slice", dim, shape.length);
        if (shape.length == 0) {
            throw new IndexException("slice: cannot slice a 0-d tensor");
        }
        if (step <= 0) {
            throw new IndexException("slice: step must be positive, got " + step);
        }
        int n = shape[d];
        int s = clampIndex(start, n);
        int e = clampIndex(stop, n);
        return Primitives.slice(this, d, s, Math.max(s, e), step);
    }

    /** {@link #slice(int, int, int, int)} with step 1. */
    public Tensor slice(int dim, int start, int stop) {
        return slice(dim, start, stop, 1);
    }

    private static int clampIndex(int i, int n) {
        if (i < 0) {
            i += n;
        }
        return Math.max(0, Math.min(i, n));
    }

    /** The sub-tensor at {@code index} of {@code dim}, that dim removed. A view. */
    public Tensor select(int dim, int index) {
        int d = Shapes.dim("select", dim, shape.length);
        if (shape.length == 0) {
            throw new IndexException("select: cannot index a 0-d tensor");
        }
        int n = shape[d];
        if (index < -n || index >= n) {
            throw new IndexException("select: index " + index + " is out of range for dimension " + d
                    + " of size " + n + " (shape " + Shapes.str(shape) + ")");
        }
        int i = index < 0 ? index + n : index;
        return slice(d, i, i + 1, 1).squeeze(d);
    }

    /** Integer indexing {@code x[i, j, ...]}: selects along the leading dims. A view. */
    public Tensor get(int... indices) {
        if (indices.length > shape.length) {
            throw new IndexException("get: too many indices (" + indices.length + ") for a tensor of rank "
                    + shape.length + " (shape " + Shapes.str(shape) + ")");
        }
        Tensor t = this;
        for (int index : indices) {
            t = t.select(0, index);
        }
        return t;
    }

    /**
     * Advanced indexing along dim 0, copying like PyTorch: an INT64 tensor picks rows (result shape
     * idx.shape + rest); a BOOL mask of the leading dims picks the elements where it is true.
     */
    public Tensor index(Tensor indices) {
        if (indices.dtype == DType.BOOL) {
            return indexMask(indices);
        }
        return indexSelect(0, indices);
    }

    /** {@code x[mask]}: the sub-tensors where a mask over the leading dims is true, shape [count, rest...]. */
    private Tensor indexMask(Tensor mask) {
        int lead = mask.shape.length;
        if (lead > shape.length || !Arrays.equals(mask.shape, Arrays.copyOf(shape, lead))) {
            throw new IndexException("index: the shape of the mask " + Shapes.str(mask.shape)
                    + " does not match the leading dims of the indexed tensor's shape " + Shapes.str(shape));
        }
        int[] rest = Arrays.copyOfRange(shape, lead, shape.length);
        Tensor rows = reshape(Shapes.concat(new int[] {Shapes.numel(mask.shape)}, rest));
        return rows.indexSelect(0, mask.flatten().nonzeroFlat());
    }

    /** The entries of {@code indices} (INT64, any shape) along {@code dim}; negative indices count from the end. */
    public Tensor indexSelect(int dim, Tensor indices) {
        int d = Shapes.dim("indexSelect", dim, shape.length);
        if (indices.dtype != DType.INT64) {
            throw new DTypeException("indexSelect: indices must be int64, got " + indices.dtype);
        }
        Tensor self = shape.length == 0 ? reshape(1) : this;
        int n = self.shape[d];
        long[] idx = indices.toLongArray();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < -n || idx[i] >= n) {
                throw new IndexException("indexSelect: index " + idx[i] + " is out of bounds for dimension " + d
                        + " with size " + n + " (shape " + Shapes.str(shape) + ")");
            }
            if (idx[i] < 0) {
                idx[i] += n;
            }
        }
        Tensor flat = Primitives.indexSelect(self, d, idx);
        int[] outShape = new int[self.shape.length - 1 + indices.shape.length];
        int j = 0;
        for (int i = 0; i < d; i++) {
            outShape[j++] = self.shape[i];
        }
        for (int s : indices.shape) {
            outShape[j++] = s;
        }
        for (int i = d + 1; i < self.shape.length; i++) {
            outShape[j++] = self.shape[i];
        }
        return flat.reshape(outShape);
    }

    /** The elements where {@code mask} (BOOL, broadcastable to this) is true, as a 1-d copy. */
    public Tensor maskedSelect(Tensor mask) {
        if (mask.dtype != DType.BOOL) {
            throw new DTypeException("maskedSelect: mask must be bool, got " + mask.dtype);
        }
        int[] out = Shapes.broadcast("maskedSelect", shape, mask.shape);
        return expand(out).reshape(-1).indexSelect(0, mask.expand(out).reshape(-1).nonzeroFlat());
    }

    /** Flat positions of the true (nonzero) elements, as a 1-d INT64 tensor. */
    Tensor nonzeroFlat() {
        boolean[] values = toBooleanArray();
        int count = 0;
        for (boolean v : values) {
            count += v ? 1 : 0;
        }
        long[] out = new long[count];
        for (int i = 0, j = 0; i < values.length; i++) {
            if (values[i]) {
                out[j++] = i;
            }
        }
        return wrap(out, new int[] {count});
    }

    /** Indices of the nonzero elements, one row per element: shape [count, rank], INT64. */
    public Tensor nonzero() {
        long[] flat = nonzeroFlat().toLongArray();
        long[] out = new long[flat.length * shape.length];
        int[] cs = Shapes.contiguousStrides(shape);
        for (int i = 0; i < flat.length; i++) {
            long rem = flat[i];
            for (int d = 0; d < shape.length; d++) {
                out[i * shape.length + d] = rem / cs[d];
                rem %= cs[d];
            }
        }
        return wrap(out, new int[] {flat.length, shape.length});
    }

    // ---------------------------------------------------------------- elementwise

    /** -x elementwise. INT64 stays INT64; BOOL throws DTypeException (use {@link #logicalNot()}). */
    public Tensor neg() {
        return Primitives.NEG.apply(this);
    }

    /** |x| elementwise (INT64 stays INT64); the gradient is sign(x), 0 at 0. */
    public Tensor abs() {
        return Primitives.ABS.apply(this);
    }

    /** -1, 0 or 1 by the sign of x elementwise (NaN stays NaN; INT64 stays INT64); zero gradient. */
    public Tensor sign() {
        return Primitives.SIGN.apply(this);
    }

    /** e^x elementwise (INT64 input gives FLOAT32). */
    public Tensor exp() {
        return Primitives.EXP.apply(this);
    }

    /** exp(x) - 1, accurate near 0. */
    public Tensor expm1() {
        return Primitives.EXPM1.apply(this);
    }

    /** The natural log elementwise: -inf at 0, NaN below 0 (INT64 input gives FLOAT32). */
    public Tensor log() {
        return Primitives.LOG.apply(this);
    }

    /** log(1 + x), accurate near 0. */
    public Tensor log1p() {
        return Primitives.LOG1P.apply(this);
    }

    /** sqrt(x) elementwise, NaN below 0 (INT64 input gives FLOAT32). */
    public Tensor sqrt() {
        return Primitives.SQRT.apply(this);
    }

    /** 1 / sqrt(x). */
    public Tensor rsqrt() {
        return Primitives.RSQRT.apply(this);
    }

    /** x * x. */
    public Tensor square() {
        return mul(this);
    }

    /** 1 / x. */
    public Tensor reciprocal() {
        return Primitives.RECIPROCAL.apply(this);
    }

    /** sin(x) elementwise, x in radians (INT64 input gives FLOAT32). */
    public Tensor sin() {
        return Primitives.SIN.apply(this);
    }

    /** cos(x) elementwise, x in radians (INT64 input gives FLOAT32). */
    public Tensor cos() {
        return Primitives.COS.apply(this);
    }

    /** tan(x) elementwise, x in radians (INT64 input gives FLOAT32). */
    public Tensor tan() {
        return Primitives.TAN.apply(this);
    }

    /** tanh(x) elementwise (INT64 input gives FLOAT32). */
    public Tensor tanh() {
        return Primitives.TANH.apply(this);
    }

    /** 1 / (1 + exp(-x)). */
    public Tensor sigmoid() {
        return Primitives.SIGMOID.apply(this);
    }

    /** max(x, 0). */
    public Tensor relu() {
        return Primitives.RELU.apply(this);
    }

    /** The largest integer {@code <= x}, elementwise; zero gradient (INT64 is unchanged). */
    public Tensor floor() {
        return Primitives.FLOOR.apply(this);
    }

    /** The smallest integer {@code >= x}, elementwise; zero gradient (INT64 is unchanged). */
    public Tensor ceil() {
        return Primitives.CEIL.apply(this);
    }

    /** Rounds half to even, as PyTorch. */
    public Tensor round() {
        return Primitives.ROUND.apply(this);
    }

    /** this + other, broadcasting. */
    public Tensor add(Tensor other) {
        return Primitives.ADD.apply(this, other);
    }

    /** this + value; a Java scalar keeps a floating tensor's dtype (INT64 and BOOL give FLOAT32). */
    public Tensor add(double value) {
        return add(scalarFor(value));
    }

    /** this + value; keeps this dtype, except that BOOL gives INT64. */
    public Tensor add(long value) {
        return add(scalarFor(value));
    }

    /** this - other, broadcasting, with PyTorch's type promotion; two BOOL tensors throw DTypeException. */
    public Tensor sub(Tensor other) {
        return Primitives.SUB.apply(this, other);
    }

    /** this - value; dtype as for {@link #add(double)}. */
    public Tensor sub(double value) {
        return sub(scalarFor(value));
    }

    /** this - value; dtype as for {@link #add(long)}. */
    public Tensor sub(long value) {
        return sub(scalarFor(value));
    }

    /** value - this. */
    public Tensor rsub(double value) {
        return scalarFor(value).sub(this);
    }

    /** this * other elementwise, broadcasting, with PyTorch's type promotion (two BOOLs: logical and). */
    public Tensor mul(Tensor other) {
        return Primitives.MUL.apply(this, other);
    }

    /** this * value; dtype as for {@link #add(double)}. */
    public Tensor mul(double value) {
        return mul(scalarFor(value));
    }

    /** this * value; dtype as for {@link #add(long)}. */
    public Tensor mul(long value) {
        return mul(scalarFor(value));
    }

    /** this / other, true division (integers give FLOAT32). */
    public Tensor div(Tensor other) {
        return Primitives.DIV.apply(this, other);
    }

    /** this / value, true division (integers give FLOAT32). */
    public Tensor div(double value) {
        return div(scalarFor(value));
    }

    /** this / value, true division (integers give FLOAT32). */
    public Tensor div(long value) {
        return div(scalarFor(value));
    }

    /** value / this. */
    public Tensor rdiv(double value) {
        return scalarFor(value).div(this);
    }

    /** this ** exponent, elementwise with broadcasting. */
    public Tensor pow(Tensor exponent) {
        return Primitives.POW.apply(this, exponent);
    }

    /** this ** exponent. */
    public Tensor pow(double exponent) {
        return pow(scalarFor(exponent));
    }

    /** this ** exponent; an integer tensor to a negative integer power fails, as in PyTorch. */
    public Tensor pow(long exponent) {
        if (exponent < 0 && !dtype.isFloating()) {
            throw new DTypeException("pow: integers to negative integer powers are not allowed (dtype " + dtype
                    + ", exponent " + exponent + ")");
        }
        return pow(scalarFor(exponent));
    }

    /** Elementwise max (NaN propagates); at ties the gradient is split evenly, as PyTorch. */
    public Tensor maximum(Tensor other) {
        return Primitives.MAXIMUM.apply(this, other);
    }

    /** Elementwise min, broadcasting (NaN propagates); at ties the gradient is split evenly, as PyTorch. */
    public Tensor minimum(Tensor other) {
        return Primitives.MINIMUM.apply(this, other);
    }

    /** atan2(this, other): the angle of the point (other, this). */
    public Tensor atan2(Tensor other) {
        return Primitives.ATAN2.apply(this, other);
    }

    /** this == other elementwise, broadcasting after type promotion; BOOL, not differentiable. */
    public Tensor eq(Tensor other) {
        return Primitives.EQ.apply(this, other);
    }

    /** this == value elementwise, as BOOL. */
    public Tensor eq(double value) {
        return eq(scalarFor(value));
    }

    /** this != other elementwise, broadcasting after type promotion; BOOL, not differentiable. */
    public Tensor ne(Tensor other) {
        return Primitives.NE.apply(this, other);
    }

    /** this != value elementwise, as BOOL. */
    public Tensor ne(double value) {
        return ne(scalarFor(value));
    }

    /** {@code this < other} elementwise, broadcasting after type promotion; BOOL, not differentiable. */
    public Tensor lt(Tensor other) {
        return Primitives.LT.apply(this, other);
    }

    /** {@code this < value} elementwise, as BOOL. */
    public Tensor lt(double value) {
        return lt(scalarFor(value));
    }

    /** {@code this <= other} elementwise, broadcasting after type promotion; BOOL, not differentiable. */
    public Tensor le(Tensor other) {
        return Primitives.LE.apply(this, other);
    }

    /** {@code this <= value} elementwise, as BOOL. */
    public Tensor le(double value) {
        return le(scalarFor(value));
    }

    /** {@code this > other} elementwise, broadcasting after type promotion; BOOL, not differentiable. */
    public Tensor gt(Tensor other) {
        return Primitives.GT.apply(this, other);
    }

    /** {@code this > value} elementwise, as BOOL. */
    public Tensor gt(double value) {
        return gt(scalarFor(value));
    }

    /** {@code this >= other} elementwise, broadcasting after type promotion; BOOL, not differentiable. */
    public Tensor ge(Tensor other) {
        return Primitives.GE.apply(this, other);
    }

    /** {@code this >= value} elementwise, as BOOL. */
    public Tensor ge(double value) {
        return ge(scalarFor(value));
    }

    /** {@code (this != 0) && (other != 0)} elementwise, broadcasting; BOOL. */
    public Tensor logicalAnd(Tensor other) {
        return Primitives.AND.apply(this.ne(0), other.ne(0));
    }

    /** {@code (this != 0) || (other != 0)} elementwise, broadcasting; BOOL. */
    public Tensor logicalOr(Tensor other) {
        return Primitives.OR.apply(this.ne(0), other.ne(0));
    }

    /** {@code this == 0} elementwise; BOOL. */
    public Tensor logicalNot() {
        return Primitives.NOT.apply(this.ne(0));
    }

    /** cond ? x : y elementwise, broadcasting all three; cond must be BOOL. */
    public static Tensor where(Tensor cond, Tensor x, Tensor y) {
        return Primitives.where(cond, x, y);
    }

    /** {@link #where(Tensor, Tensor, Tensor)} with {@code y} a scalar of x's dtype if floating, else FLOAT32. */
    public static Tensor where(Tensor cond, Tensor x, double y) {
        return Primitives.where(cond, x, x.scalarFor(y));
    }

    /** {@link #where(Tensor, Tensor, Tensor)} with {@code x} a scalar of y's dtype if floating, else FLOAT32. */
    public static Tensor where(Tensor cond, double x, Tensor y) {
        return Primitives.where(cond, y.scalarFor(x), y);
    }

    /**
     * min(max(x, min), max); the gradient passes where min &lt;= x &lt;= max. When min &gt; max every element
     * becomes max, as in PyTorch.
     */
    public Tensor clamp(double min, double max) {
        return clampMin(min).clampMax(max);
    }

    /** max(x, min) elementwise (NaN stays NaN); the gradient passes where {@code x >= min}. Non-floats give FLOAT32. */
    public Tensor clampMin(double min) {
        return where(lt(min), scalarFor(min), this);
    }

    /** min(x, max) elementwise (NaN stays NaN); the gradient passes where {@code x <= max}. Non-floats give FLOAT32. */
    public Tensor clampMax(double max) {
        return where(gt(max), scalarFor(max), this);
    }

    /** A 0-d tensor holding a Java floating scalar, typed as PyTorch wraps numbers: keeps a floating dtype. */
    Tensor scalarFor(double value) {
        return scalar(value, dtype.isFloating() ? dtype : DType.FLOAT32);
    }

    /** A 0-d tensor holding a Java integer scalar: keeps this dtype unless it is BOOL. */
    Tensor scalarFor(long value) {
        return dtype == DType.BOOL ? scalar(value) : scalar(value, dtype);
    }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements (BOOL and INT64 sum to INT64). */
    public Tensor sum() {
        return sum(new int[0], false);
    }

    /** Sum over {@code dims}, which are removed. */
    public Tensor sum(int... dims) {
        return sum(dims, false);
    }

    /** Sum over {@code dim}, kept with size 1 if {@code keepDim} (BOOL sums to INT64). */
    public Tensor sum(int dim, boolean keepDim) {
        return sum(new int[] {dim}, keepDim);
    }

    /** Sum over {@code dims} (all when empty), kept with size 1 if {@code keepDim}; BOOL sums to INT64. */
    public Tensor sum(int[] dims, boolean keepDim) {
        Tensor x = dtype == DType.BOOL ? to(DType.INT64) : this;
        return Primitives.sum(x, Shapes.dimMask("sum", dims, shape.length), keepDim);
    }

    /** The mean of all elements, 0-d; floating tensors only (else DTypeException). */
    public Tensor mean() {
        return mean(new int[0], false);
    }

    /** The mean over {@code dims} (all when empty), which are removed; floating tensors only. */
    public Tensor mean(int... dims) {
        return mean(dims, false);
    }

    /** The mean over {@code dim}, kept with size 1 if {@code keepDim}; floating tensors only. */
    public Tensor mean(int dim, boolean keepDim) {
        return mean(new int[] {dim}, keepDim);
    }

    /** Sum over {@code dims} divided by the number of elements reduced; floating tensors only. */
    public Tensor mean(int[] dims, boolean keepDim) {
        requireFloating("mean");
        int count = reducedCount("mean", dims);
        return sum(dims, keepDim).div((double) count);
    }

    private int reducedCount(String op, int[] dims) {
        boolean[] mask = Shapes.dimMask(op, dims, shape.length);
        int count = 1;
        for (int d = 0; d < shape.length; d++) {
            if (mask[d]) {
                count *= shape[d];
            }
        }
        return count;
    }

    /** Product of all elements, 0-d (BOOL gives INT64). */
    public Tensor prod() {
        return prod(new int[0], false);
    }

    /** Product over {@code dim}, kept with size 1 if {@code keepDim} (BOOL gives INT64). */
    public Tensor prod(int dim, boolean keepDim) {
        return prod(new int[] {dim}, keepDim);
    }

    /** Product over {@code dims} (all when empty), kept with size 1 if {@code keepDim}; BOOL gives INT64. */
    public Tensor prod(int[] dims, boolean keepDim) {
        Tensor x = dtype == DType.BOOL ? to(DType.INT64) : this;
        return Primitives.prod(x, Shapes.dimMask("prod", dims, shape.length), keepDim);
    }

    /** The largest element; its gradient is shared evenly among ties. */
    public Tensor max() {
        requireNonEmpty("max");
        return amax(new int[0], false);
    }

    /** The smallest element, 0-d; its gradient is shared evenly among ties. An empty tensor throws ShapeException. */
    public Tensor min() {
        requireNonEmpty("min");
        return amin(new int[0], false);
    }

    /** Largest values over {@code dims} (gradient shared evenly among ties). */
    public Tensor amax(int[] dims, boolean keepDim) {
        requireNonEmpty("amax");
        return Primitives.extremum(this, true, Shapes.dimMask("amax", dims, shape.length), keepDim);
    }

    /** Smallest values over {@code dims} (all when empty; gradient shared evenly among ties). */
    public Tensor amin(int[] dims, boolean keepDim) {
        requireNonEmpty("amin");
        return Primitives.extremum(this, false, Shapes.dimMask("amin", dims, shape.length), keepDim);
    }

    /** The values and positions of the largest elements along {@code dim}. */
    public ValuesIndices max(int dim, boolean keepDim) {
        Shapes.dim("max", dim, shape.length);
        return valuesAt(argmax(dim, true), dim, keepDim);
    }

    /** {@link #max(int, boolean)} with {@code dim} removed. */
    public ValuesIndices max(int dim) {
        return max(dim, false);
    }

    /** The values and INT64 positions (first among ties) of the smallest elements along {@code dim}. */
    public ValuesIndices min(int dim, boolean keepDim) {
        Shapes.dim("min", dim, shape.length);
        return valuesAt(argmin(dim, true), dim, keepDim);
    }

    /** {@link #min(int, boolean)} with {@code dim} removed. */
    public ValuesIndices min(int dim) {
        return min(dim, false);
    }

    /** Values and indices along a dim, as returned by {@link #max(int)} and {@link #min(int)}. */
    public record ValuesIndices(Tensor values, Tensor indices) {
    }

    private ValuesIndices valuesAt(Tensor keptIndices, int dim, boolean keepDim) {
        int d = Shapes.dim("max", dim, shape.length); // validated by the caller
        Tensor x = shape.length == 0 ? reshape(1) : this;
        // gather x[..., idx, ...] through a flat index into the dim-last layout
        Tensor moved = x.movedToLast(d);
        int size = x.shape[d];
        long[] idx = keptIndices.toLongArray();
        long[] flat = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            flat[i] = (long) i * size + idx[i];
        }
        Tensor values = moved.reshape(-1).indexSelect(0, wrap(flat, new int[] {flat.length})).reshape(keptIndices.shape);
        if (!keepDim) {
            return new ValuesIndices(shape.length == 0 ? values.reshape() : values.squeeze(d),
                    shape.length == 0 ? keptIndices.reshape() : keptIndices.squeeze(d));
        }
        return new ValuesIndices(values, keptIndices);
    }

    private Tensor movedToLast(int d) {
        int[] dims = new int[shape.length];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                dims[j++] = i;
            }
        }
        dims[shape.length - 1] = d;
        return permute(dims);
    }

    /** Flat index of the largest element (first among ties), INT64. */
    public Tensor argmax() {
        requireNonEmpty("argmax");
        return flatten().argmax(0, false);
    }

    /** Flat index of the smallest element (first among ties; NaN counts as smallest), INT64. */
    public Tensor argmin() {
        requireNonEmpty("argmin");
        return flatten().argmin(0, false);
    }

    /** Index of the largest element along {@code dim} (first among ties; NaN counts as largest), INT64. */
    public Tensor argmax(int dim, boolean keepDim) {
        return argReduce(true, dim, keepDim);
    }

    /** Index of the smallest element along {@code dim} (first among ties; NaN counts as smallest), INT64. */
    public Tensor argmin(int dim, boolean keepDim) {
        return argReduce(false, dim, keepDim);
    }

    private Tensor argReduce(boolean max, int dim, boolean keepDim) {
        String op = max ? "argmax" : "argmin";
        requireNonEmpty(op);
        if (dtype == DType.BOOL) {
            return to(DType.INT64).argReduce(max, dim, keepDim);
        }
        int d = Shapes.dim(op, dim, shape.length);
        Tensor x = (shape.length == 0 ? reshape(1) : this).contiguous();
        int outer = Shapes.outerSize(x.shape, d);
        int inner = Shapes.innerSize(x.shape, d);
        long[] idx = CpuKernels.argReduce(max, x.storage.data, x.offset, outer, x.shape[d], inner);
        int[] kept = x.shape.clone();
        kept[d] = 1;
        Tensor result = wrap(idx, kept);
        return keepDim ? result : (shape.length == 0 ? result.reshape() : result.squeeze(d));
    }

    /** Variance over all elements with Bessel's correction (divides by n - 1), as PyTorch's default. */
    public Tensor var() {
        return var(new int[0], 1, false);
    }

    /** Variance over {@code dims}: sum((x - mean)^2) / (n - correction). */
    public Tensor var(int[] dims, int correction, boolean keepDim) {
        requireFloating("var");
        int n = reducedCount("var", dims);
        Tensor centered = sub(mean(dims, true));
        return centered.mul(centered).sum(dims, keepDim).div((double) Math.max(0, n - correction));
    }

    /** The standard deviation of all elements with Bessel's correction: sqrt({@link #var()}). */
    public Tensor std() {
        return std(new int[0], 1, false);
    }

    /** sqrt(sum((x - mean)^2) / (n - correction)) over {@code dims}: sqrt of {@link #var(int[], int, boolean)}. */
    public Tensor std(int[] dims, int correction, boolean keepDim) {
        requireFloating("std");
        Shapes.dimMask("std", dims, shape.length);
        return var(dims, correction, keepDim).sqrt();
    }

    /** log(sum(exp(x))) over {@code dims}, computed stably by shifting by the max. */
    public Tensor logSumExp(int... dims) {
        return logSumExp(dims, false);
    }

    /** log(sum(exp(x))) over {@code dims}, kept with size 1 if {@code keepDim}; floating only, stable. */
    public Tensor logSumExp(int[] dims, boolean keepDim) {
        requireFloating("logSumExp");
        boolean[] mask = Shapes.dimMask("logSumExp", dims, shape.length);
        Tensor m = amax(dims, true).detach();
        Tensor finiteMax = where(m.abs().eq(Double.POSITIVE_INFINITY), zerosLike(m), m);
        Tensor out = sub(finiteMax).exp().sum(dims, true).log().add(finiteMax);
        return keepDim ? out : out.squeezeDims(mask);
    }

    private Tensor squeezeDims(boolean[] mask) {
        int[] target = new int[shape.length];
        int j = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!mask[d]) {
                target[j++] = shape[d];
            }
        }
        return reshape(Arrays.copyOf(target, j));
    }

    /** The Euclidean (2-) norm of all elements. */
    public Tensor norm() {
        return norm(2, new int[0], false);
    }

    /**
     * The p-norm (sum |x|^p)^(1/p) over {@code dims}, as torch.linalg.vector_norm: p = inf is max |x|,
     * p = -inf is min |x|, p = 0 counts the nonzero elements.
     */
    public Tensor norm(double p, int[] dims, boolean keepDim) {
        requireFloating("norm");
        Shapes.dimMask("norm", dims, shape.length);
        if (p == Double.POSITIVE_INFINITY) {
            return abs().amax(dims, keepDim);
        }
        if (p == Double.NEGATIVE_INFINITY) {
            return abs().amin(dims, keepDim);
        }
        if (p == 0) {
            return ne(0).to(dtype).sum(dims, keepDim);
        }
        if (p == 2) {
            return mul(this).sum(dims, keepDim).sqrt();
        }
        if (p == 1) {
            return abs().sum(dims, keepDim);
        }
        return abs().pow(p).sum(dims, keepDim).pow(1.0 / p);
    }

    /** Running sums along {@code dim}: result[..., i, ...] = sum of x[..., 0..i, ...] (BOOL gives INT64). */
    public Tensor cumsum(int dim) {
        Tensor x = dtype == DType.BOOL ? to(DType.INT64) : this;
        return Primitives.cumsum(x, Shapes.dim("cumsum", dim, shape.length));
    }

    // ---------------------------------------------------------------- structure

    /** The tensors joined along an existing dim; all other dims must match. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return Primitives.cat(tensors.toArray(Tensor[]::new), dim);
    }

    /** Same as {@link #cat(List, int)}; the result has the inputs' promoted dtype. */
    public static Tensor cat(int dim, Tensor... tensors) {
        return Primitives.cat(tensors, dim);
    }

    /** The tensors (all of one shape) joined along a new dim. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new ShapeException("stack: expects a non-empty list of tensors");
        }
        int[] first = tensors.get(0).shape;
        int d = Shapes.dim("stack", dim, first.length + 1);
        List<Tensor> expanded = new ArrayList<>(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (!Arrays.equals(t.shape, first)) {
                throw new ShapeException("stack: expects each tensor to be equal size, but got " + Shapes.str(first)
                        + " at entry 0 and " + Shapes.str(t.shape) + " at entry " + i);
            }
            expanded.add(t.unsqueeze(d));
        }
        return cat(expanded, d);
    }

    /** Same as {@link #stack(List, int)}. */
    public static Tensor stack(int dim, Tensor... tensors) {
        return stack(List.of(tensors), dim);
    }

    /** Pieces of {@code splitSize} along {@code dim} (the last may be smaller). Views. */
    public List<Tensor> split(int splitSize, int dim) {
        if (splitSize <= 0) {
            throw new JgradException("split: splitSize must be positive, got " + splitSize);
        }
        int d = Shapes.dim("split", dim, shape.length);
        List<Tensor> out = new ArrayList<>();
        for (int start = 0; start < shape[d]; start += splitSize) {
            out.add(slice(d, start, Math.min(start + splitSize, shape[d])));
        }
        return out;
    }

    /** Pieces of the given sizes along {@code dim}; they must add up to the dim's size. Views. */
    public List<Tensor> split(int[] sizes, int dim) {
        int d = Shapes.dim("split", dim, shape.length);
        if (Arrays.stream(sizes).anyMatch(s -> s < 0)) {
            throw new ShapeException("split: sizes " + Arrays.toString(sizes) + " must be non-negative");
        }
        int total = Arrays.stream(sizes).sum();
        if (total != shape[d]) {
            throw new ShapeException("split: sizes " + Arrays.toString(sizes) + " add up to " + total
                    + " but dimension " + d + " has size " + shape[d]);
        }
        List<Tensor> out = new ArrayList<>();
        int start = 0;
        for (int s : sizes) {
            out.add(slice(d, start, start + s));
            start += s;
        }
        return out;
    }

    /** {@code chunks} pieces of equal size (ceil(n / chunks)) along {@code dim}; the last may be smaller. */
    public List<Tensor> chunk(int chunks, int dim) {
        if (chunks <= 0) {
            throw new JgradException("chunk: number of chunks must be positive, got " + chunks);
        }
        int d = Shapes.dim("chunk", dim, shape.length);
        return split(Math.max(1, Math.ceilDiv(shape[d], chunks)), d);
    }

    /** The slices along {@code dim}, that dim removed. Views. */
    public List<Tensor> unbind(int dim) {
        int d = Shapes.dim("unbind", dim, shape.length);
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < shape[d]; i++) {
            out.add(select(d, i));
        }
        return out;
    }

    /** The tensor tiled {@code repeats[i]} times along each dim (leading repeats add dims). A copy. */
    public Tensor repeat(int... repeats) {
        if (repeats.length < shape.length) {
            throw new ShapeException("repeat: the number of repeats (" + repeats.length
                    + ") can not be smaller than the tensor's rank (" + shape.length + ")");
        }
        int shift = repeats.length - shape.length;
        int[] interleaved = new int[2 * repeats.length];
        int[] expandedShape = new int[2 * repeats.length];
        int[] result = new int[repeats.length];
        for (int i = 0; i < repeats.length; i++) {
            int own = i >= shift ? shape[i - shift] : 1;
            if (repeats[i] < 0) {
                throw new ShapeException("repeat: repeats must be non-negative, got " + Arrays.toString(repeats));
            }
            interleaved[2 * i] = 1;
            interleaved[2 * i + 1] = own;
            expandedShape[2 * i] = repeats[i];
            expandedShape[2 * i + 1] = own;
            result[i] = repeats[i] * own;
        }
        Tensor out = reshape(interleaved).expand(expandedShape).reshape(result);
        return out.sharesStorageWith(this) ? out.clone() : out; // reshape kept a view: copy, as PyTorch
    }

    /** The elements in reverse order along each of {@code dims}. A copy. */
    public Tensor flip(int... dims) {
        return Primitives.flip(this, Shapes.dimMask("flip", dims, shape.length));
    }

    /**
     * Constant padding as PyTorch's F.pad: {@code pad} holds (before, after) pairs starting from the last
     * dim. Negative amounts crop.
     */
    public Tensor pad(int[] pad, double value) {
        if (pad.length % 2 != 0 || pad.length / 2 > shape.length) {
            throw new ShapeException("pad: padding length " + pad.length + " must be even and at most twice the rank "
                    + shape.length + " (shape " + Shapes.str(shape) + ")");
        }
        Tensor t = this;
        for (int i = 0; i < pad.length / 2; i++) {
            int d = shape.length - 1 - i;
            int before = pad[2 * i];
            int after = pad[2 * i + 1];
            if (t.shape[d] + before + after < 0) {
                throw new ShapeException("pad: padding " + Arrays.toString(pad) + " gives a negative size for dimension "
                        + d + " of shape " + Shapes.str(shape));
            }
            if (before < 0) {
                t = t.slice(d, -before, t.shape[d]);
                before = 0;
            }
            if (after < 0) {
                t = t.slice(d, 0, t.shape[d] + after);
                after = 0;
            }
            List<Tensor> parts = new ArrayList<>(3);
            if (before > 0) {
                int[] s = t.shape.clone();
                s[d] = before;
                parts.add(full(value, t.dtype, s));
            }
            parts.add(t);
            if (after > 0) {
                int[] s = t.shape.clone();
                s[d] = after;
                parts.add(full(value, t.dtype, s));
            }
            t = parts.size() == 1 ? t : cat(parts, d);
        }
        return t;
    }

    /**
     * Matrix product with NumPy semantics: 1-d operands are promoted to matrices and the added dim removed
     * afterwards; leading (batch) dims broadcast.
     */
    public Tensor matmul(Tensor other) {
        if (shape.length == 0 || other.shape.length == 0) {
            throw new ShapeException("matmul: both arguments need at least one dimension, got shapes "
                    + Shapes.str(shape) + " and " + Shapes.str(other.shape));
        }
        Tensor a = shape.length == 1 ? unsqueeze(0) : this;
        Tensor b = other.shape.length == 1 ? other.unsqueeze(1) : other;
        Tensor out = Primitives.matmul(a, b, Shapes.str(shape), Shapes.str(other.shape));
        if (shape.length == 1) {
            out = out.squeeze(-2);
        }
        if (other.shape.length == 1) {
            out = out.squeeze(-1);
        }
        return out;
    }

    /** Inner product of two 1-d tensors of the same length. */
    public Tensor dot(Tensor other) {
        if (shape.length != 1 || other.shape.length != 1 || shape[0] != other.shape[0]) {
            throw new ShapeException("dot: expects two 1-d tensors of the same length, got shapes "
                    + Shapes.str(shape) + " and " + Shapes.str(other.shape));
        }
        return matmul(other);
    }

    /** Outer product of two 1-d tensors: result[i, j] = this[i] * other[j]. */
    public Tensor outer(Tensor other) {
        if (shape.length != 1 || other.shape.length != 1) {
            throw new ShapeException("outer: expects two 1-d tensors, got shapes " + Shapes.str(shape) + " and "
                    + Shapes.str(other.shape));
        }
        return unsqueeze(1).mul(other.unsqueeze(0));
    }

    /** Einstein summation, e.g. {@code einsum("ik,kj->ij", a, b)}; supports repeated indices, implicit output and "...". */
    public static Tensor einsum(String equation, Tensor... operands) {
        return Einsum.evaluate(equation, operands);
    }

    // ---------------------------------------------------------------- in-place

    /** this += other (broadcast into this shape). Modifies this; bumps the version. */
    public Tensor addInPlace(Tensor other) {
        return inPlaceArithmetic("addInPlace", direct(BinaryOp.ADD), self -> self.add(other), other);
    }

    /**
     * this += alpha * other (broadcast into this shape), PyTorch's {@code add_(other, alpha=alpha)}: an SGD step is
     * {@code p.subInPlace(p.grad(), lr)}. Rounded as {@code addInPlace(other.mul(alpha))}, in one pass without that
     * temporary when nothing is recorded. Modifies this; bumps the version.
     */
    public Tensor addInPlace(Tensor other, double alpha) {
        return inPlaceArithmetic("addInPlace", (t, y, sh) -> CpuKernels.addScaledInPlace(t, y, alpha, sh),
                self -> self.add(other.mul(alpha)), other);
    }

    /** this -= alpha * other (broadcast into this shape), PyTorch's {@code sub_(other, alpha=alpha)}; as addInPlace. */
    public Tensor subInPlace(Tensor other, double alpha) {
        return inPlaceArithmetic("subInPlace", (t, y, sh) -> CpuKernels.addScaledInPlace(t, y, -alpha, sh),
                self -> self.sub(other.mul(alpha)), other);
    }

    /** this += value. Modifies this; an integer or BOOL tensor throws DTypeException. */
    public Tensor addInPlace(double value) {
        return addInPlace(scalarFor(value));
    }

    /** this += value. Modifies this. */
    public Tensor addInPlace(long value) {
        return addInPlace(scalarFor(value));
    }

    /** this -= other (broadcast into this shape). Modifies this; bumps the version. */
    public Tensor subInPlace(Tensor other) {
        return inPlaceArithmetic("subInPlace", direct(BinaryOp.SUB), self -> self.sub(other), other);
    }

    /** this -= value. Modifies this; an integer or BOOL tensor throws DTypeException. */
    public Tensor subInPlace(double value) {
        return subInPlace(scalarFor(value));
    }

    /** this -= value. Modifies this. */
    public Tensor subInPlace(long value) {
        return subInPlace(scalarFor(value));
    }

    /** this *= other (broadcast into this shape). Modifies this; bumps the version. */
    public Tensor mulInPlace(Tensor other) {
        return inPlaceArithmetic("mulInPlace", direct(BinaryOp.MUL), self -> self.mul(other), other);
    }

    /** this *= value. Modifies this; an integer or BOOL tensor throws DTypeException. */
    public Tensor mulInPlace(double value) {
        return mulInPlace(scalarFor(value));
    }

    /** this *= value. Modifies this. */
    public Tensor mulInPlace(long value) {
        return mulInPlace(scalarFor(value));
    }

    /** this /= other (broadcast into this shape), true division, so only floating tensors. Modifies this. */
    public Tensor divInPlace(Tensor other) {
        return inPlaceArithmetic("divInPlace", direct(BinaryOp.DIV), self -> self.div(other), other);
    }

    /** this /= value, true division, so only floating tensors. Modifies this. */
    public Tensor divInPlace(double value) {
        return divInPlace(scalarFor(value));
    }

    /** this /= value, true division, so only floating tensors. Modifies this. */
    public Tensor divInPlace(long value) {
        return divInPlace(scalarFor(value));
    }

    /** Sets every element to 0. Modifies this. */
    public Tensor zeroInPlace() {
        return fillInPlace(0);
    }

    /** Sets every element to {@code value} (converted to this dtype, as PyTorch's fill_). Modifies this. */
    public Tensor fillInPlace(double value) {
        Tensor v = scalar(value, dtype);
        return inPlace("fillInPlace", self -> v.expand(self.shape), v);
    }

    /** Copies {@code src} (broadcast to this shape, converted to this dtype) into this. Modifies this. */
    public Tensor copyInPlace(Tensor src) {
        return inPlace("copyInPlace", self -> src.to(dtype).expand(self.shape).clone(), src);
    }

    /** {@code this[i] = value}. Modifies this; differentiable with respect to value. */
    public Tensor set(int i, Tensor value) {
        get(i).copyInPlace(withoutLeadingOnes(value));
        return this;
    }

    /** {@code this[i] = value} (converted to this dtype). Modifies this. */
    public Tensor set(int i, double value) {
        return set(i, scalarFor(value));
    }

    /** {@code this[i, j] = value}. Modifies this. */
    public Tensor set(int i, int j, Tensor value) {
        get(i, j).copyInPlace(withoutLeadingOnes(value));
        return this;
    }

    /** {@code this[i, j] = value} (converted to this dtype). Modifies this. */
    public Tensor set(int i, int j, double value) {
        return set(i, j, scalarFor(value));
    }

    /** {@code this[index...] = value} for leading integer indices. Modifies this. */
    public Tensor set(int[] index, Tensor value) {
        get(index).copyInPlace(withoutLeadingOnes(value));
        return this;
    }

    /** The value of an indexed assignment with its leading size-1 dims dropped, as PyTorch's setitem does. */
    private static Tensor withoutLeadingOnes(Tensor value) {
        int lead = 0;
        while (lead < value.shape.length && value.shape[lead] == 1) {
            lead++;
        }
        return lead == 0 ? value : value.reshape(Arrays.copyOfRange(value.shape, lead, value.shape.length));
    }

    /** Sets the elements where {@code mask} is true to {@code value} (converted to this dtype). Modifies this. */
    public Tensor maskedFillInPlace(Tensor mask, double value) {
        if (mask.dtype != DType.BOOL) {
            throw new DTypeException("maskedFillInPlace: mask must be bool, got " + mask.dtype);
        }
        Tensor v = scalar(value, dtype);
        return inPlace("maskedFillInPlace", self -> where(mask, v, self), mask);
    }

    /** An in-place kernel writing target op= y straight into target's memory; false when the layouts do not fit. */
    @FunctionalInterface
    private interface DirectKernel {
        boolean tryRun(Strided target, Strided y, int[] shape);
    }

    /** The elementwise kernel of op as a DirectKernel. */
    private static DirectKernel direct(BinaryOp op) {
        return (target, y, shape) -> CpuKernels.binaryInPlace(op, target, y, shape);
    }

    /**
     * An arithmetic in-place op. When nothing is recorded (no graph, no tangents) and {@code other} has this
     * dtype and does not share this tensor's memory, the kernel writes straight into this dense tensor: one
     * pass and no temporary. Otherwise it is {@link #inPlace}, which computes the new value and copies it in.
     */
    private Tensor inPlaceArithmetic(String op, DirectKernel kernel, Function<Tensor, Tensor> newValue, Tensor other) {
        boolean direct = !(GradMode.isEnabled() && (requiresGrad() || other.requiresGrad()))
                && tangents() == null && other.tangents() == null && other.storage != storage
                && dtype.isFloating() && other.dtype == dtype
                && Arrays.equals(Shapes.broadcast(op, shape, other.shape), shape)
                && kernel.tryRun(strided(), other.stridedAs(shape), shape);
        if (!direct) {
            return inPlace(op, newValue, other);
        }
        storage.bumpVersion();
        return this;
    }

    /**
     * The common path of every in-place op: checks that it is allowed and that {@code other} broadcasts to
     * this shape, computes the new value out of place, writes it into this tensor's memory, bumps the
     * version and, when recording, makes this tensor (or, for a view, its base) continue from the op's node.
     */
    private Tensor inPlace(String op, Function<Tensor, Tensor> newValue, Tensor other) {
        boolean recording = GradMode.isEnabled();
        if (recording && requiresGradLeaf && gradFn == null) {
            throw new AutogradException(op + ": a leaf tensor that requires grad is being used in an in-place"
                    + " operation; do it inside GradMode.noGrad() or on detach()");
        }
        if (recording && base != null && base.requiresGradLeaf && base.gradFn == null) {
            throw new AutogradException(op + ": a view of a leaf tensor that requires grad is being used in an"
                    + " in-place operation; do it inside GradMode.noGrad() or on a detach()ed tensor");
        }
        if (repeatsElements()) {
            throw new JgradException(op + ": unsupported operation: more than one element of the written-to"
                    + " tensor (shape " + Shapes.str(shape) + ", strides " + Shapes.str(strides)
                    + ") refers to a single memory location; clone() it first");
        }
        int[] broadcast = Shapes.broadcast(op, shape, other.shape);
        if (!Arrays.equals(broadcast, shape)) {
            throw new ShapeException(op + ": output with shape " + Shapes.str(shape)
                    + " doesn't match the broadcast shape " + Shapes.str(broadcast));
        }
        boolean record = recording && (requiresGrad() || other.requiresGrad());
        Tensor result;
        if (record) {
            result = newValue.apply(clone());
        } else {
            try (GradMode g = GradMode.noGrad()) {
                result = newValue.apply(this);
            }
        }
        if (!Arrays.equals(Shapes.broadcast(op, shape, result.shape), shape)) {
            throw new ShapeException(op + ": output with shape " + Shapes.str(shape)
                    + " doesn't match the broadcast shape " + Shapes.str(Shapes.broadcast(op, shape, result.shape)));
        }
        if (result.dtype.isFloating() && !dtype.isFloating() || result.dtype != DType.BOOL && dtype == DType.BOOL) {
            throw new DTypeException(op + ": result type " + result.dtype + " can't be cast to the desired output type "
                    + dtype + " (shape " + Shapes.str(shape) + ")");
        }
        Tangents oldTangents = tangents();
        CpuKernels.copy(result.stridedAs(shape), strided(), shape);
        storage.bumpVersion();
        updateTangentsInPlace(oldTangents, result.tangents());
        if (record) {
            Node node = result.gradNode();
            if (base == null) {
                gradFn = node;
            } else {
                base.gradFn = new CopySlices(base.gradNode(), node, ViewGeometry.of(base, this));
            }
        }
        return this;
    }

    /** Forward mode through an in-place op: this tensor (and, for a view, its base) takes the new tangents. */
    private void updateTangentsInPlace(Tangents before, Tangents after) {
        java.util.Set<Integer> levels = new java.util.TreeSet<>();
        for (Tangents t = before; t != null; t = t.next()) {
            levels.add(t.level());
        }
        for (Tangents t = after; t != null; t = t.next()) {
            levels.add(t.level());
        }
        for (int level : levels) {
            Tensor newTangent = Tangents.get(after, level);
            Tensor t = newTangent == null ? zerosLike(this)
                    : Arrays.equals(newTangent.shape, shape) ? newTangent : newTangent.expand(shape);
            if (base != null) {
                ViewGeometry geometry = ViewGeometry.of(base, this);
                Tensor old = base.tangent(level) != null ? base.tangent(level) : zerosLike(base);
                base.setTangent(level, old.sub(Primitives.scatterIntoBase(Primitives.viewOfBase(old, geometry), geometry))
                        .add(Primitives.scatterIntoBase(t, geometry)));
                viewBaseTangents = base.tangents;
            }
            tangents = Tangents.with(tangents, level, t);
        }
    }

    // ---------------------------------------------------------------- helpers

    void requireFloating(String op) {
        if (!dtype.isFloating()) {
            throw new DTypeException(op + ": expected a floating point tensor, got " + dtype + " (shape "
                    + Shapes.str(shape) + ")");
        }
    }

    private void requireNonEmpty(String op) {
        if (numel() == 0) {
            throw new ShapeException(op + ": expected a non-empty tensor, got shape " + Shapes.str(shape));
        }
    }
}
