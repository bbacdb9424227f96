package dev.jgrad;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Structures of tensors ("pytrees", as JAX calls them): a {@link Tensor}, a {@link List}, a {@link Map}
 * (in its iteration order), an array or a record of structures. Any other value, and null, is static
 * data that is carried along unchanged. Transforms use these to take and return structures.
 */
public final class Tree {
    private Tree() {
    }

    /** The tensors of a structure, depth first, in order. */
    public static List<Tensor> leaves(Object tree) {
        List<Tensor> out = new ArrayList<>();
        collect(tree, out);
        return out;
    }

    private static void collect(Object node, List<Tensor> out) {
        switch (node) {
            case null -> {
            }
            case Tensor t -> out.add(t);
            case List<?> list -> list.forEach(item -> collect(item, out));
            case Map<?, ?> map -> map.values().forEach(item -> collect(item, out));
            case Record r -> {
                for (RecordComponent c : r.getClass().getRecordComponents()) {
                    collect(component(r, c), out);
                }
            }
            default -> {
                if (node.getClass().isArray() && !node.getClass().getComponentType().isPrimitive()) {
                    for (int i = 0; i < Array.getLength(node); i++) {
                        collect(Array.get(node, i), out);
                    }
                }
            }
        }
    }

    /** A structure shaped like {@code like} whose tensors are {@code leaves}, in the order of {@link #leaves}. */
    public static <T> T rebuild(T like, List<Tensor> leaves) {
        int[] cursor = {0};
        @SuppressWarnings("unchecked")
        T out = (T) build(like, leaves, cursor);
        if (cursor[0] != leaves.size()) {
            throw new ShapeException("Tree.rebuild: the structure holds " + cursor[0] + " tensors but "
                    + leaves.size() + " were given");
        }
        return out;
    }

    private static Object build(Object node, List<Tensor> leaves, int[] cursor) {
        switch (node) {
            case null -> {
                return null;
            }
            case Tensor t -> {
                if (cursor[0] >= leaves.size()) {
                    throw new ShapeException("Tree.rebuild: the structure holds more tensors than the "
                            + leaves.size() + " given");
                }
                return leaves.get(cursor[0]++);
            }
            case List<?> list -> {
                List<Object> out = new ArrayList<>(list.size());
                for (Object item : list) {
                    out.add(build(item, leaves, cursor));
                }
                return Collections.unmodifiableList(out);
            }
            case Map<?, ?> map -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.put(e.getKey(), build(e.getValue(), leaves, cursor));
                }
                return Collections.unmodifiableMap(out);
            }
            case Record r -> {
                RecordComponent[] components = r.getClass().getRecordComponents();
                Object[] values = new Object[components.length];
                Class<?>[] types = new Class<?>[components.length];
                for (int i = 0; i < components.length; i++) {
                    values[i] = build(component(r, components[i]), leaves, cursor);
                    types[i] = components[i].getType();
                }
                try {
                    Constructor<?> canonical = r.getClass().getDeclaredConstructor(types);
                    canonical.setAccessible(true);
                    return canonical.newInstance(values);
                } catch (ReflectiveOperationException e) {
                    throw new JgradException("Tree: cannot rebuild record " + r.getClass().getName() + ": " + e, e);
                }
            }
            default -> {
                if (node.getClass().isArray() && !node.getClass().getComponentType().isPrimitive()) {
                    int n = Array.getLength(node);
                    Object out = Array.newInstance(node.getClass().getComponentType(), n);
                    for (int i = 0; i < n; i++) {
                        Array.set(out, i, build(Array.get(node, i), leaves, cursor));
                    }
                    return out;
                }
                return node;
            }
        }
    }

    private static Object component(Record r, RecordComponent c) {
        try {
            var accessor = c.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new JgradException("Tree: cannot read component " + c.getName() + " of " + r.getClass().getName(), e);
        }
    }

    /** The structure with {@code f} applied to each tensor. */
    public static <T> T map(T tree, UnaryOperator<Tensor> f) {
        List<Tensor> leaves = leaves(tree);
        List<Tensor> mapped = new ArrayList<>(leaves.size());
        for (Tensor t : leaves) {
            mapped.add(f.apply(t));
        }
        return rebuild(tree, mapped);
    }

    /** A structure flattened to one 1-d vector, and the way back (JAX's ravel_pytree). */
    public record Raveled<T>(Tensor flat, Function<Tensor, T> unravel) {
    }

    /**
     * All tensors of {@code tree} flattened and joined into one 1-d tensor (differentiably; dtypes promote),
     * with a function that splits such a vector back into the structure, each piece in its original shape
     * and dtype.
     */
    public static <T> Raveled<T> ravel(T tree) {
        List<Tensor> leaves = leaves(tree);
        if (leaves.isEmpty()) {
            return new Raveled<>(Tensor.zeros(0), flat -> tree);
        }
        List<Tensor> flats = new ArrayList<>(leaves.size());
        int[] sizes = new int[leaves.size()];
        for (int i = 0; i < sizes.length; i++) {
            flats.add(leaves.get(i).reshape(-1));
            sizes[i] = leaves.get(i).numel();
        }
        Tensor flat = Tensor.cat(flats, 0);
        Function<Tensor, T> unravel = vector -> {
            if (vector.dim() != 1 || vector.size(0) != flat.size(0)) {
                throw new ShapeException("unravel: expected a 1-d tensor of " + flat.size(0) + " elements, got shape "
                        + Shapes.str(vector.shape));
            }
            List<Tensor> pieces = vector.split(sizes, 0);
            List<Tensor> out = new ArrayList<>(pieces.size());
            for (int i = 0; i < pieces.size(); i++) {
                Tensor original = leaves.get(i);
                out.add(pieces.get(i).reshape(original.shape).to(original.dtype));
            }
            return rebuild(tree, out);
        };
        return new Raveled<>(flat, unravel);
    }
}
