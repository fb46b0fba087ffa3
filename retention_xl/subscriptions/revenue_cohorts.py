"""Revenue cohorts: MRR retention per signup cohort, in the cohort engine's layout.

One idea: group customers by the period of their first payment and follow the cohort's MRR
at the end of every later period, as a :class:`~retention_xl.cohorts.CohortTable` (the same
rows, labels, sizes and averages as the customer triangle, so sheets and the command line
show it unchanged). MRR retention may exceed 100 % when the cohort expands. Pure numpy;
imports :mod:`retention_xl.cohorts`, :mod:`retention_xl.periods`, :mod:`retention_xl.texts`
and this package's
:mod:`.ledger`, :mod:`.timeline`, :mod:`.conventions`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from ..cohorts import CohortTable
from ..errors import InputError
from ..periods import Period
from ..texts import text
from .conventions import SubscriptionConventions
from .ledger import Ledger, month_label, month_start
from .timeline import timeline

__all__ = ["MAX_CELLS", "REVENUE_VALUES", "RevenueCohortTable", "revenue_cohorts"]

#: The largest cohort table computed (periods × periods): 3,000 periods — 250 years of months.
MAX_CELLS = 9_000_000

#: What a cell shows: MRR retention (default), MRR in currency, customers, their share.
REVENUE_VALUES: tuple[str, ...] = ("mrr_retention", "mrr", "customers", "retention")


@dataclass(frozen=True)
class RevenueCohortTable(CohortTable):
    """A :class:`~retention_xl.cohorts.CohortTable` of subscription cohorts.

    ``starting_mrr[i]`` is cohort *i*'s MRR at the end of its first period (currency), the
    denominator of its MRR retention and the weight of the weighted average.
    """

    subscription: SubscriptionConventions = field(default_factory=SubscriptionConventions)
    starting_mrr: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def conventions(self, lang: str = "en") -> list[str]:
        """What the cells mean and the conventions behind them, one sentence each."""
        unit = self.period.describe(lang)
        shown = text(f"revenue_cohorts.value.{self.value}", lang)
        head = text("revenue_cohorts.head", lang, unit=unit, shown=shown)
        return [head, *self.subscription.describe(lang)[1:]]


def revenue_cohorts(
    book: Ledger,
    conventions: SubscriptionConventions | None = None,
    *,
    value: str = "mrr_retention",
) -> RevenueCohortTable:
    """Revenue cohort table of a :class:`~.ledger.Ledger`.

    Parameters
    ----------
    book : Ledger
        From :func:`~.ledger.ledger` or :func:`~.ledger.spread_ledger`.
    value : {"mrr_retention", "mrr", "customers", "retention"}
        What a cell shows (see :data:`REVENUE_VALUES`).
    conventions : SubscriptionConventions, optional
        The conventions of :mod:`.conventions` (``period``, ``zero_mrr``,
        ``reactivation_gap`` change cohorts; the others do not).

    Returns
    -------
    RevenueCohortTable
        Row *i*: the customers whose first payment fell in period *i*; column *k*: the end of
        their period *i + k*. Cells the data has not reached are NaN; the average rows are
        weighted by starting MRR (``mrr_retention``) or cohort size, over observed cells.

    Notes
    -----
    MRR retention(c, k) = Σ MRR of cohort c at the end of period c + k / Σ MRR of cohort c at
    the end of period c. A customer who churned and came back counts again (in their first
    cohort). Source: kpi-spec §4 ("revenue cohort table … may exceed 100 %").

    Examples
    --------
    >>> from .ledger import ledger
    >>> book = ledger(["a", "b", "a", "b", "a"],
    ...               ["2024-01", "2024-01", "2024-02", "2024-02", "2024-03"],
    ...               [100, 100, 150, 50, 180])
    >>> t = revenue_cohorts(book)
    >>> t.rows()[1]
    ['2024-01', 2, 1.0, 1.0, 0.9]
    """
    if value not in REVENUE_VALUES:
        raise InputError(f"value must be one of {', '.join(REVENUE_VALUES)}; got {value!r}.")
    chosen = conventions or SubscriptionConventions()
    spells = timeline(book, chosen)
    k = chosen.months
    low, high = spells.first // k, spells.last // k
    n = high - low + 1
    if n * n > MAX_CELLS:
        raise InputError(
            f"the data spans {n:,} periods ({month_label(spells.first)} to "
            f"{month_label(spells.last)}): a cohort table of {n:,} × {n:,} cells is too large. "
            "Check the dates for typos, or choose a longer period (period='Q' or 'Y')."
        )
    snapshot = np.minimum((np.arange(low, high + 1) + 1) * k - 1, spells.last)
    period_of = spells.months // k - low
    at = spells.months == snapshot[period_of]
    member = spells.first_month >= 0
    cohort_of = np.where(member, spells.first_month // k - low, 0)
    sizes = np.bincount(cohort_of[member], minlength=n)
    codes = spells.codes[at]
    flat = cohort_of[codes] * n + (period_of[at] - cohort_of[codes])
    mrr = np.bincount(flat, weights=spells.cents[at] / 100, minlength=n * n).reshape(n, n)
    active = np.bincount(flat, minlength=n * n).reshape(n, n).astype("float64")
    observed = (np.arange(n)[None, :] <= (n - 1 - np.arange(n))[:, None]) & (sizes[:, None] > 0)
    start = mrr[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        table = {
            "mrr_retention": mrr / start[:, None],
            "mrr": mrr,
            "customers": active,
            "retention": active / np.maximum(sizes, 1)[:, None],
        }[value]
    weights = start if value == "mrr_retention" else sizes.astype("float64")
    usable = observed & np.isfinite(table)
    table = np.where(usable, table, np.nan)
    weighted, unweighted = _averages(
        table, usable, weights, mrr if value == "mrr_retention" else None
    )
    unit = Period(chosen.period)
    firsts = (np.arange(low, high + 1) * k).astype("datetime64[M]").astype("datetime64[D]")
    days = firsts.astype(np.int64)
    last_day = month_start(spells.last + 1) - dt.timedelta(days=1)
    return RevenueCohortTable(
        values=table,
        sizes=sizes,
        labels=[unit.label(int(d)) for d in days],
        starts=firsts,
        weighted_average=weighted,
        unweighted_average=unweighted,
        period=unit,
        kind="on",
        value=value,
        as_of=last_day,
        include_incomplete=bool(snapshot[-1] < (high + 1) * k - 1),
        orders_used=book.rows,
        orders_after_as_of=0,
        orders_unobserved=0,
        unplaced_refunds=0,
        unplaced_refund_amount=0.0,
        customers=int(member.sum()),
        subscription=chosen,
        starting_mrr=start,
    )


def _averages(
    table: np.ndarray, usable: np.ndarray, weights: np.ndarray, mrr: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted (pooled for MRR retention: Σ MRR at k / Σ starting MRR) and unweighted means
    over the usable cells of each column."""
    n = table.shape[1]
    weighted = np.full(n, np.nan)
    unweighted = np.full(n, np.nan)
    for k in range(n):
        rows = usable[:, k]
        if not rows.any():
            continue
        unweighted[k] = float(table[rows, k].mean())
        total = float(weights[rows].sum())
        if total > 0:
            if mrr is not None:
                weighted[k] = float(mrr[rows, k].sum()) / total
            else:
                weighted[k] = float((table[rows, k] * weights[rows]).sum()) / total
    return weighted, unweighted
