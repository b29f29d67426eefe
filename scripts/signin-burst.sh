#!/usr/bin/env bash
# Measures the server's peak resident memory for 32 parallel anonymous
# sign-ins (security review F2), on loopback only: builds baken, serves a
# fresh SQLite database with the default argon2id cost (64 MiB, 3 passes),
# and runs scripts/load/signinburst against it. Extra arguments go to
# `baken serve`, e.g. --hash-memory-budget 134217728 or
# --login-attempts-per-client 100 (to measure the memory bound alone).
#   bash scripts/signin-burst.sh [serve flags…]
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/baken" ./cmd/baken
go build -o "$work/signinburst" ./scripts/load/signinburst
addr=127.0.0.1:18081
"$work/baken" serve --db "sqlite:$work/baken.db" --listen "$addr" "$@" >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fs -o /dev/null "http://$addr/healthz" && break; sleep 0.2; done
"$work/signinburst" -url "http://$addr" -pid "$pid" -n 32
