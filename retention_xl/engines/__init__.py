"""Engines: the same cohort tables from order logs of any size — in memory (numpy),
embedded and out of core (DuckDB), or on a cluster (Dask).

One idea: an engine is a translation of the numbered rules in :mod:`.conventions` into
one way of aggregating orders; each aggregates to the same small counts and hands them to
the shared numpy step :func:`retention_xl.cohorts.finish_table`, so every engine returns
the same :class:`~retention_xl.cohorts.CohortTable`. Imports :mod:`.select`,
:mod:`.report` and :mod:`.conventions`; duckdb, dask and pyarrow only when an engine runs
(``pip install retention-xl[duckdb]`` / ``[dask]``).

API
---
cohort_table_from_files(paths, *, engine="auto", ...) -> (CohortTable, EngineReport)
    one table from CSV, gzip CSV or Parquet files, folders or globs.
segment_cohort_tables(paths, by, *, engine="auto", ...) -> (dict[str, CohortTable], EngineReport)
    one table per value of a column, in one pass (on DuckDB: one grouped query).
choose_engine(source, engine) -> (name, reason)
    what ``auto`` picks: numpy below :data:`NUMPY_MAX_ROWS` orders (per format), duckdb above.
Conventions, EngineReport, ENGINES, NUMPY_MAX_ROWS
    the validated request, the run's report, the engine names, the threshold.
"""

from __future__ import annotations

from .conventions import Conventions
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
    "choose_engine",
    "cohort_table_from_files",
    "segment_cohort_tables",
]
