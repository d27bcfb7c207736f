#!/usr/bin/env bash
# MovieVerse against the physical limits, in one run and one table:
#   - GET /movies/{id} from the Redis cache vs a raw Redis GET of the same bytes (wrk vs
#     redis-benchmark, same connections),
#   - GET /movies/{id}/reviews (MariaDB) vs the same SQL issued directly (a sqlx loop),
#   - GET /movies/{id} from the embedded cache (SQLite) vs a raw read of its row,
#   - the Lambda path: the movies and reviews release binaries invoked back to back through a
#     local Lambda Runtime API with API Gateway v2 events (events/), CPU per invocation vs direct,
#   - peak RSS of each function (load run and cold start) vs template.yaml's MemorySize,
#   - cold start of each release function binary through the same Runtime API,
#   - release binary sizes (and zipped), and CPU time per request.
#
# Usage: bench/run.sh            (about 5 minutes after the release build)
# Knobs: BENCH_CONNECTIONS=1,8  BENCH_DURATION_SECS=10  BENCH_WARMUP_SECS=2  BENCH_COLD_RUNS=7
# Services: PostgreSQL, MariaDB and Redis as in scripts/test.sh (MV_PG_URL, MV_MYSQL_URL,
# MV_REDIS_URL override); nx-27017 (the MongoDB stand-in) is started here on a free port.
# Everything stays on loopback; the databases and Redis keys a run creates are removed at its end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/movieverse-bench.XXXXXX")"
STARTED_PIDS=()
say() { printf '==> %s\n' "$*" >&2; }

cleanup() {
  for pid in "${STARTED_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT

# --- tools -------------------------------------------------------------------------------------
apt_install() { # package: needs root, as on the development and CI machines
  apt-get install -y "$1" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$1" >/dev/null; }
}
if ! command -v wrk >/dev/null; then
  say "installing wrk"
  apt_install wrk
fi
if ! command -v redis-benchmark >/dev/null; then
  say "installing redis-tools (redis-benchmark)"
  apt_install redis-tools
fi
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  python3 -m venv "$VENV"
fi
if [ ! -x "$VENV/bin/nx-27017" ]; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r scripts/requirements-dev.txt
fi

free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_port() { # host port seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do port_open "$1" "$2" && return 0; sleep 0.1; done
  return 1
}

# --- release binaries --------------------------------------------------------------------------
say "building release binaries (functions and the bench)"
cargo build --release -p movies -p people -p reviews -p auth -p profiles -p seed \
  -p movieverse-bench

# --- services ----------------------------------------------------------------------------------
export BENCH_POSTGRES_URL="${MV_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export BENCH_MYSQL_URL="${MV_MYSQL_URL:-mysql://root@127.0.0.1:3306/mysql}"
export BENCH_REDIS_URL="${MV_REDIS_URL:-redis://127.0.0.1:6379}"
MONGO_PORT="$(free_port)"
"$VENV/bin/nx-27017" --host 127.0.0.1 -p "$MONGO_PORT" --data-dir memory \
  --log-file "$RUN_DIR/nx-27017.log" --pid-file "$RUN_DIR/nx-27017.pid" >"$RUN_DIR/nx-27017.out" 2>&1 &
STARTED_PIDS+=("$!")
if ! wait_port 127.0.0.1 "$MONGO_PORT" 30; then
  say "nx-27017 did not start: $(tail -5 "$RUN_DIR/nx-27017.out" 2>/dev/null)"
  exit 1
fi
export BENCH_MONGODB_URI="mongodb://127.0.0.1:$MONGO_PORT/?directConnection=true"
export BENCH_BIN_DIR="$ROOT/target/release"
# RUST_LOG is left as the functions ship (info): their log lines are part of the cost measured.

# --- the run -----------------------------------------------------------------------------------
say "measuring"
"$ROOT/target/release/movieverse-bench"
