"""MRR ledgers and movement tables from billing files of any size, on numpy, DuckDB or Dask.

One idea: an engine adds the billing rows up to the ledger's cells — MRR in whole cents per
customer and month (:mod:`retention_xl.subscriptions.ledger`: each row rounded to the cent,
half to even, then summed; a spread line's shares and monthly rate as the ledger splits
it) — and hands the cells of one group of customers at a time to the shared numpy step
:func:`~retention_xl.subscriptions.movement_sums`, over the months from the first of the
data to ``as_of`` (default: the month of the last billing row's date, or of the last cell
if earlier: :func:`~retention_xl.subscriptions.timeline.observed_span`); the sums of all
groups add up and :func:`~retention_xl.subscriptions.finish_movements` makes the table, so
every engine returns the same :class:`~retention_xl.subscriptions.MrrMovements`. DuckDB
adds up the cells in SQL (out of core) and fetches them in buckets of customers
(``hash(id) % B``) small enough for memory; Dask does each shuffled partition (all rows of
its customers) on a worker. Imports numpy, :mod:`retention_xl.subscriptions`,
:mod:`.duckdb`, :mod:`.dask` and :mod:`.numpy` (each engine's library only when it runs).
"""

from __future__ import annotations

import math
import re
import time
from typing import Any

import numpy as np

from ..errors import InputError
from ..ids import factorize
from ..subscriptions.conventions import SubscriptionConventions
from ..subscriptions.ledger import (
    DAYS_PER_MONTH,
    MAX_AMOUNT,
    Ledger,
    ledger,
    ledger_of_cells,
    spread_ledger,
)
from ..subscriptions.movements import (
    MovementSums,
    MrrMovements,
    finish_movements,
    movement_sums,
    movements_from_ledger,
)
from ..subscriptions.timeline import observed_span
from .options import RunOptions
from .report import EngineReport
from .sources import OrderSource

__all__ = [
    "BUCKET_CELLS",
    "by_id",
    "ledger_of_source",
    "ledgers_of_source",
    "movements_of_source",
]

#: Ledger cells DuckDB hands to numpy at a time (about 0.5 GiB of numpy work per bucket).
BUCKET_CELLS = 4_000_000


def _month(day: int) -> int:
    """The month number (since 1970-01) of a day number."""
    return int(np.datetime64(int(day), "D").astype("datetime64[M]").astype(np.int64))


def _no_rows(source: OrderSource) -> InputError:
    return InputError(f"{source.label}: no billing rows to build MRR from.")


def _numpy_ledger(
    source: OrderSource, arrays: Any, spread: str, rows: np.ndarray | slice = slice(None)
) -> Ledger:
    """The ledger of orders in memory (of one segment's orders ``rows`` when given)."""
    if arrays.dates.size == 0:
        raise _no_rows(source)
    if arrays.amounts is None:
        raise InputError(f"{source.label}: no MRR column was read; name it (--mrr-col).")
    codes, names = arrays.codes()

    dates, money = arrays.dates[rows], arrays.amounts[rows]
    if source.extra_dates and arrays.extra is not None:
        start, end = (arrays.extra[name][rows] for name in source.extra_dates)
        return spread_ledger(
            names[codes[rows]],
            money,
            start,
            end,
            periods=dates,
            spread=spread,
            source=source.label,
        )
    if not isinstance(rows, slice):  # only this segment's customers
        return ledger(names[codes[rows]], dates, money, source=source.label)
    return ledger(codes, dates, money, names=names, source=source.label)


def by_id(book: Ledger) -> Ledger:
    """The ledger with its customers in the order of their ids (cells by customer, then
    month), whichever engine made it and in whatever order it met the customers.

    Examples
    --------
    >>> book = by_id(ledger_of_cells(["b", "a"], [0, 1, 0], [649, 648, 648], [5, 7, 3], rows=3))
    >>> book.table()[1:]
    [['a', '2024-01', 0.07], ['b', '2024-01', 0.03], ['b', '2024-02', 0.05]]
    """
    order = np.argsort(book.customers, kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    codes = rank[book.codes]
    at = np.lexsort((book.months, codes))
    return Ledger(
        book.customers[order],
        codes[at],
        book.months[at],
        book.cents[at],
        book.rows,
        book.source,
        book.spread,
        None if book.rates is None else book.rates[at],
        book.end,
    )


def _month_index(column: str) -> str:
    """Months since 1970-01 of the DATE ``column`` (the cohort engine's calendar index)."""
    from .duckdb import period_index_sql

    return f"({period_index_sql('M', column)})"


def _spread_sql(spread: str) -> str:
    """Billing lines ``l`` (s, c, dt, v cents, st, en) as pieces (s, c, m, cents, r, n) per
    month: a line with a service period spread over its months as
    :func:`retention_xl.subscriptions.spread_ledger` spreads it (shares
    sign(A)·(⌊|A|·w≤k/W⌋ − ⌊|A|·w<k/W⌋) that add up to the amount A; its MRR ``r`` in each
    month, under "months", sign(A)·round(|A|/n) half to even, else the share), a line without
    one in the month of its date; ``n`` counts each line once (at its first month). On
    |A| ≥ 0 DuckDB's truncating ``//`` is numpy's floor division."""
    if spread == "months":
        count = f"greatest(CAST(round_even((en - st + 1) / {DAYS_PER_MONTH!r}, 0) AS BIGINT), 1)"
        share = "sign(v) * (abs(v) * (k + 1) // w - abs(v) * k // w)"
        # half to even in integers: q = |A| // n, up when 2·(|A| % n) > n, or = n and q odd
        rate = (
            "sign(v) * (abs(v) // w + CASE WHEN 2 * (abs(v) % w) > w OR "
            "(2 * (abs(v) % w) = w AND (abs(v) // w) % 2 = 1) THEN 1 ELSE 0 END)"
        )
        lines = f"SELECT s, c, v, st, en, {count} AS w FROM l WHERE st IS NOT NULL"
        pieces = (
            f"SELECT s, c, {_month_index('st')} + k AS m, {share} AS cents, {rate} AS r, "
            "CASE WHEN k = 0 THEN 1 ELSE 0 END AS n "
            "FROM (SELECT s, c, v, st, w, unnest(range(w)) AS k FROM lines)"
        )
    else:  # days: the share of the days of service in each month
        count = f"{_month_index('en')} - {_month_index('st')} + 1"
        first = "CAST(date_trunc('month', st) + to_months(k) AS DATE)"
        following = "CAST(date_trunc('month', st) + to_months(k + 1) AS DATE)"
        before = f"(greatest({first}, st) - st)"
        upto = f"(least({following} - 1, en) - st + 1)"
        share = f"sign(v) * (abs(v) * {upto} // w - abs(v) * {before} // w)"
        lines = (
            f"SELECT s, c, v, st, en, {count} AS months, en - st + 1 AS w FROM l "
            "WHERE st IS NOT NULL"
        )
        pieces = (
            f"SELECT s, c, m, cents, cents AS r, n FROM (SELECT s, c, "
            f"{_month_index('st')} + k AS m, {share} AS cents, "
            "CASE WHEN k = 0 THEN 1 ELSE 0 END AS n "
            "FROM (SELECT s, c, v, st, en, w, unnest(range(months)) AS k FROM lines))"
        )
    return (
        f", lines AS ({lines}), "
        f"pieces AS ({pieces} UNION ALL "
        f"SELECT s, c, {_month_index('dt')} AS m, v AS cents, v AS r, 1 AS n FROM l "
        "WHERE st IS NULL) "
    )


class _DuckDBCells:
    """The ledger's cells as a DuckDB temporary table ``rx_cells`` (s, c, m, cents, r, n:
    the cents, the MRR and the lines of each cell); ``span`` the first and last month of
    the cells, ``issued`` per segment the month of its last billing row's date."""

    def __init__(
        self, con: Any, source: OrderSource, options: RunOptions, limit: str, spread: str
    ) -> None:
        from . import duckdb as db

        self.db, self.con, self.source, self.limit = db, con, source, limit
        self.spread = spread if source.extra_dates else ""
        opened = db.open_orders(con, source, None, options.on_error, limit, options.lang)
        self.report = opened.report
        last = opened.bounds["last_day"]
        if len(last) == 0 or all(np.ma.is_masked(day) for day in last):
            raise _no_rows(source)
        segments = [str(segment) for segment in np.asarray(opened.bounds["s"]).tolist()]
        self.issued = {
            segment: _month(int(day))
            for segment, day in zip(segments, last, strict=True)
            if not np.ma.is_masked(day)
        }
        rows = opened.rows
        self._check_amounts(rows)
        cents = "CAST(round_even(a * 100, 0) AS BIGINT)"
        if source.extra_dates:
            self._check_periods(rows)
            body = (
                f"WITH l AS (SELECT s, c, dt, {cents} AS v, e0 AS st, e1 AS en FROM {rows} "
                f"WHERE ok){_spread_sql(spread)}"
                "SELECT s, c, m, sum(cents) AS cents, sum(r) AS r, sum(n) AS n FROM pieces "
                "GROUP BY s, c, m"
            )
        else:
            body = (
                f"SELECT s, c, {_month_index('dt')} AS m, sum({cents}) AS cents, "
                f"sum({cents}) AS r, count(*) AS n FROM {rows} WHERE ok GROUP BY s, c, m"
            )
        db.run(con, f"CREATE TEMP TABLE rx_cells AS {body}", source.label, limit, fetch=False)
        size = db.run(
            con,
            "SELECT count(*) AS n, min(m) AS low, max(m) AS high FROM rx_cells",
            source.label,
            limit,
        )
        self.cells = int(db.plain(size["n"]).sum())
        self.span = (int(db.plain(size["low"])[0]), int(db.plain(size["high"])[0]))

    def observed(self, chosen: SubscriptionConventions) -> tuple[int, int]:
        """The months of the movement table: the first of the cells to ``as_of`` (default:
        the month of the last billing row's date, or the last cell's if earlier)."""
        end = min(max(self.issued.values()), self.span[1])
        return observed_span(self.span[0], end, chosen)

    def _check_amounts(self, rows: str) -> None:
        db, source = self.db, self.source
        huge = db.run(
            self.con,
            f"SELECT any_value(a) AS a, count(*) AS n FROM {rows} "
            f"WHERE ok AND abs(a) > {MAX_AMOUNT}",
            source.label,
            self.limit,
        )
        if int(db.plain(huge["n"]).sum()):
            raise InputError(
                f"{source.label}: {int(db.plain(huge['n'])[0])} rows of the column "
                f"{source.amount_col!r} hold amounts beyond 9e10 (one is "
                f"{float(db.plain(huge['a'])[0])!r}); give amounts of money up to 9e10."
            )

    def _check_periods(self, rows: str) -> None:
        """A service period with only one of its dates, or ending before it starts: refused
        as :func:`retention_xl.subscriptions.spread_ledger` refuses it."""
        start, end = self.source.extra_dates
        found = self.db.run_rows(
            self.con,
            f"SELECT c, e0 AS st, e1 AS en, (e0 IS NULL) <> (e1 IS NULL) AS one_sided "
            f"FROM {rows} WHERE ok AND ((e0 IS NULL) <> (e1 IS NULL) OR e1 < e0) LIMIT 1",
            self.source.label,
            self.limit,
        )
        if not found:
            return
        row = found[0]
        if row["one_sided"]:
            raise InputError(
                f"{self.source.label}: a billing line of customer {row['c']!r} has only one of "
                f"the service start ({start!r}) and end ({end!r}); give both, or leave both "
                "empty to count the line in the month of its date."
            )
        raise InputError(
            f"{self.source.label}: a billing line of customer {row['c']!r}: service ends "
            f"({row['en']}) before it starts ({row['st']}); swap the columns {start!r} and "
            f"{end!r} or correct the dates."
        )

    def segments(self) -> list[str]:
        """The segments the cells hold (``[""]`` without a segment column), sorted."""
        got = self.db.run(
            self.con, "SELECT DISTINCT s FROM rx_cells ORDER BY s", self.source.label, self.limit
        )
        return [str(segment) for segment in np.asarray(got["s"]).tolist()]

    def bucket(self, number: int, buckets: int, segment: str | None = None) -> Ledger:
        """The cells of the customers in bucket ``number`` of ``buckets`` (of one
        ``segment``) as a ledger."""
        tests = [f"hash(c) % {buckets} = {number}"] if buckets > 1 else []
        if segment is not None:
            tests.append(f"s = {self.db.literal(segment)}")
        where = f" WHERE {' AND '.join(tests)}" if tests else ""
        got = self.db.run(
            self.con,
            f"SELECT c, m, cents, r, n FROM rx_cells{where}",
            self.source.label,
            self.limit,
        )
        codes, names = factorize(np.asarray(got["c"]).astype(str))
        issued = self.issued.get("" if segment is None else segment)
        return ledger_of_cells(
            names,
            codes,
            self.db.plain(got["m"]),
            self.db.plain(got["cents"]),
            rows=int(self.db.plain(got["n"]).sum()),
            source=self.source.label,
            spread=self.spread,
            rates=self.db.plain(got["r"]) if self.spread == "months" else None,
            end=max(self.issued.values()) if issued is None else issued,
        )


def _partition_ledger(
    part: Any, label: str, spread: str, segment: str | None = None
) -> Ledger | None:
    """The ledger of one shuffled partition (of one ``segment``'s rows when given; None
    when there are none); with ``spread`` its rows are billing lines whose service period
    is in the columns e0, e1."""
    if segment is not None:
        part = part[part["s"] == segment]
    days = np.asarray(part["d"]).astype(np.int64)
    if days.size == 0:
        return None
    codes, names = factorize(np.asarray(part["c"]).astype(str))
    money = np.asarray(part["a"]).astype("float64")
    dates = days.astype("datetime64[D]")
    if not spread:
        return ledger(codes, dates, money, names=names, source=label)
    starts, ends = (
        np.asarray(part[k]).astype(np.int64).astype("datetime64[D]") for k in ("e0", "e1")
    )
    try:
        return spread_ledger(
            names[codes], money, starts, ends, periods=dates, spread=spread, source=label
        )
    except InputError as error:  # its line number counts within the partition
        raise InputError(
            f"{label}: " + re.sub(r"^billing line \d+", "a billing line", str(error))
        ) from None


def _partition_sums(
    part: Any, chosen: SubscriptionConventions, span: tuple[int, int], label: str, spread: str
) -> MovementSums | None:
    book = _partition_ledger(part, label, spread)
    return None if book is None else movement_sums(book, chosen, span)


def _add_sums(parts: list[MovementSums | None]) -> MovementSums | None:
    total = None
    for part in parts:
        if part is not None:
            total = part if total is None else total + part
    return total


def _partition_span(part: Any, label: str, spread: str) -> tuple[int, int] | None:
    """The first and last month of one partition's ledger (billing lines spread: the last
    month a service period reaches)."""
    book = _partition_ledger(part, label, spread)
    return None if book is None else (book.first_month, book.last_month)


def _add_spans(parts: list[tuple[int, int] | None]) -> tuple[int, int] | None:
    found = [p for p in parts if p is not None]
    if not found:
        return None
    return min(p[0] for p in found), max(p[1] for p in found)


_Cells = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]


def _partition_cells(part: Any, label: str, spread: str) -> dict[str, _Cells]:
    """Per segment, the cells of one shuffled partition: ids, months, cents, MRR, rows."""
    out = {}
    for segment in np.unique(np.asarray(part["s"]).astype(str)).tolist():
        book = _partition_ledger(part, label, spread, segment)
        if book is not None:
            ids = book.customers[book.codes].astype(str)
            out[segment] = (ids, book.months, book.cents, book.mrr, book.rows)
    return out


def _add_cells(parts: list[dict[str, _Cells]]) -> dict[str, _Cells]:
    total: dict[str, list[_Cells]] = {}
    for part in parts:
        for segment, cells in part.items():
            total.setdefault(segment, []).append(cells)
    return {
        segment: (
            np.concatenate([p[0] for p in found]),
            np.concatenate([p[1] for p in found]),
            np.concatenate([p[2] for p in found]),
            np.concatenate([p[3] for p in found]),
            sum(p[4] for p in found),
        )
        for segment, found in total.items()
    }


def _dask_orders(source: OrderSource, options: RunOptions, keep: bool = False) -> Any:
    from . import dask as cluster

    return cluster.open_orders(
        source,
        as_of=None,
        on_error=options.on_error,
        lang=options.lang,
        keep=keep,
        **options.dask(),
    )


def _dask_span(
    orders: Any, source: OrderSource, spread: str, chosen: SubscriptionConventions
) -> tuple[int, int]:
    """The months of the movement table: from the first month of the data (of its dates,
    or of the months billing lines cover) to ``as_of`` (default: the month of the last
    billing row's date, or the last month a line covers if earlier)."""
    issued = _month(orders.bounds.last[""])
    if not spread:
        return observed_span(_month(orders.bounds.low[""]), issued, chosen)
    span: tuple[int, int] | None = orders.reduce(_partition_span, _add_spans, source.label, spread)
    if span is None:
        raise _no_rows(source)
    return observed_span(span[0], min(issued, span[1]), chosen)


def _check(source: OrderSource, engine: str) -> None:
    if source.amount_col is None:
        raise InputError(f"{source.label}: no MRR column was read; name it (--mrr-col).")
    if engine != "numpy" and source.format not in ("csv", "parquet"):
        raise InputError(
            f"{source.label}: engine={engine!r} reads CSV, gzip CSV and Parquet files; read "
            "workbooks with engine='numpy'."
        )


def movements_of_source(
    source: OrderSource,
    engine: str,
    options: RunOptions,
    chosen: SubscriptionConventions,
    reason: str,
    spread: str = "months",
) -> tuple[MrrMovements, EngineReport]:
    """The movement table of the billing rows of ``source`` (date: the month, amount: the
    MRR; with two further date columns, billing lines spread over that service period by
    ``spread``) under the conventions ``chosen``, on ``engine``: from the first month of
    the data to ``as_of`` (:func:`~retention_xl.subscriptions.timeline.observed_span`)."""
    _check(source, engine)
    spread = spread if source.extra_dates else ""
    started = time.perf_counter()
    if engine == "numpy":
        from .numpy import read_arrays

        arrays, report = read_arrays(source, on_error=options.on_error, lang=options.lang)
        result = movements_from_ledger(_numpy_ledger(source, arrays, spread), chosen)
    elif engine == "duckdb":
        from . import duckdb as db

        with db.scratch_connection(source, **options.duckdb()) as (con, limit):
            cells = _DuckDBCells(con, source, options, limit, spread)
            span = cells.observed(chosen)
            buckets = max(1, math.ceil(cells.cells / BUCKET_CELLS))
            parts = (cells.bucket(b, buckets) for b in range(buckets))
            total = _add_sums([movement_sums(part, chosen, span) for part in parts])
            report = cells.report
            report.settings = db.settings_of(limit, options.memory_limit, options.threads)
            report.settings["buckets"] = str(buckets)
        if total is None:
            raise _no_rows(source)
        result = finish_movements(total, chosen, span, source.label)
    else:
        with _dask_orders(source, options, keep=bool(spread)) as orders:
            span = _dask_span(orders, source, spread, chosen)
            total = orders.reduce(_partition_sums, _add_sums, chosen, span, source.label, spread)
            report = orders.report(source, reason, options.scheduler)
        if total is None:
            raise _no_rows(source)
        result = finish_movements(total, chosen, span, source.label)
    report.reason = reason
    report.seconds = time.perf_counter() - started
    return result, report


def ledgers_of_source(
    source: OrderSource, engine: str, options: RunOptions, reason: str, spread: str = "months"
) -> tuple[dict[str, Ledger], EngineReport]:
    """The whole ledger (every customer's MRR per month, customers in the order of their
    ids) of ``source`` on ``engine``, one per value of its segment column (key ``""``
    without one), sorted by segment: the cells come back to memory, so this is for ledgers
    that fit a workbook."""
    _check(source, engine)
    spread = spread if source.extra_dates else ""
    started = time.perf_counter()
    books: dict[str, Ledger] = {}
    if engine == "numpy":
        from .numpy import read_arrays

        arrays, report = read_arrays(source, on_error=options.on_error, lang=options.lang)
        for segment, rows in arrays.segment_rows().items():
            books[segment] = _numpy_ledger(source, arrays, spread, rows)
    elif engine == "duckdb":
        from . import duckdb as db

        with db.scratch_connection(source, **options.duckdb()) as (con, limit):
            cells = _DuckDBCells(con, source, options, limit, spread)
            for segment in cells.segments():
                books[segment] = cells.bucket(0, 1, segment)
            report = cells.report
            report.settings = db.settings_of(limit, options.memory_limit, options.threads)
    else:
        with _dask_orders(source, options) as orders:
            found = orders.reduce(_partition_cells, _add_cells, source.label, spread)
            report = orders.report(source, reason, options.scheduler)
            issued = {segment: _month(day) for segment, day in orders.bounds.last.items()}
        for segment, (ids, months, cents, rates, rows) in found.items():
            codes, names = factorize(ids)
            books[segment] = ledger_of_cells(
                names,
                codes,
                months,
                cents,
                rows=rows,
                source=source.label,
                spread=spread,
                rates=rates if spread == "months" else None,
                end=issued[segment],
            )
    if not books:
        raise _no_rows(source)
    report.reason = reason
    report.seconds = time.perf_counter() - started
    return {segment: by_id(book) for segment, book in sorted(books.items())}, report


def ledger_of_source(
    source: OrderSource, engine: str, options: RunOptions, reason: str, spread: str = "months"
) -> tuple[Ledger, EngineReport]:
    """The whole ledger of ``source`` (no segment column), as :func:`ledgers_of_source`."""
    books, report = ledgers_of_source(source, engine, options, reason, spread)
    return books[""], report
