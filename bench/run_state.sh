#!/usr/bin/env bash
# Times `bre build-state` (full), `bre detect`, `bre correlate`, `bre rca --all`
# and a whole `bre scan` over a workspace holding
# N canonical events (default 10^6, from bench/gen_events.py, reused from
# bench/out/ when present). Prints a Markdown table.
# Usage: bench/run_state.sh            BRE=/path/to/bre N=100000 bench/run_state.sh
#        ZONE=America/New_York bench/run_state.sh   (the business time zone; default UTC)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bre=${BRE:-$here/../build/bre}
n=${N:-1000000}
source "$here/lib.sh"
events=$(bench_events "$n" 42)
ws=$(mktemp -d)/bench.sqlite
"$bre" --workspace "$ws" init --currency USD --timezone "${ZONE:-UTC}" >/dev/null
"$bre" --workspace "$ws" ingest file "$events" --source events >/dev/null
measure() {  # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$ws.time" "$@" >/dev/null
  read -r wall user sys rss <"$ws.time"
  printf '| %s | %s | %.2f | %.2f | %d |\n' "$label" "$n" "$wall" "$(awk "BEGIN { print $user + $sys }")" "$((rss / 1024))"
}
echo "| step | events | wall s | CPU s | max RSS MB |"
echo "|---|---|---|---|---|"
measure "build-state --full" "$bre" --workspace "$ws" build-state --full
measure "detect (3 layers)" "$bre" --workspace "$ws" detect
measure "detect --methods mad" "$bre" --workspace "$ws" detect --methods mad
measure "detect (3 layers)" "$bre" --workspace "$ws" detect
measure "correlate" "$bre" --workspace "$ws" correlate
measure "rca --all (chains + blast radius)" "$bre" --workspace "$ws" rca --all
measure "scan (state up to date)" "$bre" --workspace "$ws" scan
rm -rf "$(dirname "$ws")"
