#!/usr/bin/env bash
# bre compare end to end: a seeded company with the same supplier delay
# injected twice gives two late-delivery incidents; compared, both are rooted
# in the supplier, the comparison saves, lists and shows by a deterministic
# id; different types exit 2 (INCIDENT_TYPE_MISMATCH), unknown ids and a
# missing chain exit 66.
source "$(dirname "$0")/lib.bash"
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

run seed --out "$WORK/co" --seed 7 --days 120 --scenario supplier_delay@2026-02-15 --scenario supplier_delay@2026-04-01
expect_eq "$RC" 0 "bre seed ($ERR)"
run init --currency USD
run ingest qbo --from-dir "$WORK/co/qbo"
expect_eq "$RC" 0 "ingest qbo ($ERR)"
run ingest file "$WORK/co/supplemental/operations.jsonl" --source events
expect_eq "$RC" 0 "ingest operations ($ERR)"
run build-state
run detect

run incidents list --type fulfillment_sla_degradation --format json
FIRST=$(json 'd[0]["incident_id"]' <<<"$OUT")
SECOND=$(json 'd[-1]["incident_id"]' <<<"$OUT")
expect_eq "$(json 'len(d) >= 2 and d[0]["incident_window_start"] < "2026-03-15" <= d[-1]["incident_window_start"]' <<<"$OUT")" \
  True "one late-delivery incident after each injection"
run incidents list --type supplier_dependency_failure --format json
SUPPLIER=$(json 'd[0]["incident_id"]' <<<"$OUT")

run compare "$FIRST" "$SECOND"
expect_eq "$RC" 66 "no chain yet"
expect_contains "$ERR" "run bre rca" "the error says what to do"

run rca --all
expect_eq "$RC" 0 "rca ($ERR)"
run compare "$FIRST" "$SECOND" --format json
expect_eq "$RC" 0 "compare ($ERR)"
C=$OUT
expect_eq "$(json '(d["incident_a_id"], d["incident_b_id"], d["incident_type"])' <<<"$C")" \
  "('$FIRST', '$SECOND', 'fulfillment_sla_degradation')" "the two incidents and their type"
expect_eq "$(json '(d["root_cause"]["a"], d["root_cause"]["b"])' <<<"$C")" \
  "('supplier_delay_rate', 'supplier_delay_rate')" "both rooted in the supplier"
expect_eq "$(json '"supplier_delay_rate" in d["shared_root_causes"]' <<<"$C")" True "the supplier is a shared cause"
# Every cause is in exactly one of the three lists; the differences are b - a.
CHECK=$(python3 -c "
import json, sys
c = json.loads(sys.argv[1])
s, a, b = c['shared_root_causes'], c['unique_to_a'], c['unique_to_b']
ok = not (set(s) & set(a)) and not (set(s) & set(b)) and not (set(a) & set(b))
br = c['blast_radius_comparison']
ok = ok and all(abs(br['difference'][k] - (br['b'][k] - br['a'][k])) < 1e-9 for k in br['difference'])
ok = ok and bool(c['severity_comparison']['a'] and c['severity_comparison']['b'])
print(ok)" "$C")
expect_eq "$CHECK" True "causes partitioned, blast-radius differences are b - a"
expect_contains "$(json 'd["narrative"]' <<<"$C")" "were rooted in supplier_delay_rate" "narrative names the shared root"
expect_eq "$(sql "SELECT count(*) FROM comparisons")" 0 "nothing stored without --save"

run compare "$FIRST" "$SECOND" --save --format json
ID=$(json 'd["comparison_id"]' <<<"$OUT")
expect_eq "$ID" "$(json 'd["comparison_id"]' <<<"$C")" "the id is deterministic"
run compare show "$ID" --format json
expect_eq "$(json 'd["narrative"]' <<<"$OUT")" "$(json 'd["narrative"]' <<<"$C")" "show returns the saved comparison"
run compare list --format json
expect_eq "$(json '[c["comparison_id"] for c in d]' <<<"$OUT")" "['$ID']" "list"
run compare show "$ID" --format table
expect_contains "$OUT" "root cause" "table output"

run compare "$FIRST" "$SUPPLIER" --format json
expect_eq "$RC" 2 "different incident types are a usage error"
expect_eq "$(json 'd["error"]["code"]' <<<"$OUT")" INCIDENT_TYPE_MISMATCH "its code"
run compare "$FIRST" "$FIRST"
expect_eq "$RC" 2 "one incident twice"
run compare "$FIRST"
expect_eq "$RC" 2 "one id"
run compare "$FIRST" inc_0000000000000000
expect_eq "$RC" 66 "unknown incident"
run compare show cmp_0000000000000000
expect_eq "$RC" 66 "unknown comparison"
finish
