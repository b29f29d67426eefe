#!/usr/bin/env bash
# Vendors the front-end assets Baken embeds, so that `go build` needs no npm.
# Run it only to upgrade: the copied files are committed.
#   NL Design System: @utrecht/component-library-css (components) and
#                     @utrecht/design-tokens (the .utrecht-theme tokens)
#   htmx.org:         progressive enhancement (every page works without it)
#   axe-core:         accessibility checks in the browser tests (test data only)
set -euo pipefail
cd "$(dirname "$0")/.."

UTRECHT_CSS=9.0.4
UTRECHT_TOKENS=5.0.1
HTMX=2.0.11
AXE=4.11.4

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null &&
  npm install --no-audit --no-fund --ignore-scripts \
    "@utrecht/component-library-css@$UTRECHT_CSS" \
    "@utrecht/design-tokens@$UTRECHT_TOKENS" \
    "htmx.org@$HTMX" "axe-core@$AXE" >/dev/null)

nm="$work/node_modules"
static=internal/web/static/vendor
mkdir -p "$static" internal/e2e/testdata
cp "$nm/@utrecht/component-library-css/dist/index.css" "$static/utrecht-components.css"
cp "$nm/@utrecht/design-tokens/dist/theme.css" "$static/utrecht-theme.css"
cp "$nm/@utrecht/component-library-css/LICENSE.md" "$static/LICENSE-utrecht.md"
cp "$nm/htmx.org/dist/htmx.min.js" "$static/htmx.min.js"
cp "$nm/htmx.org/LICENSE" "$static/LICENSE-htmx"
cp "$nm/axe-core/axe.min.js" internal/e2e/testdata/axe.min.js
cp "$nm/axe-core/LICENSE" internal/e2e/testdata/LICENSE-axe-core
cat > "$static/VERSIONS" <<V
@utrecht/component-library-css $UTRECHT_CSS
@utrecht/design-tokens $UTRECHT_TOKENS
htmx.org $HTMX
axe-core $AXE (internal/e2e/testdata)
V
echo "vendored into $static and internal/e2e/testdata"
