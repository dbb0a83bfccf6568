#!/usr/bin/env bash
# How long a message takes to reach the recipient's open page: starts a release build of
# Carespace with the demo data, opens 1,000 live streams (the demo client's, which the messages
# go to, and the rest idle ones of the demo owner), has the demo staff member send messages to the
# client one at a time, and prints the send→delivery latency (p50, p99, max): on one instance
# (SQLite), and with two instances on one PostgreSQL database (sent through one, streams on
# the other, through LISTEN/NOTIFY). Run on demand, never in CI.
#
#   bash load/live_latency.sh [MESSAGES] [STREAMS] [sqlite|postgres|both]
#
# PostgreSQL: LOAD_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432) names a server
# where the script may create and drop a database of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
messages="${1:-200}"
streams="${2:-1000}"
backends="${3:-both}"
postgres_server="${LOAD_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
port_a=18130
port_b=18131

ulimit -n $((streams + 1024))
cargo build --release --locked -p carespace-cli --bin carespace

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

# Prints the Cookie header of a demo person logged in at BASE.
cookie_of() {
  local base="$1" email="$2" jar="$work/jar-$2-$RANDOM"
  demo_login "$base" "$email" "$jar" "$server_out"
  sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 { printf "%s=%s; ", $6, $7 }'
}

serve() {
  local url="$1" port="$2" data="$3" demo="$4"
  DATABASE_URL="$url" target/release/carespace serve $demo --listen "127.0.0.1:$port" \
    --data-dir "$data" >>"$data/server-$port.out" 2>"$data/server-$port.log" &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/healthz"
}

# Logs the three demo people in once (sessions live in the database, so each instance takes
# them) and starts the conversation the messages go to.
people() {
  local base="http://127.0.0.1:$port_a" page to
  sender=$(cookie_of "$base" bram@demo.carespace.nl)
  recipient=$(cookie_of "$base" anna@demo.carespace.nl)
  idle=$(cookie_of "$base" claire@demo.carespace.nl)
  page=$(curl -fs -H "Cookie: $sender" "$base/messages/new")
  csrf=$(grep -o 'name="csrf_token" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//; s/"$//')
  to=$(grep -o 'value="[a-z0-9-]*:[0-9a-f-]\{36\}"' <<<"$page" | head -1 | sed 's/value="//; s/"$//')
  conversation=$(curl -fs -o /dev/null -w '%{redirect_url}' -H "Cookie: $sender" \
    --data-urlencode "csrf_token=$csrf" --data-urlencode "to=$to" \
    --data-urlencode "text=Start" "$base/messages/new")
  conversation="/${conversation#*://*/}"
}

# One run: streams on STREAM_PORT, messages sent through SEND_PORT.
measure() {
  local label="$1" stream_port="$2" send_port="$3"
  echo "$label:"
  python3 load/sse_client.py latency "$stream_port" "$recipient" "$idle" "$streams" \
    "$send_port" "$sender" "$csrf" "$conversation" "$messages"
}

echo "$messages messages one at a time, $streams open streams"
if [[ "$backends" == sqlite || "$backends" == both ]]; then
  data="$work/sqlite"
  mkdir -p "$data"
  serve "sqlite://$data/carespace.db?mode=rwc" "$port_a" "$data" --demo
  server_out="$data/server-$port_a.out"
  people
  measure "one instance, SQLite" "$port_a" "$port_a"
  cleanup
fi
if [[ "$backends" == postgres || "$backends" == both ]]; then
  database="carespace_live_$$"
  psql -q "$postgres_server/postgres" -c "CREATE DATABASE $database" >/dev/null
  data="$work/postgres"
  mkdir -p "$data"
  serve "$postgres_server/$database" "$port_a" "$data" --demo
  serve "$postgres_server/$database" "$port_b" "$data" ""
  server_out="$data/server-$port_a.out"
  people
  measure "one instance, PostgreSQL" "$port_a" "$port_a"
  measure "two instances, PostgreSQL (sent through A, streams on B)" "$port_b" "$port_a"
  cleanup
fi
