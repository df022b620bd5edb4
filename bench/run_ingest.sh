#!/usr/bin/env bash
# Benchmark of canonical JSON Lines ingestion (`bre ingest file --source events`).
#
#   bench/run_ingest.sh                       # 10^5 and 10^6 events
#   BENCH_SIZES="100000" REPEATS=3 bench/run_ingest.sh
#   BRE=/path/to/bre bench/run_ingest.sh      # use an existing binary, do not build
#
# For each size: generate the events once (bench/out/, gitignored, reused when
# present), then (1) a cold ingest into a fresh workspace and (2) a second
# ingest of the same file into that workspace (idempotent: 0 new events), each
# under /usr/bin/time -v. Prints a Markdown table on stdout; progress on stderr.
# With REPEATS=k each measurement is taken k times and the fastest is kept
# (the machine is shared; the fastest run is the least disturbed one).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
repo="$(dirname "$here")"
out="$here/out"
sizes="${BENCH_SIZES:-100000 1000000}"
repeats="${REPEATS:-1}"
seed="${SEED:-42}"
build="${BUILD_DIR:-/tmp/build-bench}"
mkdir -p "$out"

say() { printf '%s\n' "$*" >&2; }
die() { say "run_ingest.sh: $*"; exit 1; }

if [[ ! -x /usr/bin/time ]]; then
  say "installing GNU time (/usr/bin/time)"
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y -qq time >&2; else sudo apt-get install -y -qq time >&2; fi
fi
command -v python3 >/dev/null || die "python3 is needed for bench/gen_events.py"

if [[ -z "${BRE:-}" ]]; then
  BRE="$build/bre"
  if [[ ! -f "$build/build.ninja" ]]; then
    say "configuring $build (RelWithDebInfo)"
    cmake -G Ninja -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
  fi
  say "building bre"
  if ! ninja -C "$build" bre >&2; then
    [[ -x "$BRE" ]] || die "build failed and there is no previous binary"
    say "WARNING: build failed; benchmarking the previous binary $BRE"
  fi
fi
[[ -x "$BRE" ]] || die "no bre binary at $BRE"

work="$(mktemp -d "${TMPDIR:-/tmp}/bre-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# run_timed LABEL WORKSPACE FILE -> sets wall user sys rss inserted duplicates
run_timed() {
  local ws="$2" file="$3" tfile="$work/time.txt" jfile="$work/out.json"
  if ! /usr/bin/time -v -o "$tfile" "$BRE" --workspace "$ws" --format json --quiet \
      ingest file "$file" --source events >"$jfile" 2>"$work/stderr.txt"; then
    cat "$work/stderr.txt" >&2
    die "ingest of $file failed"
  fi
  read -r wall user sys rss < <(python3 - "$tfile" <<'EOF'
import sys
v = {}
for line in open(sys.argv[1]):
    k, _, val = line.strip().rpartition(": ")
    v[k] = val
def secs(s):
    parts = [float(p) for p in s.split(":")]
    t = 0.0
    for p in parts:
        t = t * 60 + p
    return t
print(secs(v["Elapsed (wall clock) time (h:mm:ss or m:ss)"]), v["User time (seconds)"],
      v["System time (seconds)"], int(v["Maximum resident set size (kbytes)"]) // 1024)
EOF
)
  read -r inserted duplicates < <(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["events_inserted"], j["events_duplicate"])' "$jfile")
}

rows=()
for n in $sizes; do
  file=$(bench_events "$n" "$seed")
  mb=$(python3 -c "import os,sys; print(round(os.path.getsize(sys.argv[1]) / 1e6, 1))" "$file")
  for phase in cold again; do
    best=""
    for ((r = 1; r <= repeats; r++)); do
      ws="$work/ws_${n}.sqlite"
      if [[ $phase == cold ]]; then
        rm -f "$ws" "$ws-wal" "$ws-shm"
        "$BRE" --workspace "$ws" --quiet --format json init >/dev/null
        cat "$file" >/dev/null  # input in the page cache: measure bre, not the disk
      fi
      say "$n events, $phase ingest, run $r/$repeats"
      run_timed "$phase" "$ws" "$file"
      say "  wall ${wall}s user ${user}s sys ${sys}s rss ${rss}MB inserted $inserted duplicate $duplicates"
      if [[ -z "$best" ]] || python3 -c "import sys; sys.exit(0 if $wall < $best_wall else 1)"; then
        best=1 best_wall=$wall best_user=$user best_sys=$sys best_rss=$rss best_ins=$inserted best_dup=$duplicates
      fi
    done
    rate=$(python3 -c "print(f'{$n / max($best_wall, 1e-9):,.0f}')")
    cpu_rate=$(python3 -c "print(f'{$n / max($best_user + $best_sys, 1e-9):,.0f}')")
    rows+=("| $n | $mb | $phase | $best_wall | $rate | $best_user + $best_sys | $cpu_rate | $best_rss | $best_ins | $best_dup |")
  done
  rm -f "$work"/ws_*
done

cores=$(nproc)
echo
echo "bre ingest file --source events ($(uname -m), $cores cores, $(date -u +%Y-%m-%d), REPEATS=$repeats)"
echo
echo "| events | input MB | ingest | wall s | events/s (wall) | CPU s (user + sys) | events/CPU-s | peak RSS MB | inserted | duplicate |"
echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
