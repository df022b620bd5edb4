# Helpers for end-to-end tests: each test runs the real binary on real files.
set -euo pipefail
: "${BRE:?BRE must point at the bre binary}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export BRE_WORKSPACE="$WORK/ws.sqlite"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
expect_contains() { case "$1" in *"$2"*) ;; *) fail "$3: '$2' not in: $1";; esac; }
# Runs bre, capturing stdout, stderr and the exit code without tripping set -e.
run() { set +e; OUT=$("$BRE" "$@" 2>"$WORK/stderr"); RC=$?; ERR=$(cat "$WORK/stderr"); set -e; }
finish() { [ "$failures" -eq 0 ] && echo "ok" || { echo "$failures failure(s)" >&2; exit 1; }; }
sql() { sqlite3 "$BRE_WORKSPACE" "$1"; }
# A seeded 90-day company (seed 7) in DIR, with SCENARIO, ingested into a new
# workspace: seeded_company DIR SCENARIO.
seeded_company() {
  run seed --out "$1" --seed 7 --days 90 --scenario "$2"
  expect_eq "$RC" 0 "bre seed ($ERR)"
  run init --currency USD
  run ingest qbo --from-dir "$1/qbo"
  expect_eq "$RC" 0 "ingest qbo ($ERR)"
  run ingest file "$1/supplemental/operations.jsonl" --source events
  expect_eq "$RC" 0 "ingest operations ($ERR)"
}

# stored_results WORKSPACE: every stored scan result, one row a line
# (incidents, cascades, chains, blast radii, postmortems, monitors, alerts),
# run ids and creation times included. normalised FILE drops what differs
# between two computations of the same results: run ids, the postmortems'
# generated_at, and monitors' creation times (column and payload).
stored_results() {
  sqlite3 "$1" "SELECT incident_id, status, window_start, window_end, payload, run_id FROM incidents ORDER BY 1;
    SELECT cascade_id, payload, run_id FROM cascades ORDER BY 1;
    SELECT incident_id, payload, run_id FROM causal_chains ORDER BY 1;
    SELECT incident_id, payload, run_id FROM blast_radius ORDER BY 1;
    SELECT postmortem_id, incident_id, payload, run_id FROM postmortems ORDER BY 1;
    SELECT monitor_id, metric, condition, threshold, enabled, payload, created_at, last_evaluated_day FROM monitors ORDER BY 1;
    SELECT alert_id, monitor_id, status, day, payload FROM monitor_alerts ORDER BY 1;"
}
normalised() {
  sed -E 's/run_[0-9]{8}T[0-9]{6}Z_[0-9a-f]{8}/RUN/g; s/"(generated_at|created_at)":"[^"]*"/"\1":"T"/g; s/\|[0-9]{13}\|/|T|/g' "$1"
}
