"""MRR movements: per period, how recurring revenue and customers moved (kpi-spec §4).

One idea: :func:`mrr_movements` compares every customer's MRR at the end of the previous
period with their MRR at the end of this one and books the difference as new, expansion,
contraction, churn or reactivation — in whole cents, so that

    MRR start + new + reactivation + expansion − contraction − churn = MRR end

holds exactly in every period, as does customers start + new + reactivated − churned =
customers end. Rates (churn, NRR, GRR, quick ratio, ARPA, LTV) follow from those sums. The
conventions are arguments (:mod:`.conventions`). Pure numpy; imports :mod:`.ledger`,
:mod:`.timeline`, :mod:`.metrics`, :mod:`.conventions` and :mod:`retention_xl.periods`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import texts
from ..texts import TEXTS
from .conventions import SubscriptionConventions
from .ledger import Ledger, ledger
from .metrics import gross_revenue_retention, net_revenue_retention, quick_ratio
from .timeline import Timeline, timeline

__all__ = [
    "COLUMNS",
    "MONEY_COLUMNS",
    "MovementSums",
    "MrrMovements",
    "finish_movements",
    "movement_sums",
    "movements_from_ledger",
    "mrr_movements",
]

#: The columns of the movement table: key, English header, German header (the texts
#: ``movements.<key>``), kind ("label", "money", "count", "fraction", "number"). The first
#: eight are the issue's.
COLUMNS: tuple[tuple[str, str, str, str], ...] = tuple(
    (key, *TEXTS["movements." + key], kind)
    for key, kind in (
        ("period", "label"),
        ("mrr_start", "money"),
        ("new", "money"),
        ("expansion", "money"),
        ("contraction", "money"),
        ("churn", "money"),
        ("reactivation", "money"),
        ("mrr_end", "money"),
        ("customers_start", "count"),
        ("new_customers", "count"),
        ("reactivated_customers", "count"),
        ("churned_customers", "count"),
        ("customers_end", "count"),
        ("customer_churn_rate", "fraction"),
        ("gross_revenue_churn", "fraction"),
        ("net_revenue_churn", "fraction"),
        ("nrr", "fraction"),
        ("grr", "fraction"),
        ("nrr_12m", "fraction"),
        ("grr_12m", "fraction"),
        ("quick_ratio", "number"),
        ("arpa", "money"),
        ("ltv", "money"),
    )
)
#: The movement amounts, in cents in :class:`MrrMovements`.
MONEY_COLUMNS = ("mrr_start", "new", "expansion", "contraction", "churn", "reactivation", "mrr_end")
_COUNTS = ("customers_start", "new_customers", "reactivated_customers", "churned_customers")


@dataclass(frozen=True)
class MrrMovements:
    """The movement table: one entry per period in every array.

    Money (``mrr_start`` … ``mrr_end``) is int64 **cents**; counts are int64; rates are
    float64 fractions with NaN where undefined (a zero denominator, or for the 12-month
    rates fewer than 12 months of history); ``arpa`` and ``ltv`` are float64 currency.
    """

    labels: list[str]
    snapshot_months: np.ndarray  # month (since 1970-01) each period's end MRR is taken from
    mrr_start: np.ndarray
    new: np.ndarray
    expansion: np.ndarray
    contraction: np.ndarray
    churn: np.ndarray
    reactivation: np.ndarray
    mrr_end: np.ndarray
    customers_start: np.ndarray
    new_customers: np.ndarray
    reactivated_customers: np.ndarray
    churned_customers: np.ndarray
    customers_end: np.ndarray
    passing: np.ndarray  # cents of customers who joined and left within the period (in new/
    passing_customers: np.ndarray  # reactivation and in churn; see ``joined_and_left``)
    customer_churn_rate: np.ndarray
    gross_revenue_churn: np.ndarray
    net_revenue_churn: np.ndarray
    nrr: np.ndarray
    grr: np.ndarray
    nrr_12m: np.ndarray
    grr_12m: np.ndarray
    quick_ratio: np.ndarray
    arpa: np.ndarray
    ltv: np.ndarray
    conventions: SubscriptionConventions
    rows: int  # input rows (or billing lines) used
    cells: int  # customer-months with a row
    customers: int  # distinct customers in the input
    source: str = ""

    def column(self, key: str) -> list[Any]:
        """One column in sheet units: money in currency, NaN as None, labels as text."""
        if key == "period":
            return list(self.labels)
        values = getattr(self, key)
        if key in MONEY_COLUMNS:
            return (values / 100).tolist()  # type: ignore[no-any-return]
        if key in (*_COUNTS, "customers_end"):
            return [int(v) for v in values]
        return [None if np.isnan(v) else float(v) for v in values]

    def headers(self, lang: str = "en") -> list[str]:
        """The header row in ``lang`` ("en" or "de")."""
        return [texts.text("movements." + key, lang) for key, *_ in COLUMNS]

    def rows_table(self, lang: str = "en") -> list[list[Any]]:
        """The labelled table: the header row, then one row per period (blanks are None).

        Examples
        --------
        >>> m = mrr_movements(["a", "b", "a"], ["2024-01", "2024-01", "2024-02"], [10, 5, 12])
        >>> m.rows_table()[0][:8]
        ['Period', 'MRR start', 'New', 'Expansion', 'Contraction', 'Churn', 'Reactivation', \
'MRR end']
        >>> m.rows_table()[2][:8]
        ['2024-02', 15.0, 0.0, 2.0, 0.0, 5.0, 0.0, 12.0]
        """
        columns = [self.column(key) for key, *_ in COLUMNS]
        return [self.headers(lang), *(list(row) for row in zip(*columns, strict=True))]

    def csv(self, lang: str = "en") -> str:
        """The table as CSV text (comma separated, decimal point, blanks empty)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for row in self.rows_table(lang):
            writer.writerow(["" if v is None else _plain(v) for v in row])
        return buffer.getvalue()

    def text(self, lang: str = "en") -> str:
        """The table aligned for a terminal: money with two decimals, rates in percent."""
        kinds = [kind for *_, kind in COLUMNS]
        table = self.rows_table(lang)
        cells = [table[0]] + [
            [_show(v, kind) for v, kind in zip(row, kinds, strict=True)] for row in table[1:]
        ]
        widths = [max(len(str(row[i])) for row in cells) for i in range(len(cells[0]))]
        lines = [
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
            for row in cells
        ]
        return "\n".join(lines) + "\n"


def _plain(value: Any) -> Any:
    return repr(round(value, 12)) if isinstance(value, float) else value


def _show(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "fraction":
        return f"{value:.1%}"
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "number":
        return f"{value:.2f}"
    return str(value)


def mrr_movements(
    customer_ids: Any,
    periods: Any,
    mrr: Any,
    conventions: SubscriptionConventions | None = None,
) -> MrrMovements:
    """MRR movements from a long table: one row per customer and period with their MRR.

    Parameters
    ----------
    customer_ids : array_like
        One id per row (text or whole numbers).
    periods : array_like
        The month of each row: any day of it as a date, ``YYYY-MM`` text or Excel serial.
        Rows of one customer in one month add up.
    mrr : array_like
        Monthly recurring revenue of the row, in currency (≥ 0 after adding up a month).
    conventions : SubscriptionConventions, optional
        The conventions, each with its default (see :mod:`retention_xl.subscriptions.
        conventions`): ``period="M"``, ``churn_denominator="start"``,
        ``joined_and_left="count"``, ``reactivation_gap=1``, ``zero_mrr="churn"``,
        ``gross_margin=1.0``.

    Returns
    -------
    MrrMovements
        One entry per period from the first month of the data to the last.

    Notes
    -----
    Per customer *i* with MRR :math:`s_i` at the end of the previous period and :math:`e_i`
    at the end of this one (0 when not a customer):

    - both customers: :math:`e_i - s_i` is expansion if positive, contraction if negative;
    - customer only at the end: new (first spell starts in the period) or reactivation;
    - customer only at the start: churn :math:`s_i`;
    - neither, but a customer within the period: new/reactivation and churn of the same
      amount under ``joined_and_left="count"``, nothing under ``"ignore"``.

    NRR = (start + expansion − contraction − churn) / start; GRR = (start − contraction −
    churn) / start, both over the customers of the start (the churn of customers who joined
    and left within the period, :attr:`MrrMovements.passing`, is left out). Over 12 months
    both follow the customers of the period-end 12 months earlier, GRR counting each at most
    at that MRR: Σ min(e_i, s_i) / Σ s_i. Quick ratio = (new + expansion + reactivation) /
    (contraction + churn); ARPA = MRR end / customers end; LTV = ARPA × gross_margin /
    customer churn rate. The first period's "new" holds everyone already paying when the
    data begins. Source: kpi-spec §4.

    Examples
    --------
    >>> m = mrr_movements(
    ...     ["a", "b", "a", "b", "c", "a", "c"],
    ...     ["2024-01", "2024-01", "2024-02", "2024-02", "2024-02", "2024-03", "2024-03"],
    ...     [100, 50, 120, 50, 30, 90, 30])
    >>> (m.mrr_end / 100).tolist(), (m.expansion / 100).tolist(), (m.churn / 100).tolist()
    ([150.0, 200.0, 120.0], [0.0, 20.0, 0.0], [0.0, 0.0, 50.0])
    >>> m.nrr.round(4).tolist()  # March: (200 − 30 contraction − 50 churn) / 200
    [nan, 1.1333, 0.6]
    """
    return movements_from_ledger(ledger(customer_ids, periods, mrr), conventions)


def movements_from_ledger(
    book: Ledger, conventions: SubscriptionConventions | None = None
) -> MrrMovements:
    """:func:`mrr_movements` of a :class:`~.ledger.Ledger` (long table or spread lines).

    Examples
    --------
    >>> from .ledger import spread_ledger
    >>> annual = spread_ledger(["a", "a"], [1200, 1200], ["2024-01-01", "2025-01-01"],
    ...                        ["2024-12-31", "2025-12-31"])
    >>> int(movements_from_ledger(annual).churn.sum())  # paid once a year, never churned
    0
    """
    chosen = conventions or SubscriptionConventions()
    span = (book.first_month, book.last_month)
    return finish_movements(movement_sums(book, chosen, span), chosen, span, book.source)


@dataclass(frozen=True)
class MovementSums:
    """The additive part of a movement table: per period, sums in cents and counts over
    some customers (the 12-month rates as their numerators and denominators), and the
    rows, customer-months and customers they came from. Sums of disjoint customers add up
    (``+``), so an engine can compute them part by part.
    """

    sums: dict[str, np.ndarray]
    rows: int
    cells: int
    customers: int

    def __add__(self, other: MovementSums) -> MovementSums:
        return MovementSums(
            {key: value + other.sums[key] for key, value in self.sums.items()},
            self.rows + other.rows,
            self.cells + other.cells,
            self.customers + other.customers,
        )


def movement_sums(
    book: Ledger, options: SubscriptionConventions, span: tuple[int, int]
) -> MovementSums:
    """The sums of the customers in ``book`` over the months ``span`` (first, last) of the
    whole data, under ``options`` (:func:`~.conventions.conventions`).

    Examples
    --------
    >>> part = ledger(["a", "a"], ["2024-01", "2024-02"], [10, 12])
    >>> s = movement_sums(part, SubscriptionConventions(), (part.first_month, part.last_month + 1))
    >>> s.sums["mrr_end"].tolist(), s.sums["churn"].tolist()
    ([1000, 1200, 0], [0, 0, 1200])
    """
    return MovementSums(
        _movements(timeline(book, options, span), options),
        book.rows,
        int(book.codes.size),
        int(book.customers.size),
    )


def _snapshots(
    span: tuple[int, int], options: SubscriptionConventions
) -> tuple[np.ndarray, np.ndarray, int]:
    """The periods of the data's months ``span`` (absolute indexes), the snapshot month of
    each (its last month, or the data's last month for the period the data ends in) and the
    first index."""
    k = options.months
    first, last = span
    low, high = first // k, last // k
    periods = np.arange(low, high + 1)
    snapshot = np.minimum((periods + 1) * k - 1, last)
    return periods, snapshot, low


def _sum_by(index: np.ndarray, weights: np.ndarray, n: int, exact: bool) -> np.ndarray:
    """int64 sums of ``weights`` (cents or counts) per ``index`` in ``0 … n−1``; ``exact``
    says float64 sums cannot round (every partial sum below 2**53)."""
    if not exact:
        out = np.zeros(n, dtype=np.int64)
        np.add.at(out, index, weights)
        return out
    return np.bincount(index, weights=weights, minlength=n)[:n].astype(np.int64)


def _movements(spells: Timeline, options: SubscriptionConventions) -> dict[str, np.ndarray]:
    """The sums per period, from every customer's snapshot cells (at most one per period).

    Snapshot cells are sorted by customer, then period; a cell whose predecessor is the same
    customer's snapshot of the period before continues, any other began (new or
    reactivation), and one without a successor in the next period ends (churn there).
    """
    k = options.months
    periods, snapshot, low = _snapshots((spells.first, spells.last), options)
    n = periods.size
    period_of = spells.months // k - low if k > 1 else spells.months - low
    codes, period, cents = spells.codes, period_of, spells.cents
    if k > 1:  # a month is its own snapshot; otherwise keep the periods' last months
        at = spells.months == snapshot[period_of]
        codes, period, cents = codes[at], period[at], cents[at]
    exact = float(np.abs(cents).sum(dtype=np.float64)) < 2.0**53
    first_period = np.where(spells.first_month >= 0, spells.first_month // k - low, -1)
    follows = np.zeros(codes.size, dtype=bool)
    follows[1:] = (codes[1:] == codes[:-1]) & (period[1:] == period[:-1] + 1)
    began = np.flatnonzero(~follows)
    fresh = first_period[codes[began]] == period[began]
    followed = np.zeros(codes.size, dtype=bool)
    followed[:-1] = follows[1:]
    ended = np.flatnonzero(~followed)
    ended = ended[period[ended] + 1 < n]
    differs = np.zeros(codes.size, dtype=bool)
    differs[1:] = cents[1:] != cents[:-1]
    moved = np.flatnonzero(follows & differs)
    change = cents[moved] - cents[moved - 1]
    at_moved = period[moved]
    began_new, began_again = began[fresh], began[~fresh]
    out = {
        "expansion": _sum_by(at_moved, np.maximum(change, 0), n, exact),
        "contraction": _sum_by(at_moved, np.maximum(-change, 0), n, exact),
        "new": _sum_by(period[began_new], cents[began_new], n, exact),
        "reactivation": _sum_by(period[began_again], cents[began_again], n, exact),
        "new_customers": np.bincount(period[began_new], minlength=n),
        "reactivated_customers": np.bincount(period[began_again], minlength=n),
        "churn": _sum_by(period[ended] + 1, cents[ended], n, exact),
        "churned_customers": np.bincount(period[ended] + 1, minlength=n)[:n],
        "customers_end": np.bincount(period, minlength=n),
        "mrr_end": _sum_by(period, cents, n, exact),
        "passing": np.zeros(n, dtype=np.int64),
        "passing_customers": np.zeros(n, dtype=np.int64),
    }
    out["customers_start"] = np.r_[0, out["customers_end"][:-1]]
    out["mrr_start"] = np.r_[0, out["mrr_end"][:-1]]
    keys = codes * n + period  # sorted: the snapshot cells' positions by (customer, period)
    if options.joined_and_left == "count" and k > 1:
        _count_passing(spells, period_of, first_period, keys, n, exact, out)
    window = 12 // k
    zeros = np.zeros(n, dtype=np.int64)
    trailing = {"base_12m": zeros, "kept_12m": zeros, "capped_12m": zeros}
    if n > window:
        base = np.flatnonzero(period + window < n)
        target = keys[base] + window
        where = np.minimum(np.searchsorted(keys, target), keys.size - 1)
        now = np.where(keys[where] == target, cents[where], 0)
        then = cents[base]
        at_end = period[base] + window
        trailing = {
            "base_12m": _sum_by(at_end, then, n, exact),
            "kept_12m": _sum_by(at_end, now, n, exact),
            "capped_12m": _sum_by(at_end, np.minimum(now, then), n, exact),
        }
    return {key: np.asarray(value, dtype=np.int64) for key, value in (out | trailing).items()}


def _count_passing(
    spells: Timeline,
    period_of: np.ndarray,
    first_period: np.ndarray,
    keys: np.ndarray,
    n: int,
    exact: bool,
    out: dict[str, np.ndarray],
) -> None:
    """Book customers who began and ended within one period (``joined_and_left="count"``)
    as new or reactivated and as churned, with the MRR of their first month in it."""
    starts = np.flatnonzero(spells.spell_start)
    codes, period = spells.codes[starts], period_of[starts]
    first = np.ones(codes.size, dtype=bool)  # a customer's first spell in the period
    first[1:] = (codes[1:] != codes[:-1]) | (period[1:] != period[:-1])
    codes, period, cents = codes[first], period[first], spells.cents[starts][first]

    def present(wanted: np.ndarray) -> np.ndarray:
        if keys.size == 0:
            return np.zeros(wanted.size, dtype=bool)
        where = np.minimum(np.searchsorted(keys, wanted), keys.size - 1)
        found: np.ndarray = keys[where] == wanted
        return found

    key = codes * n + period
    passing = ~present(key) & ~((period > 0) & present(key - 1))
    codes, period, cents = codes[passing], period[passing], cents[passing]
    fresh = first_period[codes] == period
    zero = np.zeros(cents.size, dtype=np.int64)
    out["new"] += _sum_by(period, np.where(fresh, cents, zero), n, exact)
    out["reactivation"] += _sum_by(period, np.where(fresh, zero, cents), n, exact)
    out["churn"] += _sum_by(period, cents, n, exact)
    out["new_customers"] += np.bincount(period[fresh], minlength=n)
    out["reactivated_customers"] += np.bincount(period[~fresh], minlength=n)
    out["churned_customers"] += np.bincount(period, minlength=n)
    out["passing"] += _sum_by(period, cents, n, exact)
    out["passing_customers"] += np.bincount(period, minlength=n)


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def finish_movements(
    part: MovementSums, options: SubscriptionConventions, span: tuple[int, int], source: str = ""
) -> MrrMovements:
    """The movement table of the sums of all customers over the months ``span``: the
    labels, the rates (kpi-spec §4) and the counts, as :func:`mrr_movements` returns it."""
    sums = part.sums
    periods, snapshot, _ = _snapshots(span, options)
    unit = options.unit
    first_days = (periods * options.months).astype("datetime64[M]").astype("datetime64[D]")
    labels = [unit.label(int(day)) for day in first_days.astype(np.int64)]
    money = {key: sums[key].astype("float64") for key in MONEY_COLUMNS}
    counts = {key: sums[key].astype("float64") for key in (*_COUNTS, "customers_end")}
    if options.churn_denominator == "start":
        customer_base, money_base = counts["customers_start"], money["mrr_start"]
    elif options.churn_denominator == "start_plus_new":
        customer_base = (
            counts["customers_start"] + counts["new_customers"] + counts["reactivated_customers"]
        )
        money_base = money["mrr_start"] + money["new"] + money["reactivation"]
    else:
        customer_base = (counts["customers_start"] + counts["customers_end"]) / 2
        money_base = (money["mrr_start"] + money["mrr_end"]) / 2
    lost = money["contraction"] + money["churn"]
    churn_of_start = money["churn"] - sums["passing"]  # NRR and GRR follow the start's customers
    churn_rate = _divide(counts["churned_customers"], customer_base)
    arpa = _divide(money["mrr_end"] / 100, counts["customers_end"])
    return MrrMovements(
        labels=labels,
        snapshot_months=snapshot,
        **{
            key: sums[key]
            for key in (*MONEY_COLUMNS, *_COUNTS, "customers_end", "passing", "passing_customers")
        },
        customer_churn_rate=churn_rate,
        gross_revenue_churn=_divide(lost, money_base),
        net_revenue_churn=_divide(lost - money["expansion"] - money["reactivation"], money_base),
        nrr=np.asarray(
            net_revenue_retention(
                money["mrr_start"], money["expansion"], money["contraction"], churn_of_start
            )
        ),
        grr=np.asarray(
            gross_revenue_retention(money["mrr_start"], money["contraction"], churn_of_start)
        ),
        nrr_12m=_divide(sums["kept_12m"].astype("float64"), sums["base_12m"].astype("float64")),
        grr_12m=_divide(sums["capped_12m"].astype("float64"), sums["base_12m"].astype("float64")),
        quick_ratio=np.asarray(
            quick_ratio(
                money["new"],
                money["expansion"],
                money["contraction"],
                money["churn"],
                money["reactivation"],
            )
        ),
        arpa=arpa,
        ltv=_divide(arpa * options.gross_margin, churn_rate),
        conventions=options,
        rows=part.rows,
        cells=part.cells,
        customers=part.customers,
        source=source,
    )
