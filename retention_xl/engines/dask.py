"""The Dask engine: cohort tables from order files on a cluster of worker processes.

One idea: read the files as a ``dask.dataframe`` in partitions, convert every partition
with the order reader (:func:`retention_xl.io.read_orders`, the numpy engine's own
conversions — R1), take the bounds (R2: last day, earliest purchase, unreadable rows) as a
sum over partitions, shuffle the orders so that every customer's orders meet in one
partition, aggregate each partition with the numpy engine's
:func:`retention_xl.cohorts.aggregate_orders` inside the global frame (R3–R7), and add the
small counts up; :func:`retention_xl.cohorts.finish_table` does the rest. Runs on an
existing cluster (``scheduler="tcp://HOST:PORT"``) or a ``LocalCluster`` of worker
processes started for the run. Imports dask and distributed (the ``[dask]`` extra) inside
functions, numpy, pandas (with dask), :mod:`retention_xl.io`, :mod:`retention_xl.cohorts`,
:mod:`.conventions`, :mod:`.sources` and :mod:`.report`.
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..cohorts import CohortCounts, CohortFrame, CohortTable, aggregate_orders, empty_counts
from ..errors import DataError, InputError
from ..ids import factorize
from .conventions import Conventions
from .numpy import order_totals
from .report import EngineReport, OrderTotals
from .sources import OrderSource

__all__ = ["ClusterOrders", "cohort_tables", "connect", "open_orders"]

_BLOCK = "64MB"  # CSV bytes per partition (gzip files are one partition each)
_PARQUET_BLOCK = "32MiB"  # Parquet data per partition (about 1M orders of text ids)


def _libraries() -> tuple[Any, Any]:
    try:
        import dask.dataframe as dd
        import distributed
    except ImportError:
        raise InputError(
            "engine='dask' needs dask[dataframe] and distributed: pip install "
            "retention-xl[dask] (or choose engine='duckdb' or 'numpy')."
        ) from None
    return dd, distributed


@contextmanager
def connect(
    scheduler: str | None = None, workers: int | None = None, memory_limit: str | None = None
) -> Iterator[Any]:
    """A distributed ``Client``: to the cluster at ``scheduler`` (``tcp://HOST:PORT``), or
    to a ``LocalCluster`` of ``workers`` processes (default: the machine's cores, one
    thread each; ``memory_limit`` per worker) that is closed afterwards."""
    _, distributed = _libraries()
    if scheduler is not None:
        if not str(scheduler).startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
            raise InputError(
                f"scheduler must be an address such as tcp://10.0.0.5:8786; got {scheduler!r}."
            )
        try:
            client = distributed.Client(scheduler, timeout="20s")
        except OSError as error:
            raise InputError(f"scheduler {scheduler}: cannot connect ({error}).") from None
        try:
            yield client
        finally:
            client.close()
        return
    count = workers or os.cpu_count() or 1
    if count < 1:
        raise InputError(f"workers must be at least 1; got {workers!r}.")
    cluster = distributed.LocalCluster(
        n_workers=count,
        threads_per_worker=1,
        processes=True,
        memory_limit=memory_limit or "auto",
        dashboard_address=None,
        # no dashboard; the scheduler's small HTTP server on a free port, not 8787 (which
        # another cluster on the machine may hold)
        scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
        silence_logs=logging.ERROR,  # the shuffle's routine notices are not the user's
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _frame(source: OrderSource) -> Any:
    """The files as a dask DataFrame of the needed columns (CSV as text)."""
    dd, _ = _libraries()
    columns = [
        c
        for c in (source.customer_col, source.date_col, source.amount_col, source.segment_col)
        if c is not None
    ]
    files = [str(f) for f in source.files]
    if source.format == "parquet":  # row groups as partitions, small ones together
        return dd.read_parquet(
            files, columns=columns, split_row_groups="adaptive", blocksize=_PARQUET_BLOCK
        )
    if source.format != "csv":
        raise InputError(
            f"{source.label}: engine='dask' reads CSV, gzip CSV and Parquet files; read "
            "workbooks with engine='numpy'."
        )
    encoding = {"utf-8": "utf-8-sig"}.get(source.encoding, source.encoding)
    return dd.read_csv(
        files,
        usecols=columns,
        dtype=str,
        sep=source.delimiter,
        quotechar='"',
        keep_default_na=False,
        na_filter=False,
        encoding=encoding,
        compression="gzip" if source.compressed else None,
        blocksize=None if source.compressed else _BLOCK,
    )


def _pandas() -> Any:
    return importlib.import_module("pandas")


def _dask() -> tuple[Any, Any]:
    """dask's ``delayed`` and ``compute``."""
    _libraries()
    base = importlib.import_module("dask.base")
    lazy = importlib.import_module("dask.delayed")
    return lazy.delayed, base.compute


def _read(part: Any, source: OrderSource, on_error: str, lang: str) -> Any:
    """R1 on one partition: the order reader's conversions (and its error report)."""
    from ..io import read_orders

    return read_orders(
        part,
        customer_col=source.customer_col,
        date_col=source.date_col,
        amount_col=source.amount_col,
        decimal=source.decimal if source.amount_col else None,
        on_error=on_error,
        segment_col=source.segment_col,
        date_format=source.date_format,
        lang=lang,
    )


@dataclass
class _Bounds:
    """R2 of one partition per segment, and its rows."""

    rows_read: int = 0
    rows_used: int = 0
    blank_rows: int = 0
    rows_rejected: int = 0
    problems: list[str] = field(default_factory=list)
    last: dict[str, int] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)
    low: dict[str, int] = field(default_factory=dict)  # the first order day of any kind


def _segments_of(orders: Any) -> np.ndarray:
    if orders.segments is None:
        return np.zeros(len(orders), dtype="<U1")
    return np.asarray(orders.segments).astype(str)


def _partition_bounds(
    part: Any, source: OrderSource, as_of: int | None, on_error: str, lang: str, number: int
) -> _Bounds:
    try:
        orders = _read(part, source, on_error, lang)
    except DataError as error:  # name the partition: its rows are counted from 0
        raise DataError(f"{source.label}, part {number}: {error}") from None
    read = orders.report
    out = _Bounds(read.rows_read, read.rows_used, read.blank_rows, read.rows_rejected)
    out.problems = [f"part {number}: {p}" for p in read.problems]
    days = orders.order_dates.astype(np.int64)
    money = orders.amounts
    segments = _segments_of(orders)
    for segment in np.unique(segments).tolist():
        mine = segments == segment
        d = days[mine]
        end = as_of if as_of is not None else int(d.max())
        purchase = d <= end if money is None else (d <= end) & (money[mine] >= 0)
        out.last[segment] = int(d.max())
        out.low[segment] = int(d.min())
        if purchase.any():
            out.first[segment] = int(d[purchase].min())
        out.after[segment] = int(np.sum(d > as_of)) if as_of is not None else 0
    return out


def _combine_bounds(parts: list[_Bounds]) -> _Bounds:
    total = _Bounds()
    for part in parts:
        total.rows_read += part.rows_read
        total.rows_used += part.rows_used
        total.blank_rows += part.blank_rows
        total.rows_rejected += part.rows_rejected
        total.problems += part.problems[: max(0, 50 - len(total.problems))]
        for segment, day in part.last.items():
            total.last[segment] = max(total.last.get(segment, day), day)
            total.low[segment] = min(total.low.get(segment, day), part.low[segment])
            total.after[segment] = total.after.get(segment, 0) + part.after[segment]
        for segment, day in part.first.items():
            total.first[segment] = min(total.first.get(segment, day), day)
    return total


def _normalize(part: Any, source: OrderSource, lang: str) -> Any:
    """One partition as columns s (segment), c (id text), d (day number), a (amount)."""
    pd = _pandas()
    orders = _read(part, source, "skip", lang)  # bad rows were reported in the bounds pass
    amounts = orders.amounts if orders.amounts is not None else np.zeros(len(orders))
    return pd.DataFrame(
        {
            "s": pd.array(_segments_of(orders), dtype="string[pyarrow]"),
            "c": pd.array(np.asarray(orders.customer_ids).astype(str), dtype="string[pyarrow]"),
            "d": orders.order_dates.astype(np.int64),
            "a": np.asarray(amounts, dtype="float64"),
        }
    )


_Counted = dict[str, tuple[CohortCounts, OrderTotals]]


def _partition_counts(
    part: Any,
    frames: dict[str, CohortFrame],
    conventions: Conventions,
    has_amounts: bool,
) -> _Counted:
    """R3–R7 on the customers of one shuffled partition (all orders of each customer),
    and their order totals."""
    out = {}
    segments = np.asarray(part["s"]).astype(str)
    for segment in np.unique(segments).tolist():
        mine = segments == segment
        codes, names = factorize(np.asarray(part["c"])[mine].astype(str))
        days = np.asarray(part["d"])[mine].astype(np.int64)
        money = np.asarray(part["a"])[mine].astype("float64") if has_amounts else None
        frame = frames[segment]
        counts = aggregate_orders(
            codes, names.size, days, money, frame, kind=conventions.kind, value=conventions.value
        )
        out[segment] = (counts, order_totals(codes, days, money, frame.end))
    return out


def _add(parts: list[_Counted]) -> _Counted:
    total: _Counted = {}
    for part in parts:
        for segment, (counts, totals) in part.items():
            if segment in total:
                before = total[segment]
                total[segment] = (before[0] + counts, before[1] + totals)
            else:
                total[segment] = (counts, totals)
    return total


@dataclass
class ClusterOrders:
    """The orders of a source on a cluster: the bounds (R1, R2, summed over partitions)
    and the normalized orders (:func:`_normalize`: columns s, c, d, a) shuffled so that all
    orders of a customer (of a segment) are in one partition."""

    client: Any
    frame: Any
    bounds: _Bounds
    shuffled: Any

    def reduce(self, function: Any, add: Any, *args: Any) -> Any:
        """``function(partition, *args)`` on every shuffled partition, the results added
        up with ``add(list)`` in a tree (a few small results per step)."""
        delayed, compute = _dask()
        parts = [delayed(function, pure=True)(piece, *args) for piece in self.shuffled.to_delayed()]
        while len(parts) > 1:
            parts = [delayed(add, pure=True)(parts[i : i + 8]) for i in range(0, len(parts), 8)]
        (total,) = compute(parts[0])
        return total

    def report(self, source: OrderSource, reason: str, scheduler: str | None) -> EngineReport:
        """The run's report (seconds filled in by the caller)."""
        bounds = self.bounds
        return EngineReport(
            "dask",
            reason,
            source.label,
            files=len(source.files),
            rows_read=bounds.rows_read,
            rows_used=bounds.rows_used,
            rows_rejected=bounds.rows_rejected,
            blank_rows=bounds.blank_rows,
            problems=bounds.problems,
            settings={
                "scheduler": scheduler or "LocalCluster",
                "workers": str(len(self.client.scheduler_info().get("workers", {}))),
                "partitions": str(self.frame.npartitions),
            },
        )


@contextmanager
def open_orders(
    source: OrderSource,
    *,
    as_of: int | None,
    on_error: str,
    lang: str,
    scheduler: str | None = None,
    workers: int | None = None,
    memory_limit: str | None = None,
    keep: bool = False,
) -> Iterator[ClusterOrders]:
    """Connect (:func:`connect`), take the bounds of ``source`` and shuffle its normalized
    orders by customer; ``keep`` holds the shuffled orders in the workers' memory for
    several passes. The client closes at the end."""
    if on_error not in ("raise", "skip"):
        raise InputError(f"on_error must be 'raise' or 'skip'; got {on_error!r}.")
    delayed, compute = _dask()
    frame = _frame(source)
    with connect(scheduler, workers, memory_limit) as client:
        bounds_of = delayed(_partition_bounds, pure=True)
        parts = compute(
            *[
                bounds_of(piece, source, as_of, on_error, lang, number)
                for number, piece in enumerate(frame.to_delayed())
            ]
        )
        bounds = _combine_bounds(list(parts))
        if not bounds.last:
            raise InputError(f"{source.label}: no orders to read.")
        pd = _pandas()
        meta = pd.DataFrame(
            {
                "s": pd.array([], dtype="string[pyarrow]"),
                "c": pd.array([], dtype="string[pyarrow]"),
                "d": np.array([], dtype=np.int64),
                "a": np.array([], dtype="float64"),
            }
        )
        orders = frame.map_partitions(_normalize, source, lang, meta=meta)
        shuffled = orders.shuffle(on=["s", "c"], npartitions=max(orders.npartitions, 1))
        if keep:
            shuffled = client.persist(shuffled)
        yield ClusterOrders(client, frame, bounds, shuffled)


def cohort_tables(
    source: OrderSource,
    conventions: Conventions,
    *,
    on_error: str = "raise",
    scheduler: str | None = None,
    workers: int | None = None,
    memory_limit: str | None = None,
    lang: str = "en",
    reason: str = "asked for",
) -> tuple[dict[str, CohortTable], EngineReport]:
    """Cohort tables of ``source`` on a Dask cluster, one per segment (key ``""`` without a
    segment column). ``scheduler``: the address of a running cluster; without it a
    ``LocalCluster`` of ``workers`` processes (``memory_limit`` each) runs for the call.
    """
    if conventions.needs_amounts and source.amount_col is None:
        raise InputError(
            f"value={conventions.value!r} needs amounts; {source.label} has no amount column "
            "(name it with amount_col / --amount-col)."
        )
    started = time.perf_counter()
    with open_orders(
        source,
        as_of=conventions.as_of,
        on_error=on_error,
        lang=lang,
        scheduler=scheduler,
        workers=workers,
        memory_limit=memory_limit,
    ) as orders:
        bounds = orders.bounds
        frames = {
            segment: conventions.frame(last, bounds.first.get(segment))
            for segment, last in bounds.last.items()
        }
        totals = orders.reduce(
            _partition_counts, _add, frames, conventions, source.amount_col is not None
        )
        report = orders.report(source, reason, scheduler)
    tables = {}
    sums: dict[str, OrderTotals] = {}
    for segment, frame_of in sorted(frames.items()):
        empty = empty_counts(
            frame_of, customers=conventions.counts_customers, revenue=conventions.needs_amounts
        )
        counts, sums[segment] = totals.get(segment, (empty, OrderTotals()))
        tables[segment] = conventions.finish(counts, frame_of)
    report.totals = sums
    report.seconds = time.perf_counter() - started
    return tables, report
