#!/usr/bin/env bash
# bre metrics history --format svg end to end: on a seeded supplier delay,
# two metrics give two stacked panels in well-formed SVG (parsed by Python's
# XML parser) with the series, the baseline band, the trigger lines and the
# detected incident's window; -o writes the same document as stdout; bad
# uses are usage errors.
source "$(dirname "$0")/lib.bash"
D="$WORK/company"
SPIKE=2026-03-01   # supplier_delay lasts 7 days (docs/seed.md)
seeded_company "$D" "supplier_delay@$SPIKE"
run build-state
expect_eq "$RC" 0 "build-state ($ERR)"
run detect
expect_eq "$RC" 0 "detect ($ERR)"

run metrics history --metric supplier_delay_rate --metric order_volume --format svg -o "$WORK/chart.svg"
expect_eq "$RC" 0 "svg to a file ($ERR)"
run metrics history --metric supplier_delay_rate --metric order_volume --format svg
expect_eq "$RC" 0 "svg to stdout ($ERR)"
printf '%s\n' "$OUT" > "$WORK/stdout.svg"
cmp -s "$WORK/chart.svg" "$WORK/stdout.svg" || fail "-o and stdout differ"

# Element counts by class, from the parsed document.
counts=$(python3 - "$WORK/chart.svg" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg", root.tag
def n(tag, cls): return sum(1 for e in root.iter(ns + tag) if e.get("class") == cls)
texts = [e.text or "" for e in root.iter(ns + "text")]
print(n("polyline", "series") + n("circle", "series"), n("polygon", "band"), n("polyline", "threshold"),
      n("rect", "window"), n("rect", "frame"),
      sum(t == "supplier_delay_rate" for t in texts), sum(t == "order_volume" for t in texts),
      sum(t.startswith("supplier_dependency_failure") for t in texts))
EOF
) || fail "the SVG does not parse as XML"
read -r series bands thresholds windows frames title1 title2 window_labels <<<"$counts"
[ "${series:-0}" -ge 2 ] || fail "series lines: $series"
[ "${bands:-0}" -ge 2 ] || fail "baseline bands: $bands"
[ "${thresholds:-0}" -ge 1 ] || fail "trigger lines: $thresholds"   # supplier_dependency_failure watches supplier_delay_rate
[ "${windows:-0}" -ge 1 ] || fail "incident windows: $windows"
expect_eq "$frames" 2 "one panel per metric"
expect_eq "$title1 $title2" "1 1" "panel titles"
[ "${window_labels:-0}" -ge 1 ] || fail "window labels: $window_labels"

# A narrower range draws fewer days; an unknown metric, -o without svg and
# a bad date are usage errors.
run metrics history --metric supplier_delay_rate --from 2026-02-20 --to 2026-03-10 --format svg
expect_eq "$RC" 0 "range ($ERR)"
expect_contains "$OUT" "20 Feb 2026" "first date label carries the year"
run metrics history --metric no_such_metric --format svg
expect_eq "$RC" 2 "unknown metric"
run metrics history --metric supplier_delay_rate -o "$WORK/x.svg" --format json
expect_eq "$RC" 2 "-o without svg"
run metrics history --metric supplier_delay_rate --from 2026-02-31 --format svg
expect_eq "$RC" 2 "bad date"
run metrics history --metric supplier_delay_rate --format svg -o "$WORK/no/such/dir/x.svg"
expect_eq "$RC" 74 "unwritable output"
finish
