#!/usr/bin/env bash
# bre seed: a synthetic company with a refund spike, ingested as QBO pages and
# canonical events into one workspace; every financial event type appears, a
# second ingest adds nothing, and the same seed writes the same bytes.
source "$(dirname "$0")/lib.bash"
D="$WORK/company"

run seed --out "$D" --seed 1 --scenario refund_spike --format json
expect_eq "$RC" 0 "bre seed ($ERR)"
expect_contains "$OUT" '"refund_spike"' "summary names the scenario"
expect_contains "$OUT" '"Invoice"' "summary counts invoices"
[ -f "$D/qbo/query-Invoice-0001.json" ] || fail "no invoice page"
[ -f "$D/supplemental/operations.jsonl" ] || fail "no operations.jsonl"

run seed --out "$WORK/again" --seed 1 --scenario refund_spike --format json
expect_eq "$RC" 0 "second bre seed ($ERR)"
diff -r "$D" "$WORK/again" >/dev/null || fail "the same seed wrote different files"

run seed --out "$WORK/bad" --scenario meteor_strike
expect_eq "$RC" 2 "unknown scenario is a usage error"

run init
expect_eq "$RC" 0 "bre init ($ERR)"
run ingest qbo --from-dir "$D/qbo" --format json
expect_eq "$RC" 0 "ingest qbo ($ERR)"
run ingest file "$D/supplemental/operations.jsonl" --source events --format json
expect_eq "$RC" 0 "ingest file ($ERR)"
for t in invoice_issued invoice_paid invoice_overdue payment_received expense_posted expense_paid \
         refund_issued credit_memo_issued; do
  n=$(sql "SELECT count(*) FROM events WHERE event_type = '$t'")
  [ "$n" -ge 1 ] || fail "no $t event"
done
for t in order_placed order_delivered order_late shipment_delayed support_ticket_opened support_ticket_closed \
         review_submitted customer_churned; do
  n=$(sql "SELECT count(*) FROM events WHERE event_type = '$t'")
  [ "$n" -ge 1 ] || fail "no $t event"
done
# Both parts share customer ids.
shared=$(sql "SELECT count(DISTINCT json_extract(related_entity_ids, '\$.customer_id')) FROM events
              WHERE source = 'seed' AND json_extract(related_entity_ids, '\$.customer_id') IN
                    (SELECT entity_id FROM events WHERE event_type = 'customer_created')")
[ "$shared" -ge 100 ] || fail "operational events name only $shared QBO customers"
before=$(sql "SELECT count(*) FROM events")

run ingest qbo --from-dir "$D/qbo" --format json
expect_eq "$RC" 0 "second ingest qbo ($ERR)"
run ingest file "$D/supplemental/operations.jsonl" --source events --format json
expect_eq "$RC" 0 "second ingest file ($ERR)"
expect_eq "$(sql "SELECT count(*) FROM events")" "$before" "event count after ingesting again"

finish
