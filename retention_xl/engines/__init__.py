"""Engines: the same cohort tables, RFM summaries, forecasts and MRR tables from order logs
of any size — in memory (numpy), embedded and out of core (DuckDB), or on a cluster (Dask).

One idea: an engine is a translation of the conventions into one way of aggregating
orders; each aggregates to the same additive parts and hands them to the shared numpy
step, so every engine returns the same result. Cohort tables: the numbered rules of
:mod:`.conventions`, counts finished by :func:`retention_xl.cohorts.finish_table`. RFM and
forecasts: per customer transactions (:mod:`.rfm`), finished by
:func:`retention_xl.models.finish_summary`. MRR: ledger cells per group of customers
(:mod:`.mrr`), finished by :func:`retention_xl.subscriptions.finish_movements`. Imports
:mod:`.select`, :mod:`.files`, :mod:`.report` and :mod:`.conventions`; duckdb, dask and
pyarrow only when an engine runs (``pip install retention-xl[duckdb]`` / ``[dask]``).

API
---
cohort_table_from_files(paths, *, engine="auto", ...) -> (CohortTable, EngineReport)
    one table from CSV, gzip CSV or Parquet files, folders or globs.
segment_cohort_tables(paths, by, *, engine="auto", ...) -> (dict[str, CohortTable], EngineReport)
    one table per value of a column, in one pass (on DuckDB: one grouped query).
rfm_summary_from_files(paths, *, engine="auto", as_of=None, unit="W", ...)
    -> (RFMSummary, EngineReport)
forecast_from_files(paths, *, engine="auto", holdout=0.25, horizon=12, ...)
    -> (Forecast, EngineReport)
mrr_movements_from_files(paths, *, engine="auto", customer_col, period_col, mrr_col, ...)
    -> (MrrMovements, EngineReport)
ledger_from_files(paths, *, engine="auto", ...) -> (Ledger, EngineReport)
    the MRR ledger a subscription workbook shows.
segment_forecasts_from_files(paths, by, ...), segment_ledgers_from_files(paths, by, ...)
    one forecast or ledger per value of a column, in one pass.
choose_engine(source, engine) -> (name, reason)
    what ``auto`` picks: numpy below :data:`NUMPY_MAX_ROWS` orders (per format), duckdb above.
Conventions, EngineReport, ENGINES, NUMPY_MAX_ROWS
    the validated request, the run's report, the engine names, the threshold.
"""

from __future__ import annotations

from .conventions import Conventions
from .files import (
    forecast_from_files,
    ledger_from_files,
    mrr_movements_from_files,
    rfm_summary_from_files,
    segment_forecasts_from_files,
    segment_ledgers_from_files,
)
from .options import RunOptions
from .report import EngineReport
from .select import (
    ENGINES,
    NUMPY_MAX_ROWS,
    choose_engine,
    cohort_table_from_files,
    segment_cohort_tables,
)

__all__ = [
    "ENGINES",
    "NUMPY_MAX_ROWS",
    "Conventions",
    "EngineReport",
    "RunOptions",
    "choose_engine",
    "cohort_table_from_files",
    "forecast_from_files",
    "ledger_from_files",
    "mrr_movements_from_files",
    "rfm_summary_from_files",
    "segment_cohort_tables",
    "segment_forecasts_from_files",
    "segment_ledgers_from_files",
]
