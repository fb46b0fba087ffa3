"""MRR ledgers and movement tables from billing files of any size, on numpy, DuckDB or Dask.

One idea: an engine adds the billing rows up to the ledger's cells — MRR in whole cents per
customer and month (:mod:`retention_xl.subscriptions.ledger`: each row rounded to the cent,
half to even, then summed) — and hands the cells of one group of customers at a time to
the shared numpy step :func:`~retention_xl.subscriptions.movement_sums`; the sums of all
groups add up and :func:`~retention_xl.subscriptions.finish_movements` makes the table, so
every engine returns the same :class:`~retention_xl.subscriptions.MrrMovements`. DuckDB
adds up the cells in SQL (out of core) and fetches them in buckets of customers
(``hash(id) % B``) small enough for memory; Dask does each shuffled partition (all rows of
its customers) on a worker. Imports numpy, :mod:`retention_xl.subscriptions`,
:mod:`.duckdb`, :mod:`.dask` and :mod:`.numpy` (each engine's library only when it runs).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from ..errors import InputError
from ..ids import factorize
from ..subscriptions.conventions import Conventions
from ..subscriptions.ledger import Ledger, ledger, ledger_of_cells
from ..subscriptions.movements import MovementSums, MrrMovements, finish_movements, movement_sums
from .options import RunOptions
from .report import EngineReport
from .sources import OrderSource

__all__ = ["BUCKET_CELLS", "ledger_of_source", "movements_of_source"]

#: Ledger cells DuckDB hands to numpy at a time (about 0.5 GiB of numpy work per bucket).
BUCKET_CELLS = 4_000_000
_EPOCH = "DATE '1970-01-01'"
_MAX_AMOUNT = 9e10  # as retention_xl.subscriptions.ledger.to_cents


def _month(day: int) -> int:
    """The month number (since 1970-01) of a day number."""
    return int(np.datetime64(int(day), "D").astype("datetime64[M]").astype(np.int64))


def _no_rows(source: OrderSource) -> InputError:
    return InputError(f"{source.label}: no billing rows to build MRR from.")


def _numpy_ledger(source: OrderSource, options: RunOptions, reason: str) -> tuple[Ledger, Any]:
    from .numpy import read_arrays

    arrays, report = read_arrays(source, on_error=options.on_error, lang=options.lang)
    if arrays.dates.size == 0:
        raise _no_rows(source)
    if arrays.amounts is None:
        raise InputError(f"{source.label}: no MRR column was read; name it (--mrr-col).")
    codes, names = arrays.codes()
    book = ledger(codes, arrays.dates, arrays.amounts, names=names, source=source.label)
    report.reason = reason
    return book, report


class _DuckDBCells:
    """The ledger's cells as a DuckDB temporary table ``rx_cells`` (c, m, cents, n)."""

    def __init__(self, con: Any, source: OrderSource, options: RunOptions, limit: str) -> None:
        from . import duckdb as db

        self.db, self.con, self.source, self.limit = db, con, source, limit
        opened = db.open_orders(con, source, None, options.on_error, limit, options.lang)
        self.report = opened.report
        low, last = opened.bounds["low_day"], opened.bounds["last_day"]
        if len(last) == 0 or np.ma.is_masked(last[0]):
            raise _no_rows(source)
        self.span = (_month(int(low[0])), _month(int(last[0])))
        rows = opened.rows
        huge = db.run(
            con,
            f"SELECT any_value(a) AS a, count(*) AS n FROM {rows} "
            f"WHERE ok AND abs(a) > {_MAX_AMOUNT}",
            source.label,
            limit,
        )
        if int(db.plain(huge["n"]).sum()):
            raise InputError(
                f"{source.label}: {int(db.plain(huge['n'])[0])} rows of the column "
                f"{source.amount_col!r} hold amounts beyond 9e10 (one is "
                f"{float(db.plain(huge['a'])[0])!r}); give amounts of money up to 9e10."
            )
        month = "(year(dt) - 1970) * 12 + month(dt) - 1"
        db.run(
            con,
            f"CREATE TEMP TABLE rx_cells AS SELECT c, {month} AS m, "
            "sum(CAST(round_even(a * 100, 0) AS BIGINT)) AS cents, count(*) AS n "
            f"FROM {rows} WHERE ok GROUP BY c, m",
            source.label,
            limit,
            fetch=False,
        )
        size = db.run(con, "SELECT count(*) AS n FROM rx_cells", source.label, limit)
        self.cells = int(db.plain(size["n"]).sum())

    def bucket(self, number: int, buckets: int) -> Ledger:
        """The cells of the customers in bucket ``number`` of ``buckets`` as a ledger."""
        where = f" WHERE hash(c) % {buckets} = {number}" if buckets > 1 else ""
        got = self.db.run(
            self.con, f"SELECT c, m, cents, n FROM rx_cells{where}", self.source.label, self.limit
        )
        codes, names = factorize(np.asarray(got["c"]).astype(str))
        return ledger_of_cells(
            names,
            codes,
            self.db.plain(got["m"]),
            self.db.plain(got["cents"]),
            rows=int(self.db.plain(got["n"]).sum()),
            source=self.source.label,
        )


def _partition_ledger(part: Any, label: str) -> Ledger | None:
    """The ledger of one shuffled partition (None when it is empty)."""
    days = np.asarray(part["d"]).astype(np.int64)
    if days.size == 0:
        return None
    codes, names = factorize(np.asarray(part["c"]).astype(str))
    money = np.asarray(part["a"]).astype("float64")
    return ledger(codes, days.astype("datetime64[D]"), money, names=names, source=label)


def _partition_sums(
    part: Any, chosen: Conventions, span: tuple[int, int], label: str
) -> MovementSums | None:
    book = _partition_ledger(part, label)
    return None if book is None else movement_sums(book, chosen, span)


def _add_sums(parts: list[MovementSums | None]) -> MovementSums | None:
    total = None
    for part in parts:
        if part is not None:
            total = part if total is None else total + part
    return total


_Cells = tuple[np.ndarray, np.ndarray, np.ndarray, int]


def _partition_cells(part: Any, label: str) -> _Cells | None:
    book = _partition_ledger(part, label)
    if book is None:
        return None
    return book.customers[book.codes].astype(str), book.months, book.cents, book.rows


def _add_cells(parts: list[_Cells | None]) -> _Cells | None:
    found = [p for p in parts if p is not None]
    if not found:
        return None
    return (
        np.concatenate([p[0] for p in found]),
        np.concatenate([p[1] for p in found]),
        np.concatenate([p[2] for p in found]),
        sum(p[3] for p in found),
    )


def _dask_orders(source: OrderSource, options: RunOptions) -> Any:
    from . import dask as cluster

    return cluster.open_orders(
        source, as_of=None, on_error=options.on_error, lang=options.lang, **options.dask()
    )


def _check(source: OrderSource, engine: str) -> None:
    if source.amount_col is None:
        raise InputError(f"{source.label}: no MRR column was read; name it (--mrr-col).")
    if engine != "numpy" and source.format not in ("csv", "parquet"):
        raise InputError(
            f"{source.label}: engine={engine!r} reads CSV, gzip CSV and Parquet files; read "
            "workbooks with engine='numpy'."
        )


def movements_of_source(
    source: OrderSource, engine: str, options: RunOptions, chosen: Conventions, reason: str
) -> tuple[MrrMovements, EngineReport]:
    """The movement table of the billing rows of ``source`` (date: the month, amount: the
    MRR) under the conventions ``chosen``, on ``engine``."""
    _check(source, engine)
    started = time.perf_counter()
    if engine == "numpy":
        book, report = _numpy_ledger(source, options, reason)
        span = (book.first_month, book.last_month)
        result = finish_movements(movement_sums(book, chosen, span), chosen, span, book.source)
    elif engine == "duckdb":
        from . import duckdb as db

        with db.scratch_connection(source, **options.duckdb()) as (con, limit):
            cells = _DuckDBCells(con, source, options, limit)
            buckets = max(1, math.ceil(cells.cells / BUCKET_CELLS))
            parts = (cells.bucket(b, buckets) for b in range(buckets))
            total = _add_sums([movement_sums(part, chosen, cells.span) for part in parts])
            report = cells.report
            report.settings = db.settings_of(limit, options.memory_limit, options.threads)
            report.settings["buckets"] = str(buckets)
        span = cells.span
        if total is None:
            raise _no_rows(source)
        result = finish_movements(total, chosen, span, source.label)
    else:
        with _dask_orders(source, options) as orders:
            span = (_month(orders.bounds.low[""]), _month(orders.bounds.last[""]))
            total = orders.reduce(_partition_sums, _add_sums, chosen, span, source.label)
            report = orders.report(source, reason, options.scheduler)
        if total is None:
            raise _no_rows(source)
        result = finish_movements(total, chosen, span, source.label)
    report.reason = reason
    report.seconds = time.perf_counter() - started
    return result, report


def ledger_of_source(
    source: OrderSource, engine: str, options: RunOptions, reason: str
) -> tuple[Ledger, EngineReport]:
    """The whole ledger (every customer's MRR per month) of ``source`` on ``engine``: the
    cells come back to memory, so this is for ledgers that fit a workbook."""
    _check(source, engine)
    started = time.perf_counter()
    if engine == "numpy":
        book, report = _numpy_ledger(source, options, reason)
    elif engine == "duckdb":
        from . import duckdb as db

        with db.scratch_connection(source, **options.duckdb()) as (con, limit):
            cells = _DuckDBCells(con, source, options, limit)
            book = cells.bucket(0, 1)
            report = cells.report
            report.settings = db.settings_of(limit, options.memory_limit, options.threads)
    else:
        with _dask_orders(source, options) as orders:
            found = orders.reduce(_partition_cells, _add_cells, source.label)
            report = orders.report(source, reason, options.scheduler)
        if found is None:
            raise _no_rows(source)
        ids, months, cents, rows = found
        codes, names = factorize(ids)
        book = ledger_of_cells(names, codes, months, cents, rows=rows, source=source.label)
    report.reason = reason
    report.seconds = time.perf_counter() - started
    return book, report
