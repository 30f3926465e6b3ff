#!/usr/bin/env bash
# Load benchmark: a release server on a fresh Kunshan demo database, signed in through the real
# login form, wrk on /healthz and the signed-in pages at several connection counts, on SQLite and
# on PostgreSQL. Prints req/s, p50, p99 and the share of the floor (/healthz without a session, same
# run, same connection count), and the server's resident memory after start-up and after the load.
#
#   scripts/load.sh                      # both databases, 16/64/256 connections, 10 s per point
#   LOAD_DURATION=5 LOAD_CONNS="64" scripts/load.sh sqlite
#   SHEGONG_BIN=/path/to/shegong scripts/load.sh postgres   # skip the build, use this binary
#
# Arguments: the databases to run (`sqlite`, `postgres`; default both). Environment:
#   LOAD_DURATION   seconds per point (default 10)        LOAD_CONNS   connection counts (default "16 64 256")
#   LOAD_THREADS    wrk threads (default 2)               LOAD_PATHS   paths to load (default: the list below)
#   LOAD_USER       demo user to sign in as (default bureau)
#   LOAD_POSTGRES   server URL whose database is replaced by a fresh one
#                   (default postgres://postgres@127.0.0.1:5432/postgres; skipped when unreachable)
#   SHEGONG_BIN     a built binary (default: `cargo build --release` and target/release/shegong)
#
# Everything it starts (server, temporary database) is stopped or removed on exit. It talks to
# 127.0.0.1 only. wrk is installed with apt-get when missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${LOAD_DURATION:-10}"
conns="${LOAD_CONNS:-16 64 256}"
threads="${LOAD_THREADS:-2}"
user="${LOAD_USER:-bureau}"
pg_server="${LOAD_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
password="Load-Bench-$$-Ks"
default_paths=(
  "/healthz|floor"
  "/login|anon"
  "/healthz|session"
  "/api/v1/orgs?per_page=50|session"
  "/orgs|session"
  "/services/figures?year=2022|session"
  "/party/coverage|session"
  "/|session"
)
if [ -n "${LOAD_PATHS:-}" ]; then
  read -r -a default_paths <<<"$LOAD_PATHS"
fi
backends=("$@")
[ "${#backends[@]}" -eq 0 ] && backends=(sqlite postgres)

work="$(mktemp -d -t shegong-load.XXXXXX)"
server_pid=""
pg_db=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
  if [ -n "$pg_db" ]; then
    PGOPTIONS="-c client_min_messages=warning" psql "$pg_server" -q -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
    pg_db=""
  fi
}
trap 'cleanup; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- tools and binary
if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q wrk </dev/null >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk </dev/null >/dev/null; }
fi
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

bin="${SHEGONG_BIN:-}"
if [ -z "$bin" ]; then
  echo "building the release binary (cargo build --release -p shegong)" >&2
  (cd "$root" && cargo build --release -p shegong --locked >&2)
  bin="${CARGO_TARGET_DIR:-$root/target}/release/shegong"
fi
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 1; }

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# CPU time (user + system, all threads) of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
hz="$(getconf CLK_TCK)"

# wrk's latency ("1.23ms", "850.00us", "1.20s") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}

# ---------------------------------------------------------------- one backend
start_server() { # database-url
  local log="$work/server.log"
  : >"$log"
  SHEGONG_DEMO_PASSWORD="$password" SHEGONG_DATA_DIR="$work/data" \
    RUST_LOG="${RUST_LOG:-info}" "$bin" serve --demo --database "$1" --addr 127.0.0.1:0 >"$log" 2>&1 &
  server_pid=$!
  local i
  for i in $(seq 1 600); do
    base="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n 1 || true)"
    [ -n "$base" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  echo "the server did not start" >&2
  cat "$log" >&2
  return 1
}

sign_in() {
  local jar="$work/cookies" page csrf code
  rm -f "$jar"
  page="$(curl -s -c "$jar" "$base/login")"
  csrf="$(printf '%s' "$page" | grep -o 'name="_csrf" value="[0-9a-f]*"' | head -n 1 | sed 's/.*value="//; s/"$//')"
  [ -n "$csrf" ] || { echo "no CSRF field on /login" >&2; return 1; }
  code="$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" \
    --data-urlencode "_csrf=$csrf" --data-urlencode "username=$user" --data-urlencode "password=$password" \
    --data-urlencode "next=/" "$base/login")"
  [ "$code" = "303" ] || { echo "sign-in as $user answered $code" >&2; return 1; }
  session="$(awk '$6 == "sg_session" {print $7}' "$jar")"
  [ -n "$session" ] || { echo "no session cookie after sign-in" >&2; return 1; }
  # The first signed-in page (a fresh session may still owe nothing: check it is usable).
  # Every signed-in path to load must answer 200 for this user (a 403 would be timed as a page).
  local spec p
  for spec in "${default_paths[@]}"; do
    [ "${spec#*|}" = "session" ] || continue
    p="${spec%|*}"
    code="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: sg_session=$session" "$base$p")"
    [ "$code" = "200" ] || { echo "$p answered $code after sign-in as $user" >&2; return 1; }
  done
}

# Runs wrk on one path; sets rps, p50, p99, errors, and cpu (the server's CPU time per request
# in microseconds: steadier than req/s on a machine shared with other work).
run_wrk() { # path kind conns seconds
  local url="$base$1" out t0 t1 n
  local args=(-t "$threads" -c "$3" -d "${4}s" --timeout 10s --latency)
  if [ "$2" = "session" ]; then
    args+=(-H "Cookie: sg_session=$session")
  fi
  t0="$(cpu_ticks "$server_pid")"
  out="$(wrk "${args[@]}" "$url" 2>&1)" || { echo "$out" >&2; return 1; }
  t1="$(cpu_ticks "$server_pid")"
  n="$(printf '%s\n' "$out" | awk '/requests in/ {print $1}')"
  cpu="$(awk -v t="$((t1 - t0))" -v n="$n" -v hz="$hz" 'BEGIN { printf "%.0f", (n > 0 ? t * 1e6 / hz / n : 0) }')"
  rps="$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ {print $2}')"
  p50="$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "50%" {print $2}')")"
  p99="$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')")"
  errors="$(printf '%s\n' "$out" | awk '/Non-2xx or 3xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}')"
}

# Statements one request costs (warm), from the server's own counter on /metrics (empty when the
# server has none, e.g. an older build).
statements_of() { # path kind
  local hdr=() before after
  [ "$2" = "session" ] && hdr=(-H "Cookie: sg_session=$session")
  curl -s -o /dev/null "${hdr[@]}" "$base$1"
  before="$(curl -s "$base/metrics" | awk '/^shegong_db_statements_total/ {print $2}')"
  curl -s -o /dev/null "${hdr[@]}" "$base$1"
  after="$(curl -s "$base/metrics" | awk '/^shegong_db_statements_total/ {print $2}')"
  if [ -n "$before" ] && [ -n "$after" ]; then echo $((after - before)); else echo "-"; fi
}

run_backend() { # name database-url
  local name="$1" url="$2" c entry path kind floor share
  echo >&2
  echo "== $name: starting a release server on a fresh demo database" >&2
  start_server "$url"
  sleep 1
  local rss_start; rss_start="$(rss_kb "$server_pid")"
  sign_in
  # Warm-up: every path once for a second (page caches, prepared statements, pools).
  for entry in "${default_paths[@]}"; do
    run_wrk "${entry%%|*}" "${entry##*|}" 16 1 >/dev/null
  done
  local rss_warm; rss_warm="$(rss_kb "$server_pid")"
  for c in $conns; do
    floor=""
    for entry in "${default_paths[@]}"; do
      path="${entry%%|*}"
      kind="${entry##*|}"
      stmts="$(statements_of "$path" "$kind")"
      run_wrk "$path" "$kind" "$c" "$duration"
      [ "$kind" = "floor" ] && floor="$rps"
      if [ -n "$floor" ]; then
        share="$(awk -v a="$rps" -v b="$floor" 'BEGIN { printf "%.1f %%", (b > 0 ? 100 * a / b : 0) }')"
      else
        share="-"
      fi
      label="$path"
      [ "$kind" = "session" ] && [ "$path" = "/healthz" ] && label="/healthz (signed in)"
      printf '%-10s %-30s %6s %10s %9s %9s %9s %7s %6s %7s\n' "$name" "$label" "$c" "$rps" "$p50" "$p99" "$share" "$cpu" "$stmts" "$errors"
    done
  done
  local rss_end; rss_end="$(rss_kb "$server_pid")"
  printf '%-10s resident memory: %s MB after start-up with the demo, %s MB after warm-up, %s MB after the load\n' \
    "$name" "$(( rss_start / 1024 ))" "$(( rss_warm / 1024 ))" "$(( rss_end / 1024 ))" >>"$work/memory"
  cleanup
}

printf '%-10s %-30s %6s %10s %9s %9s %9s %7s %6s %7s\n' "database" "path" "conns" "req/s" "p50 ms" "p99 ms" "share" "cpu µs" "stmts" "errors"
for b in "${backends[@]}"; do
  case "$b" in
    sqlite)
      mkdir -p "$work/sqlite"
      run_backend sqlite "$work/sqlite/shegong.db"
      ;;
    postgres)
      if ! command -v psql >/dev/null 2>&1 || ! psql "$pg_server" -q -c "SELECT 1" >/dev/null 2>&1; then
        echo "postgres   skipped: $pg_server is not reachable (or psql is missing)" | tee -a "$work/memory" >&2
        continue
      fi
      pg_db="shegong_load_$$"
      PGOPTIONS="-c client_min_messages=warning" psql "$pg_server" -q -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null
      psql "$pg_server" -q -c "CREATE DATABASE $pg_db" >/dev/null
      run_backend postgres "${pg_server%/*}/$pg_db"
      ;;
    *)
      echo "unknown database $b (sqlite, postgres)" >&2
      exit 2
      ;;
  esac
done
echo
cat "$work/memory" 2>/dev/null || true
echo "($(nproc) cores; wrk -t$threads, ${duration}s per point; share = req/s against /healthz without a session at the same connection count, same run;"
echo " cpu µs = the server's CPU time (all threads; PostgreSQL's own not included) per request; stmts = statements one"
echo " warm request runs (/metrics); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
