# Shared by the bench scripts: the seeded event files they measure on.
# bench_events N SEED prints the path of N events from gen_events.py with
# SEED under bench/out/, generating the file the first time (not timed: the
# benchmarks measure bre, not the generator). Written to a temporary name
# and renamed, so an interrupted generation never leaves a short file behind.
bench_events() {
  local n=$1 seed=$2 dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  local file="$dir/out/events_${n}_s${seed}.jsonl"
  mkdir -p "$dir/out"
  if [[ ! -s "$file" ]]; then
    echo "generating $n events -> $file (not timed)" >&2
    /usr/bin/python3 "$dir/gen_events.py" --count "$n" --seed "$seed" --out "$file.tmp"
    mv "$file.tmp" "$file"
  fi
  echo "$file"
}
