#!/usr/bin/env python3
"""Turns the JSON lines of one side-by-side run (bench/side_by_side.sh) into the Markdown tables of
docs/PERFORMANCE.md: jgrad and NumPy measured here, with ratio columns, and the reference figures of
WORKLOADS.md (measured elsewhere, labelled as such). Lines tagged with a "round" (the interleaved matmul
rounds) make a table of their own, and the matmul targets are judged on the median of their ratios, or,
when the run has them, on the median of the per-pair ratios of bench/paired_numpy.py (impl "paired").

    python3 bench/perf_table.py target/side-by-side/results.jsonl"""
import json, statistics, sys
from collections import defaultdict

# WORKLOADS.md, "Reference figures" (medians in ms, measured elsewhere, 2026-11-23)
TORCH_XEON_2T = {"scalar_graph": 0.045, "scalar_points_100": 7.3, "sin_fit_50x50": 9.8, "hvp_d50000": 0.98,
                 "listcomp_grad_100": 4.7, "matmul_f32_1024": 9.1, "mlp_step_b256": 4.8,
                 "elementwise_16M_fwd_bwd": 384}
JAX_JIT_XEON_2C = {"scalar_points_100": 0.030, "sin_fit_50x50": 0.045, "mlp_step_b256": 5.7,
                   "elementwise_16M_fwd_bwd": 114, "hvp_d50000": 0.25}   # hvp: 16 cores
DJL_2CORE = {"scalar_graph": 0.17, "scalar_points_100": 29, "sin_fit_50x50": 15, "matmul_f32_1024": 32,
             "mlp_step_b256": 43, "elementwise_16M_fwd_bwd": 1170}

FLOP = {f"matmul_f32_{n}": 2 * n ** 3 for n in (500, 1024, 2048)} | {"matmul_f64_1024": 2 * 1024 ** 3}
# mlp_step_b256's matrix products, forward and backward (no input gradient of the first layer):
MLP_FLOP = 2 * 256 * (784 * 512 + 512 * 512 + 512 * 10) * 2 + 2 * 256 * (512 * 512 + 512 * 10)


def fmt(ms):
    if ms is None:
        return "–"
    return f"{ms:.4g}" if ms < 1000 else f"{ms:.0f}"


def ratio(a, b):
    return "–" if a is None or b is None else f"{a / b:.3g}×"


def main(path):
    jgrad, numpy, peak, paired, paired_steps = {}, {}, {}, {}, {}
    rounds = defaultdict(dict)   # (workload, round) -> impl -> result
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        if "round" in r:
            rounds[(r["workload"], r["round"])][r["impl"]] = r
        elif r.get("impl") == "jgrad":
            jgrad[r["workload"]] = r
        elif r.get("impl") == "paired":
            paired[r["workload"]] = r
        elif r.get("impl") == "paired_steps":
            paired_steps[r["workload"]] = r
        elif r.get("impl") == "numpy":
            numpy[r["workload"]] = r
        elif "measure" in r:
            peak[r["measure"]] = r
    ms = lambda r, k="median_s": None if r is None else r[k] * 1e3

    print("| workload | jgrad median ms | jgrad min ms | NumPy median ms | jgrad / NumPy | jgrad GFLOP/s |"
          " PyTorch 2.11 ms ¹ | jgrad / PyTorch ¹ | JAX jit ms ¹ | libtorch (DJL) ms ² | jgrad / DJL ² |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in jgrad.items():
        j, n = ms(r), ms(numpy.get(name))
        gf = f"{FLOP[name] / r['median_s'] / 1e9:.2f}" if name in FLOP else "–"
        t, d = TORCH_XEON_2T.get(name), DJL_2CORE.get(name)
        print(f"| {name} | {fmt(j)} | {fmt(ms(r, 'min_s'))} | {fmt(n)} | {ratio(j, n)} | {gf} | {fmt(t)} |"
              f" {ratio(j, t)} | {fmt(JAX_JIT_XEON_2C.get(name))} | {fmt(d)} | {ratio(j, d)} |")
    print()
    if peak:
        print("| machine (NumPy, this run) | value |")
        print("|---|---:|")
        for k, r in peak.items():
            extra = f" (n = {r['n']})" if "n" in r else ""
            print(f"| {k} | {r['value']} {r['unit']}{extra} |")
        print()
    # NumPy time / jgrad time per interleaved round, by workload.
    speeds = defaultdict(list)
    for (name, _), impls in sorted(rounds.items()):
        if "jgrad" in impls and "numpy" in impls:
            speeds[name].append(impls["numpy"]["median_s"] / impls["jgrad"]["median_s"])
    if speeds:
        print("| interleaved rounds: NumPy time / jgrad time | each round | median |")
        print("|---|---|---:|")
        for name, values in speeds.items():
            print(f"| {name} | {', '.join(f'{v:.2f}×' for v in values)} | {statistics.median(values):.2f}× |")
        print()
    if paired:
        print("| paired products: NumPy time / jgrad time | pairs | median | quartiles | jgrad median ms |"
              " NumPy median ms |")
        print("|---|---:|---:|---|---:|---:|")
        for name, r in paired.items():
            print(f"| {name} | {r['pairs']} | {r['ratio_median']:.2f}× | {r['ratio_q1']:.2f}–{r['ratio_q3']:.2f}× |"
                  f" {fmt(ms(r, 'jgrad_median_s'))} | {fmt(ms(r, 'numpy_median_s'))} |")
        print()
    print("| target (issue 5) | measured | target | met |")
    print("|---|---:|---:|---|")

    def target(label, value, goal, ok):
        print(f"| {label} | {value} | {goal} | {ok if isinstance(ok, str) else 'yes' if ok else 'no'} |")

    for name in ("matmul_f32_1024", "matmul_f32_2048", "matmul_f64_1024"):
        if name in paired:
            speed = paired[name]["ratio_median"]
            label = f"{name}: NumPy time / jgrad time (median of {paired[name]['pairs']} alternating pairs)"
        elif name in speeds:
            speed = statistics.median(speeds[name])
            label = f"{name}: NumPy time / jgrad time (median of {len(speeds[name])} interleaved rounds)"
        elif name in jgrad and name in numpy:
            speed = numpy[name]["median_s"] / jgrad[name]["median_s"]
            label = f"{name}: NumPy time / jgrad time"
        else:
            continue
        # The run does not say which GEMM served (jgrad.blas), so both goals are checked.
        met = "both" if speed >= 0.97 else "pure Java's only" if speed >= 0.85 else "no"
        target(label, f"{speed:.3f}×", "≥ 0.85× pure Java, ≥ 0.97× through OpenBLAS", met)
    for name, limit in (("scalar_graph", 0.001), ("scalar_points_100", 0.2), ("sin_fit_50x50", 1),
                        ("hvp_d50000", 1), ("elementwise_16M_fwd_bwd", 200)):
        if name in jgrad:
            v = ms(jgrad[name])
            target(f"{name} median", f"{fmt(v)} ms", f"< {limit:g} ms", v < limit)
    if "mlp_step_b256" in jgrad and "matmul_f32_1024" in jgrad:
        rate = FLOP["matmul_f32_1024"] / jgrad["matmul_f32_1024"]["median_s"]
        gemm_ms = MLP_FLOP / rate * 1e3
        v = ms(jgrad["mlp_step_b256"])
        target(f"mlp_step_b256 / its GEMM time ({MLP_FLOP / 1e9:.2f} GFLOP at jgrad's matmul_f32_1024 rate: "
               f"{fmt(gemm_ms)} ms)", f"{v / gemm_ms:.2f}×", "≤ 1.3×", v / gemm_ms <= 1.3)
    if "mlp_step_b256" in paired_steps:
        r = paired_steps["mlp_step_b256"]
        target(f"mlp_step_b256 / its own matrix products ({r['over']}), alternating in one JVM (median of"
               f" {r['pairs']} pairs; {fmt(ms(r))} / {fmt(ms(r, 'over_median_s'))} ms)", f"{r['ratio_median']:.2f}×",
               "≤ 1.3×", r["ratio_median"] <= 1.3)
    if "mlp_step_b256" in jgrad and "mlp_step_b256_matmuls" in jgrad:
        v = ms(jgrad["mlp_step_b256"])
        alone = ms(jgrad["mlp_step_b256_matmuls"])
        target(f"mlp_step_b256 / its own matrix products timed alone (mlp_step_b256_matmuls: {fmt(alone)} ms)",
               f"{v / alone:.2f}×", "≤ 1.3×", v / alone <= 1.3)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/dev/stdin")
