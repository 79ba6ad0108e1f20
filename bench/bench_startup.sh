#!/usr/bin/env bash
# Time from `assistant serve` to /healthz answering, with whatever model and index are on disk.
# Usage: bench/bench_startup.sh [port]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-7990}
start=$(date +%s%N)
HF_HUB_OFFLINE=1 .venv/bin/assistant serve --port "$port" >/tmp/bench-serve.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do
  kill -0 $pid 2>/dev/null || { echo "server exited:"; cat /tmp/bench-serve.log; exit 1; }
  sleep 0.1
done
end=$(date +%s%N)
echo "healthz ready after $(( (end - start) / 1000000 )) ms: $(curl -s "http://127.0.0.1:$port/healthz")"
