#!/usr/bin/env bash
# Runs the whole API locally on http://localhost:9000 with `cargo lambda watch`: every function
# on the embedded default (one SQLite file under .movieverse/, an in-process cache, the sample
# catalog loaded on first start). Installs cargo-lambda into .venv the first time.
# Extra arguments go to `cargo lambda watch` (e.g. --invoke-port 9001).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
if ! command -v cargo-lambda >/dev/null 2>&1 && [ ! -x "$VENV/bin/cargo-lambda" ]; then
  echo "==> installing cargo-lambda into $VENV" >&2
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "$(grep '^cargo-lambda==' scripts/requirements-dev.txt)"
fi
export PATH="$VENV/bin:$PATH"
echo "==> serving the API on http://localhost:9000 (try: curl localhost:9000/health)" >&2
exec cargo lambda watch "$@"
