"""Cohort tables: orders in, a correct retention triangle out (kpi-spec §2).

One idea: :func:`cohort_table` groups customers by the period of their first purchase and
counts, for every later period, the distinct customers (never orders) who were active — or
sums their revenue — leaving cells that the observation end ``as_of`` has not fully seen
blank (NaN), never 0. Pure numpy; imports :mod:`retention_xl.dates`, :mod:`.ids`,
:mod:`.periods` and :mod:`.errors`.

Conventions (all arguments, with defaults):

- **period** ``"M"``: calendar ``D``, ``W`` (ISO, Monday start), ``M``, ``Q``, ``Y``; or rolling
  ``"30D"`` windows counted from each customer's own first purchase (cohorts are then 30-day
  windows of first-purchase dates, counted from the earliest one).
- **kind** ``"on"``: a customer counts in period *k* if active in exactly *k* (the classic
  triangle); ``"on_or_after"``: active in *k* or any later observed period ("unbounded");
  ``"rolling"``: active in every period 1 … *k* without a gap.
- **value** ``"retention"``: customers / cohort size; ``"customers"``; ``"revenue"`` (the
  cohort's amounts in period *k*, refunds included; independent of ``kind``);
  ``"revenue_per_customer"`` (cumulative revenue up to *k* / cohort size).
- **as_of** (default: the last order date): a cell is observed when its period has ended by
  ``as_of`` (for rolling windows: for every customer the cohort can hold). Unobserved cells
  are NaN. Cohorts whose own first period is not complete are left out, as are orders after
  ``as_of``; ``include_incomplete=True`` keeps periods that have started by ``as_of``.
- **amounts**: a negative amount is a refund. It adds to revenue in its period but does not
  make a customer active or start a cohort; a refund of a customer without an earlier
  purchase cannot be placed and is counted in :attr:`CohortTable.unplaced_refunds`.
- **averages**: weighted by cohort size (default) and unweighted, each over observed cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .dates import to_serial_days
from .errors import InputError
from .ids import factorize, ids_array
from .periods import Period, parse_period

__all__ = [
    "KINDS",
    "VALUES",
    "CohortTable",
    "cohort_table",
    "day_numbers",
    "describe_conventions",
]

KINDS: tuple[str, ...] = ("on", "on_or_after", "rolling")
VALUES: tuple[str, ...] = ("customers", "retention", "revenue", "revenue_per_customer")
_EPOCH_SERIAL = 25569.0  # Excel serial of 1970-01-01


@dataclass(frozen=True)
class CohortTable:
    """A cohort triangle with everything a sheet needs to print it.

    ``values[i, k]`` is cohort ``i``'s value in period offset ``k`` (NaN: not yet observed).
    """

    values: np.ndarray
    sizes: np.ndarray
    labels: list[str]
    starts: np.ndarray  # first day of each cohort, datetime64[D]
    weighted_average: np.ndarray
    unweighted_average: np.ndarray
    period: Period
    kind: str
    value: str
    as_of: dt.date
    include_incomplete: bool
    orders_used: int
    orders_after_as_of: int
    orders_unobserved: int  # in periods or cohorts not complete by as_of
    unplaced_refunds: int
    unplaced_refund_amount: float
    customers: int = field(default=0)

    @property
    def offsets(self) -> np.ndarray:
        """Period offsets 0 … n−1 of the columns."""
        return np.arange(self.values.shape[1])

    def conventions(self, lang: str = "en") -> list[str]:
        """The conventions behind the numbers, one sentence each, to print above a table."""
        return describe_conventions(
            self.period, self.kind, self.value, self.as_of, self.include_incomplete, lang
        )

    def rows(self, lang: str = "en", *, average: str = "weighted") -> list[list[Any]]:
        """The labelled table: header, one row per cohort, the average row; blanks are None.

        Examples
        --------
        >>> t = cohort_table(["a", "a", "b"], ["2024-01-03", "2024-02-01", "2024-01-09"],
        ...                  as_of="2024-02-29")
        >>> t.rows()[1:]
        [['2024-01', 2, 1.0, 0.5], ['2024-02', 0, None, None], ['Average', 2, 1.0, 0.5]]
        """
        de = lang == "de"
        head: list[Any] = ["Kohorte" if de else "Cohort", "Kunden" if de else "Customers"]
        out = [head + [int(k) for k in self.offsets]]
        for label, size, row in zip(self.labels, self.sizes, self.values, strict=True):
            out.append([label, int(size), *(_cell(v) for v in row)])
        mean = self.weighted_average if average == "weighted" else self.unweighted_average
        name = {
            "weighted": ("Average", "Durchschnitt"),
            "unweighted": ("Average (unweighted)", "Durchschnitt (ungewichtet)"),
        }
        out.append([name[average][de], int(self.sizes.sum()), *(_cell(v) for v in mean)])
        return out


def describe_conventions(
    period: str | Period,
    kind: str,
    value: str,
    as_of: dt.date | None,
    include_incomplete: bool,
    lang: str = "en",
) -> list[str]:
    """The conventions of a cohort table as sentences (``as_of`` None: "the last order").

    Examples
    --------
    >>> describe_conventions("M", "on", "retention", None, False)[0]
    'Periods: calendar months; cohort = period of the first purchase.'
    """
    unit = parse_period(period)
    de = lang == "de"
    kind_text = {
        "on": ("active in exactly period k", "in genau Periode k aktiv"),
        "on_or_after": ("active in period k or later", "in Periode k oder später aktiv"),
        "rolling": ("active in every period 1 … k", "in jeder Periode 1 … k aktiv"),
    }[kind][de]
    value_text = {
        "retention": ("share of the cohort's customers", "Anteil der Kunden der Kohorte"),
        "customers": ("number of distinct customers", "Anzahl verschiedener Kunden"),
        "revenue": (
            "revenue in the period (refunds included)",
            "Umsatz der Periode (inkl. Erstattungen)",
        ),
        "revenue_per_customer": (
            "cumulative revenue per cohort customer",
            "kumulierter Umsatz je Kunde der Kohorte",
        ),
    }[value][de]
    end = as_of.isoformat() if as_of else ("zur letzten Bestellung" if de else "the last order")
    if de:
        lines = [
            f"Perioden: {unit.describe('de')}; Kohorte = Periode des ersten Kaufs.",
            f"Werte: {value_text}; gezählt wird, wer {kind_text} ist.",
            f"Beobachtet bis {end}; leere Zellen sind noch nicht vollständig beobachtet (nicht 0).",
        ]
        if not include_incomplete:
            lines.append("Die laufende, unvollständige Periode ist ausgeschlossen.")
        return lines
    lines = [
        f"Periods: {unit.describe('en')}; cohort = period of the first purchase.",
        f"Values: {value_text}; a customer counts when {kind_text}.",
        f"Observed until {end}; blank cells are not yet fully observed (not 0).",
    ]
    if not include_incomplete:
        lines.append("The current, incomplete period is excluded.")
    return lines


def _cell(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def day_numbers(order_dates: Any) -> np.ndarray:
    """Order dates (datetime64, Python dates, ISO text or Excel serials) as int64 day numbers
    since 1970-01-01; a missing date raises ``InputError`` naming its position."""
    arr = np.asarray(order_dates)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    if arr.dtype.kind == "U":
        try:
            arr = arr.astype("datetime64[D]")
        except ValueError:
            raise InputError(
                "order_dates: text dates must be ISO (YYYY-MM-DD); read other formats with "
                "retention_xl.data.read_orders."
            ) from None
    if arr.dtype.kind == "M":
        days = arr.astype("datetime64[D]")
        if np.any(np.isnat(days)):
            position = int(np.flatnonzero(np.isnat(days))[0])
            raise InputError(f"order_dates: element {position} is missing (NaT).")
        return days.astype(np.int64)
    serials = to_serial_days(arr, name="order_dates")
    if np.any(np.isnan(serials)):
        position = int(np.flatnonzero(np.isnan(serials))[0])
        raise InputError(f"order_dates: element {position} is missing; every order needs a date.")
    # serials from 61 on are days since 1899-12-30; earlier ones count Excel's 1900-02-29
    serials = np.where(serials < 61, serials + 1, serials)
    return (serials - _EPOCH_SERIAL).astype(np.int64)


def _as_of_day(as_of: Any, last_day: int) -> int:
    if as_of is None:
        return last_day
    if isinstance(as_of, str):
        try:
            return int(np.datetime64(as_of.strip()[:10], "D").astype(np.int64))
        except ValueError:
            raise InputError(f"as_of must be a date such as 2024-06-30; got {as_of!r}.") from None
    return int(
        day_numbers(np.array([as_of], dtype=object if isinstance(as_of, dt.date) else None))[0]
    )


def _amounts(amounts: Any, size: int) -> np.ndarray | None:
    if amounts is None:
        return None
    try:
        arr = np.asarray(amounts, dtype="float64").reshape(-1)
    except (TypeError, ValueError):
        raise InputError("amounts must be numbers (negative for refunds).") from None
    if arr.size != size:
        raise InputError(f"amounts has {arr.size} values but there are {size} orders.")
    bad = ~np.isfinite(arr)
    if np.any(bad):
        position = int(np.flatnonzero(bad)[0])
        raise InputError(f"amounts: element {position} is {arr[position]!r}; give a number.")
    return arr


def cohort_table(
    customer_ids: Any,
    order_dates: Any,
    amounts: Any = None,
    *,
    period: str | Period = "M",
    kind: str = "on",
    value: str = "retention",
    as_of: Any = None,
    include_incomplete: bool = False,
) -> CohortTable:
    """Build a cohort triangle from one row per order.

    Parameters
    ----------
    customer_ids : array_like
        One id per order, text or whole numbers (``"007"`` and ``7`` differ).
    order_dates : array_like
        One date per order: ``datetime64``, Python dates/datetimes, ISO text, or Excel serial
        numbers. Times of day are ignored.
    amounts : array_like, optional
        Order amounts; negative amounts are refunds. Needed for the revenue values.
    period : str, optional
        ``"D"``, ``"W"``, ``"M"`` (default), ``"Q"``, ``"Y"`` or rolling ``"30D"``.
    kind : {"on", "on_or_after", "rolling"}, optional
        When a customer counts as retained in period *k* (see the module docstring).
    value : {"retention", "customers", "revenue", "revenue_per_customer"}, optional
    as_of : date, datetime, datetime64 or ISO text, optional
        End of observation, default the last order date.
    include_incomplete : bool, optional
        Keep periods that have started but not ended by ``as_of``.

    Returns
    -------
    CohortTable

    Notes
    -----
    Formula, kind ``on``: retention(c, k) = |{customers of cohort c active in period c + k}|
    / |cohort c|. Source: kpi-spec §2.

    Examples
    --------
    >>> t = cohort_table(["a", "b", "a", "c", "b"],
    ...                  ["2024-01-05", "2024-01-20", "2024-02-02", "2024-02-10", "2024-03-30"],
    ...                  as_of="2024-03-31")
    >>> t.labels, t.sizes.tolist()
    (['2024-01', '2024-02', '2024-03'], [2, 1, 0])
    >>> t.values.round(2)
    array([[1. , 0.5, 0.5],
           [1. , 0. , nan],
           [nan, nan, nan]])
    """
    if kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}.")
    if value not in VALUES:
        raise InputError(f"value must be one of {', '.join(VALUES)}; got {value!r}.")
    unit = parse_period(period)
    ids = ids_array(customer_ids)
    days = day_numbers(order_dates)
    if ids.size != days.size:
        raise InputError(
            f"customer_ids has {ids.size} values but order_dates has {days.size}; give one of "
            "each per order."
        )
    money = _amounts(amounts, days.size)
    if money is None and value in ("revenue", "revenue_per_customer"):
        raise InputError(f"value={value!r} needs amounts (one per order).")
    if days.size == 0:
        raise InputError("no orders: customer_ids and order_dates are empty.")
    end = _as_of_day(as_of, int(days.max()))
    return _build(ids, days, money, unit, kind, value, end, include_incomplete)


def _build(
    ids: np.ndarray,
    days: np.ndarray,
    money: np.ndarray | None,
    unit: Period,
    kind: str,
    value: str,
    end: int,
    include_incomplete: bool,
) -> CohortTable:
    codes, uniques = factorize(ids)
    n_customers = uniques.size
    seen = days <= end
    purchase = seen if money is None else seen & (money >= 0)
    no_first = np.iinfo(np.int64).max
    first = np.full(n_customers, no_first, dtype=np.int64)
    np.minimum.at(first, codes[purchase], days[purchase])
    has_first = first != no_first

    # cohort of every customer with a purchase, and the period offset of every order
    cust_first = np.where(has_first, first, 0)
    if unit.rolling:
        origin = int(cust_first[has_first].min()) if has_first.any() else 0
        cohort_of = (cust_first - origin) // unit.days
        offset = (days - cust_first[codes]) // unit.days
        n_windows = max((end - origin) // unit.days + 1, 0) if has_first.any() else 0
        window_end = origin + (np.arange(n_windows) + 1) * unit.days - 1
        # the last offset observed for every possible member of each cohort window
        span = (
            (end - window_end + 1) // unit.days - 1
            if not include_incomplete
            else ((end - window_end) // unit.days)
        )
        cohort_start = origin + np.arange(window_end.size) * unit.days
    else:
        cohort_of = unit.index(cust_first)
        offset = unit.index(days) - cohort_of[codes]
        last_full = int(unit.index(np.array([end]))[0])
        if not include_incomplete and unit.start(np.array([last_full + 1]))[0] - 1 != end:
            last_full -= 1
        low = int(cohort_of[has_first].min()) if has_first.any() else last_full + 1
        cohort_of = cohort_of - low
        cohort_start = unit.start(np.arange(max(last_full - low + 1, 0)) + low)
        span = last_full - low - np.arange(cohort_start.size)

    n_cohorts = int(np.sum(span >= 0))
    span = span[:n_cohorts]
    width = int(span.max()) + 1 if n_cohorts else 0
    in_table = has_first & (cohort_of < n_cohorts)
    placed = seen & has_first[codes] & (days >= cust_first[codes])
    rows_in = placed & in_table[codes]
    # an order is in view when its period is observed for its cohort
    last_seen = np.full(n_customers, -1, dtype=np.int64)
    last_seen[in_table] = span[cohort_of[in_table]]
    in_view = rows_in & (offset <= last_seen[codes])
    sizes = np.bincount(cohort_of[in_table], minlength=n_cohorts)[:n_cohorts]
    observed = np.zeros((n_cohorts, width), dtype=bool)
    if n_cohorts:  # a cohort nobody started in has no values, not zeros
        observed = (np.arange(width)[None, :] <= span[:, None]) & (sizes[:, None] > 0)

    active = in_view & purchase
    customers = _customer_counts(
        codes[active], offset[active], cohort_of, kind, n_cohorts, width, observed
    )
    if value in ("customers", "retention"):
        table = customers.astype("float64")
        if value == "retention":
            table = table / np.maximum(sizes, 1)[:, None]
    else:
        assert money is not None
        keep = in_view
        flat = cohort_of[codes[keep]] * width + offset[keep]
        revenue = np.bincount(flat, weights=money[keep], minlength=n_cohorts * width)
        table = revenue.reshape(n_cohorts, width)
        if value == "revenue_per_customer":
            table = np.cumsum(table, axis=1) / np.maximum(sizes, 1)[:, None]
    table = np.where(observed, table, np.nan)

    refunds = seen & ~purchase & ~placed
    weights = np.where(observed, sizes[:, None], 0)
    with np.errstate(invalid="ignore"):
        weighted = np.where(
            weights.sum(axis=0) > 0,
            np.nansum(table * weights, axis=0) / np.maximum(weights.sum(0), 1),
            np.nan,
        )
        counts = observed.sum(axis=0)
        unweighted = np.where(counts > 0, np.nansum(table, axis=0) / np.maximum(counts, 1), np.nan)
    starts = cohort_start[:n_cohorts].astype("datetime64[D]")
    return CohortTable(
        values=table,
        sizes=sizes,
        labels=[unit.label(int(s)) for s in cohort_start[:n_cohorts]],
        starts=starts,
        weighted_average=weighted,
        unweighted_average=unweighted,
        period=unit,
        kind=kind,
        value=value,
        as_of=dt.date(1970, 1, 1) + dt.timedelta(days=end),
        include_incomplete=include_incomplete,
        orders_used=int(np.sum(in_view)),
        orders_after_as_of=int(np.sum(~seen)),
        orders_unobserved=int(np.sum(placed & ~in_view)),
        unplaced_refunds=int(np.sum(refunds)),
        unplaced_refund_amount=float(money[refunds].sum()) if money is not None else 0.0,
        customers=int(np.sum(in_table)),
    )


def _customer_counts(
    codes: np.ndarray,
    offsets: np.ndarray,
    cohort_of: np.ndarray,
    kind: str,
    n_cohorts: int,
    width: int,
    observed: np.ndarray,
) -> np.ndarray:
    """Distinct customers per (cohort, offset) under ``kind``, from active order rows."""
    if n_cohorts == 0 or width == 0 or codes.size == 0:
        return np.zeros((n_cohorts, width), dtype=np.int64)
    keys = np.sort(codes * width + offsets)
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]]  # distinct (customer, offset), sorted
    customer, offset = keys // width, keys % width
    cohort = cohort_of[customer]
    if kind == "on":
        flat = np.bincount(cohort * width + offset, minlength=n_cohorts * width)
        return flat.reshape(n_cohorts, width)
    # keys are sorted by customer, then offset: position of each key within its customer
    starts = np.flatnonzero(np.r_[True, customer[1:] != customer[:-1]])
    rank = np.arange(keys.size) - np.repeat(starts, np.diff(np.r_[starts, keys.size]))
    if kind == "on_or_after":
        reach = np.zeros(cohort_of.size, dtype=np.int64)
        np.maximum.at(reach, customer, offset)
        reach_customers = np.unique(customer)
    else:  # rolling: offsets 0, 1, …, L−1 without a gap; distinct sorted offsets o_i ≥ i
        run = np.bincount(customer[offset == rank], minlength=cohort_of.size)
        reach = run - 1
        reach_customers = np.unique(customer)
    histogram = np.zeros((n_cohorts, width + 1), dtype=np.int64)
    np.add.at(histogram, (cohort_of[reach_customers], reach[reach_customers]), 1)
    # customers counted at k are those whose reach is ≥ k: a reverse cumulative sum
    return np.cumsum(histogram[:, ::-1], axis=1)[:, ::-1][:, :width]
