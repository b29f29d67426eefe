#!/usr/bin/env bash
# Runs every Baken test on SQLite and PostgreSQL, plus the browser test.
# It sets up what the tests need first: PostgreSQL (installed with apt-get when
# missing, started when stopped, a test database created) and Debian's
# Chromium; then gofmt, go vet, the NL API Design Rules linter (spectral, installed
# locally with npm into .cache/spectral) on the served OpenAPI document, and go
# test. This is the README's test command; .ci/run calls it.
#
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh -run Login ./internal/auth/...   # extra args go to `go test`
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || { echo "Go is not installed: see https://go.dev/dl (Go 1.26 or newer)"; exit 1; }

# --- PostgreSQL -------------------------------------------------------------
if [ -z "${BAKEN_TEST_POSTGRES_URL:-}" ]; then
  installed_here=""
  if ! command -v pg_lsclusters >/dev/null; then
    say "installing PostgreSQL (apt-get)"
    apt_install postgresql
    installed_here=1
  fi
  cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
  if [ -z "$cluster" ]; then
    ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
    say "creating PostgreSQL cluster $ver/main"
    as_root pg_createcluster "$ver" main >/dev/null
    cluster="$ver main"
  fi
  if ! pg_lsclusters --no-header | awk '{print $4}' | grep -q online; then
    say "starting PostgreSQL $cluster"
    as_root pg_ctlcluster --skip-systemctl-redirect $cluster start || as_root pg_ctlcluster $cluster start
  fi
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL does not answer on 127.0.0.1:5432"; exit 1; }
  pgpass=""
  if [ -n "$installed_here" ]; then
    # A fresh Debian cluster wants a password over TCP: give the test user one.
    as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'baken-test'\"" >/dev/null
    pgpass=":baken-test"
  fi
  export PGPASSWORD="${pgpass#:}"
  if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'baken_test'" | grep -q 1; then
    say "creating database baken_test"
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE baken_test" >/dev/null
  fi
  export BAKEN_TEST_POSTGRES_URL="postgres://postgres${pgpass}@127.0.0.1:5432/baken_test?sslmode=disable"
fi
say "PostgreSQL tests use ${BAKEN_TEST_POSTGRES_URL%%@*}@… (each test gets its own schema, dropped afterwards)"

# --- Chromium for the browser test -------------------------------------------
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  say "installing Chromium (apt-get)"
  apt_install chromium
fi

# --- Checks and tests ----------------------------------------------------------
say "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './vendor/*'))
if [ -n "$unformatted" ]; then echo "gofmt would change:"; echo "$unformatted"; exit 1; fi
say "go vet"
go vet ./...
# --- NL API Design Rules linter on the served OpenAPI document ------------------
# Spectral with the official ADR ruleset (../shared/tools/adr-linter.yaml) must
# report 0 errors on what /api/v1/openapi.json actually serves.
spectral_version=6.16.3
spectral=".cache/spectral/node_modules/.bin/spectral"
if [ ! -x "$spectral" ] || ! "$spectral" --version 2>/dev/null | grep -qx "$spectral_version"; then
  command -v npm >/dev/null || { echo "npm is not installed: Node.js 20+ is needed for the API linter (spectral)"; exit 1; }
  say "installing @stoplight/spectral-cli@$spectral_version into .cache/spectral (npm)"
  npm install --silent --no-audit --no-fund --prefix .cache/spectral "@stoplight/spectral-cli@$spectral_version" >/dev/null
fi
ruleset="${BAKEN_ADR_RULESET:-../shared/tools/adr-linter.yaml}"
[ -f "$ruleset" ] || { echo "API linter ruleset not found at $ruleset (set BAKEN_ADR_RULESET)"; exit 1; }
say "API linter (spectral, NL API Design Rules) on the served /api/v1/openapi.json"
lint_dir=$(mktemp -d)
baken_pid=""
cleanup_lint() { if [ -n "$baken_pid" ]; then kill "$baken_pid" 2>/dev/null || true; wait "$baken_pid" 2>/dev/null || true; fi; rm -rf "$lint_dir"; }
trap cleanup_lint EXIT
go build -o "$lint_dir/baken" ./cmd/baken
"$lint_dir/baken" serve --db "sqlite:$lint_dir/baken.db" --listen 127.0.0.1:0 >"$lint_dir/serve.log" 2>&1 &
baken_pid=$!
addr=""
for _ in $(seq 1 100); do
  addr=$(grep -o 'addr=[0-9.:]*' "$lint_dir/serve.log" | head -1 | cut -d= -f2 || true)
  [ -n "$addr" ] && break
  kill -0 "$baken_pid" 2>/dev/null || break
  sleep 0.2
done
[ -n "$addr" ] || { echo "baken serve did not start:"; cat "$lint_dir/serve.log"; exit 1; }
curl -fsS "http://$addr/api/v1/openapi.json" -o "$lint_dir/openapi.json"
"$spectral" lint --ruleset "$ruleset" --fail-severity error "$lint_dir/openapi.json"
cleanup_lint
baken_pid=""
trap - EXIT

say "go test (SQLite and PostgreSQL, browser)"
go test -count=1 "${@:-./...}"
