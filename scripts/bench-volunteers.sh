#!/usr/bin/env bash
# Volunteer figures at province scale: a SQLite database with the Kunshan demo plus N volunteer
# service records (`shegong demo --scale N`, default 10,000,000, written in batches
# through the store function that keeps the summary), then a release server on it. Times the
# figures API and page (read from the summary tables) against the raw SQL aggregate of the same
# figures over `volunteer_records` (sqlite3 CLI), for the whole city and one town, for a year, a
# month and a week. Prints a table of milliseconds (median of BENCH_RUNS runs, warm).
#
#   scripts/bench-volunteers.sh                 # 10,000,000 records
#   scripts/bench-volunteers.sh 1000000         # 1,000,000 records
#   SHEGONG_BIN=/path/to/shegong BENCH_DB=/tmp/v.db scripts/bench-volunteers.sh 1000000
#
# Environment: SHEGONG_BIN (a built binary; default `cargo build --release`), BENCH_DB (keep the
# database at this path and reuse it when it exists), BENCH_RUNS (default 5). Talks to 127.0.0.1
# only; stops the server it starts; removes the temporary directory (not BENCH_DB).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-10000000}"
runs="${BENCH_RUNS:-5}"
password="Bench-Volunteers-$$-Ks"
work="$(mktemp -d -t shegong-vbench.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed" >&2; exit 1; }

bin="${SHEGONG_BIN:-}"
if [ -z "$bin" ]; then
  echo "building the release binary (cargo build --release -p shegong)" >&2
  (cd "$root" && cargo build --release -p shegong --locked >&2)
  bin="${CARGO_TARGET_DIR:-$root/target}/release/shegong"
fi
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 1; }

db="${BENCH_DB:-$work/volunteers.db}"
export SHEGONG_DATA_DIR="$work/data" SHEGONG_DEMO_PASSWORD="$password"
if [ -n "${BENCH_DB:-}" ] && [ -s "$db" ]; then
  echo "reusing $db ($(sqlite3 "$db" 'SELECT COUNT(*) FROM volunteer_records') records)" >&2
  password="$(cat "$db.password")"
  export SHEGONG_DEMO_PASSWORD="$password" SHEGONG_DATA_DIR="$(dirname "$db")/$(basename "$db").data"
else
  [ -n "${BENCH_DB:-}" ] && { export SHEGONG_DATA_DIR="$db.data"; printf '%s' "$password" >"$db.password"; }
  echo "writing the demo and $n records into $db" >&2
  t0=$(date +%s.%N)
  "$bin" demo --database "$db" --scale "$n" >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "generated in %.0f s (%.0f records/s)\n", b - a, n / (b - a) }' >&2
fi
ls -l "$db" >&2
sqlite3 "$db" 'SELECT (SELECT COUNT(*) FROM volunteer_records) || " records, " || (SELECT COUNT(*) FROM volunteer_summary) || " summary rows, " || (SELECT COUNT(*) FROM volunteer_day_volunteers) || " volunteer-day rows"' >&2

# ---------------------------------------------------------------- server and sign-in
log="$work/server.log"
RUST_LOG=warn "$bin" serve --database "$db" --addr 127.0.0.1:0 >"$log" 2>&1 &
server_pid=$!
base=""
for _ in $(seq 1 600); do
  base="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n 1 || true)"
  [ -n "$base" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { echo "the server did not start" >&2; cat "$log" >&2; exit 1; }
jar="$work/cookies"
page="$(curl -s -c "$jar" "$base/login")"
csrf="$(printf '%s' "$page" | grep -o 'name="_csrf" value="[0-9a-f]*"' | head -n 1 | sed 's/.*value="//; s/"$//')"
code="$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" --data-urlencode "_csrf=$csrf" \
  --data-urlencode "username=bureau" --data-urlencode "password=$password" --data-urlencode "next=/" "$base/login")"
[ "$code" = "303" ] || { echo "sign-in answered $code" >&2; exit 1; }

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Milliseconds of one GET: the median of the warm runs, then the first run's (not counted in the
# median; for the page it is the uncached one: the page caches its figures at the data versions,
# the API does not).
time_get() { # path
  local first
  first="$(curl -s -o /dev/null -w '%{time_total}' -b "$jar" "$base$1" | awk '{ printf "%.1f", $1 * 1000 }')"
  printf '%s %s\n' "$(for _ in $(seq 1 "$runs"); do
    curl -s -o /dev/null -w '%{time_total}\n' -b "$jar" "$base$1"
  done | awk '{ printf "%.1f\n", $1 * 1000 }' | median)" "$first"
}

# Milliseconds of the raw aggregate of the same figures over the records: the wall time of the
# sqlite3 CLI running the three queries, less that of the CLI running `SELECT 1` (start-up).
time_raw() { # path-prefix from to
  local w="FROM volunteer_records WHERE service_date >= '$2' AND service_date <= '$3' AND unit_id IN (SELECT id FROM org_units WHERE path LIKE '$1%')"
  local q="SELECT SUM(person_times), SUM(minutes), COUNT(*), COUNT(DISTINCT volunteer_id), COUNT(DISTINCT unit_id) $w; \
SELECT service_type_id, SUM(person_times), SUM(minutes), COUNT(*) $w GROUP BY service_type_id; \
SELECT service_date, SUM(person_times), SUM(minutes), COUNT(*) $w GROUP BY service_date;"
  sqlite3 "$db" "$q" >/dev/null
  local t0 t1
  for _ in $(seq 1 "$runs"); do
    t0=$(date +%s%N); sqlite3 "$db" "$q" >/dev/null; t1=$(date +%s%N)
    awk -v a="$t0" -v b="$t1" -v z="$floor_ns" 'BEGIN { printf "%.1f\n", (b - a - z) / 1e6 }'
  done | median
}

floor_ns=0
for _ in 1 2 3; do t0=$(date +%s%N); sqlite3 "$db" "SELECT 1" >/dev/null; t1=$(date +%s%N); floor_ns=$((t1 - t0)); done
city="$(sqlite3 "$db" "SELECT id FROM org_units WHERE path = '/320583/'")"
town="$(sqlite3 "$db" "SELECT id FROM org_units WHERE path = '/320583/zhoushi/'")"
check="$(curl -s -b "$jar" "$base/api/v1/volunteers/figures?unit=$city&period=2022")"
echo "API 2022 city: $check" | cut -c1-400 >&2

printf '%-28s %-10s %10s %12s %10s %10s\n' "unit" "period" "API ms" "page 1st ms" "page ms" "raw SQL ms"
for u in "city:$city:/320583/" "town:$town:/320583/zhoushi/"; do
  name="${u%%:*}"; rest="${u#*:}"; id="${rest%%:*}"; path="${rest#*:}"
  for p in "2022:2022-01-01:2022-12-31" "2022-Q2:2022-04-01:2022-06-30" "2022-04:2022-04-01:2022-04-30" \
    "2022-W14:2022-04-04:2022-04-10" "2022-03-20..2022-07-01:2022-03-20:2022-07-01"; do
    period="${p%%:*}"; r="${p#*:}"; from="${r%%:*}"; to="${r#*:}"
    read -r api _ <<<"$(time_get "/api/v1/volunteers/figures?unit=$id&period=$period")"
    read -r pg cold <<<"$(time_get "/volunteers/figures?unit=$id&period=$period")"
    raw="$(time_raw "$path" "$from" "$to")"
    printf '%-28s %-10s %10s %12s %10s %10s\n' "$name ($path)" "$period" "$api" "$cold" "$pg" "$raw"
  done
done
