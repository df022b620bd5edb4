#!/usr/bin/env bash
# Configured currency rates (cli.md §4a): in a USD workspace an EUR event is
# refused (exit 65, line and field named, the fix spelled out) until
# `bre config rates set EUR 1.0835`; then it is stored in USD
# (12.34 EUR x 1.0835 = 13.37039 -> 13.37), daily_revenue counts it, and
# ingesting the file again adds nothing.
source "$(dirname "$0")/lib.bash"

payment() {  # id day amount currency
  printf '{"event_type":"payment_received","event_time":"%sT10:00:00Z","source":"shop","source_entity_id":"%s","entity_type":"payment","entity_id":"%s","amount":%s,"currency":"%s"}\n' \
    "$2" "$1" "$1" "$3" "$4"
}
{ payment p1 2026-03-03 50.00 USD; payment p2 2026-03-02 12.34 EUR; } >"$WORK/mixed.jsonl"

# Without a home currency there is nothing to convert into.
BRE_WORKSPACE="$WORK/empty.sqlite" run init
BRE_WORKSPACE="$WORK/empty.sqlite" run config rates set EUR 1.08
expect_eq "$RC" 2 "a rate before any home currency is a usage error"
expect_contains "$ERR" "no home currency yet" "says the home currency is missing"

run init --currency USD
expect_eq "$RC" 0 "init ($ERR)"
run ingest file "$WORK/mixed.jsonl" --source events
expect_eq "$RC" 65 "EUR event without a rate"
expect_contains "$ERR" "mixed.jsonl:2: field 'currency'" "names line and field"
expect_contains "$ERR" "bre config rates set EUR" "says how to configure a rate"
expect_eq "$(sql "SELECT count(*) FROM events")" "0" "nothing written"

for bad in "USD 1" "XYZ 1" "EUR -1" "EUR 0" "EUR 1e3" "EUR 1.0000000000001" "EUR 1.08 --from 2026-02-30"; do
  # shellcheck disable=SC2086
  run config rates set $bad
  expect_eq "$RC" 2 "config rates set $bad"
done
run config rates set EUR 1.0835
expect_eq "$RC" 0 "config rates set ($ERR)"
run --format json config rates list
expect_eq "$RC" 0 "config rates list ($ERR)"
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["home_currency"], [(r["currency"], r["valid_from"], r["rate"]) for r in j["rates"]])')" \
  "USD [('EUR', '0001-01-01', '1.0835')]" "the configured rate"

run --format json ingest file "$WORK/mixed.jsonl" --source events
expect_eq "$RC" 0 "ingest with a rate ($ERR)"
expect_eq "$(sql "SELECT amount_minor || ' ' || currency || ' ' || json_extract(attributes, '\$.original_amount') || ' '
                 || json_extract(attributes, '\$.original_currency') FROM events WHERE entity_id = 'p2'")" \
  "1337 USD 12.34 EUR" "converted event"
expect_contains "$OUT" '"fx_converted:EUR"' "the quality report counts the conversion"

run build-state
expect_eq "$RC" 0 "build-state ($ERR)"
expect_eq "$(sql "SELECT value FROM metrics_daily WHERE metric = 'daily_revenue' AND day = '2026-03-02'")" "13.37" \
  "daily_revenue holds the converted amount"

before=$(sql "SELECT count(*) FROM events")
run --format json ingest file "$WORK/mixed.jsonl" --source events
expect_eq "$RC" 0 "ingest again ($ERR)"
expect_contains "$OUT" '"events_inserted": 0' "ingesting again adds nothing"
expect_eq "$(sql "SELECT count(*) FROM events")" "$before" "event count after ingesting again"

run config rates remove EUR
expect_eq "$RC" 0 "config rates remove ($ERR)"
run config rates remove EUR
expect_eq "$RC" 66 "removing a rate that is not there"
finish
