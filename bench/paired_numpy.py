#!/usr/bin/env python3
"""jgrad's and NumPy's matmuls timed in alternation, one product each in turn, judged on the median of the
per-pair ratios NumPy time / jgrad time. A measuring script only: jgrad never depends on NumPy at run time.

    python3 bench/paired_numpy.py [--pairs 40] [--pause 0.25] [--only NAME...] [-- extra ./jgrad bench args]

On the shared 2-core machine one core's speed switches between two levels for stretches of a second to a
minute, so two timings taken seconds apart (a jgrad run, then a NumPy run) compare the machine's moments as
much as the code. Here `./jgrad bench --serve` keeps jgrad warm in its own JVM while this script alternates
single products: jgrad's (timed inside the JVM, result read included, as `./jgrad bench` times it) and
NumPy's (timed here the same way, as bench/compare_numpy.py does), swapping which goes first every pair.
Between any two products it waits --pause seconds, so that OpenBLAS's worker threads, which spin for a while
after a product, have gone to sleep before the other side's product starts.

Prints one JSON line per workload: {"workload", "impl": "paired", "pairs", "ratio_median", "ratio_q1",
"ratio_q3", "jgrad_median_s", "numpy_median_s", "jgrad_min_s", "numpy_min_s", "pause_s"}."""
import argparse, json, statistics, sys, time

from jgrad_serve import JgradServer, quartiles, split_extra

SHAPES = {"matmul_f32_500": (500, "float32"), "matmul_f32_1024": (1024, "float32"),
          "matmul_f32_2048": (2048, "float32"), "matmul_f64_1024": (1024, "float64")}
NUMPY_WARMUP = 5


def main():
    argv, extra = split_extra(sys.argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=40, help="products of each side per workload (default 40)")
    ap.add_argument("--pause", type=float, default=0.25, help="seconds between any two products (default 0.25)")
    ap.add_argument("--only", nargs="+", metavar="NAME", choices=sorted(SHAPES), help="run only these workloads")
    args = ap.parse_args(argv)
    if args.pairs < 1:
        ap.error(f"--pairs must be at least 1, got {args.pairs}")
    names = [n for n in SHAPES if not args.only or n in args.only]
    import numpy as np

    with JgradServer(names, extra, who="paired_numpy") as jgrad:
        rng = np.random.default_rng(0)
        for name in names:
            n, dtype = SHAPES[name]
            a = rng.standard_normal((n, n)).astype(dtype)
            b = rng.standard_normal((n, n)).astype(dtype)

            def numpy_once():
                t = time.perf_counter()
                (a @ b)[0, 0].item()   # result read, as jgrad's step reads one element
                return time.perf_counter() - t

            for _ in range(NUMPY_WARMUP):
                numpy_once()
            times = {"jgrad": [], "numpy": []}
            for pair in range(args.pairs):
                order = ("jgrad", "numpy") if pair % 2 == 0 else ("numpy", "jgrad")
                for side in order:
                    time.sleep(args.pause)
                    times[side].append(jgrad.seconds(name) if side == "jgrad" else numpy_once())
            ratios = [nt / jt for nt, jt in zip(times["numpy"], times["jgrad"])]
            q1, median, q3 = quartiles(ratios)
            print(json.dumps(dict(workload=name, impl="paired", pairs=args.pairs, ratio_median=median,
                                  ratio_q1=q1, ratio_q3=q3, jgrad_median_s=statistics.median(times["jgrad"]),
                                  numpy_median_s=statistics.median(times["numpy"]),
                                  jgrad_min_s=min(times["jgrad"]), numpy_min_s=min(times["numpy"]),
                                  pause_s=args.pause)), flush=True)
    return jgrad.process.returncode


if __name__ == "__main__":
    sys.exit(main())
