#!/usr/bin/env bash
# Issue 7's scan-speed measurements on a workspace of N events (default 10^6
# from gen_events.py, reused from bench/out/): per-stage milliseconds of
#   first scan        — after ingest + build-state --full, nothing remembered;
#   re-scan           — nothing changed: the stages keep the first scan's
#                       results (scan_reuse.h), only the state check and the
#                       monitor run run;
#   re-scan after a status change — a triage input changed: every stage
#                       runs, over the caches (state totals, blast-radius
#                       facts, causal chains, forest verdicts);
#   full re-scan      — --no-reuse: every stage recomputed over the stored
#                       state, the facts read from the whole log, every chain
#                       recomputed; layer-2 forest verdicts remembered;
#   full recompute    — the same with the forest verdicts forgotten;
#   incremental scan  — after one more day of events (bench/next_day.py) is ingested.
# Prints a Markdown table: wall and CPU seconds and max RSS from /usr/bin/time,
# then the scan's own durations_ms per stage.
# Usage: bench/run_scan_speed.sh      BRE=/path/to/bre N=100000 bench/run_scan_speed.sh
# SCAN_PREFIX runs each measured scan under a command (only the scans, not the
# minutes of generating and ingesting), e.g. SCAN_PREFIX="chrt -f 50" for
# steadier wall times on a shared machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bre=${BRE:-$here/../build/bre}
n=${N:-1000000}
source "$here/lib.sh"
events=$(bench_events "$n" 42)
dir=$(mktemp -d)
ws=$dir/bench.sqlite
trap 'rm -rf "$dir"' EXIT
"$bre" --workspace "$ws" init --currency USD >/dev/null
"$bre" --workspace "$ws" ingest file "$events" --source events >/dev/null
"$bre" --workspace "$ws" build-state --full >/dev/null
stages="build_state detect blast_radius_facts correlate rca_and_blast_radius monitor_generation postmortems monitor_run"
echo "| scan | events | wall s | CPU s | max RSS MB | $(echo $stages | sed 's/ / | /g') (ms) |"
echo "|---|---|---|---|---|$(for s in $stages; do printf -- '---|'; done)"
measure() {  # label [scan options]
  local label=$1
  shift
 ${SCAN_PREFIX:-} /usr/bin/time -f "%e %U %S %M" -o "$dir/time" "$bre" --workspace "$ws" --format json scan "$@" >"$dir/scan.json"
  read -r wall user sys rss <"$dir/time"
  ms=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['durations_ms']; print(' | '.join(str(d.get(s, '-')) for s in sys.argv[2].split()))" "$dir/scan.json" "$stages")
  printf '| %s | %s | %.2f | %.2f | %d | %s |\n' "$label" "$n" "$wall" "$(awk "BEGIN { print $user + $sys }")" "$((rss / 1024))" "$ms"
}
measure "first scan"
measure "re-scan, nothing changed (reused)"
# A person's triage changes a stage input: every stage runs again, over the
# caches (state totals, blast-radius facts, causal chains, forest verdicts).
incident=$(sqlite3 "$ws" "SELECT incident_id FROM incidents ORDER BY incident_id LIMIT 1")
"$bre" --workspace "$ws" incidents status "$incident" acknowledged >/dev/null
measure "re-scan after a status change (every stage runs, caches kept)"
measure "full re-scan (--no-reuse)" --no-reuse
sqlite3 "$ws" "DELETE FROM forest_verdicts"
measure "full recompute (--no-reuse, no remembered verdicts)" --no-reuse
last=$(sqlite3 "$ws" "SELECT date(max(event_time) / 1000, 'unixepoch', '+1 day') FROM events")
# One average day of this business: gen_events.py spreads N events over ~910 days.
python3 "$here/next_day.py" --day "$last" --count $((n * 55 / 10000)) --out "$dir/day.jsonl"
"$bre" --workspace "$ws" ingest file "$dir/day.jsonl" --source events >/dev/null
measure "incremental ($(wc -l <"$dir/day.jsonl") events of $last)"
