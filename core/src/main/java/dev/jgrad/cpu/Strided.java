package dev.jgrad.cpu;

/**
 * One operand of a CPU kernel: a Java array ({@code float[]}, {@code double[]}, {@code long[]} or
 * {@code boolean[]}) read from {@code offset} with one stride per dim of the iteration shape.
 */
public record Strided(Object data, int offset, int[] strides) {
}
