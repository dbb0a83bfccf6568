#!/usr/bin/env bash
# Denial-of-service check: starts Carespace (demo data, embedded SQLite, behind a "proxy" on
# loopback so each registration can come from an address of its own), then at the same moment
# sends 370 registrations and 30 uploads of a 9000 × 7000 single-colour PNG as profile photos
# (10 for each of three demo accounts), while /healthz is timed. Prints the answers by status,
# the server's peak resident memory and the /healthz latency percentiles. Goals: peak RSS under
# 300 MB, /healthz p99 under 100 ms, the server still up. Run on demand, never in CI.
#
#   bash load/flood.sh                # builds and runs the release binary
#   FLOOD_BIN=target/debug/carespace bash load/flood.sh
set -euo pipefail
cd "$(dirname "$0")/.."
port=18082
registrations=370
base="http://127.0.0.1:$port"

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
bin="${FLOOD_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release --locked --bin carespace
  bin=target/release/carespace
fi

work=$(mktemp -d)
cat >"$work/carespace.toml" <<TOML
[web]
trusted_proxies = ["127.0.0.1/32"]
TOML
"$bin" --config "$work/carespace.toml" serve --demo --listen "127.0.0.1:$port" \
  --data-dir "$work/data" >"$work/server.out" 2>"$work/server.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 300); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
curl -fs "$base/healthz" >/dev/null || { echo "the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
password=$(grep -m1 -o 'password: .*' "$work/server.out" | cut -d' ' -f2-)

# The picture: 9000 × 7000 pixels of one colour, a few hundred kilobytes of PNG.
python3 - "$work/huge.png" <<'PY'
import struct, sys, zlib
width, height = 9000, 7000
row = b"\0" + bytes((200, 30, 30)) * width
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
squeeze = zlib.compressobj(9)
idat = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
with open(sys.argv[1], "wb") as out:
    out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
PY
echo "picture: $(stat -c %s "$work/huge.png") bytes for 9000 x 7000 pixels"

# Ten logged-in browsers for each of three demo accounts, each with its form's CSRF token.
for who in anna bram claire; do
  for n in $(seq 10); do
    jar="$work/jar-$who-$n"
    login=$(curl -fs -c "$jar" -b "$jar" "$base/login")
    csrf=$(grep -o 'name="csrf_token" value="[^"]*"' <<<"$login" | head -1 | sed 's/.*value="//; s/"$//')
    curl -fs -c "$jar" -b "$jar" -o /dev/null -H "X-Forwarded-For: 10.9.$n.1" \
      --data-urlencode "csrf_token=$csrf" --data-urlencode "email=$who@demo.carespace.nl" \
      --data-urlencode "password=$password" "$base/login"
    account=$(curl -fs -c "$jar" -b "$jar" "$base/account")
    grep -o 'name="csrf_token" value="[^"]*"' <<<"$account" | head -1 \
      | sed 's/.*value="//; s/"$//' >"$jar.csrf"
  done
done

token=$(printf 'c%.0s' $(seq 64))
register() {
  curl -s -o /dev/null -w '%{http_code}\n' -b "csrf=$token" -H "X-Forwarded-For: 10.$(($1 / 250)).$(($1 % 250)).7" \
    --data-urlencode "csrf_token=$token" --data-urlencode "email=flood$1@example.nl" \
    --data-urlencode "full_name=Flood Tester" --data-urlencode "birth_date=1990-05-31" \
    --data-urlencode "password=lantern orbit meadow quietly $1" "$base/register"
}
upload() {
  local jar="$work/jar-$1"
  curl -s -o /dev/null -w '%{http_code}\n' -b "$jar" -F "csrf_token=$(cat "$jar.csrf")" \
    -F "photo=@$work/huge.png;type=image/png" "$base/account/photo"
}
export -f register upload
export base token work

echo "== $registrations registrations and 30 uploads at once, /healthz timed alongside"
wrk -t1 -c4 -d12s --latency "$base/healthz" >"$work/health.txt" &
health=$!
sleep 1
seq "$registrations" | xargs -P "$registrations" -I{} bash -c 'register {}' >"$work/register.txt" &
flood=$!
for who in anna bram claire; do for n in $(seq 10); do echo "$who-$n"; done; done \
  | xargs -P 30 -I{} bash -c 'upload {}' >"$work/upload.txt"
wait $flood
wait $health

echo "-- registrations by status"; sort "$work/register.txt" | uniq -c
echo "-- uploads by status"; sort "$work/upload.txt" | uniq -c
echo "-- /healthz during the flood"; grep -E "Requests/sec|  50%|  90%|  99%|Non-2xx" "$work/health.txt"
if kill -0 $server 2>/dev/null; then
  echo "-- server still up; peak memory: $(grep VmHWM /proc/$server/status)"
else
  echo "-- the server died" >&2
  exit 1
fi
