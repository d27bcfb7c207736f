#!/usr/bin/env bash
# The whole test suite, on real services. Installs what it needs into .venv, starts the MongoDB
# stand-in (nx-27017) and Secrets Manager (moto_server) on free loopback ports, checks that
# PostgreSQL, MariaDB and Redis answer, runs every test, and stops what it started.
#
# Service locations can be overridden: MV_PG_URL, MV_MYSQL_URL, MV_REDIS_URL.
# Under CI=true a missing service fails the run; otherwise its tests are skipped, loudly.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/movieverse-test.XXXXXX")"
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
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r scripts/requirements-dev.txt; then
  say "could not install the Python test tools (scripts/requirements-dev.txt)"
  exit 1
fi
export PATH="$VENV/bin:$PATH"

free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_port() { # host port seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do port_open "$1" "$2" && return 0; sleep 0.1; done
  return 1
}

missing=()
require() { # name env-var value
  if [ -n "$3" ]; then export "$2=$3"; else missing+=("$1"); unset "$2"; fi
}

# --- services that run on the machine ------------------------------------------------------------
PG_URL="${MV_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
MYSQL_URL="${MV_MYSQL_URL:-mysql://root@127.0.0.1:3306/mysql}"
REDIS_URL="${MV_REDIS_URL:-redis://127.0.0.1:6379}"
hostport() { "$VENV/bin/python" -c 'import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p.hostname, p.port or int(sys.argv[2]))' "$1" "$2"; }
read -r h p < <(hostport "$PG_URL" 5432);    port_open "$h" "$p" && require PostgreSQL MV_TEST_POSTGRES_URL "$PG_URL" || require PostgreSQL MV_TEST_POSTGRES_URL ""
read -r h p < <(hostport "$MYSQL_URL" 3306); port_open "$h" "$p" && require MariaDB MV_TEST_MYSQL_URL "$MYSQL_URL" || require MariaDB MV_TEST_MYSQL_URL ""
read -r h p < <(hostport "$REDIS_URL" 6379); port_open "$h" "$p" && require Redis MV_TEST_REDIS_URL "$REDIS_URL" || require Redis MV_TEST_REDIS_URL ""

# --- services this script starts -----------------------------------------------------------------
MONGO_PORT="$(free_port)"
nx-27017 --host 127.0.0.1 -p "$MONGO_PORT" --data-dir memory \
  --log-file "$RUN_DIR/nx-27017.log" --pid-file "$RUN_DIR/nx-27017.pid" >"$RUN_DIR/nx-27017.out" 2>&1 &
STARTED_PIDS+=("$!")
MOTO_PORT="$(free_port)"
moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$RUN_DIR/moto.log" 2>&1 &
STARTED_PIDS+=("$!")
if wait_port 127.0.0.1 "$MONGO_PORT" 30; then
  require "MongoDB (nx-27017)" MV_TEST_MONGODB_URI "mongodb://127.0.0.1:$MONGO_PORT/?directConnection=true"
else
  say "nx-27017 did not start: $(tail -5 "$RUN_DIR/nx-27017.out" 2>/dev/null)"
  require "MongoDB (nx-27017)" MV_TEST_MONGODB_URI ""
fi
if wait_port 127.0.0.1 "$MOTO_PORT" 30; then
  require "Secrets Manager (moto_server)" MV_TEST_SECRETS_ENDPOINT "http://127.0.0.1:$MOTO_PORT"
else
  say "moto_server did not start: $(tail -5 "$RUN_DIR/moto.log" 2>/dev/null)"
  require "Secrets Manager (moto_server)" MV_TEST_SECRETS_ENDPOINT ""
fi

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "${CI:-}" = "true" ]; then
    say "FAILED: required test services are not answering: ${missing[*]}"
    exit 1
  fi
  say "WARNING: not answering, their tests will be SKIPPED: ${missing[*]}"
fi

# --- the tests ----------------------------------------------------------------------------------
export MV_CFN_LINT="$VENV/bin/cfn-lint"
# The Python that runs tests/tmdb_client/check.py (tmdbsimple against the deployed-shape API).
export MV_PYTHON="$VENV/bin/python"
# schemathesis runs the contract test against the deployed-shape API (tests/tests/api/contract.rs);
# its report is kept under target/schemathesis/ when it finds something.
export MV_SCHEMATHESIS="$VENV/bin/schemathesis"
export RUST_LOG="${RUST_LOG:-warn}"
# The end-to-end tests start the real function binaries as separate processes; a test cannot
# build them while `cargo test` holds the build directory, so they are built first.
say "building the function binaries"
cargo build --workspace --bins
say "running cargo test --workspace"
cargo test --workspace --all-targets --no-fail-fast "$@"
