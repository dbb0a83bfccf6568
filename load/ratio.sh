#!/usr/bin/env bash
# How close Carespace's signed-in pages come to the stack itself: starts a release build of
# Carespace (demo data) and the bare baseline (`load/bare`: axum, one indexed SELECT, a small
# page) side by side on the same database, runs `wrk -t2 -c32` against each in turn, and prints
# Carespace's throughput as a share of the baseline's for the client's dashboard, the members
# page and the audit log, on SQLite and on PostgreSQL. Run on demand, never in CI.
#
# Goals (reported, not a test): dashboard ≥ 0.6× the baseline on SQLite and ≥ 0.5× on
# PostgreSQL; members and audit pages ≥ 0.4×. The exit status is 1 when a goal is missed.
#
#   bash load/ratio.sh [SECONDS_PER_RUN] [ROUNDS] [sqlite|postgres|both]
#
# PostgreSQL: LOAD_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432) names a server
# where the script may create and drop a database of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"
rounds="${2:-3}"
backends="${3:-both}"
postgres_server="${LOAD_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
carespace_port=18100
bare_port=18101

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
cargo build --release --locked -p carespace-cli --bin carespace \
  -p carespace-load-bare --bin carespace-load-bare

work=$(mktemp -d)
pids=()
database=""
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=()
  if [[ -n "$database" ]]; then
    psql -q "$postgres_server/postgres" -c "DROP DATABASE IF EXISTS $database" >/dev/null || true
    database=""
  fi
}
trap 'cleanup; rm -rf "$work"' EXIT

wait_for() {
  for _ in $(seq 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "no answer from $1" >&2
  exit 1
}

source load/demo_login.sh

# Logs in as a demo person (with the second step where they have one); prints the Cookie header
# of that browser.
login_as() {
  local email="$1" jar="$work/cookies-$1"
  demo_login "http://127.0.0.1:$carespace_port" "$email" "$jar" "$server_out"
  sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 { printf "%s=%s; ", $6, $7 }'
}

# Requests per second of one wrk run; refuses a run that was not all 200s.
rate() {
  local url="$1" cookie="$2" out="$work/wrk.txt" status
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$url")
  [[ "$status" == 200 ]] || { echo "$url answers $status, not 200" >&2; exit 1; }
  wrk -t2 -c32 -d"${seconds}s" -H "Cookie: $cookie" "$url" >"$out"
  if grep -q "Non-2xx" "$out"; then
    echo "$url: some answers were not 2xx" >&2
    cat "$out" >&2
    exit 1
  fi
  awk '/Requests\/sec/ { print $2 }' "$out"
}

missed=0

# Runs every page against the baseline on one database and prints the ratios.
measure() {
  local backend="$1" url="$2" dashboard_goal="$3"
  local data="$work/$backend"
  mkdir -p "$data"
  DATABASE_URL="$url" target/release/carespace serve --demo \
    --listen "127.0.0.1:$carespace_port" --data-dir "$data" >"$data/server.out" 2>"$data/server.log" &
  pids+=($!)
  wait_for "http://127.0.0.1:$carespace_port/healthz"
  DATABASE_URL="$url" target/release/carespace-load-bare "127.0.0.1:$bare_port" 2>"$data/bare.log" &
  pids+=($!)
  wait_for "http://127.0.0.1:$bare_port/h/de-linde"

  server_out="$data/server.out"
  local client owner
  client=$(login_as anna@demo.carespace.nl)
  owner=$(login_as claire@demo.carespace.nl)
  local bare="http://127.0.0.1:$bare_port/h/de-linde" base="http://127.0.0.1:$carespace_port"

  # Warm both up (connections, statement caches) before anything counts.
  seconds=2 rate "$bare" "" >/dev/null
  seconds=2 rate "$base/h/de-linde" "$client" >/dev/null

  local page name path who goal cookie ours theirs one
  for page in "dashboard /h/de-linde client $dashboard_goal" \
    "members /h/de-linde/members owner 0.4" "audit /h/de-linde/audit owner 0.4"; do
    read -r name path who goal <<<"$page"
    if [[ "$who" == client ]]; then cookie="$client"; else cookie="$owner"; fi
    ours=0
    theirs=0
    for _ in $(seq "$rounds"); do
      one=$(rate "$bare" "")
      theirs=$(awk -v a="$theirs" -v b="$one" 'BEGIN { print a + b }')
      one=$(rate "$base$path" "$cookie")
      ours=$(awk -v a="$ours" -v b="$one" 'BEGIN { print a + b }')
    done
    awk -v backend="$backend" -v name="$name" -v path="$path" -v ours="$ours" \
      -v theirs="$theirs" -v n="$rounds" -v goal="$goal" 'BEGIN {
        ratio = ours / theirs
        printf "%-8s %-9s %-20s carespace %6.0f req/s  bare %6.0f req/s  %.2fx  goal %.1fx %s\n",
          backend, name, path, ours / n, theirs / n, ratio, goal, (ratio >= goal ? "met" : "MISSED")
        exit ratio >= goal ? 0 : 1
      }' || missed=1
  done
  cleanup
}

echo "wrk -t2 -c32, ${seconds}s per run, $rounds alternating rounds per page"
if [[ "$backends" == sqlite || "$backends" == both ]]; then
  measure sqlite "sqlite://$work/sqlite/carespace.db?mode=rwc" 0.6
fi
if [[ "$backends" == postgres || "$backends" == both ]]; then
  database="carespace_load_$$"
  psql -q "$postgres_server/postgres" -c "CREATE DATABASE $database" >/dev/null
  measure postgres "$postgres_server/$database" 0.5
fi
exit "$missed"
