#!/usr/bin/env bash
# Login throughput against the raw argon2id rate, and whether hashing starves the runtime:
# starts a release build with demo data, floods POST /login (a demo account, right password)
# with wrk, and at the same time measures /healthz latency with a second wrk. Compare the login
# rate with `cargo run --release -p carespace-app --example hash_rate`. Run on demand, never in CI.
#
#   bash load/login.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
port=18081

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
cargo build --release --locked --bin carespace

data_dir=$(mktemp -d)
target/release/carespace serve --demo --listen "127.0.0.1:$port" --data-dir "$data_dir" \
  >"$data_dir/server.out" 2>"$data_dir/server.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

email=$(grep -m1 -o '[a-z]*@demo\.carespace\.nl' "$data_dir/server.out")
password=$(grep -m1 -o 'password: .*' "$data_dir/server.out" | cut -d' ' -f2-)
token=$(printf 'b%.0s' $(seq 64))
cat >"$data_dir/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrf=$token"
wrk.body = "csrf_token=$token&email=$email&password=${password// /+}"
LUA

echo "== POST /login as $email for ${seconds}s, alone"
wrk -t1 -c8 -d"${seconds}s" --latency -s "$data_dir/login.lua" "http://127.0.0.1:$port/login" \
  | grep -E "Requests/sec|Non-2xx|  50%|  99%"

echo "== POST /login for ${seconds}s, with GET /healthz alongside"
wrk -t1 -c8 -d"${seconds}s" --latency -s "$data_dir/login.lua" "http://127.0.0.1:$port/login" \
  >"$data_dir/login.txt" &
flood=$!
sleep 1
wrk -t1 -c4 -d"$((seconds - 3))s" --latency "http://127.0.0.1:$port/healthz" >"$data_dir/health.txt"
wait $flood
echo "-- logins"; grep -E "Requests/sec|Non-2xx|  50%|  99%" "$data_dir/login.txt"
echo "-- /healthz during the flood"; grep -E "Requests/sec|  50%|  99%" "$data_dir/health.txt"
