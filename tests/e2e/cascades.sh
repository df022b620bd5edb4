#!/usr/bin/env bash
# The cascade correlator end to end on the golden supplier_delay scenario:
# ingest, build-state, detect, correlate. The supplier failure (from
# 2026-03-01) and the late deliveries (from 03-06) are 5 days apart, which
# the floor alone does not bridge (exp(-5/3) x 0.3 = 0.057 < 0.06), but most
# of the customers whose orders were late are those of the delayed shipments
# (Jaccard over 0.6), so they link (docs/cascades.md). Every link's score is
# recomputable from its factors; members' payloads carry the cascade_id; the
# cascade carries its total blast radius; the run is recorded; a second
# correlate gives the same cascades; an unknown id is "not found" (66).
source "$(dirname "$0")/lib.bash"
: "${BRE_SOURCE_DIR:?BRE_SOURCE_DIR must point at the repository}"
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

run init --currency USD
expect_eq "$RC" 0 "init ($ERR)"
set +e
gzip -dc "$BRE_SOURCE_DIR/golden/supplier_delay/events.jsonl.gz" | "$BRE" --format json ingest file - --source events >/dev/null 2>"$WORK/stderr"
RC=$?
set -e
expect_eq "$RC" 0 "ingest events ($(cat "$WORK/stderr"))"
run build-state --format json
expect_eq "$RC" 0 "build-state ($ERR)"
run detect --format json
expect_eq "$RC" 0 "detect ($ERR)"
run incidents list --format json
INCIDENTS=$OUT
SUPPLIER=$(json "next(i['incident_id'] for i in d if i['incident_type'] == 'supplier_dependency_failure')" <<<"$INCIDENTS")
FULFIL=$(json "next(i['incident_id'] for i in d if i['incident_type'] == 'fulfillment_sla_degradation'
                and i['incident_window_start'] >= '2026-03-01')" <<<"$INCIDENTS")
expect_eq "$(json "[i['incident_window_start'] for i in d if i['incident_id'] in ('$SUPPLIER', '$FULFIL')]" <<<"$INCIDENTS")" \
  "['2026-03-01', '2026-03-06']" "the supplier and fulfillment windows start 5 days apart"

run correlate --format json
expect_eq "$RC" 0 "correlate ($ERR)"
SUMMARY=$OUT
RUN=$(json 'd["run_id"]' <<<"$SUMMARY")
expect_eq "$(json '(d["config"]["correlation_window_days"], d["config"]["decay_days"], d["config"]["threshold"], d["config"]["entity_overlap_floor"])' <<<"$SUMMARY")" \
  "(7, 3, 0.06, 0.3)" "default config"
[ "$(json 'd["cascades"] >= 1 and d["links_kept"] >= d["cascades"] and d["links_scored"] >= d["links_kept"]' <<<"$SUMMARY")" = True ] ||
  fail "correlate summary counts: $SUMMARY"

run cascades list --format json
expect_eq "$RC" 0 "cascades list ($ERR)"
LIST=$OUT
expect_eq "$(json 'len(d)' <<<"$LIST")" "$(json 'd["cascades"]' <<<"$SUMMARY")" "list has every cascade"
CAS=$(json "next((c['cascade_id'] for c in d if '$SUPPLIER' in c['incident_ids']), '')" <<<"$LIST")
[ -n "$CAS" ] || { fail "the supplier failure is in no cascade: $LIST"; finish; }
expect_eq "$(json "next(c for c in d if c['cascade_id'] == '$CAS')['root_incident_id']" <<<"$LIST")" "$SUPPLIER" \
  "the supplier failure is the root"
expect_eq "$(json "next(c for c in d if c['cascade_id'] == '$CAS')['cascade_path'][:2]" <<<"$LIST")" \
  "['supplier_dependency_failure', 'fulfillment_sla_degradation']" "supplier -> fulfillment path"
expect_eq "$(json "'$FULFIL' in next(c for c in d if c['cascade_id'] == '$CAS')['incident_ids']" <<<"$LIST")" True \
  "the late deliveries join the supplier cascade"
expect_eq "$(json "next(l['jaccard'] > 0.6 and l['entity_overlap'] == l['jaccard'] for c in d for l in c['links'] if l['from'] == '$SUPPLIER' and l['to'] == '$FULFIL')" <<<"$LIST")" \
  True "the link rests on shared parties, not on the floor"
expect_contains "$(json "next(c for c in d if c['cascade_id'] == '$CAS')['total_blast_radius']['narrative']" <<<"$LIST")" \
  "This cascade of" "the cascade's total blast radius"
# Every score recomputes from its factors; the cascade score is the mean of its links.
CHECKED=$(python3 -c "
import json, math, sys
d = json.load(sys.stdin)
ok = all(abs(l['score'] - math.exp(-l['days_between'] / 3) * max(0.3, l['jaccard']) * l['plausibility']) < 1e-12
         and abs(l['jaccard'] - (l['shared_entities'] / l['union_entities'] if l['union_entities'] else 0)) < 1e-12
         and l['score'] > 0.06 and 0 <= l['days_between'] <= 7
         for c in d for l in c['links'])
print(ok and all(abs(c['cascade_score'] - sum(l['score'] for l in c['links']) / len(c['links'])) < 1e-12 for c in d))
" <<<"$LIST")
expect_eq "$CHECKED" True "link scores recompute from their factors"

# The members' payloads carry the cascade id.
run incidents show "$SUPPLIER" --format json
expect_eq "$(json 'd["cascade_id"]' <<<"$OUT")" "$CAS" "incident payload cascade_id"
run incidents show "$FULFIL" --format json
expect_eq "$(json "d['cascade_id']" <<<"$OUT")" "$CAS" "the fulfillment incident's payload too"

# show: JSON and a table a person can read.
run cascades show "$CAS" --format json
expect_eq "$RC" 0 "cascades show ($ERR)"
expect_eq "$(json 'd["cascade_id"]' <<<"$OUT")" "$CAS" "show by id"
run cascades show "$CAS" --format table
expect_contains "$OUT" "supplier_dependency_failure -> fulfillment_sla_degradation" "table shows the path"
expect_contains "$OUT" "shared/union" "table shows the score inputs"
run cascades list --from 2026-04-01 --format json
expect_eq "$(json 'len(d)' <<<"$OUT")" 0 "--from after every cascade"
run cascades list --type supplier_dependency_failure --format json
expect_eq "$(json '[c["cascade_id"] for c in d]' <<<"$OUT")" "['$CAS']" "--type"
run cascades list --from 03-01
expect_eq "$RC" 2 "a bad date is a usage error"

# The run is recorded; a second run finds the same cascades.
run manifest "$RUN" --format json
expect_eq "$(json '(d["command"], d["cascade_config"]["threshold"], d["produced"]["cascades"])' <<<"$OUT")" \
  "('correlate', 0.06, $(json 'd["cascades"]' <<<"$SUMMARY"))" "correlate manifest"
[[ "$(json 'd["incident_graph_version"]' <<<"$OUT")" == incident_graph_v* ]] || fail "manifest records the incident graph version"
run correlate --format json
run cascades list --format json
expect_eq "$OUT" "$LIST" "a second correlate stores the same cascades"

# A threshold above every score: no cascades, and the members' cascade_id is reset.
run correlate --threshold 0.99 --format json
expect_eq "$(json 'd["cascades"]' <<<"$OUT")" 0 "no link scores above 0.99"
run incidents show "$SUPPLIER" --format json
expect_eq "$(json 'd["cascade_id"]' <<<"$OUT")" None "cascade_id reset when the cascade is gone"
run correlate --threshold abc
expect_eq "$RC" 2 "a non-numeric threshold is a usage error"

run cascades show cas_0000000000000000 --format json
expect_eq "$RC" 66 "unknown cascade"
expect_contains "$OUT" "CASCADE_NOT_FOUND" "error code"
finish
