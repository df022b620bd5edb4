#!/usr/bin/env bash
# bre simulate end to end on golden data, through the real binary: late
# deliveries raised enough to matter fire a fulfillment incident from the
# first perturbed day, with the fits and the changed values shown; halving
# overdue receivables the day before the seed-7 company's month-end jump
# avoids its liquidity incident (the design's use case D); scenarios save,
# list and show by a deterministic id; bad input fails with the right codes.
source "$(dirname "$0")/lib.bash"
: "${BRE_SOURCE_DIR:?BRE_SOURCE_DIR must point at the repository}"
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

load_golden() {
  export BRE_WORKSPACE="$WORK/$1.sqlite"
  run init --currency USD
  set +e
  gzip -dc "$BRE_SOURCE_DIR/golden/$1/events.jsonl.gz" | "$BRE" ingest file - --source events >/dev/null 2>"$WORK/stderr"
  RC=$?
  set -e
  expect_eq "$RC" 0 "ingest $1 ($(cat "$WORK/stderr"))"
  run build-state
  expect_eq "$RC" 0 "build-state $1 ($ERR)"
}

# ar_aging (seed 2) has no delivery trouble in its last 14 days: +150 % late
# deliveries (about 4 % -> 10 %) is far outside their normal wobble.
load_golden ar_aging
run simulate --perturb delivery_delay_rate=+150% --format json
expect_eq "$RC" 0 "simulate ($ERR)"
S=$OUT
expect_eq "$(json 'd["window"]' <<<"$S")" "['2026-03-19', '2026-04-01']" "the default window is the last 14 days"
expect_eq "$(json '[(i["incident_type"], i["days_after_start"]) for i in d["triggered_incidents"]]' <<<"$S")" \
  "[('fulfillment_sla_degradation', 0)]" "late deliveries fire the fulfillment incident from the first day"
expect_contains "$(json 'd["narrative"]' <<<"$S")" \
  "A 150% increase in delivery_delay_rate from 2026-03-19 would trigger Fulfillment SLA Degradation" "narrative"
expect_contains "$(json 'd["caveat"]' <<<"$S")" "not a prediction" "the caveat says what it is"
# Only the changed days, each 2.5 times its stored value.
CHECK=$(python3 -c "
import json, sys
d = json.loads(sys.argv[1])
days = d['simulated_metrics']['delivery_delay_rate']['days']
ok = len(days) == 14 and all(abs(x['simulated'] - min(1, 2.5 * x['baseline'])) < 1e-12 for x in days)
ok = ok and all(set(e) >= {'from', 'to', 'propagated', 'note'} for e in d['propagation'])
ok = ok and all(('r2' in e and 'points' in e and 'lag_days' in e) for e in d['propagation'] if e['propagated'])
print(ok and len(d['propagation']) > 0)" "$S")
expect_eq "$CHECK" True "changed values and every edge's fit are in the output"
expect_eq "$(json 'd["saved"]' <<<"$S")" False "not saved without --save"
expect_eq "$(sql "SELECT count(*) FROM scenarios")" 0 "nothing stored without --save"

run simulate --perturb delivery_delay_rate=+150% --save --format json
ID=$(json 'd["scenario_id"]' <<<"$OUT")
expect_eq "$ID" "$(json 'd["scenario_id"]' <<<"$S")" "the id is the same for the same question on the same data"
run simulate --perturb delivery_delay_rate=+150% --save --format json
expect_eq "$(sql "SELECT count(*) FROM scenarios")" 1 "saving again replaces"
run simulate show "$ID" --format json
expect_eq "$(json 'd["narrative"]' <<<"$OUT")" "$(json 'd["narrative"]' <<<"$S")" "show returns the saved scenario"
run simulate list --format json
expect_eq "$(json '[s["scenario_id"] for s in d]' <<<"$OUT")" "['$ID']" "list"
run simulate show "$ID" --format table
expect_contains "$OUT" "would fire (not firing today)" "table output"
expect_contains "$OUT" "propagation" "table output shows the fits"

# The issue's what-if: delivery delays up 30 on a ~4 % late rate. Relative
# (+30 %, 4 % -> 5.2 %) is within the rate's week-to-week wobble and fires
# nothing; as percentage points (+30pp, 4 % -> 34 %) the fulfillment incident
# fires at once, and this company's history has no late-delivery episode, so
# its late deliveries -> tickets fit runs the wrong way and support is not
# named (docs/simulate.md, "What +30 delivery delay does").
# One python per run: incident types named (triggered, escalated, prolonged),
# then how the tickets edge was fitted and used, then the perturbation.
summary() {
  python3 -c "
import json, sys
d = json.loads(sys.argv[1])
names = sorted({i['incident_type'] for k in ('triggered_incidents', 'escalated_incidents', 'prolonged_incidents') for i in d[k]})
tickets = [(e['fitted_parent'], e['propagated']) for e in d['propagation'] if e['to'] == 'ticket_volume']
print(names, tickets, d['perturbations'])" "$1"
}
run simulate --perturb delivery_delay_rate=+30% --format json
expect_eq "$(summary "$OUT")" \
  "[] [('late_delivery_count', False)] [{'metric': 'delivery_delay_rate', 'change_pct': 30.0}]" \
  "+30% relative on ar_aging changes no incident"
run simulate --perturb delivery_delay_rate=+30pp --format json
expect_eq "$(summary "$OUT")" \
  "['fulfillment_sla_degradation'] [('late_delivery_count', False)] [{'metric': 'delivery_delay_rate', 'change_pp': 30.0}]" \
  "+30pp on ar_aging: fulfillment only; tickets fitted on late deliveries (count space) and not used here"

# Use case D on the seed-7 company: its overdue receivables jump at month end
# (02-28) and fire a critical liquidity incident; half of them collected from
# the day before, the jump and the incident are gone.
load_golden order_surge
run simulate --perturb ar_aging_amount=-50% --from 2026-02-27 --days 7 --format json
expect_eq "$RC" 0 "simulate use case D ($ERR)"
expect_eq "$(json '[(i["incident_type"], i["severity"]) for i in d["incidents_avoided"]]' <<<"$OUT")" \
  "[('liquidity_crunch_risk', 'critical')]" "collecting half the overdue invoices avoids the liquidity incident"
expect_contains "$(json 'd["narrative"]' <<<"$OUT")" "would avoid Liquidity Crunch Risk (CRITICAL)" "narrative D"

# The issue's what-if on the seed-7 company, whose history holds
# late-delivery episodes: +30pp late deliveries names fulfillment and support.
# The count-space fit (about 1.1 tickets a late delivery, R² 0.12) adds about
# 4 tickets a day and a support surge fires the next day; the fulfillment
# incident that ended on 03-10 runs on into the window.
run simulate --perturb delivery_delay_rate=+30pp --format json
expect_eq "$RC" 0 "simulate +30pp order_surge ($ERR)"
CHECK=$(python3 -c "
import json, sys
d = json.loads(sys.argv[1])
print([(i['incident_type'], i['days_after_start']) for i in d['triggered_incidents'] if i['incident_type'] == 'support_load_surge'],
      [i['incident_type'] for i in d['prolonged_incidents']],
      'Support Load Surge' in d['narrative'] and 'would prolong Fulfillment SLA Degradation' in d['narrative'],
      d['narrative'].startswith('A 30 percentage point increase in delivery_delay_rate'))" "$OUT")
expect_eq "$CHECK" "[('support_load_surge', 1)] ['fulfillment_sla_degradation'] True True" \
  "+30pp on order_surge names support (a day later) and fulfillment (would last longer)"
run simulate --perturb order_volume=+30pp
expect_eq "$RC" 2 "percentage points only for ratio metrics"

run simulate --perturb delivery_delay_rate=30%
expect_eq "$RC" 2 "an unsigned change"
run simulate --perturb no_such_metric=+30% --format json
expect_eq "$(json 'd["error"]["code"]' <<<"$OUT")" BAD_PERTURBATION "the error code"
run simulate --perturb order_volume=+30% --from 2026-03-30 --days 14
expect_eq "$RC" 2 "a window past the data"
run simulate
expect_eq "$RC" 2 "no perturbation"
run simulate --perturb order_volume=+30% --days 0
expect_eq "$RC" 2 "an empty window"
run simulate show scn_0000000000000000
expect_eq "$RC" 66 "unknown scenario"
finish
