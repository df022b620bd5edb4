#!/usr/bin/env bash
# A scan after new events keeps what they cannot change (the blast-radius
# facts read only the new events, the causal chains of incidents whose days
# the new events do not reach are kept) and its results equal a scan that
# recomputes everything: a golden scenario arrives in five batches of
# consecutive weeks, then a late event of an old day, then a label; after
# each, bre scan and bre scan --no-reuse on a copy store the same incidents,
# cascades, chains, blast radii, postmortems, monitors and alerts (run ids and
# generation times aside), and the manifests' event digests agree.
source "$(dirname "$0")/lib.bash"
: "${BRE_SOURCE_DIR:?BRE_SOURCE_DIR must point at the repository}"

kept_total=0
# step NAME: bre scan here, bre scan --no-reuse on a copy taken before it; same results.
step() {
  local name=$1
  cp "$BRE_WORKSPACE" "$WORK/copy.sqlite"
  run --format json scan
  expect_eq "$RC" 0 "scan after $name ($ERR)"
  echo "$OUT" >"$WORK/inc.json"
  BRE_WORKSPACE="$WORK/copy.sqlite" run --format json scan --no-reuse
  expect_eq "$RC" 0 "scan --no-reuse after $name ($ERR)"
  echo "$OUT" >"$WORK/full.json"
  stored_results "$BRE_WORKSPACE" >"$WORK/inc.txt"
  stored_results "$WORK/copy.sqlite" >"$WORK/full.txt"
  diff <(normalised "$WORK/inc.txt") <(normalised "$WORK/full.txt") >"$WORK/diff" ||
    fail "after $name the scan's results differ from a recomputation: $(head -c 1500 "$WORK/diff")"
  expect_eq "$(jq -c .events "$WORK/inc.json")" "$(jq -c .events "$WORK/full.json")" "after $name: the event digest"
  expect_eq "$(jq '.produced.explained.causal_chains_kept // 0' "$WORK/full.json")" "0" "--no-reuse keeps no chain"
  kept_total=$((kept_total + $(jq '.produced.explained.causal_chains_kept // 0' "$WORK/inc.json")))
}

gzip -dc "$BRE_SOURCE_DIR/golden/support_failure/events.jsonl.gz" >"$WORK/all.jsonl"
run init --currency USD
last=$(jq -rs 'map(.event_time[0:10]) | max' "$WORK/all.jsonl")
# Batches: everything up to 100 days before the last day, then three weeks
# at a time (the scenario's incidents are in its last 100 days).
from=""
for days in 100 79 58 37 16 -1; do
  until=$(date -u -d "$last - $days days" +%F)
  jq -c --arg from "$from" --arg until "$until" \
    'select(.event_time[0:10] >= $from and .event_time[0:10] < $until)' "$WORK/all.jsonl" >"$WORK/batch.jsonl"
  [ -s "$WORK/batch.jsonl" ] || continue
  run ingest file "$WORK/batch.jsonl" --source events
  expect_eq "$RC" 0 "ingest up to $until ($ERR)"
  step "the events up to $until"
  from=$until
done
[ "$(sql 'SELECT count(*) FROM incidents')" -gt 2 ] || fail "the scenario raises incidents"
[ "$(sql 'SELECT count(*) FROM blast_facts_snapshot')" -gt 1 ] || fail "the scan keeps the blast-radius facts"
[ "$kept_total" -gt 0 ] || fail "some chain was kept as it was"

# A late event of an old day: chains reading that day are recomputed.
old_day=$(sql "SELECT window_end FROM incidents ORDER BY window_start LIMIT 1")
cat >"$WORK/late.jsonl" <<EOF
{"event_type":"refund_issued","event_time":"${old_day}T10:00:00Z","source":"shop","source_entity_id":"late-r","entity_type":"order","entity_id":"late-r","related_entity_ids":{},"amount":25.00,"currency":"USD","attributes":{}}
EOF
run ingest file "$WORK/late.jsonl" --source events
expect_eq "$RC" 0 "ingest a late event ($ERR)"
step "a late event of $old_day"
kept=$(jq '.produced.explained.causal_chains_kept' "$WORK/inc.json")
[ "$kept" -lt "$(sql 'SELECT count(*) FROM incidents')" ] || fail "the chain that read $old_day is recomputed (kept $kept)"
# A label moves the baselines: nothing is kept.
run incidents label "$(sql 'SELECT incident_id FROM incidents ORDER BY window_start LIMIT 1')" expected --note promotion
expect_eq "$RC" 0 "label ($ERR)"
step "a label"
expect_eq "$(jq '.produced.explained.causal_chains_kept' "$WORK/inc.json")" "0" "a label recomputes every chain"

finish
