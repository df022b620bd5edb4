#!/usr/bin/env bash
# Postmortems end to end on the golden supplier-delay scenario, through the
# real binary: JSON with all eight sections and a monitor per path metric,
# every evidence id on the timeline a stored event, the same analysis giving
# the same postmortem (generated_at aside), Markdown with a heading per
# section, a cascade's postmortem covering its incidents, --all --out-dir
# writing one file per cascade and lone incident, a missing chain analysed on
# the way, and the exit codes of bad ids and options.
source "$(dirname "$0")/lib.bash"
: "${BRE_SOURCE_DIR:?BRE_SOURCE_DIR must point at the repository}"
# Runs a Python check over JSON files; each line it prints is a failure, and so is a crash.
check() {
  local out rc=0
  out=$(python3 - "$@") || rc=$?
  [ "$rc" -eq 0 ] || fail "a check crashed (exit $rc)"
  [ -z "$out" ] || while IFS= read -r l; do fail "$l"; done <<<"$out"
}

run init --currency USD
set +e
gzip -dc "$BRE_SOURCE_DIR/golden/supplier_delay/events.jsonl.gz" | "$BRE" ingest file - --source events >/dev/null 2>"$WORK/stderr"
expect_eq "$?" 0 "ingest ($(cat "$WORK/stderr"))"
set -e
run scan --format json
expect_eq "$RC" 0 "scan ($ERR)"
run incidents list --format json
echo "$OUT" >"$WORK/incidents.json"
run cascades list --format json
echo "$OUT" >"$WORK/cascades.json"
FULFIL=$(sql "SELECT incident_id FROM incidents WHERE incident_type = 'fulfillment_sla_degradation' ORDER BY window_start LIMIT 1")
CAS=$(sql "SELECT cascade_id FROM cascades ORDER BY cascade_id LIMIT 1")

run postmortem "$FULFIL" --format json
expect_eq "$RC" 0 "postmortem ($ERR)"
echo "$OUT" >"$WORK/pm1.json"
run postmortem "$FULFIL" --format json
echo "$OUT" >"$WORK/pm2.json"
check "$WORK/pm1.json" "$WORK/pm2.json" "$FULFIL" <<'PY'
import json, sys
d, again, fulfil = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
def want(ok, what):
    if not ok: print(what)
want((d["incident_id"], d["cascade_id"], d["postmortem_id"][:3]) == (fulfil, None, "pm_"), "ids")
want(d["title"].startswith("Fulfillment SLA Degradation — Mar "), "title: " + d["title"])
want((d["causal_chain"]["root_cause"], d["causal_chain"]["incident_id"]) == ("supplier_delay_rate", fulfil),
     "the chain is the stored one")
for k in ["severity", "duration", "status", "one_line_summary", "timeline", "root_cause_summary", "blast_radius",
          "contributing_factors", "monitors", "recommendations", "confidence_note", "run_id"]:
    want(d.get(k), "section %s is empty" % k)
want(d["one_line_summary"].startswith("supplier_delay_rate rose first"), "summary: " + d["one_line_summary"])
want(d["root_cause_summary"].startswith("The root cause is supplier_delay_rate."), "root cause paragraph")
want(sorted({m["metric_name"] for m in d["monitors"]}) == sorted(set(d["causal_chain"]["paths"][0]["metrics"])),
     "one monitor per metric of the top path")
want(d["blast_radius"]["incident_id"] == fulfil, "the incident's blast radius")
times = [t["timestamp"] for t in d["timeline"]]
want(times == sorted(times), "timeline in time order")
kinds = {t["kind"] for t in d["timeline"]}
want({"threshold_crossing", "detection", "evidence"} <= kinds, "timeline kinds: %s" % kinds)
want(any(t["kind"] == "threshold_crossing" and t["metric_name"] == "supplier_delay_rate" for t in d["timeline"]),
     "the root's threshold crossing")
want(d["recommendations"][0].startswith("Review the supply agreement with vendor "), "recommendation: " + d["recommendations"][0])
with open(sys.argv[1] + ".ids", "w") as f:
    f.write("\n".join(sorted({i for t in d["timeline"] for i in t["evidence_event_ids"]})) + "\n")
# The same analysis asked again: the same postmortem but for the run's own time.
for x in (d, again):
    x.pop("generated_at")
    for m in x["monitors"]: m.pop("created_at")
want(d == again, "deterministic apart from generated_at")
PY
IDS=$(wc -l <"$WORK/pm1.json.ids")
[ "$IDS" -gt 10 ] || fail "the timeline cites evidence ($IDS ids)"
expect_eq "$(sql "SELECT count(*) FROM events WHERE event_id IN ($(sed "s/.*/'&'/" "$WORK/pm1.json.ids" | paste -sd,))")" \
  "$IDS" "every timeline evidence id is an event"
expect_eq "$(sql "SELECT count(*) FROM postmortems WHERE incident_id = '$FULFIL'")" 1 "stored once, replaced by a re-run"

# Markdown: a heading per section, the chain with arrows.
run postmortem "$FULFIL" --format md -o "$WORK/pm.md"
expect_eq "$RC" 0 "md to a file ($ERR)"
expect_eq "$(grep -c '^## [1-8]\. ' "$WORK/pm.md")" 8 "eight section headings"
grep -q '^\*\*Causal chain:\*\* `supplier_delay_rate` (.*) → ' "$WORK/pm.md" || fail "the causal chain line"

# A cascade: one postmortem for all its incidents.
run postmortem --cascade "$CAS" --format json
expect_eq "$RC" 0 "cascade postmortem ($ERR)"
echo "$OUT" >"$WORK/cascade_pm.json"
check "$WORK/cascade_pm.json" "$WORK/cascades.json" "$CAS" <<'PY'
import json, sys
d, cascades, cas = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
members = next(c["incident_ids"] for c in cascades if c["cascade_id"] == cas)
def want(ok, what):
    if not ok: print(what)
want(d["cascade_id"] == cas and d["incident_id"] == members[0], "cascade ids")
want([i["incident_id"] for i in d["incidents"]] == members, "every incident, in path order")
want([c["incident_id"] for c in d["causal_chains"]] == members, "every incident's chain")
want(d["title"].startswith("Cascade: Supplier Dependency Failure → "), "title: " + d["title"])
want(sorted(d["blast_radius"]["incident_ids"]) == sorted(members), "the union's blast radius")
want(sum(t["kind"] == "detection" for t in d["timeline"]) == len(members), "each member's detection on the timeline")
PY

# --all --out-dir: one file per cascade and per incident in none.
run postmortem --all --out-dir "$WORK/pms" --format md
expect_eq "$RC" 0 "--all ($ERR)"
WANT=$(( $(sql "SELECT count(*) FROM cascades") + $(sql "SELECT count(*) FROM incidents WHERE json_extract(payload, '$.cascade_id') IS NULL") ))
expect_eq "$(ls "$WORK/pms" | wc -l)" "$WANT" "files written"
[ -f "$WORK/pms/$CAS.md" ] || fail "the cascade's file"

# PDF: one file, A4, its sections and the vendor's evidence readable; never to stdout.
run postmortem --cascade "$CAS" --format pdf -o "$WORK/cascade.pdf"
expect_eq "$RC" 0 "pdf ($ERR)"
expect_contains "$(pdfinfo "$WORK/cascade.pdf" 2>/dev/null)" "A4" "pdfinfo page size"
PDF_TEXT=$(pdftotext "$WORK/cascade.pdf" - 2>/dev/null)
for section in Summary Timeline "Root cause" "Blast radius" "Prevention monitors" Recommendations Metadata; do
  expect_contains "$PDF_TEXT" "$section" "pdf section"
done
expect_contains "$PDF_TEXT" "supplier_delay_rate" "pdf root cause"
run postmortem "$FULFIL" --format pdf
expect_eq "$RC" 2 "pdf to stdout"
run postmortem --all --format pdf --out-dir "$WORK/pdfs"
expect_eq "$RC" 0 "--all pdf ($ERR)"
expect_eq "$(ls "$WORK/pdfs"/*.pdf | wc -l)" "$WANT" "pdf files written"

# An incident whose chain is missing is analysed on the way (and the chain stored).
sql "DELETE FROM causal_chains WHERE incident_id = '$FULFIL'"
run postmortem "$FULFIL" --format md
expect_contains "$OUT" 'The root cause is supplier_delay_rate.' "chain recomputed"
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
