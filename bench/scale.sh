#!/usr/bin/env bash
# MovieVerse at TMDB's size (issue #21), in one run and one table: every public read route timed
# on a cache miss, p50 and p99, PASS/FAIL against the targets (lists, discover and search
# ≤ 50 ms; a movie's reviews at any depth ≤ 10 ms; recommendations ≤ 250 ms; judged at p99).
#
# Usage: bench/scale.sh
#
# What it does (code in bench/src/scale/):
#   - builds `movieverse-scale` with the `scale` profile (release without fat LTO: minutes, not
#     the 15–25 of `--release` on 2 cores);
#   - the first time, generates a synthetic catalog with TMDB-like skew (genres, keywords, cast,
#     popularity, vote counts, a few very common title words) into the embedded store of
#     target/scale-data/<sizes>/ (SQLite, the adapter's own schema and search tables), its
#     users' accounts beside it, and the reviews into the MariaDB database `movieverse_scale`
#     (one movie with 200,000 reviews, one user with 5,000, one with 500 ratings for
#     recommendations). Later runs with the same sizes reuse both (a marker in each, written
#     last); other sizes regenerate (the catalog beside the others, MariaDB's replaced);
#   - serves the movies, people and reviews routers in process, empties the cache before every
#     request, and times each route (warm-up first), one request at a time on one thread.
#
# Knobs (defaults are the issue's sizes):
#   SCALE_MOVIES=1000000 SCALE_PEOPLE=1000000 SCALE_USERS=250000 SCALE_REVIEWS=5000000
#   SCALE_BIG_MOVIE_REVIEWS=200000 SCALE_HEAVY_USER_REVIEWS=5000 SCALE_RATER_REVIEWS=500
#   SCALE_REQUESTS=40 (timed per route)  SCALE_WARMUP=3  SCALE_ONLY=<text> (routes whose label
#   contains it)  SCALE_DATA_DIR=target/scale-data
#   SCALE_MYSQL_URL (else MV_MYSQL_URL, else mysql://root@127.0.0.1:3306/mysql): the server; the
#   bench works in its own database `movieverse_scale` there (drop it to free the space).
#
# Needs: MariaDB (or MySQL) on SCALE_MYSQL_URL. At the default sizes: 6.5 GB of disk under
# target/scale-data and 3.9 GB in MariaDB; memory while generating is the review plan, the
# filmographies and SQLite's page cache (up to 1 GB). On a shared 2-core machine generation took
# 22 minutes (catalog 13, written while the reviews were; the reviews 22) and measuring, at
# SCALE_REQUESTS=30, 10 minutes (the slow routes take seconds a request). Later runs reuse the
# data and only measure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

printf '==> building movieverse-scale (profile scale)\n' >&2
cargo build --profile scale -p movieverse-bench --bin movieverse-scale
exec "$CARGO_TARGET_DIR/scale/movieverse-scale"
