#!/usr/bin/env python3
"""Feed a workspace the events another one holds, up to the end of a day, as
if they had been ingested then: feed_until.py FULL.sqlite TARGET.sqlite DAY

TARGET must exist (`bre init`). Every call copies the events of FULL with
event_time before the end of DAY (UTC) that TARGET does not have yet, under
new ingest batches named <batch>@<DAY> (so `bre build-state`, run by
`bre scan`, sees new batches and rebuilds from the earliest day they touch),
with the reference entities and the per-metric quality weights of their
batches. Called with a cut-off day, then with the last day, it plays a
seeded history into a workspace in two deliveries: the closed-loop test of
prevention monitors (tests/e2e/monitor_loop.sh, scripts/eval_monitors) scans
after each, so what the first scan learns cannot depend on later data.
"""
import datetime, sqlite3, sys


def main():
    full, target, day = sys.argv[1], sys.argv[2], sys.argv[3]
    end_ms = (datetime.date.fromisoformat(day) - datetime.date(1970, 1, 1)).days * 86_400_000 + 86_400_000
    db = sqlite3.connect(target)
    db.execute("ATTACH DATABASE ? AS full", (full,))
    suffix = "@" + day
    with db:
        db.execute("INSERT OR IGNORE INTO entities SELECT * FROM full.entities")
        # Only the batches that bring something new.
        db.execute(
            """CREATE TEMP TABLE fed AS SELECT e.rowid AS rid FROM full.events e
               WHERE e.event_time < ? AND NOT EXISTS (SELECT 1 FROM main.events m WHERE m.event_id = e.event_id)""",
            (end_ms,))
        batches = [r[0] for r in db.execute(
            "SELECT DISTINCT e.batch_id FROM full.events e JOIN temp.fed f ON f.rid = e.rowid ORDER BY e.batch_id")]
        for b in batches:
            db.execute(
                """INSERT INTO ingest_batches(batch_id, source, inputs, mapping_version, started_at, finished_at,
                     total_records, valid_records, rejected_records, events_inserted, events_duplicate, kind)
                   SELECT batch_id || ?, source, inputs, mapping_version, started_at, finished_at, total_records,
                     valid_records, rejected_records, events_inserted, events_duplicate, kind
                   FROM full.ingest_batches WHERE batch_id = ?""", (suffix, b))
            db.execute(
                """INSERT INTO metric_quality_weights(batch_id, metric, weight, events)
                   SELECT batch_id || ?, metric, weight, events FROM full.metric_quality_weights WHERE batch_id = ?""",
                (suffix, b))
        cols = [r[1] for r in db.execute("PRAGMA main.table_info(events)")]
        select = ", ".join("e.batch_id || ?" if c == "batch_id" else "e." + c for c in cols)
        n = db.execute(
            f"""INSERT INTO main.events({", ".join(cols)})
                SELECT {select} FROM full.events e JOIN temp.fed f ON f.rid = e.rowid ORDER BY e.rowid""",
            (suffix,)).rowcount
    print(f"{n} events up to {day} fed into {target} in {len(batches)} batches")


if __name__ == "__main__":
    main()
