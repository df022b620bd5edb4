#!/usr/bin/env bash
# bre detect end to end: a seeded supplier delay is found in its window, its
# evidence ids are real events, triage survives a second detect with the same
# ids, the filters work, and an unknown incident is "not found" (66).
source "$(dirname "$0")/lib.bash"
D="$WORK/company"
# A supplier delay, which every evaluation run finds (docs/evaluation.md);
# refund spikes are the weak family and would make this test about tuning.
SPIKE=2026-03-01 SPIKE_END=2026-03-07   # supplier_delay lasts 7 days (docs/seed.md)
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

seeded_company "$D" "supplier_delay@$SPIKE"

run build-state --format json
expect_eq "$RC" 0 "build-state ($ERR)"
run build-state --format json
expect_eq "$(json 'd["mode"]' <<<"$OUT")" up_to_date "second build-state mode"

run detect --format json
expect_eq "$RC" 0 "detect ($ERR)"
run incidents list --format json
expect_eq "$RC" 0 "incidents list ($ERR)"
LIST1=$OUT
# The supplier failure whose window overlaps the injected delay.
ID=$(json "next((i['incident_id'] for i in d if i['incident_type'] == 'supplier_dependency_failure'
             and i['incident_window_start'] <= '$SPIKE_END' and i['incident_window_end'] >= '$SPIKE'), '')" <<<"$LIST1")
[ -n "$ID" ] || { fail "no supplier_dependency_failure overlapping $SPIKE..$SPIKE_END in: $LIST1"; finish; }

run incidents show "$ID" --format json
expect_eq "$RC" 0 "incidents show ($ERR)"
SHOW=$OUT
expect_eq "$(json 'd["incident_id"]' <<<"$SHOW")" "$ID" "show returns the incident"
ids=$(json '"\n".join(d["evidence_event_ids"])' <<<"$SHOW")
n_ids=$(grep -c . <<<"$ids" || true)
[ "$n_ids" -ge 1 ] || fail "no evidence ids"
in_list=$(sed "s/.*/'&'/" <<<"$ids" | paste -sd, -)
expect_eq "$(sql "SELECT count(*) FROM events WHERE event_id IN ($in_list)")" "$n_ids" "evidence ids in the events table"
expect_eq "$(sql "SELECT count(DISTINCT event_type) FROM events WHERE event_id IN ($in_list)
                  AND event_type NOT IN ('shipment_delayed', 'purchase_order_placed')")" 0 \
  "supplier_dependency_failure evidence is delayed shipments and purchase orders"
# The delays are the main supplier's: the vendor-concentration upgrade names it.
VENDOR=$(sql "SELECT display_name FROM entities WHERE kind = 'vendor' AND entity_id = '500'")
expect_contains "$(json '" ".join(d["explanation"])' <<<"$SHOW")" "from $VENDOR, who supplies" \
  "the explanation names the vendor the delays concentrate on"

# Triage survives a re-run; the ids do not change.
run incidents status "$ID" acknowledged
expect_eq "$RC" 0 "incidents status ($ERR)"
run detect --format json
expect_eq "$RC" 0 "second detect ($ERR)"
run incidents list --format json
LIST2=$OUT
ids_of() { json '" ".join(i["incident_id"] for i in d)' <<<"$1"; }
expect_eq "$(ids_of "$LIST2")" "$(ids_of "$LIST1")" "incident ids after a second detect"
run incidents show "$ID" --format json
expect_eq "$(json 'd["status"]' <<<"$OUT")" acknowledged "status after a second detect"

run incidents show nope
expect_eq "$RC" 66 "show of an unknown incident"
run incidents status nope resolved
expect_eq "$RC" 66 "status of an unknown incident"
run incidents status "$ID" closed
expect_eq "$RC" 2 "an unknown status is a usage error"

# Filters: --type keeps only that type, --severity only that severity.
run incidents list --type supplier_dependency_failure --format json
expect_eq "$(json 'sorted({i["incident_type"] for i in d})' <<<"$OUT")" "['supplier_dependency_failure']" "--type supplier_dependency_failure"
sev=$(json 'd["severity"]' <<<"$SHOW")
run incidents list --severity "$sev" --format json
expect_eq "$(json "sorted({i['severity'] for i in d})" <<<"$OUT")" "['$sev']" "--severity $sev"
expect_contains "$(ids_of "$OUT")" "$ID" "--severity $sev keeps the incident"
run incidents list --status acknowledged --format json
expect_eq "$(ids_of "$OUT")" "$ID" "--status acknowledged"
run incidents list --type customer_satisfaction_regression --severity critical --from 2099-01-01 --format json
expect_eq "$OUT" "[]" "filters that match nothing"
run incidents list --severity extreme
expect_eq "$RC" 2 "an unknown severity is a usage error"

finish
