"""RFM summaries, forecasts and MRR tables of order files, on the engine asked for.

One idea: the doors to :mod:`.rfm` and :mod:`.mrr` that a user or a command calls — resolve
the files once (:class:`~.options.RunOptions`), choose the engine as for cohort tables
(:func:`~.select.choose_engine`: ``auto`` is numpy below :data:`~.select.NUMPY_MAX_ROWS`
rows, duckdb above, dask with a scheduler) and return the same result every engine
computes, with the run's :class:`~.report.EngineReport`. Imports :mod:`.options`,
:mod:`.select`, :mod:`.rfm`, :mod:`.mrr` and the result types of
:mod:`retention_xl.models` and :mod:`retention_xl.subscriptions`.
"""

from __future__ import annotations

from typing import Any

from ..cohorts import as_of_day
from ..errors import InputError
from ..io.settings import ReadSettings
from ..models.forecast import Forecast, ForecastSettings, forecast_history
from ..models.rfm import RFMSummary, finish_summary, unit_key
from ..subscriptions.conventions import BillingSettings, SubscriptionConventions
from ..subscriptions.ledger import Ledger
from ..subscriptions.movements import MrrMovements
from .mrr import ledgers_of_source, movements_of_source
from .options import RunOptions
from .report import EngineReport
from .rfm import open_histories
from .select import choose_engine
from .settings import EngineSettings

__all__ = [
    "forecast_from_files",
    "ledger_from_files",
    "mrr_movements_from_files",
    "rfm_summary_from_files",
    "segment_forecasts_from_files",
    "segment_ledgers_from_files",
]


def rfm_summary_from_files(
    paths: Any,
    *,
    as_of: Any = None,
    unit: str = "W",
    read: ReadSettings | None = None,
    engine: EngineSettings | None = None,
) -> tuple[RFMSummary, EngineReport]:
    """The RFM summary (:func:`retention_xl.models.rfm_summary`) of order files.

    Parameters
    ----------
    paths : path, glob pattern, folder, or a list of them
        CSV, gzip CSV or Parquet files (one format per call); Excel files on numpy.
    as_of : date, optional
        End of observation (default: the last order day, refunds included).
    unit : {"W", "D", "M"}
        Time unit of recency and age.
    read, engine : ReadSettings, EngineSettings, optional
        How to read the files and which engine runs, as for
        :func:`~retention_xl.engines.cohort_table_from_files`.

    Returns
    -------
    (RFMSummary, EngineReport)
        The same summary on every engine: counts and times exact, money to the cent.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "orders.csv"
    >>> _ = path.write_text("customer_id,order_date,amount\\na,2024-01-01,10\\n"
    ...                     "a,2024-01-15,30\\nb,2024-01-08,5\\n")
    >>> summary, report = rfm_summary_from_files(path, as_of="2024-01-29")
    >>> summary.frequency.tolist(), summary.recency.tolist(), summary.monetary.tolist()
    ([1.0, 0.0], [2.0, 0.0], [30.0, 0.0])
    """
    unit = unit_key(unit)
    run = RunOptions.of(read, engine)
    source = run.source(paths)
    name, reason = choose_engine(source, run.engine.engine, scheduler=run.scheduler, result="rfm")
    with open_histories(source, name, run, reason) as (histories, report):
        history = histories[""]
        end = as_of_day(as_of, history.last_day)
        summary = finish_summary(history.transactions(end), end=end, unit=unit)
    return summary, report


def forecast_from_files(
    paths: Any,
    settings: ForecastSettings | None = None,
    *,
    read: ReadSettings | None = None,
    engine: EngineSettings | None = None,
) -> tuple[Forecast, EngineReport]:
    """The forecast (:func:`retention_xl.models.forecast`: BG/NBD, Gamma-Gamma, CLV and the
    holdout check) of order files under ``settings``: the engine aggregates the orders per
    customer (three passes: the summary, the calibration summary and the daily repeat
    purchases); the models are fitted in numpy and scipy on that summary. ``read`` and
    ``engine`` as for :func:`rfm_summary_from_files`.
    """
    forecasts, report = _forecasts(paths, None, settings, read, engine)
    return forecasts[""], report


def segment_forecasts_from_files(
    paths: Any,
    by: str,
    settings: ForecastSettings | None = None,
    *,
    read: ReadSettings | None = None,
    engine: EngineSettings | None = None,
    keep_going: bool = False,
) -> tuple[dict[str, Forecast], EngineReport]:
    """One forecast per value of the column ``by`` (a store): each segment an order log
    of its own (its own customers, last order and fits), read in one pass. Settings as for
    :func:`forecast_from_files`; ``keep_going`` leaves out a segment that cannot be
    forecast and names it with the reason in the report's ``failed``.

    Raises
    ------
    InputError
        When a segment's orders cannot be fitted (the message names the segment), unless
        ``keep_going``.
    """
    if not isinstance(by, str) or not by.strip():
        raise InputError(f"by must name the column to split by; got {by!r}.")
    return _forecasts(paths, by, settings, read, engine, keep_going=keep_going)


def _forecasts(
    paths: Any,
    by: str | None,
    settings: ForecastSettings | None,
    read: ReadSettings | None,
    engine: EngineSettings | None,
    *,
    keep_going: bool = False,
) -> tuple[dict[str, Forecast], EngineReport]:
    run = RunOptions.of(read, engine)
    source = run.source(paths, segment_col=by)
    name, reason = choose_engine(source, run.engine.engine, scheduler=run.scheduler, result="rfm")
    out = {}
    with open_histories(source, name, run, reason) as (histories, report):
        for segment, history in histories.items():
            try:
                out[segment] = forecast_history(history, settings)
            except InputError as error:
                if by is None:
                    raise
                if not keep_going:
                    raise InputError(f"{by} = {segment!r}: {error}") from None
                report.failed[segment] = str(error)
    return out, report


#: The options of the billing columns, as ``retention-xl subscriptions`` calls them.
_FLAGS = {"date": "--period-col", "amount": "--mrr-col"}


def _billing_run(
    billing: BillingSettings | None,
    read: ReadSettings | None,
    engine: EngineSettings | None,
) -> tuple[BillingSettings, RunOptions]:
    """The billing columns as the columns of the read (the month as the date, the MRR as
    the amount, required)."""
    chosen = billing or BillingSettings()
    given = read or ReadSettings()
    if (given.customer_col, given.date_col, given.amount_col) != (None, None, "amount"):
        raise InputError(
            "the MRR tables read the columns of billing (customer_col, period_col, mrr_col), "
            "not the read settings' customer_col, date_col and amount_col."
        )
    columns = given.with_columns(chosen.customer_col, chosen.period_col, chosen.mrr_col)
    return chosen, RunOptions.of(columns, engine)


def mrr_movements_from_files(
    paths: Any,
    conventions: SubscriptionConventions | None = None,
    *,
    billing: BillingSettings | None = None,
    read: ReadSettings | None = None,
    engine: EngineSettings | None = None,
) -> tuple[MrrMovements, EngineReport]:
    """The MRR movement table (:func:`retention_xl.subscriptions.mrr_movements`) of billing
    files: one row per customer and month (rows of a month add up) with its MRR.

    Parameters
    ----------
    paths
        As for :func:`rfm_summary_from_files`.
    conventions : SubscriptionConventions, optional
        ``period``, ``churn_denominator``, ``joined_and_left``, ``reactivation_gap``,
        ``zero_mrr``, ``gross_margin`` (each with its documented default).
    billing : BillingSettings, optional
        The customer, the month (any date in it, or ``YYYY-MM``) and the MRR columns;
        billing lines with a service period name its start and end columns, and the MRR
        column then holds the amount billed, spread over the period's months by ``spread``
        ("months" or "days", as :func:`retention_xl.subscriptions.spread_ledger`); a line
        without both dates counts in the month of its period date.
    read, engine : ReadSettings, EngineSettings, optional
        The CSV options, unreadable rows and language (the columns come from ``billing``),
        and the engine.

    Returns
    -------
    (MrrMovements, EngineReport)
        The same table on every engine, to the cent.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "billing.csv"
    >>> _ = path.write_text("customer_id,period,mrr\\na,2024-01,100\\nb,2024-01,50\\n"
    ...                     "a,2024-02,120\\n")
    >>> table, report = mrr_movements_from_files(path)
    >>> table.rows_table()[2][:8]
    ['2024-02', 150.0, 0.0, 20.0, 0.0, 50.0, 0.0, 120.0]
    """
    chosen, run = _billing_run(billing, read, engine)
    extra = chosen.service or ()
    source = run.source(paths, require_amount=True, extra_dates=extra, flags=_FLAGS)
    name, reason = choose_engine(source, run.engine.engine, scheduler=run.scheduler, result="mrr")
    picked = conventions or SubscriptionConventions()
    return movements_of_source(source, name, run, picked, reason, chosen.spread)


def ledger_from_files(
    paths: Any,
    *,
    billing: BillingSettings | None = None,
    read: ReadSettings | None = None,
    engine: EngineSettings | None = None,
) -> tuple[Ledger, EngineReport]:
    """The MRR ledger (every customer's MRR per month, in cents; customers in the order of
    their ids) of billing files, for the subscription workbook: the engine adds the rows
    up, the cells come back to memory. Settings as for :func:`mrr_movements_from_files`
    (the conventions belong to the movement table)."""
    books, report = _ledgers(paths, None, billing, read, engine)
    return books[""], report


def segment_ledgers_from_files(
    paths: Any,
    by: str,
    *,
    billing: BillingSettings | None = None,
    read: ReadSettings | None = None,
    engine: EngineSettings | None = None,
) -> tuple[dict[str, Ledger], EngineReport]:
    """One MRR ledger per value of the column ``by`` (a store, a product line), read in
    one pass (on DuckDB one grouped statement), sorted by value. Settings as for
    :func:`ledger_from_files`."""
    if not isinstance(by, str) or not by.strip():
        raise InputError(f"by must name the column to split by; got {by!r}.")
    return _ledgers(paths, by, billing, read, engine)


def _ledgers(
    paths: Any,
    by: str | None,
    billing: BillingSettings | None,
    read: ReadSettings | None,
    engine: EngineSettings | None,
) -> tuple[dict[str, Ledger], EngineReport]:
    chosen, run = _billing_run(billing, read, engine)
    extra = chosen.service or ()
    source = run.source(paths, require_amount=True, extra_dates=extra, flags=_FLAGS, segment_col=by)
    name, reason = choose_engine(source, run.engine.engine, scheduler=run.scheduler, result="mrr")
    return ledgers_of_source(source, name, run, reason, chosen.spread)
