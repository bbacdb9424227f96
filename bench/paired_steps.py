#!/usr/bin/env python3
"""Two jgrad workloads timed in alternation in one JVM, one repetition each in turn, judged on the median of the
per-pair ratios: mlp_step_b256 over mlp_step_b256_matmuls (the step over its own matrix products) by default.

    python3 bench/paired_steps.py [--pairs 40] [WORKLOAD OVER] [-- extra ./jgrad bench args]

The issue's mlp target is a ratio of two timings, and on the shared 2-core machine a timing taken a minute after
the other measures the machine's moments as much as the code (the ratio of two back-to-back `./jgrad bench`
runs moved between 1.2 and 2.1 on one afternoon). Alternating single repetitions in one warm JVM makes both
sides share each moment, as bench/paired_numpy.py does for the matmuls.

Prints one JSON line: {"workload", "impl": "paired_steps", "over", "pairs", "ratio_median", "ratio_q1",
"ratio_q3", "median_s", "over_median_s"}."""
import argparse, json, statistics, sys

from jgrad_serve import JgradServer, quartiles, split_extra


def main():
    argv, extra = split_extra(sys.argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=40, help="repetitions of each workload (default 40)")
    ap.add_argument("workloads", nargs="*", metavar="WORKLOAD OVER",
                    help="the workload and the one it is divided by (default: mlp_step_b256 mlp_step_b256_matmuls)")
    args = ap.parse_args(argv)
    if args.pairs < 1:
        ap.error(f"--pairs must be at least 1, got {args.pairs}")
    if len(args.workloads) not in (0, 2):
        ap.error(f"expected two workloads (WORKLOAD OVER), got {len(args.workloads)}")
    name, over = args.workloads or ("mlp_step_b256", "mlp_step_b256_matmuls")
    with JgradServer([name, over], extra, who="paired_steps") as jgrad:
        times = {name: [], over: []}
        for pair in range(args.pairs):
            for side in (name, over) if pair % 2 == 0 else (over, name):
                times[side].append(jgrad.seconds(side))
        q1, median, q3 = quartiles([t / u for t, u in zip(times[name], times[over])])
        print(json.dumps(dict(workload=name, impl="paired_steps", over=over, pairs=args.pairs, ratio_median=median,
                              ratio_q1=q1, ratio_q3=q3, median_s=statistics.median(times[name]),
                              over_median_s=statistics.median(times[over]))), flush=True)
    return jgrad.process.returncode


if __name__ == "__main__":
    sys.exit(main())
