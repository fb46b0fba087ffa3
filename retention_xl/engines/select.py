"""Choosing an engine, and the one call that runs it on order files.

One idea: :func:`cohort_table_from_files` (and :func:`segment_cohort_tables` for one table
per value of a column) take paths and options, resolve the source once, pick the engine —
``numpy``, ``duckdb``, ``dask``, or ``auto``: numpy below :data:`NUMPY_MAX_ROWS` orders
(per format), duckdb above — and return the table with an :class:`~.report.EngineReport` whose
:meth:`~.report.EngineReport.choice` says which engine ran and why. Imports
:mod:`.conventions`, :mod:`.sources`, :mod:`.report`; each engine module when it runs.

Why the thresholds: ``benchmarks/bench_scale.py`` (``benchmarks/RESULTS.md``) runs both
engines end to end as fresh processes on generated orders, 30k to 10M, Parquet and CSV.
Below the thresholds both finish in about a second and numpy's order reader names every
bad row by file and line; above them DuckDB's memory stays flat (its ``memory_limit``)
while numpy's grows with the orders.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from ..cohorts import CohortSpec, CohortTable
from ..errors import InputError
from ..io.settings import ReadSettings
from .options import RunOptions
from .report import EngineReport
from .settings import ENGINES, EngineSettings
from .sources import OrderSource

__all__ = [
    "ENGINES",
    "NUMPY_MAX_ROWS",
    "NUMPY_MAX_ROWS_BY_RESULT",
    "choose_engine",
    "cohort_table_from_files",
    "segment_cohort_tables",
]

#: ``auto`` runs numpy below this many orders per format, duckdb above (benchmarks/RESULTS.md,
#: fresh processes): on Parquet DuckDB was as fast or faster at every size from 30k orders
#: on, with less memory; on CSV the numpy engine (pyarrow's reader) was faster up to 5M
#: orders and even at 10M, but its memory grows by about 0.19 GiB per million orders (2.5 GiB
#: at 10M CSV orders) while DuckDB's stays near its memory limit.
NUMPY_MAX_ROWS: dict[str, int] = {"parquet": 100_000, "csv": 10_000_000}
#: The same for the per-customer results (benchmarks/RESULTS.md "Engines at scale: RFM
#: summary and MRR movements", fresh processes on Parquet): numpy summarised 1M orders
#: faster than DuckDB (0.9 s against 1.0 s) and 10M in the same time (8.0 s against 8.2 s,
#: with 1.8 GiB against 1.05 GiB); MRR movements were faster on numpy at 1M and 10M billing
#: rows (2.9 s against 4.6 s at 10M, 1.7 GiB against 1.0 GiB). Above 10M numpy's memory
#: grows with the orders (about 0.18 GiB per million) while DuckDB's stays near its limit.
NUMPY_MAX_ROWS_BY_RESULT: dict[str, dict[str, int]] = {
    "cohorts": NUMPY_MAX_ROWS,
    "rfm": {"parquet": 10_000_000, "csv": 10_000_000},
    "mrr": {"parquet": 10_000_000, "csv": 10_000_000},
}


def choose_engine(
    source: OrderSource, engine: str = "auto", *, scheduler: Any = None, result: str = "cohorts"
) -> tuple[str, str]:
    """(engine, reason): the engine asked for, or what ``auto`` picks for ``source`` and the
    ``result`` ("cohorts", "rfm" for summaries and forecasts, "mrr"): numpy below
    :data:`NUMPY_MAX_ROWS_BY_RESULT` orders, duckdb above.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "o.csv"
    >>> _ = path.write_text("customer_id,order_date\\na,2024-01-05\\n")
    >>> from retention_xl.engines.sources import open_source
    >>> choose_engine(open_source(path))
    ('numpy', 'auto: about 1 orders of csv, below 10,000,000 (numpy reads them in memory)')
    """
    if engine not in ENGINES:
        raise InputError(f"engine must be one of {', '.join(ENGINES)}; got {engine!r}.")
    if engine != "auto":
        return engine, "asked for"
    if scheduler is not None:
        return "dask", "auto: a Dask scheduler was given"
    if source.format == "excel":
        return "numpy", "auto: workbooks are read into memory by the order reader"
    rows = source.estimated_rows()
    limit = NUMPY_MAX_ROWS_BY_RESULT[result][source.format]
    about = f"auto: about {rows:,} orders of {source.format}"
    if rows < limit:
        return "numpy", f"{about}, below {limit:,} (numpy reads them in memory)"
    if importlib.util.find_spec("duckdb") is None:
        return (
            "numpy",
            f"{about}, but duckdb is not installed (pip install "
            "retention-xl[duckdb] to work out of core)",
        )
    return "duckdb", f"{about}, at least {limit:,} (duckdb works out of core)"


def _tables(
    paths: Any,
    segment_col: str | None,
    spec: CohortSpec | None,
    read: ReadSettings | None,
    engine: EngineSettings | None,
) -> tuple[dict[str, CohortTable], EngineReport]:
    run = RunOptions.of(read, engine)
    conventions = spec or CohortSpec.of()
    source = run.source(paths, require_amount=conventions.needs_amounts, segment_col=segment_col)
    name, reason = choose_engine(source, run.engine.engine, scheduler=run.scheduler)
    common: dict[str, Any] = {"on_error": run.on_error, "lang": run.lang, "reason": reason}
    if name == "numpy":
        from . import numpy as chosen

        tables, report = chosen.cohort_tables(source, conventions, **common)
    elif name == "duckdb":
        from . import duckdb as db

        tables, report = db.cohort_tables(source, conventions, **run.duckdb(), **common)
    else:
        from . import dask as cluster

        tables, report = cluster.cohort_tables(source, conventions, **run.dask(), **common)
    return dict(sorted(tables.items())), report


def cohort_table_from_files(
    paths: Any,
    spec: CohortSpec | None = None,
    *,
    read: ReadSettings | None = None,
    engine: EngineSettings | None = None,
) -> tuple[CohortTable, EngineReport]:
    """The cohort table of order files, on the engine asked for (or chosen by ``auto``).

    Parameters
    ----------
    paths : path, glob pattern, folder, or a list of them
        CSV (``.csv``, ``.txt``, ``.tsv``), gzip CSV (``.gz``) or Parquet files, one format
        per call; a folder means every such file in it.
    spec : CohortSpec, optional
        Period, kind, value, as_of and include_incomplete of
        :func:`retention_xl.cohorts.cohort_table` (stated as numbered rules in
        :mod:`retention_xl.engines.conventions`); default monthly retention.
    read : ReadSettings, optional
        The columns (matched as the order reader matches them), the CSV options (default:
        detected as the order reader detects them), ``on_error`` ("raise": stop at an
        unreadable row; "skip": leave such rows out and count them in the report) and the
        language of the report's messages. A preset, line items or a sheet are read by the
        numpy engine only.
    engine : EngineSettings, optional
        The engine — ``auto`` (default): numpy below :data:`NUMPY_MAX_ROWS` orders, duckdb
        above (a ``scheduler`` means dask); the report says which ran and why — and its
        settings: DuckDB's memory cap (beyond it DuckDB spills to ``temp_directory``) and
        threads; Dask's scheduler address (``tcp://HOST:PORT``, else a LocalCluster of
        ``workers`` processes) and memory per worker.

    Returns
    -------
    (CohortTable, EngineReport)
        The same table every engine computes (counts exact, money equal to the cent).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "orders.csv"
    >>> _ = path.write_text("customer_id,order_date\\na,2024-01-05\\nb,2024-01-20\\n"
    ...                     "a,2024-02-02\\n")
    >>> table, report = cohort_table_from_files(path, CohortSpec.of(as_of="2024-02-29"))
    >>> table.values.tolist(), report.engine
    ([[1.0, 0.5], [nan, nan]], 'numpy')
    """
    tables, report = _tables(paths, None, spec, read, engine)
    return tables[""], report


def segment_cohort_tables(
    paths: Any,
    by: str,
    spec: CohortSpec | None = None,
    *,
    read: ReadSettings | None = None,
    engine: EngineSettings | None = None,
) -> tuple[dict[str, CohortTable], EngineReport]:
    """One cohort table per value of the column ``by`` (a store, a segment), in one pass
    (R10: each segment is an order log of its own, with its own default ``as_of``; a blank
    value is the segment ``(blank)``). On duckdb the split is one more group key of the
    same grouped queries. Settings as for :func:`cohort_table_from_files`.

    Returns
    -------
    (dict of segment name -> CohortTable, sorted by name; EngineReport)

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "orders.csv"
    >>> _ = path.write_text("customer_id,order_date,store\\na,2024-01-05,Köln\\n"
    ...                     "b,2024-01-20,Bonn\\na,2024-02-02,Köln\\n")
    >>> spec = CohortSpec.of(as_of="2024-02-29")
    >>> tables, report = segment_cohort_tables(path, "store", spec)
    >>> {name: t.values[0].tolist() for name, t in tables.items()}
    {'Bonn': [1.0, 0.0], 'Köln': [1.0, 1.0]}
    >>> report.totals["Köln"]
    OrderTotals(customers=1, repeat_customers=1, purchases=2, revenue=None)
    """
    if not isinstance(by, str) or not by.strip():
        raise InputError(f"by must name the column to split by; got {by!r}.")
    return _tables(paths, by, spec, read, engine)
