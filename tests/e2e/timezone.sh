#!/usr/bin/env bash
# The business time zone (bre config set timezone; docs/metrics.md "Days"):
# the same three payments ingested into a UTC workspace and a Sao Paulo
# (UTC-3) one. The 02:00Z payment is on Mar 1 in UTC and on Feb 28 in Sao
# Paulo, so daily_revenue moves from one day to the other; changing the zone
# makes the next build-state a full rebuild; an unknown zone exits 2.
source "$(dirname "$0")/lib.bash"

events="$WORK/payments.jsonl"
payment() {  # payment ID TIME AMOUNT
  printf '{"event_id":"ev_tz_%s","event_type":"payment_received","event_time":"%s","source":"tz","source_entity_id":"%s","entity_type":"payment","entity_id":"p%s","related_entity_ids":{"customer_id":"c1"},"amount":%s,"currency":"USD","attributes":{"customer_id":"c1"}}\n' \
    "$1" "$2" "$1" "$1" "$3"
}
{
  payment 1 2026-02-28T15:00:00Z 100.00  # Feb 28 in both zones
  payment 2 2026-03-01T02:00:00Z 40.00   # Mar 1 in UTC, Feb 28 23:00 in Sao Paulo
  payment 3 2026-03-01T15:00:00Z 7.00    # Mar 1 in both
} >"$events"

# revenue WORKSPACE DAY: daily_revenue on DAY.
revenue() {
  sqlite3 "$1" "SELECT value FROM metrics_daily WHERE metric = 'daily_revenue' AND day = '$2'"
}

# A UTC workspace (the default).
utc="$WORK/utc.sqlite"
run --workspace "$utc" init --currency USD
expect_eq "$RC" 0 "init utc ($ERR)"
run --workspace "$utc" --format json config get timezone
expect_eq "$(jq -r .timezone <<<"$OUT")" "UTC" "default timezone"
run --workspace "$utc" ingest file "$events" --source events
expect_eq "$RC" 0 "ingest utc ($ERR)"
run --workspace "$utc" --format json build-state
expect_eq "$RC" 0 "build-state utc ($ERR)"
expect_eq "$(jq -r .timezone <<<"$OUT")" "UTC" "build-state utc zone"
expect_eq "$(revenue "$utc" 2026-02-28)" "100.0" "UTC: Feb 28 revenue"
expect_eq "$(revenue "$utc" 2026-03-01)" "47.0" "UTC: Mar 1 revenue"

# A Sao Paulo workspace, zone given at init.
sp="$WORK/sp.sqlite"
run --workspace "$sp" --format json init --currency USD --timezone America/Sao_Paulo
expect_eq "$RC" 0 "init sp ($ERR)"
expect_eq "$(jq -r .timezone <<<"$OUT")" "America/Sao_Paulo" "init --timezone"
run --workspace "$sp" ingest file "$events" --source events
run --workspace "$sp" --format json build-state
expect_eq "$RC" 0 "build-state sp ($ERR)"
expect_eq "$(jq -r .timezone <<<"$OUT")" "America/Sao_Paulo" "build-state sp zone"
expect_eq "$(revenue "$sp" 2026-02-28)" "140.0" "Sao Paulo: Feb 28 revenue"
expect_eq "$(revenue "$sp" 2026-03-01)" "7.0" "Sao Paulo: Mar 1 revenue"

# Nothing new: up to date. A new zone: a full rebuild, and the UTC days back.
run --workspace "$sp" --format json build-state
expect_eq "$(jq -r .mode <<<"$OUT")" "up_to_date" "second build"
run --workspace "$sp" --format json config set timezone UTC
expect_eq "$RC" 0 "config set timezone UTC ($ERR)"
expect_eq "$(jq -r .previous <<<"$OUT")" "America/Sao_Paulo" "previous zone"
expect_eq "$(jq -r .rebuild_needed <<<"$OUT")" "true" "rebuild needed"
run --workspace "$sp" --format json build-state
expect_eq "$(jq -r .mode <<<"$OUT")" "full" "build after a zone change"
expect_eq "$(revenue "$sp" 2026-02-28)" "100.0" "back in UTC: Feb 28 revenue"
expect_eq "$(revenue "$sp" 2026-03-01)" "47.0" "back in UTC: Mar 1 revenue"

# An unknown zone: usage error naming it; the setting is unchanged.
run --workspace "$sp" config set timezone Nowhere/City
expect_eq "$RC" 2 "unknown zone exit code"
expect_contains "$ERR" "Nowhere/City" "unknown zone message"
run --workspace "$sp" --format json config set timezone Nowhere/City
expect_contains "$OUT$ERR" "UNKNOWN_TIMEZONE" "unknown zone code"
run --workspace "$sp" --format json config get
expect_eq "$(jq -r .timezone <<<"$OUT")" "UTC" "zone after a refused set"
run --workspace "$WORK/new.sqlite" init --timezone Nowhere/City
expect_eq "$RC" 2 "init with an unknown zone"
[ ! -e "$WORK/new.sqlite" ] || fail "init with an unknown zone created the workspace"
run --workspace "$sp" config get colour
expect_eq "$RC" 2 "unknown setting"

# The configuration file's timezone is the default of a new workspace; it
# does not move an existing one (only --timezone or config set does).
printf '{"timezone": "America/Sao_Paulo"}\n' >"$WORK/zone.json"
run --config "$WORK/zone.json" --workspace "$WORK/cfg.sqlite" --format json init
expect_eq "$RC" 0 "init with a config zone ($ERR)"
expect_eq "$(jq -r .timezone <<<"$OUT")" "America/Sao_Paulo" "zone from the config file"
run --config "$WORK/zone.json" --workspace "$utc" --format json init
expect_eq "$(jq -r .timezone <<<"$OUT")" "UTC" "config zone leaves an existing workspace's zone"
printf '{"timezone": "Nowhere/City"}\n' >"$WORK/badzone.json"
run --config "$WORK/badzone.json" --workspace "$WORK/bad.sqlite" init
expect_eq "$RC" 65 "config with an unknown zone"
expect_contains "$ERR" "Nowhere/City" "config zone message"
[ ! -e "$WORK/bad.sqlite" ] || fail "a bad config zone created the workspace"

finish
