#!/usr/bin/env bash
# Load command for POST /api/v1/signals on loopback (issue 4's figures):
# builds baken, seeds the demo world in a fresh database, makes a token for
# signaleerder@baken.test, serves, and runs wrk (10 s per setting) with the
# realistic payload scripts/load/signal.json. Bounded in time; loopback only.
#   bash scripts/load-signals.sh                 # SQLite in a temp dir
#   bash scripts/load-signals.sh postgres://…    # an EMPTY PostgreSQL database
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
pid=""
go build -o "$work/baken" ./cmd/baken
cp scripts/load/post_signal.lua scripts/load/signal.json "$work/"
cd "$work"
export BAKEN_DB="${1:-sqlite:$work/load.db}" BAKEN_KEY_FILE="$work/baken.key" BAKEN_LISTEN=127.0.0.1:18090 BAKEN_LOG_LEVEL=warn
export BAKEN_DEMO_PASSWORD="demo-wachtwoord-voor-load"
BAKEN_DEMO=true ./baken serve >serve.log 2>&1 & pid=$!
until curl -sf http://127.0.0.1:18090/readyz >/dev/null; do sleep 0.1; done
export TOKEN=$(./baken token create --user signaleerder@baken.test --name load | tail -1)
for c in 1 8 32; do
  echo "== POST /api/v1/signals, $c connection(s), 10 s"
  wrk -t$([ $c -lt 2 ] && echo 1 || echo 2) -c$c -d10s -s post_signal.lua http://127.0.0.1:18090/api/v1/signals | grep -E "Requests/sec|p50|Socket"
done
