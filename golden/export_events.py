#!/usr/bin/env python3
"""Export a workspace's live events as canonical_v1 JSON Lines.

bre has no export command yet, so golden/make_inputs.sh uses this to turn a
seeded company (QBO pages + operations, ingested into a scratch workspace)
into one events.jsonl that `bre ingest file --source events` reads back into
the same events:
  - event_id is written, and canonical input keeps a given id, so the ids
    (and hence incident evidence ids) survive the round trip;
  - amounts are printed from the integer minor units with the currency's
    digits (never through a float), as the ingest parses the token as text;
  - ingested_at and batch_id are left out: they describe the scratch run,
    not the business, and nothing downstream of ingest reads them;
  - fields at their default ({} , [], canonical_v1, mapping version 1) are
    left out too, to keep the committed files small.
Lines are sorted by (event_time, event_id) and written compactly, so the same
workspace content always gives the same bytes.

usage: export_events.py WORKSPACE.sqlite OUT.jsonl
"""
import datetime
import json
import sqlite3
import sys

# Minor digits of the currencies bre seed can produce; anything else is an
# error here rather than a silently wrong amount.
MINOR_DIGITS = {"USD": 2, "EUR": 2, "GBP": 2, "BRL": 2, "JPY": 0}


def iso(ms):
    t = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    if ms % 1000:
        text += ".%03d" % (ms % 1000)
    return text + "Z"


def amount_text(minor, currency):
    digits = MINOR_DIGITS[currency]
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10 ** digits)
    return sign + str(whole) + ("." + str(frac).zfill(digits) if digits else "")


def main(db_path, out_path):
    db = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    rows = db.execute(
        "SELECT event_id, event_type, event_time, source, source_entity_id, entity_type, entity_id, "
        "related_entity_ids, amount_minor, currency, attributes, data_quality_flags, schema_version, "
        "mapping_version FROM live_events ORDER BY event_time, event_id")
    n = 0
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        for (eid, etype, etime, source, seid, entity_type, entity_id, related, amount, currency, attributes,
             flags, schema, mapping) in rows:
            fields = [
                ("event_id", json.dumps(eid)),
                ("event_type", json.dumps(etype)),
                ("event_time", json.dumps(iso(etime))),
                ("source", json.dumps(source)),
                ("source_entity_id", json.dumps(seid)),
                ("entity_type", json.dumps(entity_type)),
                ("entity_id", json.dumps(entity_id)),
            ]
            # Fields at their ingest default are left out to keep the files
            # small (they are the bulk of the repository's golden data);
            # the others are canonical JSON text already, copied verbatim.
            if related != "{}":
                fields.append(("related_entity_ids", related))
            if amount is not None:
                fields.append(("amount", amount_text(amount, currency)))
            if currency is not None:
                fields.append(("currency", json.dumps(currency)))
            if attributes != "{}":
                fields.append(("attributes", attributes))
            if flags != "[]":
                fields.append(("data_quality_flags", flags))
            if schema != "canonical_v1":
                fields.append(("schema_version", json.dumps(schema)))
            if mapping != 1:
                fields.append(("mapping_version", str(mapping)))
            out.write("{" + ",".join('"%s":%s' % kv for kv in fields) + "}\n")
            n += 1
    print("exported %d events to %s" % (n, out_path), file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[-1])
    main(sys.argv[1], sys.argv[2])
