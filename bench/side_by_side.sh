#!/usr/bin/env bash
# One side-by-side run for docs/PERFORMANCE.md: jgrad's workloads, NumPy's matmuls and the machine's
# GEMM peak and bandwidth, one after the other, as JSON lines in DIR/results.jsonl (DIR defaults to
# target/side-by-side), then the Markdown table of bench/perf_table.py on stdout.
#   bench/side_by_side.sh [DIR] [-- extra ./jgrad bench args]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$root/target/side-by-side}"
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
mkdir -p "$dir"
out="$dir/results.jsonl"
{
  echo "{\"info\": \"machine\", \"cpu\": \"$(lscpu | sed -n 's/^Model name: *//p' | head -n1)\", \"cores\": $(nproc), \"load_before\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"date\": \"$(date -u +%Y-%m-%dT%H:%MZ)\"}"
  "$root/jgrad" bench --json "$@"
  python3 "$root/bench/compare_numpy.py"
  python3 "$root/bench/machine_peak.py"
  echo "{\"info\": \"load_after\", \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
} | tee "$out" >&2
python3 "$root/bench/perf_table.py" "$out"
