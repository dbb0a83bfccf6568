#!/usr/bin/env bash
# A large document through the record's file pipeline: uploads a file of SIZE MiB (default
# 1024) as the demo client and downloads it again, against `cp` of the same file on the same
# disk, and reports the server's peak memory (VmHWM) before and after. The goal: each transfer
# at least half as fast as `cp`, and the server's peak resident memory growing by less than
# 64 MiB. Starts a release build with demo data and a document limit above SIZE. Run on demand,
# never in CI.
#
#   bash load/record_files.sh [SIZE_MIB]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib="${1:-1024}"
port=18083
base="http://127.0.0.1:$port"

cargo build --release --locked --bin carespace
source load/demo_login.sh

data_dir=$(mktemp -d -p "${TMPDIR:-/var/tmp}")
CARESPACE_FILES__DOCUMENT_MAX_MB=$((size_mib * 2)) \
  target/release/carespace serve --demo --listen "127.0.0.1:$port" --data-dir "$data_dir/server" \
  >"$data_dir/server.out" 2>"$data_dir/server.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done

# A PDF by its first bytes, random after that (nothing compresses or deduplicates it).
file="$data_dir/large.pdf"
{ printf '%%PDF-1.7\n'; head -c "$((size_mib * 1024 * 1024 - 9))" /dev/urandom; } >"$file"
sync

peak() { awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$server/status"; }
seconds() { python3 -c 'import time; print(time.time())'; }
rate() { python3 -c "print(f'{$size_mib / ($2 - $1):.0f} MiB/s')"; }

start=$(seconds)
cp "$file" "$data_dir/copy.pdf" && sync
cp_end=$(seconds)
rm -f "$data_dir/copy.pdf"

jar="$data_dir/jar"
demo_login "$base" anna@demo.carespace.nl "$jar" "$data_dir/server.out"
page=$(mktemp)
curl -fs -b "$jar" -c "$jar" "$base/record" -o "$page"
csrf=$(form_csrf "$page")
before=$(peak)

up_start=$(seconds)
curl -fs -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}\n' \
  -F "csrf_token=$csrf" -F "title=Large scan" -F "note=" -F "file=@$file;type=application/pdf" \
  "$base/record/documents"
sync
up_end=$(seconds)

curl -fs -b "$jar" "$base/record" -o "$page"
item=$(grep -o 'href="/record/items/[^"]*"' "$page" | head -1 | sed 's/.*items\///; s/"$//')
down_start=$(seconds)
curl -fs -b "$jar" -o "$data_dir/back.pdf" "$base/record/items/$item/file"
down_end=$(seconds)
after=$(peak)
cmp "$file" "$data_dir/back.pdf" && echo "the download is the upload, byte for byte"

echo "== $size_mib MiB"
echo "cp:       $(rate "$start" "$cp_end")"
echo "upload:   $(rate "$up_start" "$up_end")  ($(python3 -c "print(f'{($cp_end - $start) / ($up_end - $up_start):.2f}')")x cp)"
echo "download: $(rate "$down_start" "$down_end")  ($(python3 -c "print(f'{($cp_end - $start) / ($down_end - $down_start):.2f}')")x cp)"
echo "server peak RSS: ${before} MiB before, ${after} MiB after (growth $((after - before)) MiB)"
rm -f "$page"
