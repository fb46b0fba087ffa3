"""The MRR ledger: every input becomes MRR in whole cents per customer and calendar month.

One idea: a long table (customer, period, MRR) or billing lines with a service period are
reduced to one cell per customer and month holding the sum of its MRR in integer cents, so
that every later identity holds exactly. Rows of one customer in one month add up; billing
lines are spread over the months of their service period (``spread``, see
:mod:`.conventions`). Pure numpy; imports :mod:`retention_xl.cohorts` (its date reading),
:mod:`retention_xl.ids`, :mod:`retention_xl.dates`, :mod:`retention_xl.errors`,
:mod:`retention_xl.texts` and :mod:`.conventions`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..cohorts import day_numbers
from ..dates import to_serial_days
from ..errors import InputError
from ..ids import factorize, ids_array
from ..texts import text
from .conventions import SPREADS

__all__ = [
    "Ledger",
    "ledger",
    "ledger_from_orders",
    "ledger_of_cells",
    "month_label",
    "spread_ledger",
    "to_cents",
]

MAX_AMOUNT = 9e10  # currency; in cents (< 2**53 / 1000) every sum and share stays exact
DAYS_PER_MONTH = 365.2425 / 12  # 30.436875: the mean Gregorian month


@dataclass(frozen=True)
class Ledger:
    """MRR per customer and month, in cents: the input of every subscription table.

    ``codes``, ``months`` and ``cents`` hold one cell per (customer, month) that had a row,
    sorted by customer code, then month. ``customers[code]`` is the customer's id; months
    count from 1970-01 (``0`` is January 1970); a cell may hold 0 (a zero-MRR row).
    """

    customers: np.ndarray
    codes: np.ndarray
    months: np.ndarray
    cents: np.ndarray
    rows: int
    source: str = ""
    spread: str = ""  # "" for MRR rows; "months" or "days" for spread billing lines

    @property
    def first_month(self) -> int:
        """The first month with a row (months since 1970-01)."""
        return int(self.months.min())

    @property
    def last_month(self) -> int:
        """The last month with a row (months since 1970-01)."""
        return int(self.months.max())

    def mrr_by_month(self) -> tuple[np.ndarray, np.ndarray]:
        """``(months, cents)``: every month from the first to the last, and its total MRR.

        Examples
        --------
        >>> book = ledger(["a", "b", "a"], ["2024-01", "2024-01-20", "2024-03-02"], [10, 5, 12])
        >>> [month_label(m) for m in book.mrr_by_month()[0]], book.mrr_by_month()[1].tolist()
        (['2024-01', '2024-02', '2024-03'], [1500, 0, 1200])
        """
        months = np.arange(self.first_month, self.last_month + 1)
        totals = np.zeros(months.size, dtype=np.int64)
        np.add.at(totals, self.months - self.first_month, self.cents)
        return months, totals

    def table(self, lang: str = "en") -> list[list[Any]]:
        """The cells as a labelled table: customer, month (``2024-01``), MRR in currency."""
        head: list[Any] = [text("ledger.customer", lang), text("ledger.month", lang), "MRR"]
        ids = self.customers[self.codes].tolist()
        labels = _month_labels(self.months)
        money = (self.cents / 100).tolist()
        return [head, *([c, m, v] for c, m, v in zip(ids, labels, money, strict=True))]


def month_label(month: int) -> str:
    """``2024-01`` for a month number (months since 1970-01).

    Examples
    --------
    >>> month_label(648)
    '2024-01'
    """
    return f"{1970 + month // 12:04d}-{month % 12 + 1:02d}"


def _month_labels(months: np.ndarray) -> list[str]:
    distinct, inverse = np.unique(months, return_inverse=True)
    names = [month_label(int(m)) for m in distinct]
    return [names[i] for i in inverse.tolist()]


def month_start(month: int) -> dt.date:
    """The first day of a month number."""
    return dt.date(1970 + month // 12, month % 12 + 1, 1)


def to_cents(values: Any, name: str = "mrr") -> np.ndarray:
    """Money as int64 cents (rounded half to even at the cent); refuses missing and huge values.

    Examples
    --------
    >>> to_cents([19.99, 0.1 + 0.2, -5]).tolist()
    [1999, 30, -500]
    """
    try:
        arr = np.asarray(values, dtype="float64").reshape(-1)
    except (TypeError, ValueError):
        raise InputError(
            f"{name} must be numbers (amounts of money); got {values!r:.80}."
        ) from None
    bad = ~np.isfinite(arr) | (np.abs(arr) > MAX_AMOUNT)
    if np.any(bad):
        position = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{name}: element {position} is {arr[position]!r}; give an amount of money (a "
            "finite number up to 9e10) for every row."
        )
    cents: np.ndarray = np.rint(arr * 100).astype(np.int64)
    return cents


def _months(dates: Any, name: str) -> np.ndarray:
    """Month numbers of dates (any day of the month, ``YYYY-MM`` text, serials)."""
    try:
        days = day_numbers(dates)
    except InputError as error:
        raise InputError(f"{name}: {error}".replace("order_dates", "the date")) from None
    return _month_of_day(days)


def _month_of_day(days: np.ndarray) -> np.ndarray:
    """Month numbers of day numbers; through a table of the days spanned when it is short."""
    if days.size == 0:
        return days
    low, high = int(days.min()), int(days.max())
    if high - low < days.size:
        table = np.arange(low, high + 1).astype("datetime64[D]").astype("datetime64[M]")
        months: np.ndarray = table.astype(np.int64)[days - low]
        return months
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months


def _is_blank(value: Any) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    if isinstance(value, (float, np.floating)) and np.isnan(value):
        return True
    return isinstance(value, np.datetime64) and bool(np.isnat(value))


def _optional_days(values: Any, name: str, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers and a mask of missing entries (None, NaN, NaT, empty text)."""
    arr = np.asarray(values)
    arr = arr.reshape(-1)
    if arr.size != size:
        raise InputError(f"{name} has {arr.size} values but there are {size} billing lines.")
    if arr.dtype == object:
        missing = np.array([_is_blank(v) for v in arr.tolist()], dtype=bool)
        given = arr[~missing]
        if given.size and all(isinstance(v, str) for v in given.tolist()):
            given = given.astype(str)
    elif arr.dtype.kind == "U":
        missing = np.char.str_len(np.char.strip(arr)) == 0
        given = arr[~missing]
    elif arr.dtype.kind == "M":
        missing = np.isnat(arr)
        given = arr[~missing]
    else:
        missing = np.isnan(to_serial_days(arr, name=name))
        given = arr[~missing]
    days = np.zeros(size, dtype=np.int64)
    if given.size:
        try:
            days[~missing] = day_numbers(given)
        except InputError as error:
            raise InputError(f"{name}: {error}".replace("order_dates", "the date")) from None
    return days, missing


def _cells(
    codes: np.ndarray, months: np.ndarray, cents: np.ndarray, dense: bool | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One cell per (code, month) that has a row, sorted: the sum of the cents of its rows.

    Counted on a dense customer × month grid when it is not much larger than the rows (two
    ``bincount`` passes), else by sorting the (customer, month) keys; sums stay exact.
    ``dense`` forces one way (for tests); None chooses.
    """
    if codes.size == 0:
        return codes, months, cents
    low = int(months.min())
    span = int(months.max()) - low + 1
    keys = codes * span + (months - low)
    grid = (int(codes.max()) + 1) * span
    exact = float(np.abs(cents).sum(dtype=np.float64)) < 2.0**53
    if dense is None:
        dense = exact and grid <= 4 * codes.size + 1_000_000
    if dense and exact:
        total = np.bincount(keys, weights=cents, minlength=grid)
        # a cell is present when it has a row; without zero or negative rows, when its sum
        # is not 0 (one pass fewer)
        has_row = np.bincount(keys, minlength=grid) if (cents <= 0).any() else total
        present = np.flatnonzero(has_row)
        return present // span, present % span + low, total[present].astype(np.int64)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    unique = keys[first]
    return unique // span, unique % span + low, np.add.reduceat(cents[order], first)


def _build(
    ids: tuple[np.ndarray, np.ndarray],
    months: np.ndarray,
    cents: np.ndarray,
    rows: int,
    source: str,
    spread: str,
) -> Ledger:
    """The ledger of rows given as (customer codes, customer of each code)."""
    codes, customers = ids
    codes, months, sums = _cells(codes, months, cents)
    negative = sums < 0
    if np.any(negative):
        at = int(np.flatnonzero(negative)[0])
        raise InputError(
            f"mrr: customer {customers[codes[at]].item()!r} has {sums[at] / 100:.2f} in "
            f"{month_label(int(months[at]))} after adding up its rows; MRR cannot be negative. "
            "Net refunds and credit notes against that month's charges, or leave them out."
        )
    return Ledger(customers, codes, months, sums, rows, source, spread)


def _ids(
    customer_ids: Any, size: int, what: str, names: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """(codes, customer of each code) of the rows' customer ids, or of their codes into
    ``names`` (dictionary-encoded ids, as column readers return them)."""
    if size == 0:
        raise InputError(f"no {what}: customer_ids is empty.")
    if names is None:
        ids = ids_array(customer_ids)
        if ids.size != size:
            raise InputError(f"customer_ids has {ids.size} values but there are {size} {what}.")
        return factorize(ids)
    codes = np.asarray(customer_ids).reshape(-1)
    customers = ids_array(names, name="names")
    if codes.size != size:
        raise InputError(f"customer_ids has {codes.size} codes but there are {size} {what}.")
    if codes.dtype.kind not in "iu":
        raise InputError(
            f"with names, customer_ids must be integer codes into names; got {codes.dtype}."
        )
    if codes.min() < 0 or codes.max() >= customers.size:
        bad = int(np.flatnonzero((codes < 0) | (codes >= customers.size))[0])
        raise InputError(
            f"customer_ids: code {codes[bad]} at position {bad} is not an index into names "
            f"(0 … {customers.size - 1})."
        )
    return codes.astype(np.int64, copy=False), customers


def ledger(
    customer_ids: Any, periods: Any, mrr: Any, *, names: Any = None, source: str = ""
) -> Ledger:
    """MRR per customer and month from a long table (customer, period, MRR).

    Parameters
    ----------
    customer_ids : array_like
        One id per row, text or whole numbers.
    periods : array_like
        The month of each row: a date on any day of it (``datetime64``, Python dates, ISO
        text ``2024-01-15`` or ``2024-01``, Excel serial numbers).
    mrr : array_like
        MRR of the row in currency; rows of one customer in one month add up (their sum must
        not be negative). A row with 0 is a zero-MRR month (see ``zero_mrr``).
    names : array_like, optional
        Dictionary-encoded ids: ``customer_ids`` are then integer codes into ``names`` (as
        a column reader returns them), which saves grouping the ids again.
    source : str, optional
        Where the rows came from (a file name), for reports.

    Returns
    -------
    Ledger

    Examples
    --------
    >>> book = ledger(["a", "a", "b"], ["2024-01-05", "2024-01-31", "2024-02"], [10, 5.5, 20])
    >>> book.table()
    [['Customer', 'Month', 'MRR'], ['a', '2024-01', 15.5], ['b', '2024-02', 20.0]]
    """
    cents = to_cents(mrr, "mrr")
    months = _months(periods, "periods")
    if months.size != cents.size:
        raise InputError(
            f"periods has {months.size} values but mrr has {cents.size}; give one of each per row."
        )
    ids = _ids(customer_ids, cents.size, "rows", names)
    return _build(ids, months, cents, int(cents.size), source, "")


def ledger_of_cells(
    customers: Any,
    codes: Any,
    months: Any,
    cents: Any,
    *,
    rows: int,
    source: str = "",
    spread: str = "",
) -> Ledger:
    """A ledger of cells an engine has already added up: integer ``codes`` into
    ``customers``, month numbers (since 1970-01) and int64 cents, from ``rows`` input rows.
    Checked as :func:`ledger` checks its rows (no customer with negative MRR in a month).

    Examples
    --------
    >>> book = ledger_of_cells(["a", "b"], [1, 0], [648, 649], [500, 1250], rows=3)
    >>> book.table()
    [['Customer', 'Month', 'MRR'], ['a', '2024-02', 12.5], ['b', '2024-01', 5.0]]
    """
    names = ids_array(customers, name="customers")
    return _build(
        (np.asarray(codes, dtype=np.int64).reshape(-1), names),
        np.asarray(months, dtype=np.int64).reshape(-1),
        np.asarray(cents, dtype=np.int64).reshape(-1),
        int(rows),
        source,
        spread,
    )


def spread_ledger(
    customer_ids: Any,
    amounts: Any,
    service_starts: Any,
    service_ends: Any,
    *,
    periods: Any = None,
    spread: str = "months",
    source: str = "",
) -> Ledger:
    """MRR per customer and month from billing lines with a service period.

    Each line's amount is spread over the calendar months of its service period (first and
    last day included), so an annual invoice counts as 12 months of MRR instead of one month
    of revenue followed by 11 months that look like churn.

    Parameters
    ----------
    customer_ids : array_like
        One id per billing line.
    amounts : array_like
        The amount billed for the service period (negative: a credit note).
    service_starts, service_ends : array_like
        First and last day of service of each line (dates, ISO text or Excel serials).
    periods : array_like, optional
        A date per line (the invoice date) used for lines whose service period is missing
        (both start and end empty): their amount counts in that month, as a plain MRR row.
    spread : {"months", "days"}
        ``"months"`` (default): a line of *n* months (days / 30.436875, rounded, at least 1)
        adds amount / *n* to each calendar month from its start month; ``"days"``: by the days
        of service in each month. The cents of a line always add up to its amount.
    source : str, optional
        Where the lines came from, for reports.

    Raises
    ------
    InputError
        For a line with only one of start and end, an end before its start, a missing service
        period without ``periods``, or a customer with negative MRR in a month.

    Examples
    --------
    An annual plan of 1,200 paid on 2024-03-10 is 100 a month from March 2024 to February
    2025:

    >>> book = spread_ledger(["a"], [1200], ["2024-03-10"], ["2025-03-09"])
    >>> book.mrr_by_month()[1].tolist() == [10000] * 12
    True
    >>> month_label(book.first_month), month_label(book.last_month)
    ('2024-03', '2025-02')
    """
    if spread not in SPREADS:
        raise InputError(f"spread must be one of {', '.join(SPREADS)}; got {spread!r}.")
    cents = to_cents(amounts, "amounts")
    n = cents.size
    codes, customers = _ids(customer_ids, n, "billing lines")
    starts, no_start = _optional_days(service_starts, "service_starts", n)
    ends, no_end = _optional_days(service_ends, "service_ends", n)
    one_sided = no_start != no_end
    if np.any(one_sided):
        at = int(np.flatnonzero(one_sided)[0])
        raise InputError(
            f"billing line {at + 1} (customer {customers[codes[at]].item()!r}) has only one "
            "of service start and end; give both, or leave both empty to count the line in "
            "the month of its date."
        )
    backwards = ~no_start & (ends < starts)
    if np.any(backwards):
        at = int(np.flatnonzero(backwards)[0])
        first, last = (np.datetime64(int(d), "D") for d in (starts[at], ends[at]))
        raise InputError(
            f"billing line {at + 1} (customer {customers[codes[at]].item()!r}): service ends "
            f"({last}) before it starts ({first}); swap the columns or correct the dates."
        )
    plain = no_start
    if np.any(plain):
        if periods is None:
            at = int(np.flatnonzero(plain)[0])
            raise InputError(
                f"billing line {at + 1} has no service period; give its start and end, or "
                "periods (the invoice dates) to count such lines in their month."
            )
        fallback = _months(np.asarray(periods).reshape(-1)[plain], "periods")
    line_ids, months, line_cents = _spread(
        np.flatnonzero(~plain), starts[~plain], ends[~plain], cents[~plain], spread
    )
    if np.any(plain):
        line_ids = np.concatenate([line_ids, np.flatnonzero(plain)])
        months = np.concatenate([months, fallback])
        line_cents = np.concatenate([line_cents, cents[plain]])
    return _build((codes[line_ids], customers), months, line_cents, n, source, spread)


def _spread(
    lines: np.ndarray, starts: np.ndarray, ends: np.ndarray, cents: np.ndarray, spread: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per line, the months it covers and its cents in each: (line, month, cents) arrays.

    A line's share of month *k* is ``floor(A·w_≤k / W) − floor(A·w_<k / W)`` for weights
    *w* (1 per month, or days of service), so the shares add up exactly to the amount *A*.
    """
    first = _month_of_day(starts)
    if spread == "months":
        count = np.maximum(np.rint((ends - starts + 1) / DAYS_PER_MONTH).astype(np.int64), 1)
    else:
        last = _month_of_day(ends)
        count = last - first + 1
    total = int(count.sum())
    owner = np.repeat(np.arange(lines.size), count)
    k = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    months = first[owner] + k
    if spread == "months":
        weight_before, weight_upto, whole = k, k + 1, count[owner]
    else:
        month_first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        month_next = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        begin = np.maximum(month_first, starts[owner])
        weight_before = begin - starts[owner]
        weight_upto = np.minimum(month_next - 1, ends[owner]) - starts[owner] + 1
        whole = ends[owner] - starts[owner] + 1
    amount = cents[owner]
    share = amount * weight_upto // whole - amount * weight_before // whole
    return lines[owner], months, share


def ledger_from_orders(
    orders: Any,
    *,
    service: tuple[str, str] | None = None,
    spread: str = "months",
) -> Ledger:
    """The ledger of what the order reader returned (``retention_xl.read_orders``).

    The reader's date column is the period and its amount column the MRR of each row; with
    ``service=(start_col, end_col)`` the rows are billing lines whose amounts are spread over
    their service period, read from ``orders.extra_dates[start_col]`` and ``[end_col]`` (a
    line without both dates counts in the month of its date).

    Raises
    ------
    InputError
        When the orders have no amounts, or ``service`` names dates the reader did not read.
    """
    amounts = getattr(orders, "amounts", None)
    source = str(getattr(getattr(orders, "report", None), "source", ""))
    if amounts is None:
        raise InputError(
            f"{source or 'the orders'}: no MRR column was read; name it (--mrr-col, amount_col)."
        )
    if service is None:
        if hasattr(orders, "customer_codes"):  # dictionary-encoded by the reader: no regrouping
            return ledger(
                orders.customer_codes,
                orders.order_dates,
                amounts,
                names=orders.customer_names,
                source=source,
            )
        return ledger(orders.customer_ids, orders.order_dates, amounts, source=source)
    extra = getattr(orders, "extra_dates", None) or {}
    missing = [name for name in service if name not in extra]
    if missing:
        raise InputError(
            f"service period column {missing[0]!r} was not read; read the orders with "
            f"extra_dates={tuple(service)!r} (--start-col/--end-col)."
        )
    return spread_ledger(
        orders.customer_ids,
        amounts,
        extra[service[0]],
        extra[service[1]],
        periods=orders.order_dates,
        spread=spread,
        source=source,
    )
