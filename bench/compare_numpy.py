#!/usr/bin/env python3
"""NumPy (OpenBLAS) matmul on this machine, timed like `./jgrad bench` and anchors_torch.py, for side-by-side
ratios. A measuring script only: jgrad never depends on NumPy at run time.

    python3 bench/compare_numpy.py            # one JSON line per workload, impl "numpy"
    python3 bench/compare_numpy.py --threads 1
    python3 bench/compare_numpy.py --only matmul_f32_2048

Prints {"workload", "impl": "numpy", "device": "cpu", "threads", "median_s", "min_s"} per line, plus the
BLAS and NumPy versions as an "info" line first. --threads sets OPENBLAS_NUM_THREADS (and the other BLAS
thread variables) before NumPy is imported; without it the BLAS uses its default (all cores)."""
import argparse, json, os, statistics, sys, time

REPS, WARM = 20, 5   # the matmul rep scheme of anchors_torch.py and ./jgrad bench


def bench(fn, reps=REPS, warm=WARM):
    for _ in range(warm):
        fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts), min(ts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, help="BLAS threads (default: the BLAS default, all cores)")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="run only these workloads")
    ap.add_argument("--reps", type=int, default=REPS)
    ap.add_argument("--warmup", type=int, default=WARM)
    args = ap.parse_args()
    if args.threads:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.threads)
    import numpy as np
    threads = args.threads or os.cpu_count()
    blas = {}
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
    except Exception:
        pass
    print(json.dumps(dict(info="env", numpy=np.__version__, blas=blas.get("name"),
                          blas_version=blas.get("version"), cpu=os.cpu_count())), flush=True)
    rng = np.random.default_rng(0)
    for name, n, dtype in (("matmul_f32_500", 500, np.float32), ("matmul_f32_1024", 1024, np.float32),
                           ("matmul_f32_2048", 2048, np.float32), ("matmul_f64_1024", 1024, np.float64)):
        if args.only and name not in args.only:
            continue
        a = rng.standard_normal((n, n)).astype(dtype)
        b = rng.standard_normal((n, n)).astype(dtype)
        med, mn = bench(lambda: (a @ b)[0, 0].item(), args.reps, args.warmup)   # result read, as jgrad does
        print(json.dumps(dict(workload=name, impl="numpy", device="cpu", threads=threads,
                              median_s=med, min_s=mn, gflops=round(2 * n ** 3 / med / 1e9, 1))), flush=True)


if __name__ == "__main__":
    sys.exit(main())
