#!/usr/bin/env bash
# bre ingest qbo --from-dir: saved QBO query pages into a workspace; every
# financial event type appears, and a second run adds nothing.
source "$(dirname "$0")/lib.bash"
: "${BRE_SOURCE_DIR:?BRE_SOURCE_DIR must point at the source tree}"
FIXTURES="$BRE_SOURCE_DIR/../shared/fixtures/qbo"
if [ ! -f "$FIXTURES/query-Invoice.json" ]; then
  echo "skipped: no QBO fixtures at $FIXTURES"
  exit 0
fi
mkdir "$WORK/pages"
cp "$FIXTURES"/query-*.json "$WORK/pages/"

run init
expect_eq "$RC" 0 "bre init"
run ingest qbo --from-dir "$WORK/pages" --as-of 2026-06-15 --format json
expect_eq "$RC" 0 "first ingest ($ERR)"
for t in invoice_issued invoice_paid invoice_overdue payment_received expense_posted expense_paid \
         refund_issued credit_memo_issued; do
  n=$(sql "SELECT count(*) FROM events WHERE source = 'qbo' AND event_type = '$t'")
  [ "$n" -ge 1 ] || fail "no $t event"
done
expect_eq "$(sql "SELECT count(*) FROM events")" 18 "events from the fixtures"
expect_eq "$(sql "SELECT amount_minor || ' ' || json_extract(attributes, '\$.days_overdue') FROM events
                  WHERE event_type = 'invoice_overdue' AND entity_id = '1043'")" "22500 36" "invoice 1043 overdue"
expect_eq "$(sql "SELECT count(*) FROM bronze_qbo_raw")" 24 "bronze rows"
before=$(sql "SELECT count(*) FROM events")

run ingest qbo --from-dir "$WORK/pages" --as-of 2026-06-15 --format json
expect_eq "$RC" 0 "second ingest ($ERR)"
expect_contains "$OUT" '"events_inserted": 0' "second run inserts nothing"
expect_eq "$(sql "SELECT count(*) FROM events")" "$before" "event count after the second run"
expect_eq "$(sql "SELECT count(*) FROM bronze_qbo_raw")" 24 "bronze rows after the second run"

run ingest replay --source qbo --format json
expect_eq "$RC" 0 "replay ($ERR)"
expect_eq "$(sql "SELECT count(*) FROM events")" "$before" "event count after replay"

# A directory that does not exist: exit 66; a fault body: exit 65, nothing written.
run ingest qbo --from-dir "$WORK/nope"
expect_eq "$RC" 66 "missing directory"
cp "$FIXTURES/error-401.json" "$WORK/pages/"
run ingest qbo --from-dir "$WORK/pages"
expect_eq "$RC" 65 "fault body refused"
expect_contains "$ERR" "error-401.json" "error names the file"
expect_eq "$(sql "SELECT count(*) FROM events")" "$before" "nothing written on refusal"
finish
