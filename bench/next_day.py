#!/usr/bin/env python3
"""Writes one more day of events: the gen_events.py business on the given day only.

gen_events.py lets an order's later events (delivery, invoice, payment) run
weeks past its window; this keeps only the events dated on DAY, so the batch
is exactly "the day after the last one" for the incremental-scan benchmark.
Deterministic; ids carry --id-prefix (default D1-) so they never collide.

    python3 bench/next_day.py --day 2026-06-29 --count 5500 --out day.jsonl
"""
import argparse
import io
import os
import sys
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_events  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--day", required=True, help="the day to write (YYYY-MM-DD)")
    ap.add_argument("--count", type=int, default=5500, help="events generated before keeping the day's; 5500 keep ~1100, one average day of the 10^6-event business")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--id-prefix", default="D1-")
    ap.add_argument("--out", default="-")
    a = ap.parse_args()
    buf = io.StringIO()
    with redirect_stdout(buf):
        gen_events.main(["--count", str(a.count), "--seed", str(a.seed), "--id-prefix", a.id_prefix,
                         "--start", a.day, "--days", "1"])
    kept = [l for l in buf.getvalue().splitlines(True) if ('"event_time":"%sT' % a.day) in l]
    out = sys.stdout if a.out == "-" else open(a.out, "w", encoding="utf-8", newline="\n")
    out.writelines(kept)


if __name__ == "__main__":
    main()
