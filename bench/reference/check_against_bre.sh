#!/usr/bin/env bash
# Checks the pandas reference against bre, metric by metric and day by day:
# ingests the events into a fresh workspace, runs `bre build-state`, runs
# bench/reference/reference.py on the same file and compares every daily
# value of the 27 gold metrics (equal when both are null or they differ by at
# most 1e-9 relative). Prints a Markdown table; exits 1 when a metric differs.
#   usage: bench/reference/check_against_bre.sh [EVENTS.jsonl]
#   env:   BRE=path/to/bre (default: build-cc/bre, else build/bre)
#          N=100000 (events generated into bench/out/ when no file is given)
# Needs python3-pandas (Debian); nothing here runs in CI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$(cd "$here/../.." && pwd)"
bre="${BRE:-}"
if [[ -z "$bre" ]]; then
  for b in "$src/build-cc/bre" "$src/build/bre"; do [[ -x "$b" ]] && bre=$b && break; done
fi
[[ -x "$bre" ]] || { echo "no bre binary: set BRE=path/to/bre" >&2; exit 2; }
py=/usr/bin/python3  # Debian's interpreter, where python3-pandas installs
n="${N:-100000}"
events="${1:-$src/bench/out/events_${n}_s42.jsonl}"
if [[ ! -s "$events" ]]; then
  mkdir -p "$(dirname "$events")"
  "$py" "$src/bench/gen_events.py" --count "$n" --seed 42 --out "$events.tmp"
  mv "$events.tmp" "$events"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ws="$work/ws.sqlite"
"$bre" --workspace "$ws" --quiet init >/dev/null
"$bre" --workspace "$ws" --quiet ingest file --source events "$events" >/dev/null
"$bre" --workspace "$ws" --quiet build-state --full >/dev/null
sqlite3 -csv -header "$ws" "SELECT metric, day, value FROM metrics_daily ORDER BY metric, day" >"$work/bre.csv"
"$py" "$here/reference.py" "$events" --metrics-out "$work/reference.csv" >/dev/null

"$py" - "$work/bre.csv" "$work/reference.csv" "$events" <<'PY'
import sys
import numpy as np
import pandas as pd

bre = pd.read_csv(sys.argv[1]).pivot(index="day", columns="metric", values="value")
ref = pd.read_csv(sys.argv[2], index_col="day")
print(f"Reference vs bre on {sys.argv[3]}: {len(ref)} reference days, {len(bre)} bre days\n")
print("| metric | days | equal | null in one only | max abs diff | non-null days |")
print("|---|---:|---:|---:|---:|---:|")
bad = 0
days_differ = list(ref.index) != list(bre.index)
for metric in ref.columns:
    b = bre[metric].reindex(ref.index) if metric in bre else pd.Series(np.nan, index=ref.index)
    r = ref[metric]
    both = b.notna() & r.notna()
    one = b.notna() ^ r.notna()
    close = np.isclose(b[both], r[both], rtol=1e-9, atol=1e-9)
    equal = int(close.sum() + (b.isna() & r.isna()).sum())
    diff = float((b[both] - r[both]).abs().max()) if both.any() else 0.0
    print(f"| {metric} | {len(r)} | {equal} | {int(one.sum())} | {diff:.3g} | {int(both.sum())} |")
    bad += equal != len(r)
print(f"\n{len(ref.columns) - bad} of {len(ref.columns)} metrics equal on every day"
      + ("; the day ranges differ" if days_differ else ""))
sys.exit(1 if bad or days_differ else 0)
PY
