#!/usr/bin/env bash
# One more day, measured again and again: for each bre binary given, a
# workspace of N events (bench/out, as run_scan_speed.sh) scanned once, then
# REPEATS times a copy of it with one more day of events ingested and
# scanned. Prints wall seconds, max RSS and the scan's durations_ms per run.
# Runs the binaries one after the other, so an A/B of two builds shares the
# machine's state (on a shared machine that is what makes them comparable).
# Usage: bench/run_one_more_day.sh BRE [BRE ...]      N=100000 REPEATS=5 bench/run_one_more_day.sh build/bre
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${N:-1000000}
repeats=${REPEATS:-3}
source "$here/lib.sh"
events=$(bench_events "$n" 42)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo "| bre | run | wall s | max RSS MB | durations_ms |"
echo "|---|---|---|---|---|"
for bre in "$@"; do
  base=$dir/base.sqlite
  rm -f "$base"
  "$bre" --workspace "$base" init --currency USD >/dev/null
  "$bre" --workspace "$base" ingest file "$events" --source events >/dev/null
  "$bre" --workspace "$base" build-state --full >/dev/null
  "$bre" --workspace "$base" scan >/dev/null
  last=$(sqlite3 "$base" "SELECT date(max(event_time) / 1000, 'unixepoch', '+1 day') FROM events")
  python3 "$here/next_day.py" --day "$last" --count $((n * 55 / 10000)) --out "$dir/day.jsonl"
  for run in $(seq 1 "$repeats"); do
    cp "$base" "$dir/w.sqlite"
    "$bre" --workspace "$dir/w.sqlite" ingest file "$dir/day.jsonl" --source events >/dev/null
    /usr/bin/time -f "%e %M" -o "$dir/time" "$bre" --workspace "$dir/w.sqlite" --format json scan >"$dir/scan.json"
    read -r wall rss <"$dir/time"
    ms=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['durations_ms'])" "$dir/scan.json")
    printf '| %s | %d | %.2f | %d | %s |\n' "$bre" "$run" "$wall" "$((rss / 1024))" "$ms"
  done
done
