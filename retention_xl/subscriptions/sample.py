"""A made-up subscription business, reproducible from a seed, for demos, tests and benchmarks.

One idea: :func:`sample_billing` writes the billing export of an invented SaaS company — one
row per customer and month they pay (a second add-on row in some months), customers signing
up over time, upgrading, downgrading, pausing, cancelling and sometimes coming back — as
arrays. It is not real data; its numbers only exercise the engine. Pure numpy.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sample_billing"]

_PLANS = np.array([19.0, 49.0, 99.0, 249.0])


def sample_billing(
    customers: int = 400,
    months: int = 24,
    *,
    seed: int = 7,
    first_month: str = "2023-01",
    rows: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(customer_ids, periods, mrr)`` of an invented subscription business.

    Customers ``C000000`` … sign up in a random month (earlier ones more likely), start on a
    plan of 19, 49, 99 or 249 a month, change plan with probability 4 % a month (up ×1.5 or
    down ×2/3, rounded to the cent), skip a month with probability 2 %, cancel with
    probability 3 % a month and return after a pause with probability 5 % a month; 10 % of paying
    months carry a second add-on row of 10 % of the MRR. Periods are a random day of the
    month. With ``rows``, exactly that many rows: the first ``rows`` after shuffling, or
    add-on rows appended until there are enough.

    Examples
    --------
    >>> ids, periods, mrr = sample_billing(50, 6, seed=1)
    >>> ids[0].startswith("C"), str(periods.dtype), bool((mrr > 0).all())
    (True, 'datetime64[D]', True)
    """
    rng = np.random.default_rng(seed)
    month = np.arange(months)
    signup = np.minimum((rng.random(customers) ** 1.5 * months).astype(np.int64), months - 1)
    plan = _PLANS[rng.integers(0, _PLANS.size, customers)]
    change = rng.random((customers, months))
    factor = np.where(change < 0.02, 1.5, np.where(change < 0.04, 2 / 3, 1.0))
    price = np.round(plan[:, None] * np.cumprod(factor, axis=1), 2)
    # a customer cancels with 3 % a month and comes back with 5 % a month
    cancel = rng.random((customers, months)) < 0.03
    back = rng.random((customers, months)) < 0.05
    state = np.ones(customers, dtype=bool)
    active = np.zeros((customers, months), dtype=bool)
    for m in month:  # a short loop over months, vectorised over customers
        state = np.where(state, ~cancel[:, m], back[:, m])
        active[:, m] = state & (m >= signup)
    active[np.arange(customers), signup] = True  # everyone pays in their first month
    active &= rng.random((customers, months)) >= 0.02  # skipped months
    active[np.arange(customers), signup] = True
    cust, mon = np.nonzero(active)
    mrr = price[cust, mon]
    addon = rng.random(cust.size) < 0.10
    cust = np.concatenate([cust, cust[addon]])
    mon = np.concatenate([mon, mon[addon]])
    mrr = np.concatenate([mrr, np.round(mrr[addon] * 0.1, 2)])
    if rows is not None:
        if cust.size >= rows:
            keep = np.sort(rng.permutation(cust.size)[:rows])
            cust, mon, mrr = cust[keep], mon[keep], mrr[keep]
        else:
            extra = rng.integers(0, cust.size, rows - cust.size)
            cust = np.concatenate([cust, cust[extra]])
            mon = np.concatenate([mon, mon[extra]])
            mrr = np.concatenate([mrr, np.round(mrr[extra] * 0.1, 2)])
    width = len(str(max(customers - 1, 1)))
    names = np.char.add("C", np.char.zfill(np.arange(customers).astype(str), max(width, 6)))
    start = np.datetime64(first_month, "M")
    days = (start + mon).astype("datetime64[D]") + rng.integers(0, 28, cust.size)
    return names[cust], days, mrr
