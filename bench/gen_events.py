#!/usr/bin/env python3
"""Writes N canonical_v1 events (JSON Lines) of a plausible small business.

Deterministic: the same --seed, --count, --id-prefix and --start give the same
bytes. Standard library only. About 350 bytes a line; 1M lines in ~10-20 s.

The business: an online shop with a few thousand customers. Each order runs
through its life (placed, maybe late or delayed, delivered, invoiced, paid or
overdue then paid, sometimes refunded or credited, reviewed, with support
tickets now and then); vendors send bills that are posted and paid; purchase
orders follow low-inventory alerts; customers are created, updated and churn.
All 20 event types appear, each with the attributes its contract requires.

Event ids are not written: bre derives them from (source, source_entity_id,
event_type, mapping_version, event_time), and every such tuple here is unique.
--id-prefix namespaces every id, so batches made with different prefixes are
disjoint (the crash-safety test relies on it).

    python3 bench/gen_events.py --count 1000000 --out events.jsonl
"""
import argparse
import datetime as dt
import random
import sys

EPOCH = dt.datetime(1970, 1, 1)
SOURCES = {"fin": "quickbooks", "shop": "shopify", "desk": "zendesk", "wms": "shipbob"}
CHANNELS = ("web", "web", "web", "mobile", "marketplace", "phone")
REGIONS = ("us-east", "us-west", "us-central", "us-south", "ca")
CARRIERS = ("ups", "fedex", "usps", "dhl")
CATEGORIES = ("bedding", "kitchen", "lighting", "decor", "bath", "outdoor", "storage")
TICKET_TOPICS = ("late_delivery", "damaged_item", "wrong_item", "billing", "return_request", "product_question")
PRIORITIES = ("low", "normal", "normal", "high", "urgent")
EXPENSE_CATS = ("inventory", "shipping", "rent", "payroll", "software", "marketing", "utilities")
TERMS = (("net15", 15), ("net30", 30), ("net30", 30), ("net45", 45))


class Iso:
    """Fast ISO-8601 formatting for whole-second Unix times (cached per day)."""

    def __init__(self):
        self.day_cache = {}

    def day(self, secs):
        d = secs // 86400
        s = self.day_cache.get(d)
        if s is None:
            s = (EPOCH + dt.timedelta(days=d)).strftime("%Y-%m-%d")
            self.day_cache[d] = s
        return s

    def ts(self, secs):
        r = secs % 86400
        return "%sT%02d:%02d:%02dZ" % (self.day(secs), r // 3600, (r // 60) % 60, r % 60)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", "-n", type=int, required=True, help="number of events (lines) to write")
    ap.add_argument("--out", "-o", default="-", help="output file ('-' = stdout)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--id-prefix", default="", help="prefix for every id, to make disjoint batches")
    ap.add_argument("--start", default="2024-01-01", help="first day of activity (YYYY-MM-DD)")
    ap.add_argument("--days", type=int, default=540, help="length of the activity window in days")
    ap.add_argument("--clip", action="store_true",
                    help="drop events dated after the activity window (deliveries, payments, reviews that would "
                         "come later), e.g. to make the batch of exactly one more day: --start DAY --days 1 --clip")
    args = ap.parse_args(argv)

    n_total = args.count
    rnd = random.Random(args.seed)
    rand = rnd.random
    rint = rnd.randrange
    P = args.id_prefix
    iso = Iso()
    start = int((dt.datetime.strptime(args.start, "%Y-%m-%d") - EPOCH).total_seconds())
    span = args.days * 86400

    # Size the population to the volume: ~8 events per order, ~12 orders per customer.
    n_customers = max(50, n_total // 90)
    n_products = max(20, min(5000, n_total // 400))
    n_vendors = max(5, min(300, n_total // 5000))
    cust_created = {}
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="\n")
    buf = []
    count = 0

    def emit(etype, t, src, seid, etype_entity, eid, related, amount, attrs):
        nonlocal count
        if args.clip and t >= start + span:
            return
        rel = ",".join('"%s":"%s"' % kv for kv in related)
        amt = ('%.2f,"currency":"USD"' % amount) if amount is not None else 'null,"currency":null'
        buf.append(
            '{"event_type":"%s","event_time":"%s","source":"%s","source_entity_id":"%s","entity_type":"%s",'
            '"entity_id":"%s","related_entity_ids":{%s},"amount":%s,"attributes":{%s}}\n'
            % (etype, iso.ts(t), src, seid, etype_entity, eid, rel, amt, attrs)
        )
        count += 1

    order_no = inv_no = pay_no = tic_no = rev_no = bill_no = po_no = ref_no = cm_no = 0
    upd_no = 0
    while count < n_total:
        r = rand()
        if r < 0.86:
            # One order's life.
            order_no += 1
            c = rint(n_customers)
            cid = "%sCUS-%06d" % (P, c)
            # Customers sign up over the first 70% of the window; orders follow sign-up.
            ct = start + (span * 7 // 10) * c // n_customers + (c * 7919) % 86400
            t0 = ct + 3600 + int(rand() * (start + span - ct))
            if c not in cust_created:
                cust_created[c] = ct
                emit("customer_created", ct, SOURCES["shop"], cid, "customer", cid, (), None,
                     '"channel":"%s","region":"%s","segment":"%s","marketing_opt_in":%s'
                     % (CHANNELS[rint(6)], REGIONS[rint(5)], "smb" if rand() < 0.2 else "consumer",
                        "true" if rand() < 0.6 else "false"))
            oid = "%sORD-%08d" % (P, order_no)
            items = 1 + rint(4)
            total = round(sum(8.0 + rand() * 90.0 for _ in range(items)), 2)
            prod = "%sPRD-%05d" % (P, rint(n_products))
            region = REGIONS[rint(5)]
            emit("order_placed", t0, SOURCES["shop"], oid, "order", oid,
                 (("customer", cid), ("product", prod)), total,
                 '"channel":"%s","item_count":%d,"region":"%s","category":"%s","promised_days":%d'
                 % (CHANNELS[rint(6)], items, region, CATEGORIES[rint(7)], 3 + rint(3)))
            promised = 3 + rint(3)
            carrier = CARRIERS[rint(4)]
            late = rand() < 0.12
            delay = 1 + rint(6) if late else 0
            if rand() < 0.06:
                emit("shipment_delayed", t0 + 86400 + rint(86400), SOURCES["wms"], "%sSHP-%s" % (P, oid[len(P) + 4:]),
                     "order", oid, (("customer", cid),), None,
                     '"days_delayed":%d,"carrier":"%s","reason":"%s","warehouse":"wh-%d"'
                     % (1 + rint(5), carrier, ("weather", "capacity", "address", "customs")[rint(4)], 1 + rint(3)))
            if late:
                emit("order_late", t0 + (promised + 1) * 86400, SOURCES["wms"], oid, "order", oid,
                     (("customer", cid),), None,
                     '"days_late":%d,"carrier":"%s","promised_days":%d,"region":"%s"'
                     % (delay, carrier, promised, region))
            tdel = t0 + (promised + delay) * 86400 + rint(36000)
            emit("order_delivered", tdel, SOURCES["wms"], oid, "order", oid, (("customer", cid),), None,
                 '"carrier":"%s","delivery_days":%d,"on_time":%s,"region":"%s"'
                 % (carrier, promised + delay, "false" if late else "true", region))
            inv_no += 1
            iid = "%sINV-%08d" % (P, inv_no)
            term, term_days = TERMS[rint(4)]
            ti = t0 + 600 + rint(3600)
            due = ti + term_days * 86400
            emit("invoice_issued", ti, SOURCES["fin"], iid, "invoice", iid, (("customer", cid), ("order", oid)), total,
                 '"due_date":"%s","terms":"%s","line_count":%d,"doc_number":"%d"'
                 % (iso.day(due), term, items, 1000 + inv_no))
            pay_days = int(term_days * (0.3 + rand() * 0.78)) if rand() < 0.97 else term_days + 20 + rint(60)
            if pay_days > term_days:
                emit("invoice_overdue", due + 86400, SOURCES["fin"], iid, "invoice", iid,
                     (("customer", cid), ("order", oid)), None,
                     '"balance_remaining":%.2f,"days_overdue":1,"due_date":"%s","terms":"%s"'
                     % (total, iso.day(due), term))
            tp = ti + pay_days * 86400 + rint(7200)
            pay_no += 1
            pid = "%sPAY-%08d" % (P, pay_no)
            emit("invoice_paid", tp, SOURCES["fin"], iid, "invoice", iid,
                 (("customer", cid), ("order", oid), ("payment", pid)), total,
                 '"days_to_pay":%d,"payment_method":"%s","terms":"%s"'
                 % (pay_days, ("card", "ach", "check")[rint(3)], term))
            emit("payment_received", tp + 1, SOURCES["fin"], pid, "payment", pid,
                 (("customer", cid), ("invoice", iid)), total,
                 '"payment_method":"%s","deposit_account":"checking-01","reference":"%s"'
                 % (("card", "ach", "check")[rint(3)], "TX%010d" % (rint(10 ** 10))))
            if rand() < 0.25 + (0.15 if late else 0.0):
                tic_no += 1
                tid = "%sTIC-%08d" % (P, tic_no)
                topen = tdel + rint(86400 * 5) + 60
                topic = "late_delivery" if late and rand() < 0.7 else TICKET_TOPICS[rint(6)]
                emit("support_ticket_opened", topen, SOURCES["desk"], tid, "ticket", tid,
                     (("customer", cid), ("order", oid)), None,
                     '"topic":"%s","priority":"%s","channel":"%s"' % (topic, PRIORITIES[rint(5)], ("email", "chat", "phone")[rint(3)]))
                hours = round(0.5 + rand() * rand() * 96.0, 1)
                emit("support_ticket_closed", topen + int(hours * 3600) + 1, SOURCES["desk"], tid, "ticket", tid,
                     (("customer", cid), ("order", oid)), None,
                     '"resolution_time_hours":%.1f,"topic":"%s","satisfied":%s'
                     % (hours, topic, "true" if rand() < 0.8 else "false"))
            if rand() < 0.35:
                rev_no += 1
                score = (1 + rint(3)) if late and rand() < 0.6 else (3 + rint(3) if rand() < 0.85 else 1 + rint(5))
                rid = "%sREV-%08d" % (P, rev_no)
                emit("review_submitted", tdel + 86400 + rint(86400 * 10), SOURCES["shop"], rid, "order", oid,
                     (("customer", cid), ("product", prod)), None,
                     '"score":%d,"has_comment":%s,"product":"%s"' % (score, "true" if rand() < 0.4 else "false", prod))
            if rand() < 0.04 + (0.04 if late else 0.0):
                ref_no += 1
                fid = "%sREF-%08d" % (P, ref_no)
                emit("refund_issued", tdel + 86400 * (2 + rint(12)), SOURCES["fin"], fid, "payment", fid,
                     (("customer", cid), ("order", oid), ("invoice", iid)), round(total * (0.3 + 0.7 * rand()), 2),
                     '"reason":"%s","method":"original_payment"' % ("late_delivery" if late else TICKET_TOPICS[rint(6)]))
            if rand() < 0.015:
                cm_no += 1
                mid = "%sCM-%08d" % (P, cm_no)
                emit("credit_memo_issued", tdel + 86400 * (1 + rint(20)), SOURCES["fin"], mid, "invoice", iid,
                     (("customer", cid), ("order", oid)), round(total * 0.1 + rand() * 10, 2),
                     '"reason":"goodwill","doc_number":"CM%d"' % cm_no)
        elif r < 0.93:
            # A vendor bill: posted, later paid.
            bill_no += 1
            vid = "%sVEN-%04d" % (P, rint(n_vendors))
            xid = "%sEXP-%08d" % (P, bill_no)
            amount = round(40 + rand() * rand() * 4000, 2)
            tb = start + int(rand() * span)
            cat = EXPENSE_CATS[rint(7)]
            emit("expense_posted", tb, SOURCES["fin"], xid, "expense", xid, (("vendor", vid),), amount,
                 '"category":"%s","account":"%s","terms":"net30","doc_number":"B%d"'
                 % (cat, "6%03d" % rint(1000), bill_no))
            pb = rint(45)
            emit("expense_paid", tb + pb * 86400 + rint(7200), SOURCES["fin"], xid, "expense", xid, (("vendor", vid),),
                 amount, '"category":"%s","days_to_pay":%d,"payment_method":"%s"' % (cat, pb, ("ach", "check", "card")[rint(3)]))
        elif r < 0.97:
            # Inventory runs low; a purchase order follows.
            prod = "%sPRD-%05d" % (P, rint(n_products))
            vid = "%sVEN-%04d" % (P, rint(n_vendors))
            po_no += 1
            tl = start + int(rand() * span)
            emit("inventory_low", tl, SOURCES["wms"], "%sINVLOW-%08d" % (P, po_no), "product", prod, (("vendor", vid),),
                 None, '"on_hand":%d,"reorder_point":%d,"warehouse":"wh-%d","category":"%s"'
                 % (rint(20), 20 + rint(30), 1 + rint(3), CATEGORIES[rint(7)]))
            emit("purchase_order_placed", tl + 3600 + rint(86400), SOURCES["fin"], "%sPO-%08d" % (P, po_no), "vendor", vid,
                 (("product", prod),), round(200 + rand() * 5000, 2),
                 '"quantity":%d,"expected_days":%d,"doc_number":"PO%d"' % (50 + rint(500), 5 + rint(20), po_no))
        elif cust_created:
            # Customer record changes, and some customers leave.
            c = rint(n_customers)
            if c not in cust_created:
                continue
            cid = "%sCUS-%06d" % (P, c)
            t = cust_created[c] + 86400 + int(rand() * span)
            if rand() < 0.75:
                upd_no += 1
                emit("customer_updated", t, SOURCES["shop"], "%s:v%d" % (cid, upd_no), "customer", cid, (), None,
                     '"changed":"%s","region":"%s"' % (("email", "address", "phone", "payment_method")[rint(4)], REGIONS[rint(5)]))
            else:
                emit("customer_churned", t, SOURCES["shop"], "%sCHURN-%08d" % (P, upd_no + count), "customer", cid, (),
                     None, '"reason":"%s","tenure_days":%d,"lifetime_orders":%d'
                     % (("price", "service", "competitor", "moved", "unknown")[rint(5)], 30 + rint(700), 1 + rint(30)))
        if len(buf) >= 8192:
            if count > n_total:
                del buf[len(buf) - (count - n_total):]
                count = n_total
            out.write("".join(buf))
            buf.clear()
    if count > n_total:
        del buf[len(buf) - (count - n_total):]
    out.write("".join(buf))
    if out is not sys.stdout:
        out.close()
    else:
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
