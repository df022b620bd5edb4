#!/usr/bin/env bash
# A large canonical load into a small log (bre ingest file, bulk path):
# - alone on the file it runs in rollback-journal mode, and leaves the
#   workspace in WAL mode with its indexes and foreign keys intact;
# - with another connection open (as bre serve would hold) it stays in WAL
#   mode, and the other connection sees the whole batch afterwards;
# - either way the stored set is the same: re-ingesting is a no-op.
source "$(dirname "$0")/lib.bash"
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 is required" >&2; exit 1; }

N=100000  # ~36 MB of JSON Lines: above the 32 MB bulk threshold
python3 "$BRE_SOURCE_DIR/bench/gen_events.py" --count "$N" --seed 11 --out "$WORK/big.jsonl"

load() {  # load WORKSPACE: ingests big.jsonl with debug logs into $WORK/log
  set +e
  OUT=$("$BRE" --workspace "$1" --log-level debug --format json ingest file "$WORK/big.jsonl" --source events 2>"$WORK/log")
  RC=$?
  set -e
}
journal_logged() { grep -o '"event":"bulk_load"[^}]*' "$WORK/log" | grep -o '"journal_mode":"[a-z]*"' | cut -d'"' -f4; }
check_workspace() {  # check_workspace WORKSPACE LABEL
  expect_eq "$(sqlite3 "$1" 'PRAGMA journal_mode')" wal "$2: journal mode afterwards"
  expect_eq "$(sqlite3 "$1" 'PRAGMA integrity_check')" ok "$2: integrity_check"
  expect_eq "$(sqlite3 "$1" 'PRAGMA foreign_key_check')" "" "$2: foreign_key_check"
  expect_eq "$(sqlite3 "$1" 'SELECT count(*) FROM events')" "$N" "$2: events stored"
  expect_eq "$(sqlite3 "$1" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name)")" \
    "idx_events_id idx_events_type_time" "$2: event indexes"
}

# Alone on the file.
A="$WORK/alone.sqlite"
"$BRE" --workspace "$A" init >/dev/null
load "$A"
expect_eq "$RC" 0 "bulk load alone ($(tail -c 300 "$WORK/log"))"
expect_eq "$(journal_logged)" delete "bulk load alone: journal mode used"
check_workspace "$A" "alone"
[ ! -e "$A-journal" ] || fail "alone: a rollback journal was left behind"

# With another connection holding the file open.
B="$WORK/shared.sqlite"
"$BRE" --workspace "$B" init >/dev/null
mkfifo "$WORK/feed"
sqlite3 "$B" <"$WORK/feed" >"$WORK/holder.out" 2>&1 &
holder=$!
exec 7>"$WORK/feed"
echo "SELECT count(*) FROM events;" >&7
for _ in $(seq 50); do [ -s "$WORK/holder.out" ] && break; sleep 0.1; done
load "$B"
expect_eq "$RC" 0 "bulk load beside another connection ($(tail -c 300 "$WORK/log"))"
expect_eq "$(journal_logged)" wal "bulk load beside another connection: journal mode used"
echo "SELECT count(*) FROM events;" >&7
exec 7>&-
wait "$holder"
expect_eq "$(tr '\n' ' ' <"$WORK/holder.out")" "0 $N " "the other connection's counts before and after"
check_workspace "$B" "shared"

# Same stored set both ways, and a re-ingest adds nothing.
expect_eq "$(sqlite3 "$A" 'SELECT group_concat(event_id) FROM (SELECT event_id FROM events ORDER BY event_id)' | sha256sum)" \
  "$(sqlite3 "$B" 'SELECT group_concat(event_id) FROM (SELECT event_id FROM events ORDER BY event_id)' | sha256sum)" "stored ids alone vs shared"
load "$A"
expect_eq "$RC" 0 "re-ingest"
expect_contains "$OUT" '"events_inserted": 0' "re-ingest inserts nothing"
check_workspace "$A" "after the re-ingest"
finish
