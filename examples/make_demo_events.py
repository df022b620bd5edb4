#!/usr/bin/env python3
"""Writes a small, seeded canonical_v1 event stream for the demo: 120 days of a
shop with weekly seasonality, deliveries (some late), invoices and payments,
support tickets and reviews, and a supplier delay episode that makes late
deliveries, tickets and refunds rise in the last weeks.

Usage: make_demo_events.py OUT.jsonl [--seed N] [--days N] [--corrupt-line N]
--corrupt-line writes a broken JSON record at that line, to show how bre
refuses a batch (exit 65) or keeps the rest with --skip-invalid.
"""
import argparse
import datetime as dt
import json
import random

EPOCH = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def money(cents):
    return round(cents / 100, 2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--days", type=int, default=120)
    ap.add_argument("--corrupt-line", type=int, default=0)
    ap.add_argument("--source", default="demo_shop", help="source name written on every event")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    customers = [f"C{n:04d}" for n in range(1, 301)]
    vendors = ["AcmeSupplier", "BoltParts", "CedarGoods"]
    events = []

    def emit(kind, t, entity_type, entity_id, source_id, amount=None, attributes=None, related=None):
        e = {"event_type": kind, "event_time": iso(t), "source": args.source, "source_entity_id": source_id,
             "entity_type": entity_type, "entity_id": entity_id}
        if related:
            e["related_entity_ids"] = related
        if amount is not None:
            e["amount"] = money(amount)
            e["currency"] = "USD"
        if attributes:
            e["attributes"] = attributes
        events.append(e)

    episode_start = args.days - 21  # the supplier starts slipping three weeks before the end
    for day in range(args.days):
        date = EPOCH + dt.timedelta(days=day)
        weekday = date.weekday()
        seasonal = [1.1, 1.0, 1.0, 1.05, 1.2, 0.7, 0.5][weekday]
        in_episode = day >= episode_start
        for n in range(max(1, int(rng.gauss(30 * seasonal, 4)))):
            order = f"O{day:03d}-{n:03d}"
            customer = rng.choice(customers)
            vendor = "AcmeSupplier" if in_episode and rng.random() < 0.6 else rng.choice(vendors)
            t = date + dt.timedelta(minutes=rng.randint(8 * 60, 20 * 60))
            cents = rng.randint(1500, 25000)
            related = {"customer_id": customer, "vendor_id": vendor}
            emit("order_placed", t, "order", order, order, cents, {"estimated_delivery": iso(t + dt.timedelta(days=4))[:10]}, related)
            emit("payment_received", t + dt.timedelta(minutes=2), "payment", "P" + order, "P" + order, cents,
                 {"payment_method": "card"}, {"customer_id": customer})
            late = rng.random() < (0.45 if in_episode and vendor == "AcmeSupplier" else 0.06)
            delay = rng.randint(1, 6) if late else 0
            delivered = t + dt.timedelta(days=3 + delay, hours=rng.randint(0, 8))
            if day * 1 + 3 + delay < args.days:
                emit("order_delivered", delivered, "order", order, order, None, {"days_late": delay}, related)
                if late:
                    emit("order_late", delivered, "order", order, order, None, {"days_late": delay}, related)
                    if rng.random() < 0.3:
                        tk = "T" + order
                        opened = delivered + dt.timedelta(hours=rng.randint(1, 30))
                        emit("support_ticket_opened", opened, "ticket", tk, tk, None,
                             {"category": "late delivery", "priority": "high", "channel": "email"}, {"customer_id": customer})
                        hours = rng.uniform(4, 60)
                        emit("support_ticket_closed", opened + dt.timedelta(hours=hours), "ticket", tk, tk, None,
                             {"resolution_time_hours": round(hours, 1), "satisfaction_score": rng.randint(1, 3)},
                             {"customer_id": customer})
                    if rng.random() < 0.25:
                        emit("refund_issued", delivered + dt.timedelta(days=1), "payment", "R" + order, "R" + order,
                             cents // 2, {"reason": "late delivery"}, {"customer_id": customer})
                if rng.random() < 0.35:
                    score = rng.choice([1, 2, 3]) if late else rng.choice([4, 5, 5, 5])
                    emit("review_submitted", delivered + dt.timedelta(days=2), "order", order, "V" + order, None,
                         {"score": score}, related)
        if weekday == 0:
            for vendor in vendors:
                po = f"PO{day:03d}-{vendor}"
                emit("purchase_order_placed", date + dt.timedelta(hours=9), "vendor", vendor, po,
                     rng.randint(200000, 500000), {"expected_date": iso(date + dt.timedelta(days=7))[:10]},
                     {"vendor_id": vendor})
                emit("expense_posted", date + dt.timedelta(hours=10), "expense", "B" + po, "B" + po,
                     rng.randint(200000, 500000), {"category": "inventory"}, {"vendor_id": vendor})
                if in_episode and vendor == "AcmeSupplier":
                    emit("shipment_delayed", date + dt.timedelta(days=5), "vendor", vendor, "S" + po, None,
                         {"days_delayed": rng.randint(3, 8), "carrier": "FastFreight"}, {"vendor_id": vendor})

    events.sort(key=lambda e: (e["event_time"], e["source_entity_id"], e["event_type"]))
    with open(args.out, "w", encoding="utf-8") as f:
        for i, e in enumerate(events, start=1):
            if i == args.corrupt_line:
                f.write('{"event_type": "order_placed", "event_time": \n')
            f.write(json.dumps(e, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
