#!/usr/bin/env python3
"""The design's gold metrics and layer-1 detection, written in pandas.

The reference stack bre is measured against (issue 7, "Speed against the
design's own stack"): what a data scientist following the design would write
with pandas and numpy. It reads the same canonical events JSON Lines that
`bre ingest file --source events` reads, computes the 27 daily gold metrics of
docs/metrics.md (same days, windows and null rules) and scores them with the
design's layer 1 (docs/detection.md): a trailing 30-day median/MAD modified
z-score, with the weekday profile for daily flows, the warm-ups and the
minimum practical effect, then fires the incident types of the design's table
and groups firing days into windows. Layer 1 here is the design formula
(z = 0.6745 (x - median) / MAD); bre's own refinements (the 90-day tail sigma,
Poisson tails for small counts, sustained 7-day shifts, weekly log changes for
trending stocks) and layers 2 and 3 are not reproduced, so the reference does
less work than bre's scan, not more.

    python3 bench/reference/reference.py EVENTS.jsonl [--metrics-out metrics.csv] [--incidents-out incidents.csv]

Prints one JSON line with the timings (load, metrics, detection), the number
of events, days and incidents.
"""
import argparse
import json
import math
import sys
import time

import numpy as np
import pandas as pd

# The attribute each event type measures (bre: src/state/metric_event.cpp).
MEASURED = {
    "invoice_paid": "days_to_pay",
    "invoice_overdue": "balance_remaining",
    "order_late": "days_late",
    "shipment_delayed": "days_delayed",
    "support_ticket_closed": "resolution_time_hours",
    "review_submitted": "score",
}
RATIO_DAYS, CASH_DAYS, BACKLOG_DAYS, TREND_DAYS = 7, 30, 14, 14
CHURN_DAYS, ACTIVE_DAYS, GAP_FLOOR_DAYS, GAP_MULTIPLE = 30, 90, 60, 2.0
CONCENTRATION_DAYS, TOP_SHARE = 30, 0.10

METRICS = [  # catalog order (bre metrics list)
    "daily_revenue", "daily_expenses", "daily_refunds", "refund_rate", "net_cash_proxy", "expense_ratio",
    "margin_proxy", "dso_proxy", "ar_aging_amount", "ar_overdue_count", "dpo_proxy", "order_volume",
    "delivery_count", "late_delivery_count", "delivery_delay_rate", "fulfillment_backlog",
    "avg_delivery_delay_days", "supplier_delay_rate", "supplier_delay_severity", "ticket_volume",
    "ticket_close_volume", "ticket_backlog", "avg_resolution_time", "review_score_avg", "review_score_trend",
    "churn_proxy", "customer_concentration",
]


# ---------------------------------------------------------------- loading

def load_events(path, chunksize=250_000):
    """The events as one compact frame: day, type, source, entity, customer,
    amount in cents, the measured value and the bill ids of a bill payment."""
    parts = []
    reader = pd.read_json(path, lines=True, chunksize=chunksize, dtype=False, convert_dates=False)
    for ch in reader:
        ts = pd.to_datetime(ch["event_time"], utc=True)
        related = ch["related_entity_ids"]
        attrs = ch["attributes"]
        value = pd.Series(np.nan, index=ch.index)
        for etype, key in MEASURED.items():
            sel = ch["event_type"] == etype
            if sel.any():
                value[sel] = pd.to_numeric(attrs[sel].str.get(key), errors="coerce")
        amount = pd.to_numeric(ch["amount"], errors="coerce")
        cents = (amount * 100).round()
        # The open balance of an overdue invoice is money: the amount if given, else balance_remaining.
        overdue = ch["event_type"] == "invoice_overdue"
        value[overdue] = cents[overdue].where(cents[overdue].notna(), (value[overdue] * 100).round())
        customer = related.str.get("customer_id")
        customer = customer.where(ch["entity_type"] != "customer", ch["entity_id"])
        bills = attrs.where(ch["event_type"] == "expense_paid").str.get("bill_ids")
        parts.append(pd.DataFrame({
            "day": ts.dt.floor("D").dt.tz_localize(None),
            "type": ch["event_type"].astype("category"),
            "source": ch["source"].astype("category"),
            "entity": ch["entity_id"],
            "customer": customer,
            "cents": cents,
            "value": value,
            "bills": bills,
        }))
    ev = pd.concat(parts, ignore_index=True)
    for c in ("type", "source"):
        ev[c] = ev[c].astype(str).astype("category")
    return ev


# ---------------------------------------------------------------- metrics

def day_frame(ev):
    reference = ev["type"].isin(["customer_created", "customer_updated"])
    first = ev.loc[~reference, "day"].min() if (~reference).any() else ev["day"].min()
    return pd.date_range(first, ev["day"].max(), freq="D")


def daily(ev, days, etype, how="count", col="cents"):
    sel = ev[ev["type"] == etype]
    g = sel.groupby("day")[col]
    s = g.size() if how == "count" else g.sum()
    return s.reindex(days, fill_value=0).astype(float)


def roll(s, w):
    return s.rolling(w, min_periods=1).sum()


def ratio(num, den):
    return (num / den).where(den != 0)


def interval_counts(days, starts, ends):
    """How many [start, end) day intervals cover each day of the frame."""
    first = days[0]
    n = len(days)
    a = ((starts - first).dt.days).clip(lower=0, upper=n).to_numpy()
    b = ((ends - first).dt.days).clip(lower=0, upper=n).to_numpy()
    keep = a < b
    diff = np.zeros(n + 1)
    np.add.at(diff, a[keep], 1)
    np.add.at(diff, b[keep], -1)
    return pd.Series(np.cumsum(diff[:n]), index=days)


def backlog(ev, days, open_type, close_type):
    opened = ev[ev["type"] == open_type].groupby("entity")["day"].min()
    closed = ev[ev["type"] == close_type].groupby("entity")["day"].min().reindex(opened.index)
    never = pd.Timestamp("2262-01-01")
    until = np.minimum(opened + pd.Timedelta(days=BACKLOG_DAYS), np.maximum(closed.fillna(never), opened))
    return interval_counts(days, opened, until)


def ar_aging(ev, days):
    moves = ev[ev["type"].isin(["invoice_overdue", "invoice_paid"]) & (ev["day"] <= days[-1])].copy()
    moves["paid"] = moves["type"] == "invoice_paid"
    moves = moves.sort_values(["day", "paid", "entity", "value"], kind="stable")
    moves["balance"] = moves["value"].where(~moves["paid"] & moves["value"].notna(), 0.0)
    moves["open"] = (~moves["paid"] & moves["value"].notna()).astype(float)
    by_invoice = moves.groupby("entity")
    moves["d_amount"] = moves["balance"] - by_invoice["balance"].shift(fill_value=0.0)
    moves["d_count"] = moves["open"] - by_invoice["open"].shift(fill_value=0.0)
    per_day = moves.groupby("day")[["d_amount", "d_count"]].sum().reindex(days, fill_value=0).cumsum()
    first_moves = moves[moves["day"] < days[0]][["d_amount", "d_count"]].sum()
    return per_day["d_amount"] + first_moves["d_amount"], per_day["d_count"] + first_moves["d_count"]


def dpo(ev, days):
    posted = ev[ev["type"] == "expense_posted"].groupby("entity")["day"].min()
    paid = ev[(ev["type"] == "expense_paid") & ev["bills"].notna()][["day", "bills"]].explode("bills")
    paid["posted"] = paid["bills"].map(posted)
    paid = paid[paid["posted"].notna() & (paid["posted"] <= paid["day"])]
    paid["wait"] = (paid["day"] - paid["posted"]).dt.days.astype(float)
    g = paid.groupby("day")["wait"]
    return ratio(roll(g.sum().reindex(days, fill_value=0.0), RATIO_DAYS),
                 roll(g.size().reindex(days, fill_value=0).astype(float), RATIO_DAYS))


def measured_mean(ev, days, etype):
    sel = ev[(ev["type"] == etype) & ev["value"].notna()]
    return sel.groupby("day")["value"].sum().reindex(days, fill_value=0.0), sel.groupby("day").size().reindex(days, fill_value=0).astype(float)


def slope(y):
    x = np.arange(len(y), dtype=float)
    ok = ~np.isnan(y)
    n = ok.sum()
    if n < 3:
        return np.nan
    x, y = x[ok], y[ok]
    den = n * (x * x).sum() - x.sum() ** 2
    return (n * (x * y).sum() - x.sum() * y.sum()) / den if den > 0 else np.nan


def gap_churns(purchases, last_day):
    """Purchase-gap churn days of one customer (cli.md §4a)."""
    p = np.unique(purchases)
    out, gaps = [], []
    for k, d in enumerate(p):
        limit = GAP_FLOOR_DAYS if not gaps else max(GAP_FLOOR_DAYS, GAP_MULTIPLE * float(np.median(gaps)))
        crossed = d + math.floor(limit) + 1
        nxt = p[k + 1] if k + 1 < len(p) else None
        if (nxt is None or nxt > crossed) and crossed <= last_day:
            out.append(crossed)
        if nxt is not None:
            gaps.append(nxt - d)
    return out


def churn_proxy(ev, days):
    c = ev[ev["customer"].notna()].copy()
    c["dn"] = (c["day"] - days[0]).dt.days
    last = len(days) - 1
    # A customer's churns are its churn events when any of its events comes from a source that
    # reports churn (docs/metrics.md "Churn"); else its purchase gaps.
    churn_sources = set(c.loc[c["type"] == "customer_churned", "source"].unique())
    explicit = c["source"].isin(churn_sources).groupby(c["customer"]).any()
    churn_rows = c[(c["type"] == "customer_churned") & c["customer"].map(explicit)][["customer", "dn"]]
    buyers = c[c["type"].isin(["order_placed", "payment_received"]) & ~c["customer"].map(explicit)]
    gap_rows = [(cust, d) for cust, g in buyers.groupby("customer")["dn"] for d in gap_churns(g.to_numpy(), last)]
    churns = pd.concat([churn_rows, pd.DataFrame(gap_rows, columns=["customer", "dn"])], ignore_index=True)
    churns["dn"] = churns["dn"].astype(np.int64)
    n = len(days)

    def counts(starts, ends):
        diff = np.zeros(n + 1)
        a, b = np.clip(starts, 0, n).astype(np.int64), np.clip(ends, 0, n).astype(np.int64)
        keep = a < b
        np.add.at(diff, a[keep], 1)
        np.add.at(diff, b[keep], -1)
        return np.cumsum(diff[:n])

    churned = counts(churns["dn"].to_numpy(), churns["dn"].to_numpy() + CHURN_DAYS)
    # Active spans: any event + 90 days; a churn's 30 days; created until 90 days after the first churn.
    created = c[c["type"] == "customer_created"].groupby("customer")["dn"].min()
    first_churn = churns.groupby("customer")["dn"].min()
    never = 10 ** 9
    lost = first_churn.reindex(created.index).fillna(never).astype(np.int64) + ACTIVE_DAYS
    spans = pd.concat([
        pd.DataFrame({"customer": c["customer"], "a": c["dn"], "b": c["dn"] + ACTIVE_DAYS}),
        pd.DataFrame({"customer": churns["customer"], "a": churns["dn"], "b": churns["dn"] + CHURN_DAYS}),
        pd.DataFrame({"customer": created.index, "a": created.to_numpy(), "b": np.maximum(lost.to_numpy(), created.to_numpy())}),
    ], ignore_index=True).sort_values(["customer", "a", "b"], kind="stable")
    # Merge overlapping spans per customer so each customer counts once a day.
    reach = spans.groupby("customer")["b"].cummax()
    prev_reach = reach.groupby(spans["customer"]).shift()
    spans["segment"] = (prev_reach.isna() | (spans["a"] > prev_reach)).cumsum()
    merged = spans.assign(b=reach).groupby("segment").agg(a=("a", "min"), b=("b", "max"))
    active = counts(merged["a"].to_numpy(), merged["b"].to_numpy())
    return ratio(pd.Series(churned, index=days), pd.Series(active, index=days))


def concentration(ev, days):
    pay = ev[(ev["type"] == "payment_received") & ev["customer"].notna()]
    per = pay.groupby(["day", "customer"])["cents"].sum()
    out = pd.Series(np.nan, index=days)
    if per.empty:
        return out
    for d in days:
        window = per.loc[d - pd.Timedelta(days=CONCENTRATION_DAYS - 1):d]
        by_customer = window.groupby(level="customer").sum()
        by_customer = by_customer[by_customer > 0]
        total = by_customer.sum()
        if total > 0:
            top = math.ceil(TOP_SHARE * len(by_customer))
            out[d] = by_customer.nlargest(top).sum() / total
    return out


def gold_metrics(ev):
    days = day_frame(ev)
    m = {}
    revenue = daily(ev, days, "payment_received", "sum")
    expenses = daily(ev, days, "expense_posted", "sum")
    refunds = daily(ev, days, "refund_issued", "sum") + daily(ev, days, "credit_memo_issued", "sum")
    rev7, exp7, ref7 = roll(revenue, RATIO_DAYS), roll(expenses, RATIO_DAYS), roll(refunds, RATIO_DAYS)
    m["daily_revenue"], m["daily_expenses"], m["daily_refunds"] = revenue / 100, expenses / 100, refunds / 100
    m["refund_rate"] = ratio(ref7, rev7)
    m["net_cash_proxy"] = roll(revenue - expenses - refunds, CASH_DAYS) / 100
    m["expense_ratio"] = ratio(exp7, rev7)
    m["margin_proxy"] = ratio(rev7 - exp7 - ref7, rev7)
    pay_sum, pay_n = measured_mean(ev, days, "invoice_paid")
    m["dso_proxy"] = ratio(roll(pay_sum, RATIO_DAYS), roll(pay_n, RATIO_DAYS))
    aging, overdue = ar_aging(ev, days)
    m["ar_aging_amount"], m["ar_overdue_count"] = aging / 100, overdue
    m["dpo_proxy"] = dpo(ev, days)
    placed, delivered = daily(ev, days, "order_placed"), daily(ev, days, "order_delivered")
    late = daily(ev, days, "order_late")
    m["order_volume"], m["delivery_count"], m["late_delivery_count"] = placed, delivered, late
    m["delivery_delay_rate"] = ratio(roll(late, RATIO_DAYS), roll(delivered, RATIO_DAYS))
    m["fulfillment_backlog"] = backlog(ev, days, "order_placed", "order_delivered")
    m["avg_delivery_delay_days"] = ratio(measured_mean(ev, days, "order_late")[0], late)
    delayed, pos = daily(ev, days, "shipment_delayed"), daily(ev, days, "purchase_order_placed")
    m["supplier_delay_rate"] = ratio(roll(delayed, RATIO_DAYS), roll(pos, RATIO_DAYS))
    m["supplier_delay_severity"] = ratio(measured_mean(ev, days, "shipment_delayed")[0], delayed)
    m["ticket_volume"], m["ticket_close_volume"] = daily(ev, days, "support_ticket_opened"), daily(ev, days, "support_ticket_closed")
    m["ticket_backlog"] = backlog(ev, days, "support_ticket_opened", "support_ticket_closed")
    m["avg_resolution_time"] = ratio(*measured_mean(ev, days, "support_ticket_closed"))
    score_sum, score_n = measured_mean(ev, days, "review_submitted")
    m["review_score_avg"] = ratio(roll(score_sum, RATIO_DAYS), roll(score_n, RATIO_DAYS))
    m["review_score_trend"] = m["review_score_avg"].rolling(TREND_DAYS, min_periods=1).apply(slope, raw=True)
    m["churn_proxy"] = churn_proxy(ev, days)
    m["customer_concentration"] = concentration(ev, days)
    return pd.DataFrame(m, index=days)[METRICS]


# ---------------------------------------------------------------- layer 1

BASELINE_DAYS, PROFILE_DAYS, MIN_BASELINE, COLD_START_DAYS = 30, 56, 14, 14
FLOWS = {"daily_revenue", "daily_expenses", "daily_refunds", "order_volume", "delivery_count",
         "late_delivery_count", "ticket_volume", "ticket_close_volume"}
# (incident type, metric, bad direction, z threshold): the design's table (docs/detection.md).
TRIGGERS = [
    ("refund_spike", "refund_rate", +1, 3), ("fulfillment_sla_degradation", "delivery_delay_rate", +1, 3),
    ("fulfillment_sla_degradation", "fulfillment_backlog", +1, 3), ("support_load_surge", "ticket_volume", +1, 3),
    ("support_load_surge", "ticket_backlog", +1, 3), ("churn_acceleration", "churn_proxy", +1, 2.5),
    ("margin_compression", "margin_proxy", -1, 3), ("margin_compression", "expense_ratio", +1, 3),
    ("liquidity_crunch_risk", "net_cash_proxy", -1, 3), ("liquidity_crunch_risk", "ar_aging_amount", +1, 3),
    ("supplier_dependency_failure", "supplier_delay_rate", +1, 3),
    ("supplier_dependency_failure", "supplier_delay_severity", +1, 3),
    ("customer_satisfaction_regression", "review_score_avg", -1, 2.5),
]
WARMUP = {"refund_rate": 6, "expense_ratio": 6, "margin_proxy": 6, "dso_proxy": 6, "dpo_proxy": 6,
          "delivery_delay_rate": 6, "supplier_delay_rate": 6, "review_score_avg": 6, "fulfillment_backlog": 13,
          "ticket_backlog": 13, "net_cash_proxy": 29, "customer_concentration": 29, "review_score_trend": 19,
          "ar_aging_amount": 45, "ar_overdue_count": 45, "churn_proxy": 45}


def min_effect(metric):
    if "rate" in metric or metric in ("expense_ratio", "margin_proxy", "churn_proxy", "customer_concentration"):
        return 0.01, True
    if metric in ("order_volume", "delivery_count", "late_delivery_count", "ticket_volume", "ticket_close_volume",
                  "ar_overdue_count"):
        return 3, True
    if metric in ("ticket_backlog", "fulfillment_backlog", "avg_resolution_time"):
        return 2, True
    if metric == "review_score_avg":
        return 0.2, False
    if "days" in metric or metric in ("dso_proxy", "dpo_proxy", "supplier_delay_severity"):
        return 0.5, True
    return 0.0, True


def mad(w):
    return np.median(np.abs(w - np.median(w)))


def mean_abs_dev(w):
    return np.mean(np.abs(w - np.median(w)))


def layer1_z(metrics):
    """Modified z-score of each metric and day against its trailing 30 days."""
    z = pd.DataFrame(index=metrics.index)
    weekday = metrics.index.dayofweek
    for metric, series in metrics.items():
        s = series.copy()
        s.iloc[:WARMUP.get(metric, 0)] = np.nan  # a metric filling its own window is no baseline
        factor = pd.Series(1.0, index=s.index)
        if metric in FLOWS:
            # Weekday profile over the trailing 56 days: weekday median / overall median.
            overall = s.shift(1).rolling(PROFILE_DAYS, min_periods=21).median()
            per_weekday = s.groupby(weekday).transform(
                lambda x: x.shift(1).rolling(PROFILE_DAYS // 7, min_periods=3).median())
            factor = (per_weekday / overall).where(overall > 0).clip(lower=0.05).fillna(1.0)
        adjusted = s / factor
        past = adjusted.shift(1).rolling(BASELINE_DAYS, min_periods=MIN_BASELINE)
        median = past.median()
        sigma = 1.4826 * past.apply(mad, raw=True)
        fallback = 1.2533 * past.apply(mean_abs_dev, raw=True)
        sigma = sigma.where(sigma > 0, fallback)
        expected = median * factor
        least, relative = min_effect(metric)
        floor = np.maximum(least / 3, 0.05 * median.abs())
        sigma = np.maximum(sigma, floor).where(sigma.notna())
        score = (s - expected) / (sigma * factor)
        effect = np.maximum(least, 0.25 * expected.abs()) if relative else least
        z[metric] = score.where((s - expected).abs() >= effect, 0.0)
    return z


def incidents(metrics, z):
    """Firing days per incident type, grouped into windows (gaps up to 3 + 7 days)."""
    rows = []
    day_no = np.arange(len(metrics))
    for itype in dict.fromkeys(t for t, *_ in TRIGGERS):
        bad = pd.concat([z[m] * d for t, m, d, _ in TRIGGERS if t == itype], axis=1)
        thr = [th for t, _, _, th in TRIGGERS if t == itype]
        fires = (bad.ge(thr, axis=1)).any(axis=1) & (day_no >= COLD_START_DAYS)
        peak = bad.max(axis=1)
        if itype == "customer_satisfaction_regression":
            fires |= (metrics["review_score_trend"] < -0.1) & (day_no >= COLD_START_DAYS)
        firing = pd.DataFrame({"day": metrics.index[fires.to_numpy()], "peak": peak[fires].to_numpy()})
        if firing.empty:
            continue
        firing["window"] = (firing["day"].diff().dt.days > 10).cumsum()
        for _, w in firing.groupby("window"):
            if w["peak"].max() < 5 and len(w) < 3:
                continue  # a weak signal must last three days
            rows.append({"type": itype, "window_start": w["day"].min().date(), "window_end": w["day"].max().date(),
                         "firing_days": len(w), "peak_z": round(float(w["peak"].max()), 3)})
    return pd.DataFrame(rows, columns=["type", "window_start", "window_end", "firing_days", "peak_z"])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("events", help="canonical events, JSON Lines")
    ap.add_argument("--metrics-out", help="write the daily metrics here (CSV)")
    ap.add_argument("--incidents-out", help="write the layer-1 incidents here (CSV)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    ev = load_events(args.events)
    t1 = time.perf_counter()
    metrics = gold_metrics(ev)
    t2 = time.perf_counter()
    z = layer1_z(metrics)
    found = incidents(metrics, z)
    t3 = time.perf_counter()
    if args.metrics_out:
        metrics.rename_axis("day").to_csv(args.metrics_out, float_format="%.10g")
    if args.incidents_out:
        found.to_csv(args.incidents_out, index=False)
    print(json.dumps({"events": len(ev), "days": len(metrics), "incidents": len(found),
                      "load_s": round(t1 - t0, 3), "metrics_s": round(t2 - t1, 3), "detect_s": round(t3 - t2, 3),
                      "total_s": round(t3 - t0, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
