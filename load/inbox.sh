#!/usr/bin/env bash
# The inbox under a full mailbox: starts a release build with demo data, adds 10,000
# conversations with 10 messages each (100,000 messages; rows written straight into the
# database, their texts random bytes, which the inbox never opens) between the demo client Anna
# and Bram, and measures `/messages` as Anna against the bare one-query handler of `load/bare`,
# with `wrk -t2 -c32`, on SQLite and on PostgreSQL. Goal: ≥ 0.4× the baseline. Run on demand,
# never in CI.
#
#   bash load/inbox.sh [SECONDS_PER_RUN] [sqlite|postgres|both]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"
backends="${2:-both}"
postgres_server="${LOAD_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
port=18110
bare_port=18111
conversations=10000
per_conversation=10

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
cargo build --release --locked -p carespace-cli --bin carespace \
  -p carespace-load-bare --bin carespace-load-bare
source load/demo_login.sh

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

# The seeding SQL: `$blob` is the backend's random-bytes expression. Times step back a minute
# per conversation so the inbox has a long past to page through.
seed_sql() {
  local blob="$1" anna="$2" bram="$3" hs="$4"
  cat <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $conversations)
INSERT INTO conversations (id, healthspace_id, kind, client_account_id, started_by, created_at,
                           last_message_at)
SELECT 'load-' || i, '$hs', 'care', '$anna', '$bram', 1700000000000 - i * 60000,
       1700000000000 - i * 60000 FROM n;
INSERT INTO conversation_participants (conversation_id, account_id, last_message_at, unread)
SELECT id, '$anna', last_message_at, 1 FROM conversations WHERE id LIKE 'load-%';
INSERT INTO conversation_participants (conversation_id, account_id, last_message_at, unread)
SELECT id, '$bram', last_message_at, 0 FROM conversations WHERE id LIKE 'load-%';
WITH RECURSIVE m(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM m WHERE j < $per_conversation)
INSERT INTO messages (id, conversation_id, sender_account_id, body, sent_at)
SELECT c.id || '-' || m.j, c.id, '$bram', $blob, c.last_message_at - m.j * 1000
FROM conversations c CROSS JOIN m WHERE c.id LIKE 'load-%';
-- The planner's statistics, as the database's own maintenance would have them after such growth
-- (PostgreSQL's autovacuum analyses; without it the inbox is planned for empty tables).
ANALYZE;
SQL
}

# Runs one SQL statement or script against the backend's database.
run_sql() {
  local backend="$1" target="$2"
  if [[ "$backend" == sqlite ]]; then sqlite3 "$target"; else psql -q -v ON_ERROR_STOP=1 "$target" >/dev/null; fi
}

query() {
  local backend="$1" target="$2" sql="$3"
  if [[ "$backend" == sqlite ]]; then sqlite3 "$target" "$sql"; else psql -At "$target" -c "$sql"; fi
}

rate() {
  local url="$1" cookie="$2" out="$work/wrk.txt" status
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$url")
  [[ "$status" == 200 ]] || { echo "$url answers $status, not 200" >&2; exit 1; }
  wrk -t2 -c32 -d"${seconds}s" -H "Cookie: $cookie" "$url" >"$out"
  if grep -q "Non-2xx" "$out"; then echo "$url: some answers were not 2xx" >&2; exit 1; fi
  awk '/Requests\/sec/ { print $2 }' "$out"
}

missed=0
measure() {
  local backend="$1" url="$2" target="$3" blob="$4"
  local data="$work/$backend"
  mkdir -p "$data"
  DATABASE_URL="$url" target/release/carespace serve --demo \
    --listen "127.0.0.1:$port" --data-dir "$data" >"$data/server.out" 2>"$data/server.log" &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/healthz"
  [[ "$backend" == sqlite ]] && target="$data/carespace.db"
  local anna bram hs
  anna=$(query "$backend" "$target" "SELECT id FROM accounts WHERE email = 'anna@demo.carespace.nl'")
  bram=$(query "$backend" "$target" "SELECT id FROM accounts WHERE email = 'bram@demo.carespace.nl'")
  hs=$(query "$backend" "$target" "SELECT healthspace_id FROM healthspace_aliases WHERE alias = 'de-linde'")
  seed_sql "$blob" "$anna" "$bram" "$hs" | run_sql "$backend" "$target"
  echo "$backend: $(query "$backend" "$target" "SELECT COUNT(*) FROM messages") messages in \
$(query "$backend" "$target" "SELECT COUNT(*) FROM conversations") conversations"
  DATABASE_URL="$url" target/release/carespace-load-bare "127.0.0.1:$bare_port" 2>"$data/bare.log" &
  pids+=($!)
  wait_for "http://127.0.0.1:$bare_port/h/de-linde"
  local jar="$data/jar" cookie
  demo_login "http://127.0.0.1:$port" anna@demo.carespace.nl "$jar" "$data/server.out"
  cookie=$(sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 { printf "%s=%s; ", $6, $7 }')
  local bare="http://127.0.0.1:$bare_port/h/de-linde" inbox="http://127.0.0.1:$port/messages"
  seconds=2 rate "$bare" "" >/dev/null
  seconds=2 rate "$inbox" "$cookie" >/dev/null
  local theirs ours
  theirs=$(rate "$bare" "")
  ours=$(rate "$inbox" "$cookie")
  awk -v b="$backend" -v ours="$ours" -v theirs="$theirs" 'BEGIN {
    ratio = ours / theirs
    printf "%-8s /messages  carespace %6.0f req/s  bare %6.0f req/s  %.2fx  goal 0.4x %s\n",
      b, ours, theirs, ratio, (ratio >= 0.4 ? "met" : "MISSED")
    exit ratio >= 0.4 ? 0 : 1
  }' || missed=1
  cleanup
}

echo "wrk -t2 -c32, ${seconds}s per run"
if [[ "$backends" == sqlite || "$backends" == both ]]; then
  measure sqlite "sqlite://$work/sqlite/carespace.db?mode=rwc" "" "randomblob(64)"
fi
if [[ "$backends" == postgres || "$backends" == both ]]; then
  database="carespace_load_$$"
  psql -q "$postgres_server/postgres" -c "CREATE DATABASE $database" >/dev/null
  measure postgres "$postgres_server/$database" "$postgres_server/$database" \
    "decode(md5(random()::text), 'hex')"
fi
exit "$missed"
