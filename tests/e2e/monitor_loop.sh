#!/usr/bin/env bash
# The closed loop of prevention monitors, through the real binary: a seeded
# company has the same supplier delay twice (2026-02-02 and 2026-06-01). Its
# events reach the workspace in two deliveries (tests/tools/feed_until.py),
# each followed by bre scan. The first scan, which knows nothing after
# 2026-05-25, turns the first occurrence's incidents into monitors; the
# second finds the recurrence, and a monitor born from the first late-delivery
# incident alerts at least one day before the recurrence's late-delivery
# incident starts (its window start: the earliest day detection could name).
# Then: re-runs add nothing, alert triage, tuning, and the error model.
source "$(dirname "$0")/lib.bash"
: "${BRE_SOURCE_DIR:?BRE_SOURCE_DIR must point at the repository}"
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
FEED="$BRE_SOURCE_DIR/tests/tools/feed_until.py"
FULL="$WORK/full.sqlite"

run seed --out "$WORK/co" --seed 301 --scenario supplier_delay@2026-02-02 --scenario supplier_delay@2026-06-01
expect_eq "$RC" 0 "bre seed ($ERR)"
"$BRE" --workspace "$FULL" --quiet init --currency USD >/dev/null
"$BRE" --workspace "$FULL" --quiet ingest qbo --from-dir "$WORK/co/qbo" >/dev/null
"$BRE" --workspace "$FULL" --quiet ingest file "$WORK/co/supplemental/operations.jsonl" --source events >/dev/null
run init --currency USD

# First delivery: everything up to a week before the recurrence.
python3 "$FEED" "$FULL" "$BRE_WORKSPACE" 2026-05-25 >/dev/null
run scan --format json
expect_eq "$RC" 0 "first scan ($ERR)"
expect_eq "$(json 'd["produced"]["monitors"]["created"] > 0 and d["produced"]["monitors"]["created"] == d["produced"]["monitors"]["monitors"]' <<<"$OUT")" True \
  "the first scan creates monitors and records them in its manifest"
expect_eq "$(json 'd["produced"]["monitor_run"]["to"]' <<<"$OUT")" 2026-05-25 "the monitors ran up to the last metric day"
FIRST_FULFIL=$(sql "SELECT incident_id FROM incidents WHERE incident_type = 'fulfillment_sla_degradation' AND window_start BETWEEN '2026-02-01' AND '2026-02-12'")
[ -n "$FIRST_FULFIL" ] || fail "the first occurrence opens a late-delivery incident"
BORN=$(sql "SELECT group_concat(quote(monitor_id)) FROM monitors, json_each(json_extract(payload, '\$.source_incident_ids')) s WHERE s.value = '$FIRST_FULFIL'")
[ -n "$BORN" ] || fail "the late-delivery incident leaves monitors behind"
expect_eq "$(sql "SELECT count(*) FROM monitors WHERE last_evaluated_day IS NOT '2026-05-25'")" 0 "every monitor evaluated through the cut"
expect_eq "$(sql "SELECT count(*) FROM monitor_alerts WHERE day > '2026-05-25'")" 0 "no alert beyond the data"

# Second delivery: the rest, with the recurrence.
python3 "$FEED" "$FULL" "$BRE_WORKSPACE" 2026-07-01 >/dev/null
run scan --format json
expect_eq "$RC" 0 "second scan ($ERR)"
expect_eq "$(json 'd["produced"]["monitor_run"]["from"]' <<<"$OUT")" 2026-05-26 "the second run starts the day after the first stopped"
RECUR=$(sql "SELECT window_start FROM incidents WHERE incident_type = 'fulfillment_sla_degradation' AND window_start BETWEEN '2026-05-31' AND '2026-06-11' ORDER BY window_start LIMIT 1")
[ -n "$RECUR" ] || fail "detection finds the recurrence's late deliveries"
EARLY=$(sql "SELECT min(day) FROM monitor_alerts WHERE monitor_id IN ($BORN) AND day BETWEEN '2026-06-01' AND date('$RECUR', '-1 day')")
[ -n "$EARLY" ] || fail "a monitor born from the first incident alerts before the recurrence's incident starts ($RECUR)"
echo "recurrence incident starts $RECUR; monitor alert $EARLY ($(( ($(date -d "$RECUR" +%s) - $(date -d "${EARLY:-$RECUR}" +%s)) / 86400 )) days earlier)"
expect_eq "$(sql "SELECT count(*) FROM monitor_alerts a JOIN monitors m USING(monitor_id) WHERE a.day < json_extract(m.payload, '\$.source_incident_date')")" 0 \
  "no monitor alerts before the incident it was born from"

# Re-running adds nothing: by default there are no new days, and an explicit
# range that was already evaluated gives the same alert ids.
ALERTS=$(sql "SELECT count(*) FROM monitor_alerts")
run monitor run --format json
expect_eq "$(json 'd["alerts_raised"], d["days_evaluated"]' <<<"$OUT")" "0 0" "a second run has no new days"
run monitor run --from 2026-05-26 --to 2026-07-01 --format json
expect_eq "$(json 'd["alerts_raised"]' <<<"$OUT")" 0 "re-running evaluated days raises nothing new"
expect_eq "$(sql "SELECT count(*) FROM monitor_alerts")" "$ALERTS" "alerts are unchanged"

# Triage.
ALERT=$(sql "SELECT alert_id FROM monitor_alerts WHERE day = '$EARLY' LIMIT 1")
run monitor ack "$ALERT" --format json
expect_eq "$(json 'd["status"]' <<<"$OUT")" acknowledged "ack"
run monitor alerts --status acknowledged --format json
expect_eq "$(json '[a["alert_id"] for a in d]' <<<"$OUT")" "['$ALERT']" "alerts --status lists the acknowledged one"
run monitor dismiss "$ALERT" --format json
expect_eq "$(sql "SELECT status FROM monitor_alerts WHERE alert_id = '$ALERT'")" dismissed "dismiss"
run monitor alerts --status open
expect_eq "$RC" 2 "an unknown status is a usage error"

# Tuning survives regeneration; disabled monitors are not run.
MON=$(sql "SELECT monitor_id FROM monitors ORDER BY monitor_id LIMIT 1")
run monitor set "$MON" --threshold 3.2 --window 2 --agreement off --format json
expect_eq "$(json 'd["z_threshold"], d["window_days"], d["threshold_set_by_user"], d["path_agreement"]' <<<"$OUT")" \
  "3.2 2 True False" "set"
run scan --format json
run monitor show "$MON" --format json
expect_eq "$(json 'd["z_threshold"], d["window_days"], d["path_agreement"]' <<<"$OUT")" "3.2 2 False" \
  "a rescan keeps what a person set"
run monitor set "$MON" --agreement maybe
expect_eq "$RC" 2 "path agreement is on or off"
# Path agreement off for the run: every monitor reads alone, never fewer alerts on the same days.
run monitor run --from 2026-06-01 --to 2026-06-30 --format json
expect_eq "$(json 'd["agreement_days"], d["instant_z"]' <<<"$OUT")" "1 4" "the run reports its path agreement"
AGREED=$(sql "SELECT count(*) FROM monitor_alerts WHERE day BETWEEN '2026-06-01' AND '2026-06-30'")
run monitor run --from 2026-06-01 --to 2026-06-30 --agreement off --format json
expect_eq "$(json 'd["agreement_days"]' <<<"$OUT")" "None" "agreement off"
[ "$(sql "SELECT count(*) FROM monitor_alerts WHERE day BETWEEN '2026-06-01' AND '2026-06-30'")" -ge "$AGREED" ] ||
  fail "monitors reading alone raise at least the alerts of path agreement"
run monitor run --agreement 9
expect_eq "$RC" 2 "--agreement wants 0 to 7 days or off"
run monitor set "$MON" --threshold abc
expect_eq "$RC" 2 "a threshold that is not a number"
TOTAL=$(sql "SELECT count(*) FROM monitors")
run monitor disable "$MON"
run monitor run --from 2026-06-01 --to 2026-06-01 --format json
expect_eq "$(json 'd["monitors"]' <<<"$OUT")" "$((TOTAL - 1))" "a disabled monitor is not run"
run monitor list --format json
expect_eq "$(json '[m["health"] for m in d if m["monitor_id"] == "'"$MON"'"]' <<<"$OUT")" "['disabled']" "list shows it disabled"

# Unknown ids are not found (exit 66) with the one error object.
run monitor show mon_0000000000000000 --format json
expect_eq "$RC" 66 "unknown monitor"
expect_contains "$OUT" '"code": "MONITOR_NOT_FOUND"' "unknown monitor code"
run monitor ack alr_0000000000000000 --format json
expect_eq "$RC" 66 "unknown alert"
expect_contains "$OUT" '"code": "ALERT_NOT_FOUND"' "unknown alert code"
finish
