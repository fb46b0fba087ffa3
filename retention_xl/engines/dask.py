"""The Dask engine: cohort tables (and the pieces of RFM and MRR tables) from order files on a
cluster of worker processes.

One idea: read the files in pieces on the workers — CSV as byte blocks cut at line breaks,
each parsed by the order reader's own CSV parser (:func:`retention_xl.io.read_orders`, the
numpy engine's conversions and field-count checks — R1; messages name the line in the whole
file), Parquet as row groups — take the bounds (R2: last day, earliest purchase, unreadable
rows) as a sum over pieces, shuffle the orders so that every customer's orders meet in one
partition, aggregate each partition with the numpy engine's
:func:`retention_xl.cohorts.aggregate_orders` inside the global frame (R3–R7), and add the
small counts up; :func:`retention_xl.cohorts.finish_table` does the rest.
:func:`open_orders` is the reading step alone, for :mod:`.rfm` and :mod:`.mrr`. Runs on an
existing cluster (``scheduler="tcp://HOST:PORT"``) or a ``LocalCluster`` of worker
processes started for the run. Imports dask and distributed (the ``[dask]`` extra) inside
functions, numpy, pandas (with dask), :mod:`retention_xl.io`, :mod:`retention_xl.cohorts`,
:mod:`.conventions`, :mod:`.sources` and :mod:`.report`.
"""

from __future__ import annotations

import gzip
import importlib
import logging
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..cohorts import (
    CohortCounts,
    CohortFrame,
    CohortSpec,
    CohortTable,
    aggregate_orders,
    empty_counts,
)
from ..errors import DataError, InputError
from ..ids import factorize
from .numpy import order_totals
from .report import EngineReport, OrderTotals
from .sources import OrderSource

__all__ = ["ClusterOrders", "cohort_tables", "connect", "open_orders"]

_BLOCK = "64MB"  # CSV bytes per partition (gzip files are one partition each)
_PARQUET_ROWS = 1_000_000  # Parquet rows per piece (whole row groups)


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


@dataclass(frozen=True)
class _Block:
    """Where a piece comes from: the file and the piece's place in it — for CSV a block of
    text (blocks after the first get the header line put in front), for Parquet some of
    its row groups."""

    path: str
    number: int
    header: bytes
    kind: str = "csv"  # or "parquet": row groups ``groups`` whose first row is ``offset``
    offset: int = 0
    groups: tuple[int, ...] = ()


def _header_line(path: Path, compressed: bool) -> bytes:
    """The file's header line as written (after any blank lines), with its line break."""
    opener = gzip.open if compressed else open
    with opener(path, "rb") as handle:
        for line in handle:
            if line.strip(b"\r\n"):
                return bytes(line)
    return b""


def _row_groups(path: str, groups: tuple[int, ...], columns: list[str]) -> Any:
    """Some row groups of a Parquet file, as a pyarrow Table of ``columns``."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).read_row_groups(list(groups), columns=columns)


def _parquet_pieces(source: OrderSource) -> tuple[list[Any], list[_Block | None]]:
    """Every Parquet file's row groups in pieces of about :data:`_PARQUET_ROWS` rows."""
    import pyarrow.parquet as pq

    delayed, _ = _dask()
    read = delayed(_row_groups, pure=True)
    columns = [
        c
        for c in (
            source.customer_col,
            source.date_col,
            source.amount_col,
            source.segment_col,
            *source.extra_dates,
        )
        if c is not None
    ]
    pieces: list[Any] = []
    blocks: list[_Block | None] = []
    for path in source.files:
        meta = pq.ParquetFile(path).metadata
        start = rows = 0
        groups: list[int] = []
        for group in range(meta.num_row_groups):
            groups.append(group)
            rows += meta.row_group(group).num_rows
            if rows >= _PARQUET_ROWS or group == meta.num_row_groups - 1:
                kept = tuple(groups)
                pieces.append(read(str(path), kept, columns))
                blocks.append(_Block(str(path), len(pieces), b"", "parquet", start, kept))
                start, rows, groups = start + rows, 0, []
    return pieces, blocks


def _pieces(source: OrderSource) -> tuple[list[Any], list[_Block | None]]:
    """The source as delayed pieces the order reader reads, and each piece's block.

    Parquet: row groups read with pyarrow, about 1M rows a piece. CSV: byte blocks of
    about 64 MB cut at line breaks, each read by the reader's own CSV parser (the same
    field-count checks, encodings and messages as the numpy engine; a quoted field with a
    line break must not straddle a block: give such files whole, as gzip or Parquet);
    gzip and UTF-16 files are one block each.
    """
    _libraries()
    delayed, _ = _dask()
    if source.format == "parquet":
        return _parquet_pieces(source)
    if source.format != "csv":
        raise InputError(
            f"{source.label}: engine='dask' reads CSV, gzip CSV and Parquet files; read "
            "workbooks with engine='numpy'."
        )
    read_bytes = importlib.import_module("dask.bytes").read_bytes
    pieces: list[Any] = []
    blocks: list[_Block | None] = []
    whole = source.compressed or source.encoding.lower().startswith("utf-16")
    for path in source.files:
        header = _header_line(path, source.compressed)
        if whole:
            parts = [delayed(Path.read_bytes, pure=True)(path)]
        else:
            _, found = read_bytes(str(path), delimiter=b"\n", blocksize=_BLOCK, sample=False)
            parts = found[0]
        for number, part in enumerate(parts):
            pieces.append(part)
            blocks.append(_Block(str(path), number, header))
    return pieces, blocks


def _pandas() -> Any:
    return importlib.import_module("pandas")


def _dask() -> tuple[Any, Any]:
    """dask's ``delayed`` and ``compute``."""
    _libraries()
    base = importlib.import_module("dask.base")
    lazy = importlib.import_module("dask.delayed")
    return lazy.delayed, base.compute


def _read(piece: Any, block: _Block | None, source: OrderSource, lang: str) -> Any:
    """R1 on one piece: the order reader's conversions, every unreadable row reported
    (not raised: :func:`open_orders` decides, with line numbers in the whole file)."""
    from ..io import read_orders
    from ..io.read import CsvText

    csv = block is not None and block.kind == "csv"
    if block is not None and csv:
        text = piece if block.number == 0 else block.header + piece
        piece = CsvText(block.path, text)
    settings = source.read_settings("skip", lang, csv=csv)
    return read_orders(
        piece, settings, segment_col=source.segment_col, extra_dates=source.extra_dates
    )


@dataclass
class _Bounds:
    """R2 of one piece per segment, and its rows."""

    rows_read: int = 0
    rows_used: int = 0
    blank_rows: int = 0
    rows_rejected: int = 0
    problems: list[str] = field(default_factory=list)
    last: dict[str, int] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)
    low: dict[str, int] = field(default_factory=dict)  # the first order day of any kind
    lines: int = 0  # line breaks in the piece (CSV): where the next block of the file starts
    error: str = ""  # why the piece cannot be read at all


def _segments_of(orders: Any) -> np.ndarray:
    if orders.segments is None:
        return np.zeros(len(orders), dtype="<U1")
    return np.asarray(orders.segments).astype(str)


def _partition_bounds(
    piece: Any,
    block: _Block | None,
    source: OrderSource,
    as_of: int | None,
    lang: str,
    number: int,
) -> _Bounds:
    csv = block is not None and block.kind == "csv"
    lines = piece.count(b"\n") if csv else 0
    try:
        orders = _read(piece, block, source, lang)
    except DataError as error:  # the whole piece: returned, so no worker logs a failure
        return _Bounds(error=_in_parquet(str(error), block, source, number))
    read = orders.report
    out = _Bounds(read.rows_read, read.rows_used, read.blank_rows, read.rows_rejected)
    out.lines = lines
    out.problems = [_in_parquet(problem, block, source, number) for problem in read.problems]
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


def _in_parquet(text: str, block: _Block | None, source: OrderSource, number: int) -> str:
    """A message about a Parquet piece (read as a table: "DataFrame row k") naming the file
    and the row in it (from 1, as the numpy engine names it)."""
    if block is None:
        return f"{source.label}, part {number}: {text}"
    if block.kind != "parquet":
        return text
    text = re.sub(
        r"^DataFrame row (\d+)", lambda m: f"{block.path}, row {block.offset + int(m[1]) + 1}", text
    )
    return re.sub(r"^DataFrame\b", block.path, text)


def _in_file(parts: list[_Bounds], blocks: list[_Block | None]) -> None:
    """Line numbers of the pieces' messages made the lines of the whole file: a block
    after the first is read with the header in front (its line 2 is its first line)."""
    starts: dict[str, int] = {}
    for part, block in zip(parts, blocks, strict=True):
        if block is None or block.kind != "csv":
            continue
        offset = starts.get(block.path, 0)
        starts[block.path] = offset + part.lines
        if block.number == 0:
            continue
        part.problems = [_shift(problem, block.path, offset) for problem in part.problems]
        part.error = _shift(part.error, block.path, offset)


def _shift(text: str, path: str, offset: int) -> str:
    """``path:N`` (N counted in a block read with the header in front) as the line of the
    whole file, whose block starts after ``offset`` line breaks."""
    prefix = re.compile(re.escape(path) + r":(\d+)")
    return prefix.sub(lambda m: f"{path}:{offset + int(m[1]) - 1}", text, count=1)


def _combine_bounds(parts: list[_Bounds]) -> _Bounds:
    total = _Bounds()
    for part in parts:
        if part.error and not total.error:
            total.error = part.error
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


def _normalize(piece: Any, block: _Block | None, source: OrderSource, lang: str) -> Any:
    """One piece as columns s (segment), c (id text), d (day number), a (amount)."""
    pd = _pandas()
    orders = _read(piece, block, source, lang)  # bad rows were reported in the bounds pass
    amounts = orders.amounts if orders.amounts is not None else np.zeros(len(orders))
    extra = {  # day numbers; a blank date (NaT) is the smallest int64, NaT again as a date
        f"e{number}": orders.extra_dates[name].astype("datetime64[D]").astype(np.int64)
        for number, name in enumerate(source.extra_dates)
    }
    return pd.DataFrame(
        {
            "s": pd.array(_segments_of(orders), dtype="string[pyarrow]"),
            "c": pd.array(np.asarray(orders.customer_ids).astype(str), dtype="string[pyarrow]"),
            "d": orders.order_dates.astype(np.int64),
            "a": np.asarray(amounts, dtype="float64"),
            **extra,
        }
    )


_Counted = dict[str, tuple[CohortCounts, OrderTotals]]


def _partition_counts(
    part: Any,
    frames: dict[str, CohortFrame],
    conventions: CohortSpec,
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


@dataclass(frozen=True)
class _Failure:
    """Bad data met on a worker, carried back to be raised by the client."""

    error: Exception


def _guarded(function: Any, piece: Any, *args: Any) -> Any:
    try:
        return function(piece, *args)
    except (InputError, DataError) as error:
        return _Failure(error)


def _guarded_add(add: Any, parts: list[Any]) -> Any:
    failed = [part for part in parts if isinstance(part, _Failure)]
    return failed[0] if failed else add(parts)


@dataclass
class ClusterOrders:
    """The orders of a source on a cluster: the bounds (R1, R2, summed over partitions)
    and the normalized orders (:func:`_normalize`: columns s, c, d, a) shuffled so that all
    orders of a customer (of a segment) are in one partition."""

    client: Any
    pieces: int
    bounds: _Bounds
    shuffled: Any

    def reduce(self, function: Any, add: Any, *args: Any) -> Any:
        """``function(partition, *args)`` on every shuffled partition, the results added
        up with ``add(list)`` in a tree (a few small results per step). Bad data found on a
        worker (an ``InputError`` or ``DataError``) is raised here, without a worker
        logging a traceback."""
        delayed, compute = _dask()
        run = delayed(_guarded, pure=True)
        parts = [run(function, piece, *args) for piece in self.shuffled.to_delayed()]
        while len(parts) > 1:
            parts = [
                delayed(_guarded_add, pure=True)(add, parts[i : i + 8])
                for i in range(0, len(parts), 8)
            ]
        (total,) = compute(parts[0])
        if isinstance(total, _Failure):
            raise total.error
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
                "partitions": str(self.pieces),
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
    several passes. An unreadable row stops the run with a ``DataError`` naming the file
    and line (as the numpy engine does) unless ``on_error="skip"``. The client closes at
    the end."""
    from ..io.messages import say

    if on_error not in ("raise", "skip"):
        raise InputError(f"on_error must be 'raise' or 'skip'; got {on_error!r}.")
    delayed, compute = _dask()
    dd, _ = _libraries()
    pieces, blocks = _pieces(source)
    with connect(scheduler, workers, memory_limit) as client:
        bounds_of = delayed(_partition_bounds, pure=True)
        parts = list(
            compute(
                *[
                    bounds_of(piece, block, source, as_of, lang, number)
                    for number, (piece, block) in enumerate(zip(pieces, blocks, strict=True))
                ]
            )
        )
        _in_file(parts, blocks)
        bounds = _combine_bounds(parts)
        if bounds.error:
            raise DataError(bounds.error)
        if on_error == "raise" and bounds.rows_rejected:
            more = bounds.rows_rejected - 1
            extra = f" ({more} more rows cannot be read)" if more else ""
            raise DataError(f"{bounds.problems[0]}{extra}. {say('fix_row', lang)}")
        if not bounds.last:
            raise InputError(f"{source.label}: no orders to read.")
        pd = _pandas()
        meta = pd.DataFrame(
            {
                "s": pd.array([], dtype="string[pyarrow]"),
                "c": pd.array([], dtype="string[pyarrow]"),
                "d": np.array([], dtype=np.int64),
                "a": np.array([], dtype="float64"),
                **{f"e{n}": np.array([], dtype=np.int64) for n in range(len(source.extra_dates))},
            }
        )
        normalize = delayed(_normalize, pure=True)
        orders = dd.from_delayed(
            [
                normalize(piece, block, source, lang)
                for piece, block in zip(pieces, blocks, strict=True)
            ],
            meta=meta,
            verify_meta=False,
        )
        shuffled = orders.shuffle(on=["s", "c"], npartitions=max(orders.npartitions, 1))
        if keep:
            shuffled = client.persist(shuffled)
        yield ClusterOrders(client, len(pieces), bounds, shuffled)


def cohort_tables(
    source: OrderSource,
    conventions: CohortSpec,
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
