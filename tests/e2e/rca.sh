#!/usr/bin/env bash
# BRE-RCA end to end on the golden scenarios, through the real binary and a
# real workspace: bre scan stores a chain and a blast radius per incident and
# records them in its manifest; bre rca prints the design's CausalChain whose
# every number recomputes from its own inputs; every evidence event id exists;
# the supplier-delay late deliveries are rooted at supplier_delay_rate and the
# AR-ageing liquidity crunch at ar_aging_amount with its overdue dollars;
# --delay-days stores nothing; bad ids and options fail with the right codes.
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
}

load_golden supplier_delay
run scan --format json
expect_eq "$RC" 0 "scan ($ERR)"
MANIFEST=$OUT
expect_eq "$(json 'd["produced"]["explained"]["causal_chains"] == d["produced"]["incidents"]' <<<"$MANIFEST")" True \
  "the scan explains every incident"
expect_eq "$(json '(d["rca_algorithm"], d["dependency_graph_version"])' <<<"$MANIFEST")" "('BRE-RCA-v2', 'business_dag_v2')" \
  "the manifest records the algorithm and graph versions"
expect_eq "$(sql "SELECT count(*) FROM causal_chains")" "$(sql "SELECT count(*) FROM incidents")" "one stored chain per incident"
expect_eq "$(sql "SELECT count(*) FROM blast_radius WHERE instr(incident_id, '+') = 0")" \
  "$(sql "SELECT count(*) FROM incidents")" "one stored blast radius per incident"

run incidents list --type fulfillment_sla_degradation --from 2026-03-01 --format json
FULFIL=$(json 'd[0]["incident_id"]' <<<"$OUT")
run rca "$FULFIL" --format json
expect_eq "$RC" 0 "rca ($ERR)"
CHAIN=$OUT
echo "$CHAIN" >"$WORK/chain.json"
expect_eq "$(json 'd["root_cause"]' <<<"$CHAIN")" supplier_delay_rate "late deliveries rooted at the supplier"
expect_eq "$(json '(d["paths"][0]["metrics"][-1], d["paths"][0]["metrics"][0] == d["root_cause"])' <<<"$CHAIN")" \
  "('delivery_delay_rate', True)" "path 1 runs from the root to the incident metric"
expect_eq "$(json 'd["blast_radius"]["incident_id"]' <<<"$CHAIN")" "$FULFIL" "the chain carries the incident's blast radius"
# Every score recomputes from the inputs the chain prints.
CHECK=$(python3 - "$WORK/chain.json" <<'PY'
import json, math, sys
c = json.load(open(sys.argv[1]))
bad = []
for n in c["candidates"]:
    t = n["temporal_precedence_inputs"]
    want = n["anomaly_magnitude"] * n["temporal_precedence"] * n["graph_proximity"] * n["data_quality_weight"]
    if abs(n["contribution_score"] - want) > 1e-9: bad.append(("contribution", n["metric_name"]))
    if n["anomaly_magnitude"] > 0 and abs(n["anomaly_magnitude"] - min(abs(n["metric_zscore"]) / 3, 3)) > 1e-9:
        bad.append(("magnitude", n["metric_name"]))
    if abs(n["graph_proximity"] - 1 / (n["graph_distance"] + 1)) > 1e-12: bad.append(("proximity", n["metric_name"]))
    prec = max(0, t["cross_correlation"]) * t["lag_decay"] * (0.1 if t["moved_after_incident_metric"] else 1)
    if n["metric_name"] != c["incident_metric"] and abs(n["temporal_precedence"] - prec) > 1e-9:
        bad.append(("precedence", n["metric_name"]))
    if abs(t["lag_decay"] - math.exp(-t["optimal_lag_days"] / 7)) > 1e-9: bad.append(("decay", n["metric_name"]))
for p in c["paths"]:
    nodes = p["nodes"]
    want = nodes[0]["contribution_score"]
    for n in nodes[1:-1]: want *= min(1, n["anomaly_magnitude"])
    if abs(p["overall_score"] - want) > 1e-9: bad.append(("path", p["rank"]))
    if len(set(p["metrics"])) != len(p["metrics"]): bad.append(("cycle", p["rank"]))
print(bad or "ok")
PY
)
expect_eq "$CHECK" ok "every number recomputes"
# Every evidence event exists in the workspace; the supplier's clusters name vendor 500.
python3 -c "
import json, sys
c = json.load(open('$WORK/chain.json'))
ids = {i for p in c['paths'] for n in p['nodes'] for cl in n['evidence_clusters'] for i in cl['event_ids']}
print('\n'.join(sorted(ids)))" >"$WORK/ids.txt"
[ -s "$WORK/ids.txt" ] || fail "no evidence event ids"
python3 -c "
import sqlite3, sys
db = sqlite3.connect('$BRE_WORKSPACE')
ids = open('$WORK/ids.txt').read().split()
found = sum(db.execute('SELECT count(*) FROM live_events WHERE event_id = ?', (i,)).fetchone()[0] for i in ids)
print(found == len(ids))" >"$WORK/exists.txt"
expect_eq "$(cat "$WORK/exists.txt")" True "every evidence event id is a live event"
expect_eq "$(json "next(cl['entity_id'] for n in d['paths'][0]['nodes'] if n['metric_name'] == 'supplier_delay_rate' for cl in n['evidence_clusters'])" <<<"$CHAIN")" \
  500 "the top supplier cluster is the delayed vendor"

run rca "$FULFIL" --format table
expect_contains "$OUT" "root cause: supplier_delay_rate" "table output"
run incidents show "$FULFIL" --format json
expect_eq "$(json '(d["root_cause"], d["causal_path"][-1], "affected" in d["blast_radius_narrative"])' <<<"$OUT")" \
  "('supplier_delay_rate', 'delivery_delay_rate', True)" "incidents show carries the root, path 1 and the blast radius"
run rca --all --format json
expect_eq "$(json 'len(d)' <<<"$OUT")" "$(sql "SELECT count(*) FROM incidents")" "--all prints every chain"
expect_eq "$(sql "SELECT count(*) FROM runs WHERE command = 'rca'")" 3 "each bre rca is a recorded run"
expect_eq "$(sql "SELECT json_extract(manifest, '\$.produced.root_causes.$FULFIL') FROM runs WHERE command = 'rca' ORDER BY started_at DESC LIMIT 1")" \
  supplier_delay_rate "the manifest records each root cause"
BEFORE=$(sql "SELECT payload FROM causal_chains WHERE incident_id = '$FULFIL'" | sha256sum)
run rca "$FULFIL" --delay-days 2 --format json
expect_eq "$RC" 0 "--delay-days ($ERR)"
expect_eq "$(sql "SELECT payload FROM causal_chains WHERE incident_id = '$FULFIL'" | sha256sum)" "$BEFORE" \
  "--delay-days stores nothing"
expect_eq "$(sql "SELECT count(*) FROM runs WHERE command = 'rca'")" 3 "--delay-days records no run"
# The graph is configuration: without the supplier's edges to the late
# deliveries and the backlog, the same incident gets another root; a cycle is
# refused with every problem listed (exit 65).
run config show --format json
python3 -c "
import json, sys
g = json.load(sys.stdin)['dependency_graph']
g['version'] = 'no_supplier_edges_v1'
g['edges'] = [e for e in g['edges'] if not e['from'].startswith('supplier_delay')]
json.dump({'dependency_graph': g}, open('$WORK/graph.json', 'w'))
g['edges'].append({'from': 'delivery_delay_rate', 'to': 'order_volume'})
g['edges'].append({'from': 'order_volume', 'to': 'delivery_delay_rate'})
json.dump({'dependency_graph': g}, open('$WORK/cycle.json', 'w'))" <<<"$OUT"
run --config "$WORK/graph.json" rca "$FULFIL" --delay-days 0 --format json
expect_eq "$RC" 0 "rca with a configured graph ($ERR)"
expect_eq "$(json '(d["dependency_graph_version"], d["root_cause"] != "supplier_delay_rate")' <<<"$OUT")" \
  "('no_supplier_edges_v1', True)" "the configured graph is the one used"
run --config "$WORK/cycle.json" rca "$FULFIL"
expect_eq "$RC" 65 "a cyclic graph is refused"
expect_contains "$ERR" "cycle" "the cycle is named"
run --config "$WORK/cycle.json" config show
expect_eq "$RC" 65 "config show refuses it too"
run rca "$FULFIL" --format json
expect_eq "$(json 'd["root_cause"]' <<<"$OUT")" supplier_delay_rate "the default graph again without --config"

run rca inc_0000000000000000
expect_eq "$RC" 66 "unknown incident"
run rca
expect_eq "$RC" 2 "neither an id nor --all"
run rca "$FULFIL" --delay-days -1
expect_eq "$RC" 2 "negative delay"

load_golden ar_aging
run scan
run incidents list --type liquidity_crunch_risk --format json
LIQ=$(json 'd[0]["incident_id"]' <<<"$OUT")
run rca "$LIQ" --format json
expect_eq "$(json '(d["root_cause"], d["paths"][0]["metrics"])' <<<"$OUT")" "('ar_aging_amount', ['ar_aging_amount'])" \
  "nothing upstream moved first: the incident metric is its own root"
# The 20 injected invoices were 20 large invoices; their overdue dollars are in the blast radius.
expect_eq "$(json 'd["blast_radius"]["overdue_amount"] > 0 and d["blast_radius"]["customers_affected"] > 0' <<<"$OUT")" True \
  "the blast radius shows the overdue dollars and customers"
finish
