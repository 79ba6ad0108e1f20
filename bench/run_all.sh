#!/usr/bin/env bash
# Run every benchmark one after the other (never in parallel: they would measure each other).
# Usage: bench/run_all.sh          cheap defaults (~10 min on 2 cores)
#        bench/run_all.sh --full   the sizes and durations the README reports (~1 h; 100k chunks with stand-in
#                                  vectors past 5k e5 chunks; add E5_BUDGET=0 for e5 on every chunk: hours)
# Each prints a table and writes bench/results/<name>.json; the log of this run goes to bench/results/run_all.log.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup >/dev/null
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False
PY=.venv/bin/python
mkdir -p bench/results
full=false; [ "${1:-}" = "--full" ] && full=true
{
  echo "== $(date -Is)  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
  if $full; then
    $PY bench/bench_startup.py --runs 5
    $PY bench/bench_embedding.py --rounds 3
    $PY bench/bench_latency.py --rounds 5
    $PY bench/bench_throughput.py --duration 30
    $PY bench/bench_scale.py --sizes 50,1000,10000,100000 --e5-budget "${E5_BUDGET:-5000}" --queries 40
  else
    $PY bench/bench_startup.py
    $PY bench/bench_embedding.py
    $PY bench/bench_latency.py
    $PY bench/bench_throughput.py
    $PY bench/bench_scale.py
  fi
  echo "== done $(date -Is), load $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee bench/results/run_all.log
