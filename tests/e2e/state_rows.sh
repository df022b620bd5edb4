#!/usr/bin/env bash
# Every metric row of a full build-state, bit for bit (values printed with
# 17 significant digits), against the rows recorded in tests/e2e/state_rows/
# by the build-state that held every event in memory (main at 6f6d58b,
# before it streamed them: issue 7). The datasets: 40,000 events of the
# bench business (bench/gen_events.py, seed 11), the five golden scenarios
# and a seeded QuickBooks company (seed 7, 90 days, AR aging injected). Only
# the last six have customer-attributed payments and bill payments, so only
# there customer_concentration and dpo_proxy have values. The bench events are
# also ingested in reverse order: the order of ingestion changes no row.
# STATE_ROWS_UPDATE=1 rewrites the references instead of comparing.
source "$(dirname "$0")/lib.bash"
src=${BRE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
refs="$src/tests/e2e/state_rows"

# rows WORKSPACE: every daily metric row, then every weekly one.
rows() {
  local value="CASE WHEN value IS NULL THEN 'null' ELSE printf('%!.17g', value) END"
  sqlite3 -separator ' ' "$1" "SELECT metric, day, $value FROM metrics_daily ORDER BY metric, day"
  sqlite3 -separator ' ' "$1" "SELECT 'weekly', metric, week_start, $value FROM metrics_weekly ORDER BY metric, week_start"
}

# check NAME WORKSPACE [REFERENCE]: builds state from scratch and compares
# with the reference (default: NAME's).
check() {
  local ref="$refs/${3:-$1}.rows.gz"
  run --workspace "$2" build-state --full
  expect_eq "$RC" 0 "$1: build-state ($ERR)"
  rows "$2" >"$WORK/$1.rows"
  if [ -n "${STATE_ROWS_UPDATE:-}" ]; then
    [ -n "${3:-}" ] || gzip -9n <"$WORK/$1.rows" >"$ref"
  elif ! zcat "$ref" | diff -q - "$WORK/$1.rows" >/dev/null; then
    fail "$1: metric rows differ from the reference ($(zcat "$ref" | diff - "$WORK/$1.rows" | head -4 | tr '\n' ' '))"
  fi
}

# ingested NAME FILE: a new workspace holding FILE's events.
ingested() {
  local ws="$WORK/$1.sqlite"
  run --workspace "$ws" init --currency USD
  run --workspace "$ws" ingest file "$2" --source events
  expect_eq "$RC" 0 "$1: ingest ($ERR)"
  echo "$ws"
}

python3 "$src/bench/gen_events.py" --count 40000 --seed 11 --days 240 --out "$WORK/bench.jsonl"
check bench "$(ingested bench "$WORK/bench.jsonl")"
tac "$WORK/bench.jsonl" >"$WORK/reversed.jsonl"
check bench_reversed "$(ingested bench_reversed "$WORK/reversed.jsonl")" bench

for g in ar_aging order_surge refund_spike supplier_delay support_failure; do
  zcat "$src/golden/$g/events.jsonl.gz" >"$WORK/$g.jsonl"
  check "golden_$g" "$(ingested "golden_$g" "$WORK/$g.jsonl")"
done

seeded_company "$WORK/company" ar_aging
check company "$BRE_WORKSPACE"
finish
