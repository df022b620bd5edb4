#!/usr/bin/env bash
# bre eval olist end to end on a slice of the real Olist sample: the orders
# placed from 2017-09-01 to 2018-01-05 with their items, payments and
# customers (the full run takes 40 s on the shared VM, too long for ctest;
# scripts/eval_olist runs it). Reviews are left out: their comments hold
# quoted line breaks that a line filter would cut. On the slice the Black
# Friday peak is found with its chain rooted in order_volume and the
# Christmas late deliveries are found; every incident gets one verdict;
# a second run (Markdown) ingests nothing; bad arguments create no workspace; a
# workspace holding another source is refused.
source "$(dirname "$0")/lib.bash"
DATA="${BRE_SHARED_DATA:-$BRE_SOURCE_DIR/../shared/data}/olist"
[ -d "$DATA" ] || { echo "SKIP: no Olist data at $DATA"; exit 0; }
LABELS="$BRE_SOURCE_DIR/docs/eval/olist_episodes.json"
S="$WORK/slice"
mkdir -p "$S"
awk -F, 'NR == 1 || ($4 >= "2017-09-01" && $4 < "2018-01-06")' "$DATA/olist_orders_dataset.csv" > "$S/olist_orders_dataset.csv"
keep() {  # keep FILE COLUMN: the header and the rows whose COLUMN is an order (or customer) of the slice
  awk -F, -v col="$2" -v key="$3" 'NR == FNR { if (FNR > 1) k[$key] = 1; next } FNR == 1 || k[$col]' \
    "$S/olist_orders_dataset.csv" "$DATA/$1" > "$S/$1"
}
keep olist_order_items_dataset.csv 1 1
keep olist_order_payments_dataset.csv 1 1
keep olist_customers_dataset.csv 1 2
[ "$(wc -l < "$S/olist_orders_dataset.csv")" -gt 3000 ] || fail "the slice holds too few orders"

run --format json eval olist "$S" --labels "$LABELS"
expect_eq "$RC" 0 "eval olist ($ERR)"
J="$WORK/report.json"
printf '%s\n' "$OUT" > "$J"
q() { jq -r "$1" "$J"; }
expect_eq "$(q '.counts.episodes')" 8 "eight labelled episodes"
expect_eq "$(q '.counts.found + .counts.missed == .counts.episodes')" true "found + missed"
expect_eq "$(q '.counts.matched + .counts.invented + .counts.data_edge == .counts.incidents')" true "one verdict each"
expect_eq "$(q '.counts.incidents == (.incidents | length)')" true "every incident listed"
expect_eq "$(q '[.incidents[].verdict] | all(. == "match" or . == "invented" or . == "data-edge")')" true "known verdicts"
expect_eq "$(q '.episodes[] | select(.episode == "black_friday_2017") | .found')" true "Black Friday found"
expect_eq "$(q '.episodes[] | select(.episode == "black_friday_2017") | .root_cause')" order_volume "its chain root"
expect_eq "$(q '.episodes[] | select(.episode == "black_friday_2017") | .incident_type')" fulfillment_sla_degradation "its type"
expect_eq "$(q '.episodes[] | select(.episode == "black_friday_2017") | .lag_days <= 0')" true "opened by Black Friday"
expect_eq "$(q '.episodes[] | select(.episode == "late_wave_christmas_2017") | .found')" true "Christmas late wave found"
expect_eq "$(q '.events_inserted > 10000')" true "the slice was ingested"
expect_eq "$(q '.timings.scan_seconds > 0')" true "timings reported"

events=$(sql 'SELECT count(*) FROM events')
run --format md eval olist "$S" --labels "$LABELS"
expect_eq "$RC" 0 "second run ($ERR)"
expect_contains "$OUT" "| black_friday_2017 | 2017-11-24 | 2017-12-08 | true |" "markdown report"
expect_eq "$(sql 'SELECT count(*) FROM events')" "$events" "a second run ingests nothing"

# Bad arguments: refused before any workspace is made.
export BRE_WORKSPACE="$WORK/none.sqlite"
run eval olist "$WORK/no-such-folder" --labels "$LABELS"
expect_eq "$RC" 66 "missing folder"
echo '{"episodes": [{"id": "x", "kind": "incident", "types": ["order_peak"], "start": "2017-01-01", "end": "2017-01-02"}]}' > "$WORK/bad.json"
run eval olist "$S" --labels "$WORK/bad.json"
expect_eq "$RC" 65 "unknown incident type in the labels"
expect_contains "$ERR" "order_peak" "the bad type is named"
[ ! -e "$WORK/none.sqlite" ] || fail "a refused run created a workspace"

# Another source's events would flow into Olist's metrics.
export BRE_WORKSPACE="$WORK/mixed.sqlite"
run init --currency BRL
echo '{"event_type":"order_placed","event_time":"2017-09-01T10:00:00Z","source":"shop","source_entity_id":"o1","entity_type":"order","entity_id":"o1"}' > "$WORK/shop.jsonl"
run ingest file "$WORK/shop.jsonl" --source events
expect_eq "$RC" 0 "another source's event ($ERR)"
run eval olist "$S" --labels "$LABELS"
expect_eq "$RC" 2 "a mixed workspace is refused"
finish
