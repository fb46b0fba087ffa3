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
from ..models.forecast import Forecast, forecast_history
from ..models.rfm import RFMSummary, finish_summary, unit_key
from ..subscriptions.conventions import conventions
from ..subscriptions.ledger import Ledger
from ..subscriptions.movements import MrrMovements
from .mrr import ledgers_of_source, movements_of_source
from .options import RunOptions
from .report import EngineReport
from .rfm import open_histories
from .select import choose_engine

__all__ = [
    "forecast_from_files",
    "ledger_from_files",
    "mrr_movements_from_files",
    "rfm_summary_from_files",
    "segment_forecasts_from_files",
    "segment_ledgers_from_files",
]


def rfm_summary_from_files(
    paths: Any, *, engine: str = "auto", as_of: Any = None, unit: str = "W", **options: Any
) -> tuple[RFMSummary, EngineReport]:
    """The RFM summary (:func:`retention_xl.models.rfm_summary`) of order files.

    Parameters
    ----------
    paths : path, glob pattern, folder, or a list of them
        CSV, gzip CSV or Parquet files (one format per call); Excel files on numpy.
    engine : {"auto", "numpy", "duckdb", "dask"}
        As for :func:`~retention_xl.engines.cohort_table_from_files`.
    as_of : date, optional
        End of observation (default: the last order day, refunds included).
    unit : {"W", "D", "M"}
        Time unit of recency and age.
    **options
        The columns, CSV, engine and language options of :class:`~.options.RunOptions`
        (``customer_col``, ``date_col``, ``amount_col``, ``on_error``, ``memory_limit``,
        ``scheduler`` …).

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
    run = RunOptions.of(**options)
    source = run.source(paths)
    name, reason = choose_engine(source, engine, scheduler=run.scheduler, result="rfm")
    with open_histories(source, name, run, reason) as (histories, report):
        history = histories[""]
        end = as_of_day(as_of, history.last_day)
        summary = finish_summary(history.transactions(end), end=end, unit=unit)
    return summary, report


def forecast_from_files(
    paths: Any,
    *,
    engine: str = "auto",
    holdout: float = 0.25,
    horizon: float = 12,
    unit: str = "M",
    as_of: Any = None,
    gross_margin: float = 1.0,
    annual_discount_rate: float = 0.10,
    **options: Any,
) -> tuple[Forecast, EngineReport]:
    """The forecast (:func:`retention_xl.models.forecast`: BG/NBD, Gamma-Gamma, CLV and the
    holdout check) of order files: the engine aggregates the orders per customer (three
    passes: the summary, the calibration summary and the daily repeat purchases); the
    models are fitted in numpy and scipy on that summary. Options as for
    :func:`rfm_summary_from_files`.
    """
    forecasts, report = _forecasts(
        paths,
        None,
        engine=engine,
        holdout=holdout,
        horizon=horizon,
        unit=unit,
        as_of=as_of,
        gross_margin=gross_margin,
        annual_discount_rate=annual_discount_rate,
        options=options,
    )
    return forecasts[""], report


def segment_forecasts_from_files(
    paths: Any,
    by: str,
    *,
    engine: str = "auto",
    holdout: float = 0.25,
    horizon: float = 12,
    unit: str = "M",
    as_of: Any = None,
    gross_margin: float = 1.0,
    annual_discount_rate: float = 0.10,
    keep_going: bool = False,
    **options: Any,
) -> tuple[dict[str, Forecast], EngineReport]:
    """One forecast per value of the column ``by`` (a store): each segment an order log
    of its own (its own customers, last order and fits), read in one pass. Options as for
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
    return _forecasts(
        paths,
        by,
        engine=engine,
        holdout=holdout,
        horizon=horizon,
        unit=unit,
        as_of=as_of,
        gross_margin=gross_margin,
        annual_discount_rate=annual_discount_rate,
        options=options,
        keep_going=keep_going,
    )


def _forecasts(
    paths: Any,
    by: str | None,
    *,
    engine: str,
    options: dict[str, Any],
    keep_going: bool = False,
    **settings: Any,
) -> tuple[dict[str, Forecast], EngineReport]:
    settings["unit"] = unit_key(settings["unit"])
    run = RunOptions.of(**options)
    source = run.source(paths, segment_col=by)
    name, reason = choose_engine(source, engine, scheduler=run.scheduler, result="rfm")
    out = {}
    with open_histories(source, name, run, reason) as (histories, report):
        for segment, history in histories.items():
            try:
                out[segment] = forecast_history(history, **settings)
            except InputError as error:
                if by is None:
                    raise
                if not keep_going:
                    raise InputError(f"{by} = {segment!r}: {error}") from None
                report.failed[segment] = str(error)
    return out, report


_CONVENTIONS = (
    "period",
    "churn_denominator",
    "joined_and_left",
    "reactivation_gap",
    "zero_mrr",
    "gross_margin",
)


#: The options of the billing columns, as ``retention-xl subscriptions`` calls them.
_FLAGS = {"date": "--period-col", "amount": "--mrr-col"}
_RUN = (
    "delimiter",
    "decimal",
    "encoding",
    "date_format",
    "on_error",
    "memory_limit",
    "temp_directory",
    "threads",
    "scheduler",
    "workers",
    "lang",
)


def _billing(
    customer_col: str,
    period_col: str,
    mrr_col: str,
    options: dict[str, Any],
    conventions_too: bool = True,
) -> tuple[dict[str, Any], RunOptions]:
    for name in ("date_col", "amount_col", "require_amount"):
        if name in options:
            raise InputError(
                f"{name} is not an option of the MRR tables; the columns are customer_col, "
                "period_col and mrr_col."
            )
    conventions_given = [name for name in options if name in _CONVENTIONS]
    if conventions_given and not conventions_too:
        raise InputError(
            f"{', '.join(conventions_given)}: conventions belong to the movement table, not "
            "the ledger."
        )
    known = (*_CONVENTIONS, *_RUN) if conventions_too else _RUN
    unknown = [name for name in options if name not in known]
    if unknown:
        raise InputError(
            f"unknown option {', '.join(unknown)}; the options are customer_col, period_col, "
            f"mrr_col, service, spread, {', '.join(known)}."
        )
    chosen = {k: v for k, v in options.items() if k in _CONVENTIONS}
    run = RunOptions.of(
        customer_col=customer_col,
        date_col=period_col,
        amount_col=mrr_col,
        require_amount=True,
        **{k: v for k, v in options.items() if k in _RUN},
    )
    return chosen, run


def _service(service: Any, spread: str) -> tuple[str, ...]:
    """The service period's columns, checked (two names, or None)."""
    from ..subscriptions.conventions import SPREADS

    if spread not in SPREADS:
        raise InputError(f"spread must be one of {', '.join(SPREADS)}; got {spread!r}.")
    if service is None:
        return ()
    if (
        not isinstance(service, (tuple, list))
        or len(service) != 2
        or not all(isinstance(name, str) and name for name in service)
    ):
        raise InputError(
            f"service must name the service period's start and end columns, e.g. "
            f"('start', 'end'); got {service!r}."
        )
    return (service[0], service[1])


def mrr_movements_from_files(
    paths: Any,
    *,
    engine: str = "auto",
    customer_col: str = "customer_id",
    period_col: str = "period",
    mrr_col: str = "mrr",
    service: tuple[str, str] | None = None,
    spread: str = "months",
    **options: Any,
) -> tuple[MrrMovements, EngineReport]:
    """The MRR movement table (:func:`retention_xl.subscriptions.mrr_movements`) of billing
    files: one row per customer and month (rows of a month add up) with its MRR.

    Parameters
    ----------
    paths, engine
        As for :func:`rfm_summary_from_files`.
    customer_col, period_col, mrr_col
        The customer, the month (any date in it, or ``YYYY-MM``) and the MRR columns.
    service, spread
        Billing lines with a service period: ``service=(start_col, end_col)`` names its
        columns and ``mrr_col`` holds the amount billed, spread over the period's months by
        ``spread`` ("months" or "days", as :func:`retention_xl.subscriptions.spread_ledger`);
        a line without both dates counts in the month of its ``period_col`` date.
    **options
        The conventions (``period``, ``churn_denominator``, ``joined_and_left``,
        ``reactivation_gap``, ``zero_mrr``, ``gross_margin``) and the CSV, engine and
        language options of :class:`~.options.RunOptions`.

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
    settings, run = _billing(customer_col, period_col, mrr_col, options)
    chosen = conventions(**settings)
    extra = _service(service, spread)
    source = run.source(paths, require_amount=True, extra_dates=extra, flags=_FLAGS)
    name, reason = choose_engine(source, engine, scheduler=run.scheduler, result="mrr")
    return movements_of_source(source, name, run, chosen, reason, spread)


def ledger_from_files(
    paths: Any,
    *,
    engine: str = "auto",
    customer_col: str = "customer_id",
    period_col: str = "period",
    mrr_col: str = "mrr",
    service: tuple[str, str] | None = None,
    spread: str = "months",
    **options: Any,
) -> tuple[Ledger, EngineReport]:
    """The MRR ledger (every customer's MRR per month, in cents; customers in the order of
    their ids) of billing files, for the subscription workbook: the engine adds the rows
    up, the cells come back to memory. Options as for :func:`mrr_movements_from_files`
    (without the conventions, which belong to the movement table)."""
    books, report = _ledgers(
        paths, None, engine, customer_col, period_col, mrr_col, service, spread, options
    )
    return books[""], report


def segment_ledgers_from_files(
    paths: Any,
    by: str,
    *,
    engine: str = "auto",
    customer_col: str = "customer_id",
    period_col: str = "period",
    mrr_col: str = "mrr",
    service: tuple[str, str] | None = None,
    spread: str = "months",
    **options: Any,
) -> tuple[dict[str, Ledger], EngineReport]:
    """One MRR ledger per value of the column ``by`` (a store, a product line), read in
    one pass (on DuckDB one grouped statement), sorted by value. Options as for
    :func:`ledger_from_files`."""
    if not isinstance(by, str) or not by.strip():
        raise InputError(f"by must name the column to split by; got {by!r}.")
    return _ledgers(paths, by, engine, customer_col, period_col, mrr_col, service, spread, options)


def _ledgers(
    paths: Any,
    by: str | None,
    engine: str,
    customer_col: str,
    period_col: str,
    mrr_col: str,
    service: tuple[str, str] | None,
    spread: str,
    options: dict[str, Any],
) -> tuple[dict[str, Ledger], EngineReport]:
    _, run = _billing(customer_col, period_col, mrr_col, options, conventions_too=False)
    extra = _service(service, spread)
    source = run.source(paths, require_amount=True, extra_dates=extra, flags=_FLAGS, segment_col=by)
    name, reason = choose_engine(source, engine, scheduler=run.scheduler, result="mrr")
    return ledgers_of_source(source, name, run, reason, spread)
