"""RFM summaries and forecasts from order files of any size, on numpy, DuckDB or Dask.

One idea: each engine is an :class:`~retention_xl.models.OrderHistory` — it aggregates the
orders to one row per customer (:class:`~retention_xl.models.Transactions`: purchase days,
first and last, revenue, repeat value) and to the daily counts of repeat purchases, and
the shared numpy steps :func:`~retention_xl.models.finish_summary` and
:func:`~retention_xl.models.forecast_history` do the rest, so every engine returns the same
summary and forecast. The conventions are those of :mod:`retention_xl.models.rfm` (a
transaction is a customer's purchases of one day; a refund lowers the customer's latest
transaction on or before it, or cannot be placed). DuckDB computes them in SQL on the
orders it parsed (out of core); Dask with the numpy code on partitions that hold all
orders of their customers. Imports numpy, :mod:`retention_xl.models`, :mod:`.duckdb`,
:mod:`.dask` and :mod:`.numpy` (each engine's library only when it runs).
"""

from __future__ import annotations

import functools
import operator
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..errors import InputError
from ..ids import factorize
from ..models.forecast import ArrayHistory
from ..models.rfm import Transactions, customer_transactions
from .duckdb import EPOCH
from .options import RunOptions
from .report import EngineReport
from .sources import OrderSource

__all__ = ["DaskHistory", "DuckDBHistory", "open_histories", "open_history"]


class DuckDBHistory:
    """An order history in DuckDB: ``rows`` (SQL of the normalized orders of
    :func:`.duckdb.open_orders`) on the connection ``con``."""

    def __init__(
        self, con: Any, rows: str, last_day: int, label: str, limit: str, amounts: bool
    ) -> None:
        self.con, self.rows, self.label, self.limit = con, rows, label, limit
        self.amounts = amounts
        self._last = last_day

    @property
    def last_day(self) -> int:
        return self._last

    def transactions(self, end: int) -> Transactions:
        """Three statements: the orders up to ``end`` grouped once by customer and day into
        ``rx_days`` (purchases and refunds of the day); per customer ``rx_buyers`` — the
        first purchase day, purchase days, last, second purchase day, purchases and the
        first day's purchases; then the refunds (few) placed against them — on the first
        transaction when before the second purchase day, on a repeat transaction from it
        on, nowhere before the first. Both steps are temporary tables and every aggregate
        has a fixed-size state, so DuckDB spills all of it under its memory limit (a large
        aggregate read twice as a common table expression ran out of memory at 100M)."""
        from .duckdb import plain, run

        day = f"({EPOCH} + {int(end)})"
        steps = (
            "CREATE OR REPLACE TEMP TABLE rx_days AS SELECT c, dt, "
            "sum(a) FILTER (a >= 0) AS buy, count(*) FILTER (a >= 0) AS nb, "
            "sum(a) FILTER (a < 0) AS ref, count(*) FILTER (a < 0) AS nr "
            f"FROM {self.rows} WHERE ok AND dt <= {day} GROUP BY c, dt",
            "CREATE OR REPLACE TEMP TABLE rx_buyers AS "
            "WITH f AS (SELECT c, min(dt) FILTER (nb > 0) AS f FROM rx_days GROUP BY c) "
            "SELECT d.c, any_value(f.f) AS f, count(*) FILTER (nb > 0) AS n, "
            "max(dt) FILTER (nb > 0) AS l, min(dt) FILTER (nb > 0 AND dt > f.f) AS s2, "
            "coalesce(sum(buy), 0) AS buys, sum(buy) FILTER (dt = f.f) AS first_buy, "
            "sum(nb) AS nbuys FROM rx_days d JOIN f ON d.c = f.c GROUP BY d.c",
        )
        for step in steps:
            run(self.con, step, self.label, self.limit, fetch=False)
        sql = (
            "WITH r AS (SELECT d.c, sum(d.ref) FILTER (d.dt >= p.f) AS placed, "
            "sum(d.ref) FILTER (d.dt >= p.s2) AS repeat_ref, "
            "sum(d.nr) FILTER (d.dt >= p.f) AS nplaced, "
            "sum(d.nr) FILTER (p.f IS NULL OR d.dt < p.f) AS unplaced "
            "FROM rx_days d JOIN rx_buyers p ON d.c = p.c WHERE d.nr > 0 GROUP BY d.c) "
            f"SELECT p.c AS c, p.n AS n, coalesce(p.f - {EPOCH}, 0) AS first, "
            f"coalesce(p.l - {EPOCH}, 0) AS last, "
            "p.buys + coalesce(r.placed, 0) AS revenue, "
            "coalesce(p.buys - p.first_buy, 0) + coalesce(r.repeat_ref, 0) AS repeat, "
            "p.nbuys + coalesce(r.nplaced, 0) AS used, coalesce(r.unplaced, 0) AS unplaced "
            "FROM rx_buyers p LEFT JOIN r ON p.c = r.c ORDER BY p.c"  # finish_summary sorts fast
        )
        got = run(self.con, sql, self.label, self.limit)
        for table in ("rx_days", "rx_buyers"):
            run(self.con, f"DROP TABLE {table}", self.label, self.limit, fetch=False)
        after = run(
            self.con,
            f"SELECT count(*) AS n FROM {self.rows} WHERE ok AND dt > {day}",
            self.label,
            self.limit,
        )
        count = plain(got["n"]).astype(np.int64)
        buyer = count > 0
        money = self.amounts
        return Transactions(
            customer_ids=np.asarray(got["c"])[buyer].astype(str),
            count=count[buyer],
            first=plain(got["first"]).astype(np.int64)[buyer],
            last=plain(got["last"]).astype(np.int64)[buyer],
            revenue=plain(got["revenue"]).astype("float64")[buyer] if money else None,
            repeat_value=plain(got["repeat"]).astype("float64")[buyer] if money else None,
            orders_used=int(plain(got["used"]).sum()),
            orders_after_as_of=int(plain(after["n"]).sum()),
            unplaced_refunds=int(plain(got["unplaced"]).sum()),
        )

    def repeat_days(self, joined_by: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """Per day, the customers (first purchase on or before ``joined_by``) with a
        purchase that day after their first, up to ``end``."""
        from .duckdb import plain, run

        sql = (
            f"WITH o AS NOT MATERIALIZED (SELECT c, dt FROM {self.rows} WHERE ok AND a >= 0 "
            f"AND dt <= {EPOCH} + {int(end)}), "
            "p AS (SELECT c, min(dt) AS f FROM o GROUP BY c "
            f"HAVING min(dt) <= {EPOCH} + {int(joined_by)}), "
            "t AS (SELECT DISTINCT o.c, o.dt FROM o JOIN p ON o.c = p.c WHERE o.dt > p.f) "
            f"SELECT dt - {EPOCH} AS day, count(*) AS n FROM t GROUP BY dt ORDER BY dt"
        )
        got = run(self.con, sql, self.label, self.limit)
        return plain(got["day"]).astype(np.int64), plain(got["n"]).astype(np.int64)


def _mine(part: Any, segment: str | None) -> Any:
    """The rows of one segment of a shuffled partition (all of them for None)."""
    return part if segment is None else part[part["s"] == segment]


def _partition_transactions(
    part: Any, end: int, amounts: bool, segment: str | None = None
) -> Transactions:
    """:func:`~retention_xl.models.customer_transactions` of one shuffled partition."""
    part = _mine(part, segment)
    codes, names = factorize(np.asarray(part["c"]).astype(str))
    days = np.asarray(part["d"]).astype(np.int64)
    money = np.asarray(part["a"]).astype("float64") if amounts else None
    return customer_transactions(codes, names, days, money, end)


def _partition_repeats(
    part: Any, joined_by: int, end: int, amounts: bool, segment: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    part = _mine(part, segment)
    codes, names = factorize(np.asarray(part["c"]).astype(str))
    days = np.asarray(part["d"]).astype(np.int64)
    if days.size == 0:
        return days, days
    money = np.asarray(part["a"]).astype("float64") if amounts else None
    return ArrayHistory(codes, names, days, money).repeat_days(joined_by, end)


def _add_transactions(parts: list[Transactions]) -> Transactions:
    return functools.reduce(operator.add, parts)


def _add_repeats(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    days = np.concatenate([p[0] for p in parts])
    counts = np.concatenate([p[1] for p in parts])
    unique, inverse = np.unique(days, return_inverse=True)
    return unique, np.bincount(inverse, weights=counts, minlength=unique.size).astype(np.int64)


class DaskHistory:
    """An order history on a Dask cluster: the shuffled partitions of
    :func:`.dask.open_orders`, each holding all orders of its customers (of one
    ``segment``'s orders, when given)."""

    def __init__(self, orders: Any, amounts: bool, segment: str | None = None) -> None:
        self.orders, self.amounts, self.segment = orders, amounts, segment

    @property
    def last_day(self) -> int:
        return int(self.orders.bounds.last[self.segment or ""])

    def transactions(self, end: int) -> Transactions:
        part: Transactions = self.orders.reduce(
            _partition_transactions, _add_transactions, int(end), self.amounts, self.segment
        )
        return part

    def repeat_days(self, joined_by: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        days: tuple[np.ndarray, np.ndarray] = self.orders.reduce(
            _partition_repeats,
            _add_repeats,
            int(joined_by),
            int(end),
            self.amounts,
            self.segment,
        )
        return days


def _numpy_histories(arrays: Any) -> dict[str, ArrayHistory]:
    """One history per segment of orders in memory (key ``""`` without segments)."""
    codes, names = arrays.codes()
    days = arrays.dates.astype("datetime64[D]").astype(np.int64)
    out = {}
    for segment, rows in arrays.segment_rows().items():
        money = None if arrays.amounts is None else arrays.amounts[rows]
        out[segment] = ArrayHistory(codes[rows], names, days[rows], money)
    return out


@contextmanager
def open_histories(
    source: OrderSource, engine: str, options: RunOptions, reason: str
) -> Iterator[tuple[dict[str, Any], EngineReport]]:
    """The order histories of ``source`` on ``engine`` ("numpy", "duckdb" or "dask"), one
    per value of its segment column (R10: each an order log of its own; key ``""``
    without one), sorted by segment, and the run's report (its ``seconds`` counted when
    the block ends); the connection or cluster stays open for the block."""
    started = time.perf_counter()
    amounts = source.amount_col is not None
    histories: dict[str, Any] = {}
    if engine == "numpy":
        from .numpy import read_arrays

        arrays, report = read_arrays(source, on_error=options.on_error, lang=options.lang)
        if arrays.dates.size == 0:
            raise InputError(f"{source.label}: no orders to summarise.")
        report.reason = reason
        yield _numpy_histories(arrays), report
    elif engine == "duckdb":
        from . import duckdb as db
        from .duckdb import literal

        _supported(source, "duckdb")
        with db.scratch_connection(source, **options.duckdb()) as (con, chosen):
            opened = db.open_orders(con, source, None, options.on_error, chosen, options.lang)
            last = opened.bounds["last_day"]
            for at, segment in enumerate(opened.bounds["s"].tolist()):
                if np.ma.is_masked(last[at]):
                    continue  # a segment of unreadable rows only
                rows = opened.rows
                if source.segment_col is not None:
                    rows = f"(SELECT * FROM {rows} WHERE s = {literal(str(segment))})"
                histories[str(segment)] = DuckDBHistory(
                    con, rows, int(last[at]), source.label, chosen, amounts
                )
            if not histories:
                raise InputError(f"{source.label}: no orders to summarise.")
            report = opened.report
            report.reason = reason
            report.settings = db.settings_of(chosen, options.memory_limit, options.threads)
            yield dict(sorted(histories.items())), report
    else:
        from . import dask as cluster

        _supported(source, "dask")
        with cluster.open_orders(
            source,
            as_of=None,
            on_error=options.on_error,
            lang=options.lang,
            keep=True,
            **options.dask(),
        ) as orders:
            report = orders.report(source, reason, options.scheduler)
            for segment in sorted(orders.bounds.last):
                split = segment if source.segment_col is not None else None
                histories[segment] = DaskHistory(orders, amounts, split)
            yield histories, report
    report.seconds = time.perf_counter() - started


@contextmanager
def open_history(
    source: OrderSource, engine: str, options: RunOptions, reason: str
) -> Iterator[tuple[Any, EngineReport]]:
    """The order history of ``source`` (no segment column) on ``engine``, as
    :func:`open_histories`."""
    with open_histories(source, engine, options, reason) as (histories, report):
        yield histories[""], report


def _supported(source: OrderSource, engine: str) -> None:
    if source.format not in ("csv", "parquet"):
        raise InputError(
            f"{source.label}: engine={engine!r} reads CSV, gzip CSV and Parquet files; read "
            "workbooks with engine='numpy'."
        )
