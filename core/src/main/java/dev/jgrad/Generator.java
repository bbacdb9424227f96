package dev.jgrad;

/**
 * A seedable source of random tensors (xoshiro256** with SplitMix64 seeding; normals by Box-Muller).
 * The same seed gives the same numbers on every run and platform. Not thread-safe: use one per thread,
 * or the global one from one thread.
 */
public final class Generator {
    private static final Generator GLOBAL = new Generator(0x5eed);

    private long s0;
    private long s1;
    private long s2;
    private long s3;
    private double spareNormal = Double.NaN;

    /** A generator whose sequence starts from {@code seed} (see {@link #manualSeed}). */
    public Generator(long seed) {
        manualSeed(seed);
    }

    /** The generator behind {@link Tensor#rand}, {@link Tensor#randn} and friends. */
    public static Generator global() {
        return GLOBAL;
    }

    /** Restarts the sequence from {@code seed}. */
    public Generator manualSeed(long seed) {
        long x = seed;
        s0 = x = splitMix(x);
        s1 = x = splitMix(x);
        s2 = x = splitMix(x);
        s3 = splitMix(x);
        spareNormal = Double.NaN;
        return this;
    }

    private static long splitMix(long state) {
        long z = state + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The next 64 random bits. */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Standard normal. */
    public double nextGaussian() {
        if (!Double.isNaN(spareNormal)) {
            double v = spareNormal;
            spareNormal = Double.NaN;
            return v;
        }
        double u1;
        do {
            u1 = nextDouble();
        } while (u1 == 0);
        double u2 = nextDouble();
        double r = Math.sqrt(-2 * Math.log(u1));
        spareNormal = r * Math.sin(2 * Math.PI * u2);
        return r * Math.cos(2 * Math.PI * u2);
    }

    /** Uniform [0, 1) FLOAT32. */
    public Tensor rand(int... shape) {
        return uniform(0, 1, DType.FLOAT32, shape);
    }

    /** Standard normal FLOAT32. */
    public Tensor randn(int... shape) {
        return normal(0, 1, DType.FLOAT32, shape);
    }

    /** Uniform [low, high) of the given floating dtype. */
    public Tensor uniform(double low, double high, DType dtype, int... shape) {
        requireFloating("uniform", dtype);
        if (!(low <= high)) {
            throw new JgradException("uniform: expects low <= high, got low=" + low + ", high=" + high);
        }
        Tensor t = Tensor.zeros(dtype, shape);
        Object data = t.storage.data;
        int n = t.numel();
        for (int i = 0; i < n; i++) {
            double v = low + (high - low) * nextDouble();
            if (data instanceof float[] f) {
                float fv = (float) v;
                f[i] = fv < high || low == high ? fv : Math.nextDown((float) high); // rounding must not reach high
            } else {
                ((double[]) data)[i] = v;
            }
        }
        return t;
    }

    /** Normal with the given mean and standard deviation, of the given floating dtype. */
    public Tensor normal(double mean, double std, DType dtype, int... shape) {
        requireFloating("normal", dtype);
        if (!(std >= 0)) {
            throw new JgradException("normal: expects std >= 0, got " + std);
        }
        Tensor t = Tensor.zeros(dtype, shape);
        Object data = t.storage.data;
        int n = t.numel();
        for (int i = 0; i < n; i++) {
            double v = mean + std * nextGaussian();
            if (data instanceof float[] f) {
                f[i] = (float) v;
            } else {
                ((double[]) data)[i] = v;
            }
        }
        return t;
    }

    /** Uniform integers in [low, high) as INT64. */
    public Tensor randint(long low, long high, int... shape) {
        if (low >= high) {
            throw new JgradException("randint: expects low < high, got low=" + low + ", high=" + high);
        }
        Tensor t = Tensor.zeros(DType.INT64, shape);
        long[] data = (long[]) t.storage.data;
        long range = high - low;
        for (int i = 0; i < data.length; i++) {
            // rejection sampling keeps every value equally likely
            long bits;
            long value;
            do {
                bits = nextLong() >>> 1;
                value = bits % range;
            } while (bits - value + (range - 1) < 0);
            data[i] = low + value;
        }
        return t;
    }

    private static void requireFloating(String op, DType dtype) {
        if (!dtype.isFloating()) {
            throw new DTypeException(op + ": expected a floating dtype, got " + dtype);
        }
    }
}
