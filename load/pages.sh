#!/usr/bin/env bash
# Load check of the pages on loopback: starts a release build of Carespace on embedded
# SQLite in a temporary directory, runs wrk against a few routes for a bounded time, prints
# throughput and latency percentiles, and stops the server. The public pages are asked as a
# visitor; a Healthspace's pages as the demo owner, logged in. Run on demand, never in CI.
#
#   bash load/pages.sh [SECONDS_PER_ROUTE]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-8}"
port=18080

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
cargo build --release --locked --bin carespace

data_dir=$(mktemp -d)
target/release/carespace serve --demo --listen "127.0.0.1:$port" --data-dir "$data_dir" \
  >"$data_dir/server.out" 2>"$data_dir/server.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

# A browser that already has its CSRF cookie, asking for Dutch.
cookie="csrf=$(printf 'a%.0s' $(seq 64))"
for route in / /login /healthz /no/such/page; do
  echo "== GET $route"
  wrk -t2 -c32 -d"${seconds}s" --latency -H "Accept-Language: nl" -H "Cookie: $cookie" \
    "http://127.0.0.1:$port$route" | grep -E "Requests/sec|  50%|  99%"
done

# The demo owner logs in once (with her authenticator code); her session cookie then asks for
# the Healthspace's pages.
source load/demo_login.sh
base="http://127.0.0.1:$port"
jar="$data_dir/cookies"
demo_login "$base" claire@demo.carespace.nl "$jar" "$data_dir/server.out"
session=$(sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 { printf "%s=%s; ", $6, $7 }')
for route in /h/de-linde /h/de-linde/members /h/de-linde/seats /h/de-linde/audit; do
  echo "== GET $route (logged in)"
  wrk -t2 -c32 -d"${seconds}s" --latency -H "Cookie: $session" "$base$route" \
    | grep -E "Requests/sec|Non-2xx|  50%|  99%"
done
