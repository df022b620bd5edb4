#!/usr/bin/env bash
# Regenerates golden/*/events.jsonl.gz from `bre seed`, deterministically: the
# seed options come from each scenario.json, bre seed writes the same bytes
# for the same options, and export_events.py sorts and formats canonically.
# Each export is checked by ingesting it back (`bre ingest file --source
# events`) into a fresh workspace: the live events must be identical.
#
# usage: golden/make_inputs.sh [NAME...]      (env BRE, default build/bre)
# Then run `scripts/golden --update` and review the expected.json diff.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BRE=$(realpath "${BRE:-$ROOT/build/bre}")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# The columns that make an event what it is (not when or in which batch it
# was ingested), in a stable order.
EVENT_COLUMNS="event_id, event_type, event_time, source, source_entity_id, entity_type, entity_id,
  related_entity_ids, amount_minor, currency, attributes, data_quality_flags, schema_version, mapping_version"
dump_events() { sqlite3 "$1" "SELECT $EVENT_COLUMNS FROM live_events ORDER BY event_id"; }

if [ $# -eq 0 ]; then
  set -- $(cd "$HERE" && for d in */scenario.json; do dirname "$d"; done)
fi
for name in "$@"; do
  dir="$HERE/$name"
  [ -f "$dir/scenario.json" ] || { echo "make_inputs: no $dir/scenario.json" >&2; exit 2; }
  # seed_options -> bre seed arguments, one per line.
  mapfile -t args < <(python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))["seed_options"]
for k in ("seed", "days", "start", "scenario"):
    print("--" + k); print(o[k])' "$dir/scenario.json")
  co="$TMP/$name" ws="$TMP/$name.sqlite" back="$TMP/$name.back.sqlite"
  "$BRE" seed --out "$co" "${args[@]}" >/dev/null
  "$BRE" --workspace "$ws" init --currency USD >/dev/null
  "$BRE" --workspace "$ws" ingest qbo --from-dir "$co/qbo" >/dev/null 2>&1
  "$BRE" --workspace "$ws" ingest file "$co/supplemental/operations.jsonl" --source events >/dev/null 2>&1
  python3 "$HERE/export_events.py" "$ws" "$TMP/$name.jsonl"
  # Committed compressed; -n leaves name and time out, so the bytes are reproducible.
  gzip -9 -n -c "$TMP/$name.jsonl" >"$dir/events.jsonl.gz"
  # The round trip: the committed file must give back exactly these events.
  "$BRE" --workspace "$back" init --currency USD >/dev/null
  gzip -dc "$dir/events.jsonl.gz" | "$BRE" --workspace "$back" ingest file - --source events >/dev/null 2>&1
  if ! cmp -s <(dump_events "$ws") <(dump_events "$back"); then
    echo "make_inputs: $name: events.jsonl does not re-ingest into the same events" >&2
    diff <(dump_events "$ws") <(dump_events "$back") | head -20 >&2
    exit 1
  fi
  echo "$name: $(wc -l <"$TMP/$name.jsonl") events, $(du -k "$dir/events.jsonl.gz" | cut -f1) KiB compressed (${args[*]})"
done
