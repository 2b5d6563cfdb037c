#!/usr/bin/env bash
# Peak memory of the CLI against a hostile server (issue 12): `analyses --json` against endless
# pages for 10 s and for 40 s (flat: the same peak), and `jobs get` against a 2 GiB answer and
# an endless one (bounded by the 64 MiB cap). Usage: bench/hostile.sh [path/to/rescale]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/rescale}
PORT=${PORT:-18712}
python3 bench/hostile_server.py "$PORT" &
SERVER=$!
trap 'kill $SERVER' EXIT
sleep 1
URL=http://127.0.0.1:$PORT
rss() { grep "Maximum resident" "$1" | awk '{print $6}'; }
for secs in 10 40; do
  /usr/bin/time -v -o /tmp/hostile-time.txt timeout -s INT "$secs" \
    "$BIN" --base-url "$URL" --api-key k analyses --json > /tmp/hostile-out.json 2> /dev/null || true
  echo "analyses --json, endless pages, ${secs} s: peak RSS $(rss /tmp/hostile-time.txt) KiB, $(grep -c '"code"' /tmp/hostile-out.json) analyses printed"
done
for job in big endless; do
  /usr/bin/time -v -o /tmp/hostile-time.txt "$BIN" --base-url "$URL" --api-key k jobs get "$job" \
    > /dev/null 2> /tmp/hostile-err.txt || true
  echo "jobs get $job: peak RSS $(rss /tmp/hostile-time.txt) KiB, wall $(grep 'Elapsed (wall' /tmp/hostile-time.txt | awk '{print $8}'): $(head -1 /tmp/hostile-err.txt)"
done
