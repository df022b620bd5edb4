#!/usr/bin/env bash
# cli.md §2 and §5 through the real binary: exit codes, error lines, the JSON
# error object, --format placement, help, stdin, all-or-nothing batches.
source "$(dirname "$0")/lib.bash"

run --format json init
expect_eq "$RC" 0 "init"
expect_contains "$OUT" "\"schema_version\": $(sql 'PRAGMA user_version')" "init reports the schema version it created"
[ "$(sql 'PRAGMA user_version')" -ge 1 ] || fail "schema version is set"
run --format json init
expect_eq "$RC" 0 "init again is a no-op"

python3 "$BRE_SOURCE_DIR/examples/make_demo_events.py" "$WORK/ev.jsonl" --days 20
lines=$(wc -l < "$WORK/ev.jsonl")

# --format after the subcommand, stdin as '-'.
run ingest file - --source events --format json < "$WORK/ev.jsonl"
expect_eq "$RC" 0 "ingest from stdin"
expect_contains "$OUT" "\"events_inserted\": $lines" "all events inserted"
expect_eq "$(sql 'SELECT count(*) FROM events')" "$lines" "event count"
run --format json ingest file "$WORK/ev.jsonl" --source events
expect_contains "$OUT" '"events_inserted": 0' "re-ingest adds nothing"
expect_eq "$(sql 'SELECT count(*) FROM events')" "$lines" "event count unchanged"

# One corrupt line in the middle: exit 65, nothing written, the line named.
python3 "$BRE_SOURCE_DIR/examples/make_demo_events.py" "$WORK/bad.jsonl" --days 20 --seed 3 --corrupt-line 400 --source other
batches=$(sql 'SELECT count(*) FROM ingest_batches')
run --format json ingest file "$WORK/bad.jsonl" --source events
expect_eq "$RC" 65 "corrupt batch exit code"
expect_contains "$ERR" "bre: ingest file: 1 invalid record; nothing was written" "error line"
expect_contains "$ERR" "bad.jsonl:400" "line named"
expect_contains "$OUT" '"code": "INPUT_INVALID"' "JSON error object"
expect_contains "$OUT" '"line": 400' "JSON error details"
expect_eq "$(sql 'SELECT count(*) FROM ingest_batches')" "$batches" "no batch written"
expect_eq "$(sql "SELECT count(*) FROM events WHERE source='other'")" 0 "no events written"
run --format json ingest file "$WORK/bad.jsonl" --source events --skip-invalid
expect_eq "$RC" 0 "skip-invalid"
expect_contains "$OUT" '"rejected_records": 1' "reject counted"
expect_eq "$(sql 'SELECT record_line FROM rejected_records')" 400 "reject stored with its line"

# Usage errors are exit 2; missing input 66; unknown workspace 66.
run ingest file "$WORK/ev.jsonl"
expect_eq "$RC" 2 "missing --source"
run ingest file "$WORK/ev.jsonl" --source nonsense
expect_eq "$RC" 2 "unknown source"
run frobnicate
expect_eq "$RC" 2 "unknown command"
run ingest file "$WORK/absent.jsonl" --source events
expect_eq "$RC" 66 "missing input"
expect_contains "$ERR" "bre: ingest file: input file does not exist ($WORK/absent.jsonl)" "missing input message"
run --workspace "$WORK/none.sqlite" quality
expect_eq "$RC" 66 "missing workspace"
run --workspace "$WORK" init
expect_eq "$RC" 73 "workspace path is a directory"
run quality no_such_batch
expect_eq "$RC" 66 "unknown batch"
run --format pdf quality
expect_eq "$RC" 2 "format not offered by the command"

# A workspace from a newer bre is refused, clearly.
cp "$BRE_WORKSPACE" "$WORK/future.sqlite"
sqlite3 "$WORK/future.sqlite" 'PRAGMA user_version = 99'
run --workspace "$WORK/future.sqlite" init
expect_eq "$RC" 73 "newer workspace"
expect_contains "$ERR" "newer than this bre supports" "newer workspace message"

# Help: bre --help, bre help COMMAND, per-command formats.
run --help
expect_contains "$OUT" "ingest" "--help lists commands"
run help ingest file
expect_eq "$RC" 0 "help ingest file"
expect_contains "$OUT" "--skip-invalid" "help shows options"
expect_contains "$OUT" "Formats: --format table|json|jsonl|md" "help shows formats"

# jsonl prints one object per line; logs are JSON lines on stderr.
run --format jsonl --log-level info quality
expect_eq "$(echo "$OUT" | wc -l)" 3 "one line per batch"
run --log-level info --format json ingest file "$WORK/ev.jsonl" --source events
echo "$ERR" | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin if l.strip()]' || fail "stderr logs are not JSON lines"
expect_contains "$ERR" '"component":"ingest"' "log component"
expect_contains "$ERR" '"run_id":"run_' "log run id"

# --config: a JSON object of known keys; missing file 66, bad content 65.
echo '{"currency":"EUR"}' > "$WORK/eur.json"
run --workspace "$WORK/eur.sqlite" --config "$WORK/eur.json" --format json init
expect_contains "$OUT" '"currency": "EUR"' "config currency used by init"
echo '{"colour":"blue"}' > "$WORK/bad.json"
run --workspace "$WORK/eur.sqlite" --config "$WORK/bad.json" init
expect_eq "$RC" 65 "unknown config key"
expect_contains "$ERR" "field 'colour': unknown configuration key" "config problem named"
run --workspace "$WORK/eur.sqlite" --config "$WORK/none.json" init
expect_eq "$RC" 66 "missing config file"
run --workspace "$WORK/eur.sqlite" init --currency XYZ
expect_eq "$RC" 2 "unknown currency"
finish
