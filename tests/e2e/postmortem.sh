#!/usr/bin/env bash
# Postmortems end to end on the golden supplier-delay scenario, through the
# real binary: JSON with all eight sections and a monitor, every evidence id
# on the timeline a stored event, the same analysis giving the same
# postmortem (generated_at aside), Markdown with a heading per section, a
# cascade's postmortem covering its incidents, --all --out-dir writing one
# file per cascade and lone incident, a missing chain analysed on the way,
# and the error codes of bad ids and options.
source "$(dirname "$0")/lib.bash"
: "${BRE_SOURCE_DIR:?BRE_SOURCE_DIR must point at the repository}"
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

run init --currency USD
set +e
gzip -dc "$BRE_SOURCE_DIR/golden/supplier_delay/events.jsonl.gz" | "$BRE" ingest file - --source events >/dev/null 2>"$WORK/stderr"
expect_eq "$?" 0 "ingest ($(cat "$WORK/stderr"))"
set -e
run scan --format json
expect_eq "$RC" 0 "scan ($ERR)"

run incidents list --type fulfillment_sla_degradation --from 2026-03-01 --format json
FULFIL=$(json 'd[0]["incident_id"]' <<<"$OUT")
run postmortem "$FULFIL" --format json
expect_eq "$RC" 0 "postmortem ($ERR)"
PM=$OUT
echo "$PM" >"$WORK/pm1.json"
expect_eq "$(json 'd["incident_id"], d["cascade_id"], d["postmortem_id"][:3]' <<<"$PM")" "('$FULFIL', None, 'pm_')" "ids"
expect_eq "$(json 'd["title"].startswith("Fulfillment SLA Degradation — Mar ")' <<<"$PM")" True "title"
expect_eq "$(json 'd["causal_chain"]["root_cause"], d["causal_chain"]["incident_id"]' <<<"$PM")" \
  "('supplier_delay_rate', '$FULFIL')" "the chain is the stored one"
expect_eq "$(json 'all(d[k] for k in ["severity","duration","status","one_line_summary","timeline","root_cause_summary","blast_radius","contributing_factors","monitors","recommendations","confidence_note","run_id"])' <<<"$PM")" \
  True "every section is filled"
expect_eq "$(json 'd["one_line_summary"].startswith("supplier_delay_rate rose first")' <<<"$PM")" True "summary starts at the root"
expect_eq "$(json 'd["root_cause_summary"].startswith("The root cause is supplier_delay_rate.")' <<<"$PM")" True "root cause paragraph"
expect_eq "$(json 'sorted({m["metric_name"] for m in d["monitors"]}) == sorted(set(d["causal_chain"]["paths"][0]["metrics"]))' <<<"$PM")" \
  True "one monitor per metric of the top path"
expect_eq "$(json 'd["blast_radius"]["incident_id"]' <<<"$PM")" "$FULFIL" "blast radius of the incident"
expect_eq "$(json '[t["timestamp"] for t in d["timeline"]] == sorted(t["timestamp"] for t in d["timeline"])' <<<"$PM")" \
  True "timeline in time order"
expect_eq "$(json 'sorted({t["kind"] for t in d["timeline"]} & {"threshold_crossing","detection","evidence"})' <<<"$PM")" \
  "['detection', 'evidence', 'threshold_crossing']" "crossings, detection and evidence on the timeline"
expect_eq "$(json 'any(t["kind"] == "threshold_crossing" and t["metric_name"] == "supplier_delay_rate" for t in d["timeline"])' <<<"$PM")" \
  True "the root's threshold crossing"
# Every evidence id on the timeline is a stored event.
json '"\n".join(sorted({i for t in d["timeline"] for i in t["evidence_event_ids"]}))' <<<"$PM" >"$WORK/ids"
IDS=$(wc -l <"$WORK/ids")
[ "$IDS" -gt 10 ] || fail "the timeline cites evidence ($IDS ids)"
FOUND=$(sql "SELECT count(*) FROM events WHERE event_id IN ($(sed "s/.*/'&'/" "$WORK/ids" | paste -sd,))")
expect_eq "$FOUND" "$IDS" "every timeline evidence id is an event"
expect_eq "$(sql "SELECT count(*) FROM postmortems WHERE incident_id = '$FULFIL'")" 1 "stored"

# The same analysis, asked again: the same postmortem but for the run's own time.
run postmortem "$FULFIL" --format json
echo "$OUT" >"$WORK/pm2.json"
SAME=$(python3 - "$WORK/pm1.json" "$WORK/pm2.json" <<'PY'
import json, sys
def strip(d):
    d.pop("generated_at")
    for m in d["monitors"]: m.pop("created_at")
    return d
a, b = (strip(json.load(open(p))) for p in sys.argv[1:])
print(a == b)
PY
)
expect_eq "$SAME" True "deterministic apart from generated_at"
expect_eq "$(sql "SELECT count(*) FROM postmortems")" 1 "a re-run replaces the row"

# Markdown: a heading per section, the chain with arrows.
run postmortem "$FULFIL" --format md -o "$WORK/pm.md"
expect_eq "$RC" 0 "md to a file ($ERR)"
expect_eq "$(grep -c '^## [1-8]\. ' "$WORK/pm.md")" 8 "eight section headings"
grep -q '^\*\*Causal chain:\*\* `supplier_delay_rate` (.*) → ' "$WORK/pm.md" || fail "the causal chain line"

# A cascade: one postmortem for all its incidents.
run cascades list --format json
CAS=$(json 'd[0]["cascade_id"]' <<<"$OUT")
MEMBERS=$(json 'd[0]["incident_ids"]' <<<"$OUT")
run postmortem --cascade "$CAS" --format json
expect_eq "$RC" 0 "cascade postmortem ($ERR)"
expect_eq "$(json 'd["cascade_id"], [i["incident_id"] for i in d["incidents"]], [c["incident_id"] for c in d["causal_chains"]]' <<<"$OUT")" \
  "('$CAS', $MEMBERS, $MEMBERS)" "every incident and its chain"
expect_eq "$(json 'd["title"].startswith("Cascade: Supplier Dependency Failure → "), sorted(d["blast_radius"]["incident_ids"]) == sorted(' "$MEMBERS"')' <<<"$OUT")" \
  "(True, True)" "title and the union's blast radius"
expect_eq "$(json 'sum(t["kind"] == "detection" for t in d["timeline"])' <<<"$OUT")" "$(json 'len(d)' <<<"$MEMBERS")" \
  "each member's detection on the timeline"

# --all --out-dir: one file per cascade and per incident in none.
run postmortem --all --out-dir "$WORK/pms" --format md
expect_eq "$RC" 0 "--all ($ERR)"
WANT=$(( $(sql "SELECT count(*) FROM cascades") + $(sql "SELECT count(*) FROM incidents WHERE json_extract(payload, '$.cascade_id') IS NULL") ))
expect_eq "$(ls "$WORK/pms" | wc -l)" "$WANT" "files written"
[ -f "$WORK/pms/$CAS.md" ] || fail "the cascade's file"

# An incident whose chain is missing is analysed on the way (and the chain stored).
sql "DELETE FROM causal_chains WHERE incident_id = '$FULFIL'"
run postmortem "$FULFIL" --format json
expect_eq "$(json 'd["causal_chain"]["root_cause"]' <<<"$OUT")" supplier_delay_rate "chain recomputed"
expect_eq "$(sql "SELECT count(*) FROM causal_chains WHERE incident_id = '$FULFIL'")" 1 "and stored"

# Errors.
run postmortem inc_0000000000000000 --format json
expect_eq "$RC" 66 "unknown incident"
expect_contains "$OUT" "INCIDENT_NOT_FOUND" "error code"
run postmortem --cascade cas_0000000000000000
expect_eq "$RC" 66 "unknown cascade"
run postmortem
expect_eq "$RC" 2 "no subject"
run postmortem "$FULFIL" --all
expect_eq "$RC" 2 "an id and --all"
run postmortem "$FULFIL" --out-dir "$WORK/x"
expect_eq "$RC" 2 "--out-dir without --all"
run postmortem "$FULFIL" -o "$WORK/pm.md/inside-a-file.md"
expect_eq "$RC" 74 "an unwritable file"
finish
