#!/usr/bin/env bash
# What an idle live stream costs: starts a release build of Carespace (demo data, SQLite),
# logs the demo client in, opens N idle `GET /events` streams (default 10,000) with
# `load/sse_client.py`, and prints the server's resident memory before and after and the KiB
# per stream. Run on demand, never in CI.
#
# Goal (reported): at most 8 KiB per idle stream. The exit status is 1 when it is missed.
#
#   bash load/sse_memory.sh [STREAMS]
set -euo pipefail
cd "$(dirname "$0")/.."
streams="${1:-10000}"
port=18110
base="http://127.0.0.1:$port"

# Each end (the server, the client) holds one descriptor per stream.
ulimit -n $((streams + 1024))
cargo build --release --locked -p carespace-cli --bin carespace

work=$(mktemp -d)
server=""
holder=""
cleanup() {
  [[ -n "$holder" ]] && { kill "$holder" 2>/dev/null || true; wait "$holder" 2>/dev/null || true; }
  [[ -n "$server" ]] && { kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

target/release/carespace serve --demo --listen "127.0.0.1:$port" --data-dir "$work/data" \
  >"$work/server.out" 2>"$work/server.log" &
server=$!
for _ in $(seq 100); do curl -fs -o /dev/null "$base/healthz" && break; sleep 0.1; done

source load/demo_login.sh
demo_login "$base" anna@demo.carespace.nl "$work/jar" "$work/server.out"
sed 's/^#HttpOnly_//' "$work/jar" | awk '!/^#/ && NF >= 7 { printf "%s=%s; ", $6, $7 }' \
  >"$work/cookies"
echo >>"$work/cookies"

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$server/status"; }

# Warm up: a page and one stream opened and closed, so that pools and caches are in place.
curl -fs -o /dev/null -H "Cookie: $(cat "$work/cookies")" "$base/record"
curl -s -o /dev/null -m 1 -H "Cookie: $(cat "$work/cookies")" "$base/events" || true
sleep 1
before=$(rss)

mkfifo "$work/hold"
python3 load/sse_client.py hold 127.0.0.1 "$port" "$work/cookies" "$streams" \
  <"$work/hold" >"$work/client.out" &
holder=$!
exec 3>"$work/hold"
for _ in $(seq 600); do grep -q '^open' "$work/client.out" && break; sleep 0.5; done
read -r _ opened refused <"$work/client.out"
# Let the first keep-alives (and their session checks) pass, so that what stays is counted.
sleep 20
after=$(rss)
exec 3>&-

awk -v n="$opened" -v refused="$refused" -v before="$before" -v after="$after" 'BEGIN {
  per = (after - before) / n
  printf "streams open %d (refused %d)\nserver RSS before %d KiB, after %d KiB\n", n, refused, before, after
  printf "%.2f KiB per idle stream, goal 8 KiB: %s\n", per, (per <= 8 ? "met" : "MISSED")
  exit (per <= 8 && refused == 0) ? 0 : 1
}'
