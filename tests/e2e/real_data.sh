#!/usr/bin/env bash
# The real public data sets through the real binary: every source ingests,
# re-ingesting adds nothing, a corrupt line refuses the batch and names it,
# --skip-invalid keeps the rest, replay at the same mapping version is a no-op.
source "$(dirname "$0")/lib.bash"
DATA="${BRE_SHARED_DATA:-$BRE_SOURCE_DIR/../shared/data}"
[ -d "$DATA/olist" ] || { echo "SKIP: no shared data at $DATA"; exit 0; }
olist=("$DATA"/olist/*.csv)

# Olist, all eight files together (BRL becomes the workspace currency).
run init
run --format json ingest file "${olist[@]}" --source olist
expect_eq "$RC" 0 "olist ingest"
first=$(sql 'SELECT count(*) FROM events')
[ "$first" -gt 40000 ] || fail "olist gave only $first events"
expect_eq "$(sql "SELECT value FROM settings WHERE key='currency'")" BRL "olist currency"
run --format json ingest file "${olist[@]}" --source olist
expect_eq "$RC" 0 "olist again"
expect_eq "$(sql 'SELECT count(*) FROM events')" "$first" "olist twice leaves the event count unchanged"
expect_contains "$OUT" '"events_inserted": 0' "second olist ingest inserts nothing"
expect_eq "$(sql "SELECT count(*) FROM entities WHERE kind='category' AND entity_id='health_beauty' AND display_name='health beauty'")" 1 "categories named in English"
[ "$(sql "SELECT count(*) FROM entities WHERE kind='seller'")" -gt 3000 ] || fail "sellers missing from entities"

run --format json ingest replay --source olist
expect_eq "$RC" 0 "replay"
expect_contains "$OUT" '"events_inserted": 0' "replay at the same mapping version adds nothing"
expect_contains "$OUT" '"events_superseded": 0' "replay at the same mapping version supersedes nothing"
expect_eq "$(sql 'SELECT count(*) FROM live_events')" "$first" "live events unchanged"

# One corrupt line in the middle of the orders file: exit 65, the line named, nothing written.
orders="$DATA/olist/olist_orders_dataset.csv"
awk 'NR==7501 {print "c0ffee,abc,delivered,not-a-date,,,,"; next} {print}' "$orders" > "$WORK/olist_orders_dataset.csv"
export BRE_WORKSPACE="$WORK/olist2.sqlite"
run init
run --format json ingest file "$WORK/olist_orders_dataset.csv" --source olist
expect_eq "$RC" 65 "corrupt olist line"
expect_contains "$ERR" "olist_orders_dataset.csv:7501" "corrupt line named"
expect_eq "$(sql 'SELECT count(*) FROM events' 2>/dev/null || echo 0)" 0 "nothing written"
run --format json ingest file "$WORK/olist_orders_dataset.csv" --source olist --skip-invalid
expect_eq "$RC" 0 "olist skip-invalid"
expect_contains "$OUT" '"rejected_records": 1' "the reject is counted"
expect_eq "$(sql 'SELECT record_line FROM rejected_records')" 7501 "reject stored with its line"

# The other sources, each in its own workspace (one currency per workspace).
export BRE_WORKSPACE="$WORK/tickets.sqlite"
run init
run --format json ingest file "$DATA/support_tickets/customer_support_tickets.csv" --source support_tickets
expect_eq "$RC" 0 "support tickets"
expect_eq "$(sql "SELECT count(*) FROM events WHERE event_type='support_ticket_opened'")" 8469 "one ticket opened per row"
expect_contains "$OUT" "resolved_before_first_response" "quality report names the inconsistency"

export BRE_WORKSPACE="$WORK/telco.sqlite"
run init
run ingest file "$DATA/telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv" --source telco_churn
expect_eq "$RC" 2 "telco needs --as-of"
run --format json ingest file "$DATA/telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv" --source telco_churn --as-of 2018-02-01
expect_eq "$RC" 0 "telco"
expect_eq "$(sql "SELECT count(*) FROM events WHERE event_type='customer_churned'")" 1869 "Churn=Yes rows"

export BRE_WORKSPACE="$WORK/logistics.sqlite"
run init
run --format json ingest file "$DATA/scms/SCMS_Delivery_History_Dataset.csv" "$DATA/dataco/DataCoSupplyChainDataset_sample.csv" --source logistics
expect_eq "$RC" 0 "logistics (SCMS with BOM and CR-only lines, DataCo in latin-1)"
expect_eq "$(sql "SELECT count(*) FROM events WHERE event_type='shipment_delayed'")" 1186 "late SCMS shipments"
[ "$(sql "SELECT count(*) FROM entities WHERE kind='vendor'")" -ge 73 ] || fail "SCMS vendors missing"
finish
