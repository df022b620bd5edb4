#!/usr/bin/env bash
# bre impact (the blast radius, docs/blast-radius.md) on two golden scenarios,
# checked against an independent computation in Python over the workspace:
#  - ar_aging: the liquidity_crunch_risk incident shows the overdue dollars of
#    the 20 injected invoices, its customers and its revenue exposure;
#  - support_failure: the churn incident its ticket backlog causes;
#  - refund_spike (whose refund spike is a known miss): the supplier incident
#    that is detected, and a cascade of two incidents.
source "$(dirname "$0")/lib.bash"
: "${BRE_SOURCE_DIR:?BRE_SOURCE_DIR must point at the repository}"

# A fresh workspace holding golden scenario $1, detected, with bre impact --all in $WORK/$1.json.
golden_workspace() {
  export BRE_WORKSPACE="$WORK/$1.sqlite"
  run init --currency USD
  expect_eq "$RC" 0 "$1: init ($ERR)"
  set +e
  gzip -dc "$BRE_SOURCE_DIR/golden/$1/events.jsonl.gz" | "$BRE" ingest file - --source events >/dev/null 2>"$WORK/stderr"
  RC=$?
  set -e
  expect_eq "$RC" 0 "$1: ingest ($(cat "$WORK/stderr"))"
  run build-state
  expect_eq "$RC" 0 "$1: build-state ($ERR)"
  run detect
  expect_eq "$RC" 0 "$1: detect ($ERR)"
  run --format json impact --all
  expect_eq "$RC" 0 "$1: impact --all ($ERR)"
  printf '%s' "$OUT" >"$WORK/$1.json"
}

# Runs the Python check $2 on scenario $1's workspace and output; prints its failures.
check() {
  local msg
  msg=$(python3 - "$BRE_WORKSPACE" "$WORK/$1.json" <<<"$2" 2>&1) || true
  [ -z "$msg" ] || fail "$1: $msg"
}

# Shared by the checks: the workspace's events as dicts, the incidents, the output.
PRELUDE='
import json, sqlite3, sys
from datetime import date, datetime, timezone
db = sqlite3.connect(sys.argv[1])
out = {b["incident_id"]: b for b in json.load(open(sys.argv[2]))}
incidents = {r[0]: (r[1], r[2], r[3]) for r in db.execute(
    "SELECT incident_id, incident_type, window_start, window_end FROM incidents")}
def day(ms): return datetime.fromtimestamp(ms / 1000, timezone.utc).date().isoformat()
events = [dict(id=r[0], type=r[1], day=day(r[2]), entity=r[3], rel=json.loads(r[4]),
               amount=(r[5] or 0) / 100, attrs=json.loads(r[6])) for r in db.execute(
    "SELECT event_id, event_type, event_time, entity_id, related_entity_ids, amount_minor, attributes FROM live_events")]
def only(kind):
    ids = [i for i, v in incidents.items() if v[0] == kind]
    assert len(ids) == 1, "%d %s incidents" % (len(ids), kind)
    return ids[0], incidents[ids[0]][1], incidents[ids[0]][2]
def near(a, b): return abs(a - b) < 0.005
def expect(what, got, want):
    ok = near(got, want) if isinstance(want, float) else got == want
    if not ok: print("%s: bre says %r, independently %r" % (what, got, want))
'

golden_workspace ar_aging
check ar_aging "$PRELUDE"'
inc, start, end = only("liquidity_crunch_risk")
b = out[inc]
overdue = [e for e in events if e["type"] == "invoice_overdue" and start <= e["day"] <= end]
invoices = {e["entity"] for e in overdue}
issued = {e["entity"]: e for e in events if e["type"] == "invoice_issued"}
paid = {e["entity"] for e in events if e["type"] == "invoice_paid"}
# The injection: 20 invoices issued 2026-01-29, due 2026-02-28, never paid (a natural one may match too).
injected = [e for e in issued.values() if e["day"] == "2026-01-29" and e["attrs"]["due_date"] == "2026-02-28"
            and e["entity"] not in paid]
injected_total = sum(e["amount"] for e in injected)
if len(injected) < 20 or injected_total <= 0: print("the injection is not 20 unpaid invoices: %d, $%.2f" % (len(injected), injected_total))
assert all(e["entity"] in invoices for e in injected), "an injected invoice is not affected"
expect("overdue_amount", b["overdue_amount"], float(sum(e["attrs"]["balance_at_due_date"] for e in overdue)))
expect("overdue_open_amount", b["overdue_open_amount"], sum(e["amount"] for e in overdue))
if b["overdue_open_amount"] < injected_total: print("open overdue below the injected invoices")
expect("invoices_affected", b["invoices_affected"], len(invoices))
expect("customers_affected", b["customers_affected"], len({e["rel"]["customer_id"] for e in overdue}))
expect("revenue exposure", b["estimated_revenue_exposure"], sum(issued[i]["amount"] for i in invoices))
trailing = sum(e["amount"] for e in events if e["type"] == "payment_received"
               and (date.fromisoformat(start) - date.fromisoformat(e["day"])).days in range(1, 31))
expect("trailing_revenue", b["inputs"]["trailing_revenue"], trailing)
expect("exposure_ratio", b["inputs"]["exposure_ratio"], b["estimated_revenue_exposure"] / trailing)
r = b["inputs"]["exposure_ratio"]
band = "contained" if r < 0.01 else "significant" if r < 0.05 else "severe" if r <= 0.15 else "catastrophic"
expect("severity", b["blast_radius_severity"], band)
expect("refund exposure = sum over customers", b["estimated_refund_exposure"],
       round(sum(c["refund_rate"] * c["exposure"] for c in b["customers"]), 2))
expect("churn exposure = customers above 0.5", b["estimated_churn_exposure"],
       sum(1 for c in b["customers"] if c["churn_risk"] > 0.5))
if "fell overdue" not in b["narrative"]: print("narrative without the overdue amount: " + b["narrative"])
'
# The stored payload is what was printed.
stored=$(sql "SELECT count(*) FROM blast_radius")
expect_eq "$stored" "$(sql "SELECT count(*) FROM incidents")" "ar_aging: one blast radius per incident"

golden_workspace support_failure
check support_failure "$PRELUDE"'
inc, start, end = only("churn_acceleration")
b = out[inc]
churned = {e["rel"].get("customer_id", e["entity"]) for e in events
           if e["type"] == "customer_churned" and start <= e["day"] <= end}
expect("churn: customers_affected", b["customers_affected"], len(churned))
expect("churn: every churned customer at risk", b["estimated_churn_exposure"], len(churned))
expect("churn: no orders", b["orders_affected"], 0)
'

golden_workspace refund_spike
check refund_spike "$PRELUDE"'
inc, start, end = only("supplier_dependency_failure")
b = out[inc]
delayed = [e for e in events if e["type"] == "shipment_delayed" and start <= e["day"] <= end]
orders = {e["rel"]["order_id"] for e in delayed if "order_id" in e["rel"]}
placed = {e["entity"]: e["rel"].get("customer_id") for e in events if e["type"] == "order_placed"}
expect("supplier: vendors_involved", b["vendors_involved"], len({e["rel"]["vendor_id"] for e in delayed}))
expect("supplier: orders_affected", b["orders_affected"], len(orders))
expect("supplier: customers_affected", b["customers_affected"], len({placed[o] for o in orders if placed.get(o)}))
expect("supplier: orders without an amount", b["inputs"]["orders_without_amount"], len(orders))
'

# One blast radius for a set of incidents: the union, each entity once.
supplier=$(sql "SELECT incident_id FROM incidents WHERE incident_type = 'supplier_dependency_failure'")
liquidity=$(sql "SELECT incident_id FROM incidents WHERE incident_type = 'liquidity_crunch_risk'")
run --format json impact "$supplier" "$liquidity"
expect_eq "$RC" 0 "cascade: impact ($ERR)"
printf '%s' "$OUT" >"$WORK/cascade.json"
python3 - "$WORK/refund_spike.json" "$WORK/cascade.json" <<'PY' || fail "cascade: union"
import json, sys
single = {b["incident_id"]: b for b in json.load(open(sys.argv[1]))}
c = json.load(open(sys.argv[2]))
parts = [single[i] for i in c["incident_ids"]]
assert len(parts) == 2, c["incident_ids"]
assert c["incident_id"] == "+".join(c["incident_ids"]), c["incident_id"]
for k in ("orders_affected", "invoices_affected", "vendors_involved"):  # disjoint event types here
    assert c[k] == sum(p[k] for p in parts), k
assert max(p["customers_affected"] for p in parts) <= c["customers_affected"] <= sum(p["customers_affected"] for p in parts)
assert abs(c["estimated_revenue_exposure"] - sum(p["estimated_revenue_exposure"] for p in parts)) < 0.005
assert c["narrative"].startswith("This cascade of 2 incidents affected ")
PY

# Downstream incidents come from stored cascades (members after this one, in
# time order); an unreadable cascade payload is skipped, not fatal.
sql "INSERT INTO cascades(cascade_id, root_incident_id, payload) VALUES
  ('cas_test', '$supplier', '{\"incident_ids\":[\"$supplier\",\"$liquidity\"]}'),
  ('cas_bad', '$supplier', 'not json')"
run --format json impact "$supplier"
expect_eq "$RC" 0 "downstream: impact ($ERR)"
expect_eq "$(python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["downstream_incidents_triggered"]))' <<<"$OUT")" \
  "$liquidity" "downstream of the supplier incident"
run --format json impact "$liquidity"
expect_eq "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["downstream_incidents_triggered"]))' <<<"$OUT")" \
  "0" "nothing downstream of the last member"

# Errors: an unknown id is not found (66); ids with --all is a usage error (2).
run impact inc_0000000000000000
expect_eq "$RC" 66 "unknown incident exit code"
expect_contains "$ERR" "no such incident" "unknown incident message"
run impact --all "$supplier"
expect_eq "$RC" 2 "ids with --all"
run impact
expect_eq "$RC" 2 "neither ids nor --all"

finish
