#!/usr/bin/env bash
# Runs the whole API locally on http://localhost:9000 with `cargo lambda watch`: every function
# on the embedded default (one SQLite file under .movieverse/ holding the stores and the cache
# every function process shares; the sample catalog loaded on first start). Installs
# cargo-lambda into .venv the first time, and builds every function before it starts serving.
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
# Build every function now, with cargo's progress on screen, so the first request to each
# answers in about a second instead of waiting, silently, for its build.
echo "==> building the functions (the first build of a fresh clone takes several minutes)" >&2
cargo build --bin movies --bin people --bin reviews --bin auth --bin profiles --bin seed
echo "==> serving the API on http://localhost:9000 (try: curl localhost:9000/health)" >&2
exec cargo lambda watch "$@"
