#!/usr/bin/env bash
# bre scan keeps the last scan's results when nothing its stages read changed
# (scan/scan_reuse.h), and the kept results are those a recomputation gives:
# a re-scan reuses every stage but the state check and the monitor run, its
# manifest says so, and the stored incidents, cascades, chains, blast radii,
# postmortems, monitors and alerts equal --no-reuse's byte for byte (run ids
# and generated_at aside). Each kind of change recomputes: one more event,
# a triage status, a label, a monitor switched off, the time zone, other
# detection layers, and a result table rewritten by another command.
source "$(dirname "$0")/lib.bash"
: "${BRE_SOURCE_DIR:?BRE_SOURCE_DIR must point at the repository}"

# field FILE FILTER: a value of a scan's JSON manifest, e.g. field s.json .reuse.from_run.
field() { jq -c -r "$2" "$1"; }
# scan NAME [ARGS]: bre scan into $WORK/NAME.json.
scan() {
  local name=$1
  shift
  run --format json scan "$@"
  expect_eq "$RC" 0 "scan $name ($ERR)"
  echo "$OUT" >"$WORK/$name.json"
}
expect_recomputed() {  # NAME WHY
  expect_eq "$(field "$WORK/$1.json" '.reuse.from_run')" "null" "$2 recomputes"
  expect_eq "$(field "$WORK/$1.json" '.durations_ms | has("detect")')" "true" "$2: detect ran"
}

run init --currency USD
set +e
gzip -dc "$BRE_SOURCE_DIR/golden/supplier_delay/events.jsonl.gz" | "$BRE" ingest file - --source events >/dev/null 2>"$WORK/stderr"
expect_eq "$?" 0 "ingest ($(cat "$WORK/stderr"))"
set -e

scan first
expect_recomputed first "the first scan"
first_run=$(field "$WORK/first.json" '.run_id')
[ "$(sql 'SELECT count(*) FROM postmortems')" -gt 0 ] || fail "the scenario gives postmortems"
stored_results "$BRE_WORKSPACE" >"$WORK/first.txt"

# Nothing changed: every stage but build-state and the monitor run is kept.
scan again
expect_eq "$(field "$WORK/again.json" '.reuse.from_run')" "$first_run" "a re-scan names the run it reuses"
expect_eq "$(field "$WORK/again.json" '.reuse.stages | join(",")')" \
  "detect,blast_radius_facts,correlate,rca_and_blast_radius,monitor_generation,postmortems" "the stages kept"
expect_eq "$(field "$WORK/again.json" '.durations_ms | keys_unsorted | join(",")')" "build_state,monitor_run" "only these ran"
expect_eq "$(field "$WORK/again.json" '.produced.state_mode')" "up_to_date" "state checked"
# Its manifest is the first's apart from what this run did itself.
same_manifest='del(.run_id, .started_at, .finished_at, .durations_ms, .reuse, .produced.state_mode, .produced.metric_rows, .produced.monitor_run)'
expect_eq "$(field "$WORK/again.json" "$same_manifest")" "$(field "$WORK/first.json" "$same_manifest")" \
  "a reused scan reports the kept results as their scan did"
stored_results "$BRE_WORKSPACE" >"$WORK/again.txt"
cmp -s "$WORK/first.txt" "$WORK/again.txt" || fail "a reused scan leaves every stored result as it was"
# bre manifest shows the stored run the same way.
run --format json manifest "$(field "$WORK/again.json" '.run_id')"
expect_contains "$OUT" "\"from_run\": \"$first_run\"" "the stored manifest names the reused run"

# The kept results are those a recomputation gives, on a copy of the workspace.
cp "$BRE_WORKSPACE" "$WORK/copy.sqlite"
BRE_WORKSPACE="$WORK/copy.sqlite" run --format json scan --no-reuse
expect_eq "$RC" 0 "scan --no-reuse ($ERR)"
echo "$OUT" >"$WORK/forced.json"
expect_recomputed forced "--no-reuse"
stored_results "$WORK/copy.sqlite" >"$WORK/forced.txt"
diff <(normalised "$WORK/again.txt") <(normalised "$WORK/forced.txt") >"$WORK/diff" ||
  fail "reused results differ from recomputed ones: $(head -c 2000 "$WORK/diff")"
# After --no-reuse the next scan reuses that run's results.
BRE_WORKSPACE="$WORK/copy.sqlite" run --format json scan
expect_contains "$OUT" "\"from_run\": \"$(field "$WORK/forced.json" '.run_id')\"" "a scan after --no-reuse reuses it"

# Each change of an input recomputes, and the scan after it reuses again.
incident=$(sql "SELECT incident_id FROM incidents ORDER BY incident_id LIMIT 1")
monitor=$(sql "SELECT monitor_id FROM monitors ORDER BY monitor_id LIMIT 1")
change() {  # NAME WHY COMMAND...: run the command, then a scan must recompute
  local name=$1 why=$2
  shift 2
  run "$@"
  expect_eq "$RC" 0 "$why ($ERR)"
  scan "$name"
  expect_recomputed "$name" "$why"
  scan "$name-again"
  expect_eq "$(field "$WORK/$name-again.json" '.reuse.from_run')" \
    "$(field "$WORK/$name.json" '.run_id')" "$why, then nothing: reused"
}
change status "a triage status" incidents status "$incident" acknowledged
expect_contains "$(sql "SELECT payload FROM postmortems WHERE payload LIKE '%$incident%'")" '"status":"acknowledged"' \
  "the recomputed postmortem has the new status"
change label "a label" incidents label "$incident" expected --note "a promotion"
change monitor "a monitor switched off" monitor disable "$monitor"
change zone "another time zone" config set timezone America/New_York
change detect "bre detect rewriting the incidents" detect --methods mad
cat >"$WORK/late.jsonl" <<'EOF'
{"event_type":"refund_issued","event_time":"2026-03-20T10:00:00Z","source":"shop","source_entity_id":"late-r","entity_type":"order","entity_id":"late-r","related_entity_ids":{},"amount":25.00,"currency":"USD","attributes":{}}
EOF
change event "one more event" ingest file "$WORK/late.jsonl" --source events
scan methods --methods mad
expect_recomputed methods "other detection layers"

finish
