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
Every door takes ``read=ReadSettings(...)`` (columns, CSV options, unreadable rows,
language) and ``engine=EngineSettings(...)`` (``auto``, ``numpy``, ``duckdb`` or ``dask``
and their settings), besides the settings of what it computes.

cohort_table_from_files(paths, spec=CohortSpec, *, read, engine) -> (CohortTable, EngineReport)
    one table from CSV, gzip CSV or Parquet files, folders or globs.
segment_cohort_tables(paths, by, spec, *, read, engine) -> (dict[str, CohortTable], report)
    one table per value of a column, in one pass (on DuckDB: one grouped query).
rfm_summary_from_files(paths, *, as_of=None, unit="W", read, engine)
    -> (RFMSummary, EngineReport)
forecast_from_files(paths, settings=ForecastSettings, *, read, engine)
    -> (Forecast, EngineReport)
mrr_movements_from_files(paths, conventions=SubscriptionConventions, *, billing, read, engine)
    -> (MrrMovements, EngineReport)
ledger_from_files(paths, *, billing, read, engine) -> (Ledger, EngineReport)
    the MRR ledger a subscription workbook shows.
segment_forecasts_from_files(paths, by, ...), segment_ledgers_from_files(paths, by, ...)
    one forecast or ledger per value of a column, in one pass.
choose_engine(source, engine) -> (name, reason)
    what ``auto`` picks: numpy below :data:`NUMPY_MAX_ROWS` orders (per format), duckdb above.
EngineSettings, EngineReport, ENGINES, NUMPY_MAX_ROWS
    the engine and its settings, the run's report, the engine names, the threshold.
"""

from __future__ import annotations

from .files import (
    forecast_from_files,
    ledger_from_files,
    mrr_movements_from_files,
    rfm_summary_from_files,
    segment_forecasts_from_files,
    segment_ledgers_from_files,
)
from .report import EngineReport
from .select import (
    NUMPY_MAX_ROWS,
    choose_engine,
    cohort_table_from_files,
    segment_cohort_tables,
)
from .settings import ENGINES, EngineSettings

__all__ = [
    "ENGINES",
    "NUMPY_MAX_ROWS",
    "EngineReport",
    "EngineSettings",
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
