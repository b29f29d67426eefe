#!/usr/bin/env bash
# Measures the figures the foundation issue asks for, on loopback only:
#   binary size; cold start to /readyz on an existing database; GET /api/v1/me
#   throughput and latency percentiles (wrk); resident memory idle and under load.
# Usage: bash scripts/bench.sh [sqlite|postgres]   (postgres uses $BAKEN_BENCH_POSTGRES_URL)
# Needs wrk (apt-get install wrk). Bounded: each load run lasts 10 s.
set -euo pipefail
cd "$(dirname "$0")/.."
dialect=${1:-sqlite}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }

go build -trimpath -ldflags "-s -w" -o "$work/baken" ./cmd/baken
go build -o "$work/baken-debug" ./cmd/baken
echo "binary size: $(stat -c %s "$work/baken") bytes stripped ($(stat -c %s "$work/baken-debug") with symbols)"

if [ "$dialect" = postgres ]; then
  db=${BAKEN_BENCH_POSTGRES_URL:?set BAKEN_BENCH_POSTGRES_URL to an empty database}
else
  db="sqlite:$work/baken.db"
fi
export BAKEN_DB="$db" BAKEN_KEY_FILE="$work/baken.key" BAKEN_LISTEN=127.0.0.1:18080 BAKEN_LOG_LEVEL=warn
export BAKEN_DEMO_PASSWORD="bench-password-12345"

# First start: migrate and seed; stop it again.
"$work/baken" serve --demo >/dev/null 2>&1 & pid=$!
until curl -fs http://127.0.0.1:18080/readyz >/dev/null; do sleep 0.05; done
kill -TERM $pid; wait $pid || true

# Cold start on the existing database, 10 runs.
total=0
for i in $(seq 1 10); do
  start=$(date +%s%N)
  "$work/baken" serve >/dev/null 2>&1 & pid=$!
  until curl -fs http://127.0.0.1:18080/readyz >/dev/null 2>&1; do sleep 0.002; done
  end=$(date +%s%N)
  total=$((total + (end - start) / 1000))
  kill -TERM $pid; wait $pid || true
done
echo "cold start to /readyz (process exec included), mean of 10: $((total / 10 / 1000)) ms"

token=$("$work/baken" token create --user analist@baken.test --name bench 2>/dev/null | tail -1)
"$work/baken" serve >/dev/null 2>&1 & pid=$!
until curl -fs http://127.0.0.1:18080/readyz >/dev/null; do sleep 0.05; done
curl -fs -H "Authorization: Bearer $token" http://127.0.0.1:18080/api/v1/me >/dev/null || { echo "GET /api/v1/me failed"; exit 1; }
sleep 1
echo "resident memory idle: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
for c in 8 64; do
  echo "--- wrk: GET /api/v1/me, 2 threads, $c connections, 10 s ($dialect)"
  wrk -t2 -c$c -d10s --latency -H "Authorization: Bearer $token" http://127.0.0.1:18080/api/v1/me | grep -E 'Requests/sec|Latency|50%|90%|99%|Non-2xx' 
  echo "resident memory after load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status), peak $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
done
