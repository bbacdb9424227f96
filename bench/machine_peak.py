#!/usr/bin/env python3
"""Estimates this machine's limits with NumPy, for docs/PERFORMANCE.md: the GEMM peak (the best of
float32 and float64 matmuls of n = 1024, 2048, 3072 through NumPy's BLAS, all cores) and memory
bandwidth (a large copy and a STREAM-like triad, a = b + s*c, on arrays far bigger than the caches).
A measuring script only.

    python3 bench/machine_peak.py

Prints one JSON line per figure: {"measure", "value", "unit", ...}. Bandwidth counts the bytes the
program reads and writes (copy: 2 x 8 B per element; triad: 3 x 8 B), as STREAM does, without
write-allocate traffic; best of the repetitions, as STREAM reports."""
import json, os, time
import numpy as np


def best(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return min(ts)


def emit(measure, value, unit, **extra):
    print(json.dumps(dict(measure=measure, value=round(value, 2), unit=unit, **extra)), flush=True)


def main():
    rng = np.random.default_rng(0)
    for dtype, name in ((np.float32, "f32"), (np.float64, "f64")):
        # the best over sizes and repetitions: on a shared machine the peak is the least disturbed run
        rates = {}
        for n in (1024, 2048, 3072):
            a = rng.standard_normal((n, n)).astype(dtype)
            b = rng.standard_normal((n, n)).astype(dtype)
            rates[n] = 2 * n ** 3 / best(lambda: a @ b, 10 if n < 3072 else 4) / 1e9
        n_best = max(rates, key=rates.get)
        emit(f"gemm_peak_{name}", rates[n_best], "GFLOP/s", n=n_best, threads=os.cpu_count(),
             by_n={k: round(v, 1) for k, v in rates.items()})
    n = 40_000_000   # 320 MB per float64 array: ten times the L3
    b = rng.standard_normal(n)
    c = rng.standard_normal(n)
    a = np.empty_like(b)
    t = best(lambda: np.copyto(a, b), 10)
    emit("copy_bandwidth", 2 * 8 * n / t / 1e9, "GB/s", elements=n)
    s = 3.0

    def triad():
        np.multiply(c, s, out=a)
        np.add(a, b, out=a)

    # NumPy's triad is two passes (a = s*c, then a += b): 5 x 8 B moved; STREAM's fused triad moves 3 x 8 B
    t = best(triad, 10)
    emit("triad_bandwidth_numpy_two_pass", 5 * 8 * n / t / 1e9, "GB/s", elements=n)


if __name__ == "__main__":
    main()
