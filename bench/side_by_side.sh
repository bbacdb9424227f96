#!/usr/bin/env bash
# One side-by-side run for docs/PERFORMANCE.md: jgrad's workloads, NumPy's matmuls and the machine's
# GEMM peak and bandwidth, one after the other, as JSON lines in DIR/results.jsonl (DIR defaults to
# target/side-by-side), then the Markdown table of bench/perf_table.py on stdout.
# Then MATMUL_ROUNDS (default 3) more rounds of the matmuls alone, jgrad and NumPy in turn, each line tagged
# with its "round": the machine's speed drifts by more than the ratios asked for, so the matmul targets are
# judged on the median of the per-round ratios. Last, bench/paired_numpy.py alternates single products of the
# two, MATMUL_PAIRS (default 40) each, and perf_table.py judges the matmul targets on the median of those
# per-pair ratios instead, which the machine's speed switches (seconds apart) cannot skew. bench/paired_steps.py
# does the same for the mlp target: mlp_step_b256 and its own matrix products alternated in one JVM.
#   [MATMUL_ROUNDS=N] [MATMUL_PAIRS=N] bench/side_by_side.sh [DIR] [-- extra ./jgrad bench args]
# (the extra args go to every ./jgrad bench call, --serve included: --threads or --warmup, not --reps)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$root/target/side-by-side}"
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
mkdir -p "$dir"
out="$dir/results.jsonl"
# Adds "round": N to each JSON line of a result (other lines pass through).
tag_round() {
  python3 -c 'import json, sys
for line in sys.stdin:
    tagged = line.startswith("{\"workload")
    print(json.dumps({**json.loads(line), "round": int(sys.argv[1])}) if tagged else line.rstrip("\n"), flush=True)' "$1"
}
{
  echo "{\"info\": \"machine\", \"cpu\": \"$(lscpu | sed -n 's/^Model name: *//p' | head -n1)\", \"cores\": $(nproc), \"load_before\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"date\": \"$(date -u +%Y-%m-%dT%H:%MZ)\"}"
  "$root/jgrad" bench --json "$@"
  python3 "$root/bench/compare_numpy.py"
  python3 "$root/bench/machine_peak.py"
  for round in $(seq 1 "${MATMUL_ROUNDS:-3}"); do
    "$root/jgrad" bench --json matmul_f32_1024 matmul_f32_2048 matmul_f64_1024 "$@" | tag_round "$round"
    python3 "$root/bench/compare_numpy.py" --only matmul_f32_1024 matmul_f32_2048 matmul_f64_1024 \
      | tag_round "$round"
  done
  python3 "$root/bench/paired_numpy.py" --pairs "${MATMUL_PAIRS:-40}" \
    --only matmul_f32_1024 matmul_f32_2048 matmul_f64_1024 -- "$@"
  python3 "$root/bench/paired_steps.py" --pairs "${MATMUL_PAIRS:-40}" -- "$@"
  echo "{\"info\": \"load_after\", \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
} | tee "$out" >&2
python3 "$root/bench/perf_table.py" "$out"
