"""Cohort tables: orders in, a correct retention triangle out (kpi-spec §2).

One idea: :func:`cohort_table` groups customers by the period of their first purchase and
counts, for every later period, the distinct customers (never orders) who were active — or
sums their revenue — leaving cells that the observation end ``as_of`` has not fully seen
blank (NaN), never 0. Pure numpy; imports :mod:`retention_xl.dates`, :mod:`.ids`,
:mod:`.periods`, :mod:`.texts` (its words) and :mod:`.errors`.

It is also the numpy engine of :mod:`retention_xl.engines` and holds what every engine
shares: the :class:`CohortFrame` (where cohorts and observed cells lie), the small
:class:`CohortCounts` an engine aggregates to, and :func:`finish_table`, which turns those
counts into the :class:`CohortTable`. The numbered rules that each engine translates are
stated once, in :mod:`retention_xl.engines.conventions`; in short (all arguments, with
defaults):

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
from typing import Any, ClassVar

import numpy as np

from .dates import to_serial_days
from .errors import InputError
from .ids import factorize, ids_array
from .periods import Period, parse_period
from .settings import Settings
from .texts import text

__all__ = [
    "KINDS",
    "VALUES",
    "CohortCounts",
    "CohortFrame",
    "CohortSpec",
    "CohortTable",
    "aggregate_orders",
    "as_of_day",
    "cohort_frame",
    "cohort_table",
    "customers_from_reach",
    "day_numbers",
    "describe_conventions",
    "empty_counts",
    "finish_table",
    "first_purchase",
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
        head: list[Any] = [text("cohorts.cohort", lang), text("cohorts.customers", lang)]
        out = [head + [int(k) for k in self.offsets]]
        for label, size, row in zip(self.labels, self.sizes, self.values, strict=True):
            out.append([label, int(size), *(_cell(v) for v in row)])
        mean = self.weighted_average if average == "weighted" else self.unweighted_average
        name = text(f"cohorts.average.{average}", lang)
        out.append([name, int(self.sizes.sum()), *(_cell(v) for v in mean)])
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
    kind_text = text(f"cohorts.kind.{kind}", lang)
    value_text = text(f"cohorts.value.{value}", lang)
    end = as_of.isoformat() if as_of else text("cohorts.last_order", lang)
    lines = [
        text("cohorts.periods", lang, unit=unit.describe(lang)),
        text("cohorts.values", lang, value=value_text, kind=kind_text),
        text("cohorts.observed", lang, end=end),
    ]
    if not include_incomplete:
        lines.append(text("cohorts.incomplete", lang))
    return lines


def _cell(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def day_numbers(order_dates: Any, name: str = "order_dates") -> np.ndarray:
    """Dates (datetime64, Python dates, ISO text or Excel serials) as int64 day numbers since
    1970-01-01; a missing date raises ``InputError`` naming ``name`` and its position.

    Examples
    --------
    >>> day_numbers(["2024-01-31", "2024-02-01"]).tolist()
    [19753, 19754]
    >>> day_numbers(["20240131", "202402"]).tolist()  # compact YYYYMMDD and YYYYMM
    [19753, 19754]
    >>> day_numbers(["0024-06-27"])
    Traceback (most recent call last):
    ...
    retention_xl.errors.InputError: order_dates: element 0 is 0024-06-27, outside 1900-01-01 \
… 9999-12-31; check the dates (a year like 0024 is a two-digit year read as four: %y, not %Y).
    """
    arr = np.asarray(order_dates)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    if arr.dtype.kind == "U" or (
        arr.dtype == object and arr.size and all(isinstance(v, str) for v in arr.tolist())
    ):
        try:
            arr = _compact_dates(arr.astype(str)).astype("datetime64[D]")
        except ValueError:
            raise InputError(
                f"{name}: text dates must be ISO (YYYY-MM-DD); read other formats with "
                "retention_xl.io.read_orders."
            ) from None
    if arr.dtype.kind == "M":
        days = arr.astype("datetime64[D]")
        if np.any(np.isnat(days)):
            position = int(np.flatnonzero(np.isnat(days))[0])
            raise InputError(f"{name}: element {position} is missing (NaT).")
        numbers = days.astype(np.int64)
        wrong = (numbers < _FIRST_DAY) | (numbers > _LAST_DAY)
        if np.any(wrong):
            position = int(np.flatnonzero(wrong)[0])
            raise InputError(
                f"{name}: element {position} is {days[position]}, outside 1900-01-01 … "
                "9999-12-31; check the dates (a year like 0024 is a two-digit year read as "
                "four: %y, not %Y)."
            )
        return numbers
    serials = to_serial_days(arr, name=name)
    if np.any(np.isnan(serials)):
        position = int(np.flatnonzero(np.isnan(serials))[0])
        raise InputError(f"{name}: element {position} is missing; every order needs a date.")
    # serials from 61 on are days since 1899-12-30; earlier ones count Excel's 1900-02-29
    serials = np.where(serials < 61, serials + 1, serials)
    return (serials - _EPOCH_SERIAL).astype(np.int64)


#: The days a date may be (1900-01-01 and 9999-12-31 as day numbers): Excel's dates.
_FIRST_DAY, _LAST_DAY = -25567, 2932896


def _compact_dates(text: np.ndarray) -> np.ndarray:
    """ISO text of compact dates: ``YYYYMMDD`` and ``YYYYMM`` (trimmed, all digits) become
    ``YYYY-MM-DD`` and ``YYYY-MM``; anything else is left as it is."""
    trimmed = np.char.strip(text)
    lengths = np.char.str_len(trimmed)
    compact = np.char.isdigit(trimmed) & ((lengths == 8) | (lengths == 6))
    if not np.any(compact):
        return text
    out = text.astype(object)
    for value in np.unique(trimmed[compact]).tolist():
        iso = f"{value[:4]}-{value[4:6]}" + (f"-{value[6:]}" if len(value) == 8 else "")
        out[compact & (trimmed == value)] = iso
    return out.astype(str)


def as_of_day(as_of: Any, last_day: int) -> int:
    """The observation end as a day number: ``as_of`` (a date, datetime64, ISO text or Excel
    serial), or ``last_day`` when it is None."""
    if as_of is None:
        return last_day
    if isinstance(as_of, str):
        try:
            return int(day_numbers(np.array([as_of.strip()[:10]]), "as_of")[0])
        except InputError as error:
            if "outside" in str(error):
                raise
            raise InputError(f"as_of must be a date such as 2024-06-30; got {as_of!r}.") from None
    value = np.array([as_of], dtype=object if isinstance(as_of, dt.date) else None)
    return int(day_numbers(value, "as_of")[0])


def amounts_array(amounts: Any, size: int) -> np.ndarray | None:
    """Amounts (one per order, negative for refunds) as float64, or None when not given;
    ``InputError`` for a wrong count or a value that is not a finite number."""
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
    spec = CohortSpec.of(
        period=period, kind=kind, value=value, as_of=as_of, include_incomplete=include_incomplete
    )
    return spec.table(customer_ids, order_dates, amounts)


def first_purchase(days: np.ndarray, money: np.ndarray | None, end: int) -> int | None:
    """The earliest purchase day on or before ``end`` (refunds excluded), None if there is none.

    Examples
    --------
    >>> first_purchase(np.array([5, 3, 9]), np.array([10.0, -2.0, 4.0]), end=8)
    5
    """
    purchase = days <= end if money is None else (days <= end) & (money >= 0)
    return int(days[purchase].min()) if purchase.any() else None


@dataclass(frozen=True)
class CohortFrame:
    """Where a triangle lies in time: what every engine needs to place an order.

    Built by :func:`cohort_frame` from the observation end and the earliest purchase. Cohort
    ``i`` and offset ``k`` are counted from the first cohort; cell ``(i, k)`` is observed when
    ``i + k <= diagonal``, so the table has ``diagonal + 1`` rows and as many columns.
    """

    period: Period
    end: int  # day number of as_of
    first: int | None  # earliest purchase on or before end; None: nobody bought
    include_incomplete: bool

    @property
    def origin(self) -> int:
        """Calendar: period index of the first cohort. Rolling: the earliest purchase day."""
        if self.first is None:
            return 0
        if self.period.rolling:
            return self.first
        return int(self.period.index(np.array([self.first]))[0])

    @property
    def diagonal(self) -> int:
        """The last observed diagonal D: cell (i, k) is observed iff i + k <= D."""
        if self.first is None:
            return -1
        if self.period.rolling:
            n = self.period.days
            # window i ends on first + (i+1)n − 1; offset k is complete when that end plus
            # (k+1)n − 1 days (started: k·n days, with include_incomplete) has passed
            slack = 1 - n if self.include_incomplete else 2 - 2 * n
            return (self.end - self.first + slack) // n
        last = int(self.period.index(np.array([self.end]))[0])
        following = int(self.period.start(np.array([last + 1]))[0])
        if not self.include_incomplete and following - 1 != self.end:
            last -= 1  # the period holding end is not complete
        return last - self.origin

    @property
    def n_cohorts(self) -> int:
        """Rows (and columns) of the triangle."""
        return max(self.diagonal + 1, 0)

    def cohort(self, first_days: np.ndarray) -> np.ndarray:
        """Cohort index i (0 = the first cohort) of customers whose first purchase is given."""
        if self.period.rolling:
            return np.asarray((first_days - self.origin) // self.period.days)
        return np.asarray(self.period.index(first_days) - self.origin)

    def offset(self, days: np.ndarray, first_days: np.ndarray) -> np.ndarray:
        """Period offset k of orders on ``days`` of customers with ``first_days``."""
        if self.period.rolling:
            return np.asarray((days - first_days) // self.period.days)
        return np.asarray(self.period.index(days) - self.period.index(first_days))

    def starts(self) -> np.ndarray:
        """First day (day number) of every cohort."""
        rows = np.arange(self.n_cohorts)
        if self.period.rolling:
            return self.origin + rows * self.period.days
        return np.asarray(self.period.start(rows + self.origin))


def cohort_frame(
    period: str | Period, end: int, first: int | None, include_incomplete: bool
) -> CohortFrame:
    """The frame of a triangle observed until day ``end`` whose earliest purchase is ``first``.

    Examples
    --------
    >>> frame = cohort_frame("M", end=19812, first=19727, include_incomplete=False)
    >>> frame.diagonal, frame.n_cohorts  # 2024-01-05 … 2024-03-30: March is not complete
    (1, 2)
    """
    return CohortFrame(parse_period(period), int(end), first, include_incomplete)


@dataclass
class CohortCounts:
    """What an engine aggregates: small arrays per cohort ``i`` and offset ``k``, and counts.

    ``customers[i, k]``: distinct customers of cohort i counted at offset k under the kind
    (None when only revenue was asked for); ``revenue[i, k]``: sum of the used orders' amounts
    (None without amounts or when not asked for). Counts of disjoint sets of customers add up.
    """

    sizes: np.ndarray
    customers: np.ndarray | None
    revenue: np.ndarray | None
    orders_used: int = 0
    orders_after_as_of: int = 0
    orders_unobserved: int = 0
    unplaced_refunds: int = 0
    unplaced_refund_amount: float = 0.0

    def __add__(self, other: CohortCounts) -> CohortCounts:
        def plus(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
            return None if a is None or b is None else a + b

        return CohortCounts(
            self.sizes + other.sizes,
            plus(self.customers, other.customers),
            plus(self.revenue, other.revenue),
            self.orders_used + other.orders_used,
            self.orders_after_as_of + other.orders_after_as_of,
            self.orders_unobserved + other.orders_unobserved,
            self.unplaced_refunds + other.unplaced_refunds,
            self.unplaced_refund_amount + other.unplaced_refund_amount,
        )


def empty_counts(frame: CohortFrame, *, customers: bool, revenue: bool) -> CohortCounts:
    """Counts of no orders at all in ``frame`` (the start of a sum over parts).

    Examples
    --------
    >>> frame = cohort_frame("M", end=19782, first=19727, include_incomplete=False)
    >>> empty_counts(frame, customers=True, revenue=False).customers.shape
    (2, 2)
    """
    n = frame.n_cohorts
    return CohortCounts(
        np.zeros(n, dtype=np.int64),
        np.zeros((n, n), dtype=np.int64) if customers else None,
        np.zeros((n, n), dtype="float64") if revenue else None,
    )


def customers_from_reach(reach: np.ndarray) -> np.ndarray:
    """Customers counted at k from ``reach[i, r]`` = customers whose last counted offset is r
    (kinds ``on_or_after`` and ``rolling``): count(i, k) = Σ_{r ≥ k} reach[i, r].

    Examples
    --------
    >>> customers_from_reach(np.array([[1, 0, 2]]))  # one customer reaches 0, two reach 2
    array([[3, 2, 2]])
    """
    return np.cumsum(reach[:, ::-1], axis=1)[:, ::-1]


def aggregate_orders(
    codes: np.ndarray,
    n_customers: int,
    days: np.ndarray,
    money: np.ndarray | None,
    frame: CohortFrame,
    *,
    kind: str,
    value: str,
) -> CohortCounts:
    """Aggregate orders (customer codes 0 … n−1, day numbers, amounts) within ``frame``.

    Every customer's orders must be among these: first purchases are found here, while the
    frame (end and earliest purchase) may come from a larger log that was split by customer
    (the counts of such parts add up).

    Examples
    --------
    >>> days = np.array([19727, 19755, 19741])  # 2024-01-05 and 2024-02-02 (a), 2024-01-19 (b)
    >>> frame = cohort_frame("M", end=19782, first=19727, include_incomplete=False)
    >>> counts = aggregate_orders(np.array([0, 0, 1]), 2, days, None, frame,
    ...                           kind="on", value="customers")
    >>> counts.sizes.tolist(), counts.customers.tolist()
    ([2, 0], [[2, 1], [0, 0]])
    """
    end, n = frame.end, frame.n_cohorts
    seen = days <= end
    purchase = seen if money is None else seen & (money >= 0)
    no_first = np.iinfo(np.int64).max
    first = np.full(n_customers, no_first, dtype=np.int64)
    np.minimum.at(first, codes[purchase], days[purchase])
    has_first = first != no_first
    cust_first = np.where(has_first, first, frame.first if frame.first is not None else 0)
    cohort_of = frame.cohort(cust_first)
    offset = frame.offset(days, cust_first[codes])
    in_table = has_first & (cohort_of <= frame.diagonal)
    placed = seen & has_first[codes] & (days >= cust_first[codes])
    in_view = placed & in_table[codes] & (cohort_of[codes] + offset <= frame.diagonal)
    sizes = np.bincount(cohort_of[in_table], minlength=n)[:n]
    customers = None
    if value in ("customers", "retention"):
        active = in_view & purchase
        customers = _customer_counts(codes[active], offset[active], cohort_of, kind, n)
    revenue = None
    if money is not None and value in ("revenue", "revenue_per_customer"):
        flat = cohort_of[codes[in_view]] * n + offset[in_view]
        revenue = np.bincount(flat, weights=money[in_view], minlength=n * n).reshape(n, n)
    refunds = seen & ~purchase & ~placed
    return CohortCounts(
        sizes=sizes,
        customers=customers,
        revenue=revenue,
        orders_used=int(np.sum(in_view)),
        orders_after_as_of=int(np.sum(~seen)),
        orders_unobserved=int(np.sum(placed & ~in_view)),
        unplaced_refunds=int(np.sum(refunds)),
        unplaced_refund_amount=float(money[refunds].sum()) if money is not None else 0.0,
    )


def finish_table(counts: CohortCounts, frame: CohortFrame, kind: str, value: str) -> CohortTable:
    """The shared last step of every engine: values, blanks, averages and labels.

    A cell is blank (NaN) when its period is not observed (``i + k > diagonal``) or its
    cohort is empty; ``retention`` = customers(i, k) / size(i); ``revenue_per_customer`` =
    Σ_{j ≤ k} revenue(i, j) / size(i); the averages use observed cells only (weighted by
    size, and unweighted).

    Examples
    --------
    >>> frame = cohort_frame("M", end=19782, first=19727, include_incomplete=False)
    >>> counts = CohortCounts(np.array([2, 0]), np.array([[2, 1], [0, 0]]), None)
    >>> table = finish_table(counts, frame, "on", "retention")
    >>> table.labels, table.values.tolist()
    (['2024-01', '2024-02'], [[1.0, 0.5], [nan, nan]])
    """
    n = frame.n_cohorts
    sizes = counts.sizes
    observed = (np.arange(n)[None, :] <= frame.diagonal - np.arange(n)[:, None]) & (
        sizes[:, None] > 0
    )
    if value in ("customers", "retention"):
        if counts.customers is None:
            raise InputError(f"value={value!r}: the engine returned no customer counts.")
        table = counts.customers.astype("float64")
        if value == "retention":
            table = table / np.maximum(sizes, 1)[:, None]
    else:
        if counts.revenue is None:
            raise InputError(f"value={value!r} needs amounts (one per order).")
        table = counts.revenue.astype("float64")
        if value == "revenue_per_customer":
            table = np.cumsum(table, axis=1) / np.maximum(sizes, 1)[:, None]
    table = np.where(observed, table, np.nan)
    weights = np.where(observed, sizes[:, None], 0)
    with np.errstate(invalid="ignore"):
        weighted = np.where(
            weights.sum(axis=0) > 0,
            np.nansum(table * weights, axis=0) / np.maximum(weights.sum(0), 1),
            np.nan,
        )
        cells = observed.sum(axis=0)
        unweighted = np.where(cells > 0, np.nansum(table, axis=0) / np.maximum(cells, 1), np.nan)
    starts = frame.starts()
    return CohortTable(
        values=table,
        sizes=sizes,
        labels=[frame.period.label(int(s)) for s in starts],
        starts=starts.astype("datetime64[D]"),
        weighted_average=weighted,
        unweighted_average=unweighted,
        period=frame.period,
        kind=kind,
        value=value,
        as_of=dt.date(1970, 1, 1) + dt.timedelta(days=frame.end),
        include_incomplete=frame.include_incomplete,
        orders_used=counts.orders_used,
        orders_after_as_of=counts.orders_after_as_of,
        orders_unobserved=counts.orders_unobserved,
        unplaced_refunds=counts.unplaced_refunds,
        unplaced_refund_amount=counts.unplaced_refund_amount,
        customers=int(sizes.sum()),
    )


def _customer_counts(
    codes: np.ndarray, offsets: np.ndarray, cohort_of: np.ndarray, kind: str, n: int
) -> np.ndarray:
    """Distinct customers per (cohort, offset) under ``kind``, from used purchase rows."""
    if n == 0 or codes.size == 0:
        return np.zeros((n, n), dtype=np.int64)
    keys = np.sort(codes * n + offsets)
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]]  # distinct (customer, offset), sorted
    customer, offset = keys // n, keys % n
    cohort = cohort_of[customer]
    if kind == "on":
        return np.bincount(cohort * n + offset, minlength=n * n).reshape(n, n)
    reach = np.zeros(cohort_of.size, dtype=np.int64)
    if kind == "on_or_after":
        np.maximum.at(reach, customer, offset)
    else:  # rolling: offsets 0, 1, …, L−1 without a gap; distinct sorted offsets o_i ≥ i
        starts = np.flatnonzero(np.r_[True, customer[1:] != customer[:-1]])
        rank = np.arange(keys.size) - np.repeat(starts, np.diff(np.r_[starts, keys.size]))
        reach = np.bincount(customer[offset == rank], minlength=cohort_of.size) - 1
    counted = np.unique(customer)
    histogram = np.zeros((n, n), dtype=np.int64)
    np.add.at(histogram, (cohort_of[counted], reach[counted]), 1)
    return customers_from_reach(histogram)


@dataclass(frozen=True)
class CohortSpec(Settings):
    """A validated cohort request: what to compute, the same for every engine and workbook
    (kpi-spec §2; the rules in :mod:`retention_xl.engines.conventions`). Make it with
    :meth:`of`, which checks every field.

    Examples
    --------
    >>> c = CohortSpec.of(period="Monat", value="revenue", as_of="2024-06-30")
    >>> c.period.code, c.as_of, c.needs_amounts, c.counts_customers
    ('M', 19904, True, False)
    """

    what: ClassVar[str] = "cohort setting"

    period: Period = Period("M")  # noqa: RUF009 (a frozen value)
    kind: str = "on"
    value: str = "retention"
    as_of: int | None = None  # day number of the observation end; None: the last order
    include_incomplete: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.period, Period):
            raise InputError(
                f"period must be a Period (CohortSpec.of reads text such as 'M' or '30D'); "
                f"got {self.period!r}."
            )
        if self.kind not in KINDS:
            raise InputError(f"kind must be one of {', '.join(KINDS)}; got {self.kind!r}.")
        if self.value not in VALUES:
            raise InputError(f"value must be one of {', '.join(VALUES)}; got {self.value!r}.")

    @classmethod
    def of(
        cls,
        *,
        period: str | Period = "M",
        kind: str = "on",
        value: str = "retention",
        as_of: Any = None,
        include_incomplete: bool = False,
    ) -> CohortSpec:
        """Read the arguments as a user gives them (a period such as ``"Monat"`` or
        ``"30D"``, ``as_of`` as a date, ISO text or Excel serial) and check them
        (``InputError`` naming the bad one)."""
        end = None if as_of is None else as_of_day(as_of, 0)
        return cls(parse_period(period), kind, value, end, bool(include_incomplete))

    @property
    def needs_amounts(self) -> bool:
        """True for the revenue values (R8)."""
        return self.value in ("revenue", "revenue_per_customer")

    @property
    def counts_customers(self) -> bool:
        """True when customers are counted (values customers and retention)."""
        return not self.needs_amounts

    def end(self, last_day: int) -> int:
        """R2: the observation end given the last order day."""
        return self.as_of if self.as_of is not None else int(last_day)

    def frame(self, last_day: int, first: int | None) -> CohortFrame:
        """R5/R6: the frame from the last order day and the earliest purchase on or before
        the end (``first``; None when nobody bought)."""
        return cohort_frame(self.period, self.end(last_day), first, self.include_incomplete)

    def finish(self, counts: CohortCounts, frame: CohortFrame) -> CohortTable:
        """R6 blanks, R8 values, R9 averages and the labels: the shared last step."""
        return finish_table(counts, frame, self.kind, self.value)

    def table(self, customer_ids: Any, order_dates: Any, amounts: Any = None) -> CohortTable:
        """The cohort table of one row per order under this request (see
        :func:`cohort_table` for the inputs).

        Examples
        --------
        >>> spec = CohortSpec.of(value="customers", as_of="2024-02-29")
        >>> spec.table(["a", "b", "a"], ["2024-01-05", "2024-01-20", "2024-02-02"]).values
        array([[ 2.,  1.],
               [nan, nan]])
        """
        ids = ids_array(customer_ids)
        days = day_numbers(order_dates)
        if ids.size != days.size:
            raise InputError(
                f"customer_ids has {ids.size} values but order_dates has {days.size}; give "
                "one of each per order."
            )
        money = amounts_array(amounts, days.size)
        if money is None and self.needs_amounts:
            raise InputError(f"value={self.value!r} needs amounts (one per order).")
        if days.size == 0:
            raise InputError("no orders: customer_ids and order_dates are empty.")
        end = self.end(int(days.max()))
        frame = cohort_frame(
            self.period, end, first_purchase(days, money, end), self.include_incomplete
        )
        codes, uniques = factorize(ids)
        counts = aggregate_orders(
            codes, uniques.size, days, money, frame, kind=self.kind, value=self.value
        )
        return finish_table(counts, frame, self.kind, self.value)

    def arguments(self) -> dict[str, Any]:
        """The request as keyword arguments of :func:`retention_xl.cohorts.cohort_table`."""
        return {
            "period": self.period,
            "kind": self.kind,
            "value": self.value,
            "as_of": None if self.as_of is None else _iso(self.as_of),
            "include_incomplete": self.include_incomplete,
        }


def _iso(day: int) -> str:
    import datetime as dt

    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()
