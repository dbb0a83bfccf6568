#!/usr/bin/env bash
# The kill -9 loop: a release build of carespace under parallel registrations, invitations and
# profile changes, killed with SIGKILL at a random moment and restarted, ROUNDS times; then
# restarted once more and drained. Prints what was acknowledged, lost, queued, delivered once,
# missing or twice, left running, and how long the drain took after the last restart. Exits 1
# when a promise was broken. Run on demand, never in CI (a story test runs five rounds).
#
#   bash load/crash_loop.sh [sqlite|postgres] [ROUNDS] [extra options of the crash_loop example]
#
# CRASH_LOOP_PROFILE=debug uses a debug build (quicker to build; the figures are about what is
# lost or repeated, not speed). PostgreSQL is reached at TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432); the
# loop creates a database of its own there and drops it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
database="${1:-sqlite}"
rounds="${2:-100}"
shift $(( $# < 2 ? $# : 2 ))
profile="${CRASH_LOOP_PROFILE:-release}"
flags=(--locked)
[ "$profile" = release ] && flags+=(--release)
cargo build "${flags[@]}" -p carespace-tests -p carespace-cli --bin carespace --example crash_loop
CARESPACE_BINARY="$PWD/target/$profile/carespace" \
  "target/$profile/examples/crash_loop" --database "$database" --rounds "$rounds" "$@"
