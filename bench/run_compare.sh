#!/usr/bin/env bash
# bre against the design's own stack (issue 7): for each size, bre's cold path
# (init + ingest + scan + postmortems as JSON and Markdown) and the pandas
# reference (bench/reference/reference.py: load + gold metrics + layer-1
# detection) on the same canonical events; then bre's re-scans, an
# incremental scan after one more day of events, and PDF rendering on its own.
# Prints Markdown tables on stdout (and keeps them in $REPORT, default
# bench/out/compare.md). Results and what they mean: bench/README.md,
# "Against the pandas reference (issue 7)".
#
#   bench/run_compare.sh
#   SIZES="10000 100000" BRE=build-cc/bre bench/run_compare.sh
#
# env: BRE          bre binary (unset: scripts/setup builds build/bre)
#      SIZES        event counts (default "10000 100000 1000000 10000000")
#      SEED         generator seed (default 42)
#      REF_MEM_GB   address-space limit of the reference, GiB (default 20)
#      REF_TIMEOUT  seconds before the reference is stopped (default 3600)
#      WORK         where the workspaces go (default: a temporary directory)
#      REPORT       where the tables are kept too (default bench/out/compare.md)
#      RESCANS      0: skip the re-scans and the extra day (default 1)
# Event files are generated once into bench/out/ (gitignored) and reused;
# generation is not timed. Nothing here runs in CI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
src="$(cd "$here/.." && pwd)"
out="$here/out"
report="${REPORT:-$out/compare.md}"
mkdir -p "$out"
sizes="${SIZES:-10000 100000 1000000 10000000}"
seed="${SEED:-42}"
ref_mem_gb="${REF_MEM_GB:-20}"
ref_timeout="${REF_TIMEOUT:-3600}"
py=/usr/bin/python3  # Debian's interpreter, where python3-pandas installs
if ! "$py" -c 'import pandas' 2>/dev/null; then
  echo "python3-pandas is missing: apt-get install python3-pandas" >&2
  exit 2
fi
if [[ -z "${BRE:-}" ]]; then
  (cd "$src" && BRE_TARGET=bre scripts/setup) >&2
  BRE="$src/build/bre"
fi
bre="$(cd "$(dirname "$BRE")" && pwd)/$(basename "$BRE")"
work="${WORK:-$(mktemp -d)}"
[[ -n "${WORK:-}" ]] || trap 'rm -rf "$work"' EXIT
say() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# measure NAME CMD...: runs CMD under /usr/bin/time; sets NAME_wall, NAME_cpu,
# NAME_rss (MB) and NAME_rc. stdout of CMD goes to $work/NAME.out.
measure() {
  local name=$1; shift
  local tf="$work/$name.time" rc=0
  /usr/bin/time -f "%e %U %S %M" -o "$tf" "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  read -r w u s m < <(tail -n 1 "$tf")
  printf -v "${name}_wall" '%s' "$w"
  printf -v "${name}_cpu" '%s' "$(awk "BEGIN { printf \"%.2f\", $u + $s }")"
  printf -v "${name}_rss" '%s' "$((m / 1024))"
  printf -v "${name}_rc" '%s' "$rc"
}
add() { awk "BEGIN { printf \"%.2f\", $* }"; }
maxof() { printf '%s\n' "$@" | sort -n | tail -n 1; }
stage_names() {  # FILE SEP: the names of the scan's stages, in its manifest's order
  "$py" -c 'import json,sys; print(sys.argv[2].join(json.load(open(sys.argv[1]))["durations_ms"]))' "$1" "$2"
}
stages() {  # FILE SEP: the scan's durations_ms from its manifest, in seconds, joined by SEP
  "$py" -c 'import json,sys; d=json.load(open(sys.argv[1]))["durations_ms"]; print(sys.argv[2].join("%.2f" % (v / 1000) for v in d.values()))' "$1" "$2"
}
bre_ws() { "$bre" --workspace "$ws" --quiet "$@"; }

cold_rows=() stage_rows=() again_rows=()
for n in $sizes; do
  events=$(bench_events "$n" "$seed")
  ws="$work/ws_$n.sqlite" pm="$work/pm_$n"
  rm -rf "$ws" "$ws-wal" "$ws-shm" "$pm"
  mkdir -p "$pm"

  say "n=$n: bre cold path"
  la=$(loadavg)
  measure init "$bre" --workspace "$ws" --quiet init
  measure ingest "$bre" --workspace "$ws" --quiet --format json ingest file --source events "$events"
  measure scan "$bre" --workspace "$ws" --quiet --format json scan
  cp "$work/scan.out" "$work/scan_cold_$n.json"
  measure pmjson "$bre" --workspace "$ws" --quiet postmortem --all --format json --out-dir "$pm/json"
  measure pmmd "$bre" --workspace "$ws" --quiet postmortem --all --format md --out-dir "$pm/md"
  cold=$(add "$init_wall + $ingest_wall + $scan_wall + $pmjson_wall + $pmmd_wall")
  cold_cpu=$(add "$init_cpu + $ingest_cpu + $scan_cpu + $pmjson_cpu + $pmmd_cpu")
  cold_rss=$(maxof "$init_rss" "$ingest_rss" "$scan_rss" "$pmjson_rss" "$pmmd_rss")
  eps=$(awk "BEGIN { printf \"%d\", $n / $ingest_wall }")
  npm=$(find "$pm/json" -type f | wc -l)
  measure pdf "$bre" --workspace "$ws" --quiet postmortem --all --format pdf --out-dir "$pm/pdf"
  stage_rows+=("| $n | $(stages "$work/scan_cold_$n.json" " | ") | $scan_wall ($scan_cpu) | $npm | $pmjson_wall + $pmmd_wall ($pmjson_cpu + $pmmd_cpu) | $pdf_wall ($pdf_cpu) |")

  if [[ "${RESCANS:-1}" != 0 ]]; then
    say "n=$n: re-scans"
    measure rescan "$bre" --workspace "$ws" --quiet --format json scan
    rescan_stages=$(stages "$work/rescan.out" " / ")
    measure full "$bre" --workspace "$ws" --quiet build-state --full
    measure fullscan "$bre" --workspace "$ws" --quiet --format json scan
    full=$(add "$full_wall + $fullscan_wall")
    full_cpu=$(add "$full_cpu + $fullscan_cpu")

    say "n=$n: one more day"
    last=$(sqlite3 "$ws" "SELECT max(day) FROM metrics_daily")
    next=$(date -u -d "$last + 1 day" +%F)
    per_day=$((n / 540 > 20 ? n / 540 : 20))
    extra="$out/events_${n}_s${seed}_day_${next}.jsonl"
    [[ -s "$extra" ]] || "$py" "$here/gen_events.py" --count "$per_day" --seed "$seed" --id-prefix "D$next-" \
      --start "$next" --days 1 --clip --out "$extra"
    measure dayingest "$bre" --workspace "$ws" --quiet --format json ingest file --source events "$extra"
    measure incscan "$bre" --workspace "$ws" --quiet --format json scan
    inc_stages=$(stages "$work/incscan.out" " / ")
    inc_mode=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["produced"]["state_mode"])' "$work/incscan.out")
    again_rows+=("| $n | $rescan_wall ($rescan_cpu) | $rescan_stages | $full ($full_cpu) | $per_day | $dayingest_wall ($dayingest_cpu) | $incscan_wall ($incscan_cpu, $inc_mode) | $inc_stages | $(loadavg) |")
  fi

  say "n=$n: pandas reference"
  la_ref=$(loadavg)
  ( ulimit -v $((ref_mem_gb * 1024 * 1024))
    measure ref timeout "$ref_timeout" "$py" "$here/reference/reference.py" "$events"
    echo "$ref_wall $ref_cpu $ref_rss $ref_rc" >"$work/ref.result" )
  read -r ref_wall ref_cpu ref_rss ref_rc <"$work/ref.result"
  if [[ $ref_rc == 0 ]]; then
    ref_parts=$("$py" -c 'import json,sys; j=json.load(open(sys.argv[1])); print("%.1f / %.1f / %.1f" % (j["load_s"], j["metrics_s"], j["detect_s"]))' "$work/ref.out")
    ref_cell="$ref_wall ($ref_parts)"
    ratio=$(awk "BEGIN { printf \"%.1f× / %.1f×\", $ref_wall / $cold, $ref_cpu / $cold_cpu }")
  else
    if [[ $ref_rc == 124 ]]; then why="timeout after ${ref_timeout} s"
    elif grep -q MemoryError "$work/ref.err"; then why="did not fit in ${ref_mem_gb} GiB"
    else why="failed (exit $ref_rc): $(tail -n 1 "$work/ref.err")"; fi
    ref_cell="$why" ratio="—"
  fi
  cold_rows+=("| $n | $ingest_wall ($ingest_cpu) | $eps | $scan_wall ($scan_cpu) | $(add "$pmjson_wall + $pmmd_wall") ($(add "$pmjson_cpu + $pmmd_cpu")) | $cold | $cold_cpu | $cold_rss | $ref_cell | $ref_cpu | $ref_rss | $ratio | $la / $la_ref |")
  rm -rf "$ws" "$ws-wal" "$ws-shm" "$pm"
done

{
  echo "bre: $bre ($("$bre" --version 2>/dev/null | head -n 1)); commit $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown); $(date -u +'%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo
  echo "Cold path against the reference (wall seconds, CPU seconds = user + sys in brackets):"
  echo
  echo "| events | bre ingest s | ingest events/s | bre scan s | postmortems JSON+MD s | bre cold total s | bre CPU s | bre peak RSS MB | reference s (load / metrics / detect) | reference CPU s | reference peak RSS MB | reference ÷ bre (wall / CPU) | load avg (bre / ref) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|"
  printf '%s\n' "${cold_rows[@]}"
  echo
  echo "Where the cold scan's time goes (seconds, from the scan manifest's durations_ms):"
  echo
  # The stage names come from the manifest, so a new stage cannot shift the columns.
  first_cold=$(ls "$work"/scan_cold_*.json | head -n 1)
  names=$(stage_names "$first_cold" " | ")
  echo "| events | $names | scan s | postmortems (count) | export JSON + MD s | PDF s |"
  echo "|---:|$(sed 's/[^|]*/---:/g' <<<"$names")|---:|---:|---|---:|"
  printf '%s\n' "${stage_rows[@]}"
  echo
  echo "Re-scans and one more day (wall seconds, CPU seconds in brackets; its stages, in seconds: $(stage_names "$first_cold" " / ")):"
  echo
  echo "| events | 2nd scan s | its stages | build-state --full + scan s | events in the extra day | its ingest s | incremental scan s | its stages | load avg |"
  echo "|---:|---:|---|---:|---:|---:|---|---|---|"
  printf '%s\n' "${again_rows[@]}"
} | tee "$report"
