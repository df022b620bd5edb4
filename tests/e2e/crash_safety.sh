#!/usr/bin/env bash
# Crash safety (cli.md §5: "the workspace is never left half-written"): a large
# canonical ingest is killed with SIGKILL in the middle of its transaction.
# Afterwards the workspace opens cleanly, passes PRAGMA integrity_check, and
# holds either none or all of the killed batch, never part of it; running the
# same ingest again then lands the whole batch.
#
# A large load into a small log runs in rollback-journal mode (the rows go
# straight into the file, with a journal beside it) when it has the file to
# itself, and in WAL mode otherwise; the kill is timed by how much the load
# has written so far, into the WAL or into the file, so either mode is caught
# mid-way.
#
# Env: BRE (binary), BRE_SOURCE_DIR (repo root); CRASH_EVENTS (default 600000)
# and CRASH_WAL_MB (bytes written at which to kill, default 96) to tune.
set -euo pipefail
: "${BRE:?BRE must point at the bre binary}"
: "${BRE_SOURCE_DIR:?BRE_SOURCE_DIR must point at the repository}"
command -v sqlite3 >/dev/null || { echo "FAIL: the sqlite3 command-line tool is required (apt-get install sqlite3)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "FAIL: python3 is required (bench/gen_events.py)" >&2; exit 1; }

N=${CRASH_EVENTS:-600000}
C0_EVENTS=3000
KILL_WAL_BYTES=$(( ${CRASH_WAL_MB:-96} * 1024 * 1024 ))
GEN="$BRE_SOURCE_DIR/bench/gen_events.py"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bre-crash.XXXXXX")
W="$WORK/ws.sqlite"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
die() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "crash_safety: $*" >&2; }
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }  # bash 5: microseconds, no subprocess
since_ms() { echo $(( ($(now_us) - $1) / 1000 )); }
secs() { printf '%d.%01d' $(($1 / 1000)) $(($1 % 1000 / 100)); }
sql() { sqlite3 -batch "$W" "$1"; }
bre() { "$BRE" --workspace "$W" --quiet --format json "$@"; }
file_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

t0=$(now_us)
# The big batch is generated in the background while the small one is ingested.
python3 "$GEN" --count "$N" --seed 7 --id-prefix B- --out "$WORK/big.jsonl" &
gen_pid=$!
python3 "$GEN" --count "$C0_EVENTS" --seed 3 --id-prefix A- --out "$WORK/small.jsonl"

bre init >/dev/null || die "bre init of a fresh workspace failed"
bre ingest file "$WORK/small.jsonl" --source events >"$WORK/small.out" 2>"$WORK/small.err" ||
  die "ingesting the first, small batch failed: $(cat "$WORK/small.err")"
C0=$(sql 'SELECT count(*) FROM events')
B0=$(sql 'SELECT count(*) FROM ingest_batches')
[[ "$C0" -eq "$C0_EVENTS" ]] || die "first batch: expected $C0_EVENTS events, found $C0"
[[ ! -e "$W-wal" ]] || sql 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
cp "$W" "$WORK/snapshot.sqlite"  # the state after the small batch, for a retry
wait "$gen_pid" || die "generating $N events failed"
[[ $(wc -l <"$WORK/big.jsonl") -eq "$N" ]] || die "generator wrote the wrong number of lines"
note "generated $N + $C0_EVENTS events in $(secs "$(since_ms "$t0")") s; C0=$C0"

# written: bytes the running load has added so far, to the WAL or to the file.
written() { echo $(( $(file_size "$W-wal") + $(file_size "$W") - $(file_size "$WORK/snapshot.sqlite") )); }

# start_and_kill MODE ARG: starts the big ingest in the background and kills it
# with SIGKILL once it has written ARG bytes (MODE=wal) or after ARG
# milliseconds (MODE=time). Sets killed=1 when it was killed while still
# running, killed=0 when it had already finished, and elapsed_ms to its run time.
start_and_kill() {
  local mode=$1 arg=$2 start status
  rm -f "$WORK/big.out" "$WORK/big.err"
  start=$(now_us)
  "$BRE" --workspace "$W" --quiet --format json ingest file "$WORK/big.jsonl" --source events \
    >"$WORK/big.out" 2>"$WORK/big.err" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if [[ $mode == wal ]]; then
      [[ $(written) -ge $arg ]] && break
      # a machine too slow to grow the WAL: kill it mid-run anyway
      [[ $(since_ms "$start") -ge 30000 ]] && break
    else
      [[ $(since_ms "$start") -ge $arg ]] && break
    fi
    sleep 0.02
  done
  local written_at_kill journal_at_kill=no
  written_at_kill=$(written)
  [[ -e "$W-journal" ]] && journal_at_kill=yes
  kill -KILL "$pid" 2>/dev/null || true
  set +e
  { wait "$pid"; } 2>/dev/null
  status=$?
  set -e
  pid=""
  elapsed_ms=$(since_ms "$start")
  if [[ $status -eq 137 ]]; then
    killed=1
    # Killed for what it had written (not by the slow-machine fallback): it
    # was writing, and alone on the file that means with a rollback journal.
    [[ $mode != wal || $written_at_kill -lt $arg || $journal_at_kill == yes ]] ||
      fail "the bulk load had the file to itself but was not in rollback-journal mode when killed"
    note "killed the ingest with SIGKILL after $(secs "$elapsed_ms") s ($((written_at_kill / 1048576)) MB written, rollback journal: $journal_at_kill)"
  elif [[ $status -eq 0 ]]; then
    killed=0
    note "the ingest finished in $(secs "$elapsed_ms") s, before it could be killed"
  else
    die "the big ingest failed by itself (exit $status): $(cat "$WORK/big.err")"
  fi
}

# check_invariants: the workspace after the crash.
check_invariants() {
  local out rc count batches indexes
  set +e
  out=$(bre init 2>&1)
  rc=$?
  set -e
  [[ $rc -eq 0 ]] || die "bre init after the crash exited $rc: $out"
  out=$(sql 'PRAGMA journal_mode')
  [[ "$out" == wal ]] || fail "journal mode after the crash and bre init: $out (expected wal)"
  out=$(sql 'PRAGMA integrity_check')
  [[ "$out" == ok ]] || die "PRAGMA integrity_check after the crash: $out"
  out=$(sql 'PRAGMA foreign_key_check')
  [[ -z "$out" ]] || fail "PRAGMA foreign_key_check after the crash: $out"
  count=$(sql 'SELECT count(*) FROM events')
  batches=$(sql 'SELECT count(*) FROM ingest_batches')
  if [[ $count -eq $C0 ]]; then
    [[ $batches -eq $B0 ]] || fail "no event of the killed batch is present, but ingest_batches has $batches rows (expected $B0)"
    [[ $(sql 'SELECT count(*) FROM quality_reports') -eq $B0 ]] || fail "a quality report of the killed batch survived"
  elif [[ $count -eq $((C0 + N)) ]]; then
    [[ $batches -eq $((B0 + 1)) ]] || fail "all events are present but ingest_batches has $batches rows (expected $((B0 + 1)))"
    [[ $(sql "SELECT count(*) FROM ingest_batches WHERE finished_at IS NOT NULL AND events_inserted = $N") -eq 1 ]] ||
      fail "the completed batch is not recorded as finished with $N events"
  else
    fail "partial batch: $count events after the crash, expected $C0 (none) or $((C0 + N)) (all)"
  fi
  # A bulk load drops the event indexes (the unique one on event_id too) inside
  # its transaction: they must be back.
  indexes=$(sql "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name)")
  [[ $indexes == "idx_events_id idx_events_type_time" ]] ||
    fail "expected the indexes idx_events_id and idx_events_type_time on events after the crash, found '$indexes'"
  [[ $(sql "SELECT count(*) FROM events WHERE event_id LIKE 'ev_%'") -eq $count ]] || fail "events unreadable"
  after_count=$count
}

start_and_kill wal "$KILL_WAL_BYTES"
if [[ $killed -eq 0 ]]; then
  # Too fast to catch by WAL size: check the completed state, then restore the
  # snapshot and kill at a fraction of the measured duration instead.
  check_invariants
  note "retrying from the snapshot, killing at 40% of $(secs "$elapsed_ms") s"
  rm -f "$W" "$W-wal" "$W-shm"
  cp "$WORK/snapshot.sqlite" "$W"
  start_and_kill time $((elapsed_ms * 4 / 10))
  [[ $killed -eq 1 ]] || note "WARNING: the ingest finished before the kill twice; only the completed state was checked"
fi
check_invariants
case $after_count in
  "$C0") share=none ;;
  "$((C0 + N))") share=all ;;
  *) share=PART ;;
esac
note "after the crash: $after_count events ($share of the killed batch)"

# The same ingest again lands the whole batch (or adds nothing if it had committed).
t1=$(now_us)
set +e
bre ingest file "$WORK/big.jsonl" --source events >"$WORK/again.out" 2>"$WORK/again.err"
rc=$?
set -e
[[ $rc -eq 0 ]] || die "re-running the ingest after the crash exited $rc: $(cat "$WORK/again.err")"
note "re-ran the ingest in $(secs "$(since_ms "$t1")") s"
count=$(sql 'SELECT count(*) FROM events')
[[ $count -eq $((C0 + N)) ]] || fail "after re-running the ingest: $count events, expected $((C0 + N))"
inserted=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["events_inserted"])' "$WORK/again.out" 2>/dev/null || echo "unreadable output")
expected_inserted=$((C0 + N - after_count))
[[ "$inserted" == "$expected_inserted" ]] || fail "re-run reported events_inserted=$inserted, expected $expected_inserted"
[[ $(sql 'PRAGMA integrity_check') == ok ]] || fail "integrity_check after the re-run"
[[ $(sql 'SELECT count(*) FROM ingest_batches') -eq $((B0 + 1 + (after_count == C0 ? 0 : 1))) ]] ||
  fail "ingest_batches after the re-run: $(sql 'SELECT count(*) FROM ingest_batches')"

note "total $(secs "$(since_ms "$t0")") s"
if [[ $failures -eq 0 ]]; then echo ok; else echo "$failures failure(s)" >&2; exit 1; fi
