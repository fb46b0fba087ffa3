"""An independent reference for the MRR movement table: plain Python, customer by customer,
month by month, written from the statements in ``retention_xl/subscriptions/conventions.py``
(no numpy tricks), so that the vectorised engine can be checked against it on random
ledgers. Money in integer cents; rates are left to the tests that need them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def months_of(label: str) -> int:
    """``"2024-03"`` → months since 1970-01."""
    year, month = label[:7].split("-")
    return (int(year) - 1970) * 12 + int(month) - 1


def subscribed_months(
    cells: dict[int, int], *, zero_mrr: str, reactivation_gap: int
) -> dict[int, int]:
    """{month: MRR} of the months the customer was a customer (the conventions' rules)."""
    present = sorted(m for m, c in cells.items() if c > 0 or zero_mrr == "pause")
    groups: list[list[int]] = []
    for month in present:
        if groups and month - groups[-1][-1] - 1 < reactivation_gap:
            groups[-1].append(month)
        else:
            groups.append([month])
    out: dict[int, int] = {}
    for group in groups:
        paying = [m for m in group if cells[m] > 0]
        if not paying:
            continue  # zero rows without a payment never make a customer
        for month in range(paying[0], group[-1] + 1):
            out[month] = cells.get(month, 0)  # empty months inside a spell: held at 0
    return out


def reference_movements(
    rows: list[tuple[Any, str, int]],
    *,
    period: str = "M",
    joined_and_left: str = "count",
    reactivation_gap: int = 1,
    zero_mrr: str = "churn",
) -> dict[str, list[int]]:
    """Movement sums per period (cents and counts) of ``rows`` = (customer, "YYYY-MM…",
    cents)."""
    k = {"M": 1, "Q": 3, "Y": 12}[period]
    cells: dict[Any, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for customer, label, cents in rows:
        cells[customer][months_of(label)] += cents
    first = min(m for c in cells.values() for m in c)
    last = max(m for c in cells.values() for m in c)
    periods = list(range(first // k, last // k + 1))

    def snapshot(p: int) -> int:
        return min((p + 1) * k - 1, last)

    keys = [
        "mrr_start",
        "new",
        "expansion",
        "contraction",
        "churn",
        "reactivation",
        "mrr_end",
        "customers_start",
        "new_customers",
        "reactivated_customers",
        "churned_customers",
        "customers_end",
    ]
    out: dict[str, list[int]] = {key: [] for key in keys}
    subscribed = {
        customer: subscribed_months(dict(c), zero_mrr=zero_mrr, reactivation_gap=reactivation_gap)
        for customer, c in cells.items()
    }
    for p in periods:
        sums = dict.fromkeys(keys, 0)
        for months in subscribed.values():
            first_ever = min(months) if months else None
            fresh = first_ever is not None and first_ever // k == p
            was = p > periods[0] and snapshot(p - 1) in months
            now = snapshot(p) in months
            s = months[snapshot(p - 1)] if was else 0
            e = months[snapshot(p)] if now else 0
            sums["mrr_start"] += s
            sums["mrr_end"] += e
            sums["customers_start"] += was
            sums["customers_end"] += now
            if was and now:
                sums["expansion"] += max(e - s, 0)
                sums["contraction"] += max(s - e, 0)
            elif now:
                sums["new" if fresh else "reactivation"] += e
                sums["new_customers" if fresh else "reactivated_customers"] += 1
            elif was:
                sums["churn"] += s
                sums["churned_customers"] += 1
            else:
                inside = [m for m in sorted(months) if m // k == p]
                if inside and joined_and_left == "count":
                    amount = months[inside[0]]
                    sums["new" if fresh else "reactivation"] += amount
                    sums["new_customers" if fresh else "reactivated_customers"] += 1
                    sums["churn"] += amount
                    sums["churned_customers"] += 1
        for key in keys:
            out[key].append(sums[key])
    return out


def reference_trailing(
    rows: list[tuple[Any, str, int]], *, period: str = "M", **conventions: Any
) -> tuple[list[float | None], list[float | None]]:
    """NRR and GRR over 12 months per period: the customers at the period-end 12 months
    earlier, their MRR now (0 if gone) over their MRR then; GRR capping each customer."""
    k = {"M": 1, "Q": 3, "Y": 12}[period]
    cells: dict[Any, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for customer, label, cents in rows:
        cells[customer][months_of(label)] += cents
    first = min(m for c in cells.values() for m in c)
    last = max(m for c in cells.values() for m in c)
    subscribed = [subscribed_months(dict(c), **conventions) for c in cells.values()]
    nrr: list[float | None] = []
    grr: list[float | None] = []
    for p in range(first // k, last // k + 1):
        q = p - 12 // k
        if q < first // k:
            nrr.append(None)
            grr.append(None)
            continue
        then_month, now_month = min((q + 1) * k - 1, last), min((p + 1) * k - 1, last)
        base = kept = capped = 0
        for months in subscribed:
            if then_month in months:
                then, now = months[then_month], months.get(now_month, 0)
                base, kept, capped = base + then, kept + now, capped + min(now, then)
        nrr.append(kept / base if base else None)
        grr.append(capped / base if base else None)
    return nrr, grr
