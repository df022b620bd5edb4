#!/usr/bin/env bash
# A whole pipeline on a seeded company, from nothing to triaged incidents.
# Run from the repository root after scripts/setup: examples/pipeline.sh [DIR]
set -euo pipefail
bre=${BRE:-build/bre}
dir=${1:-$(mktemp -d)}
export BRE_WORKSPACE="$dir/shop.sqlite"

"$bre" seed --out "$dir/co" --seed 7 --scenario supplier_delay@2026-04-13 --scenario ar_aging@2026-05-11 >/dev/null
"$bre" init --currency USD >/dev/null
"$bre" ingest qbo --from-dir "$dir/co/qbo" >/dev/null
"$bre" ingest file "$dir/co/supplemental/operations.jsonl" --source events >/dev/null
run=$("$bre" --format json scan | python3 -c 'import json,sys; print(json.load(sys.stdin)["run_id"])')
echo "scan $run:"
"$bre" --format table incidents list --severity critical
"$bre" --format json manifest "$run" | python3 -c 'import json,sys; m=json.load(sys.stdin); print("events", m["events"], "produced", m["produced"])'
# Triage the first critical incident.
id=$("$bre" --format json incidents list --severity critical | python3 -c 'import json,sys; l=json.load(sys.stdin); print(l[0]["incident_id"] if l else "")')
[ -n "$id" ] && "$bre" --format table incidents status "$id" acknowledged
# Why: the first critical incident's causal chain, with its evidence and blast radius.
[ -n "$id" ] && "$bre" --format table rca "$id"
# Which incidents were one failure.
"$bre" --format table cascades list
