"""The registry of result kinds: what batch filling and the command line loop over.

One idea: each result kind — a cohort analysis, the live cohort workbook, the KPI sheet,
the forecast, subscription revenue — is one :class:`ResultKind` entry: its name, its
settings class and their command-line flags, how it reads its rows, how its result is
computed (orders in memory, or files on an engine), which workbook renders it, its empty
template and its Excel functions. :mod:`retention_xl.batch` and :mod:`retention_xl.cli`
hold no list of kinds of their own; a new model or workbook is one entry here plus its
modules in :mod:`retention_xl.results` and :mod:`retention_xl.workbook`.

Imports the settings classes; :mod:`retention_xl.results` (numpy, scipy) and
:mod:`retention_xl.workbook` (openpyxl) only when an entry computes or writes, so importing
the package stays light.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cohorts import KINDS, VALUES, CohortSpec
from .definitions import (
    DEFINITIONS,
    MODEL_DEFINITIONS,
    SUBSCRIPTION_DEFINITIONS,
    TABLE_DEFINITIONS,
    Definition,
)
from .engines.report import EngineReport
from .engines.settings import EngineSettings
from .errors import InputError
from .io import Orders, ReadSettings
from .subscriptions.conventions import (
    CHURN_DENOMINATORS,
    JOINED_AND_LEFT,
    SPREADS,
    ZERO_MRR,
    BillingSettings,
    SubscriptionConventions,
)

__all__ = ["Flag", "ResultKind", "kind_named", "result_kinds"]


@dataclass(frozen=True)
class Flag:
    """One command-line option of a kind's settings: its flags and ``argparse`` keywords;
    the value lands in ``args.<dest>``. Kinds may share a flag (``--as-of``) when they
    declare it alike."""

    flags: tuple[str, ...]
    dest: str
    options: Mapping[str, Any]


def _flag(*flags: str, **options: Any) -> Flag:
    return Flag(flags, flags[0].lstrip("-").replace("-", "_"), options)


def _share(text: str) -> float:
    """A share as the command line takes it: ``0.4`` or ``40%`` (``40 %``, ``40,5%``).

    Examples
    --------
    >>> _share("40%"), _share("0.25"), _share("12,5 %")
    (0.4, 0.25, 0.125)
    """
    value = text.strip().replace(",", ".")
    try:
        if value.endswith("%"):
            return float(value[:-1].strip()) / 100
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share; give 0.4 or 40%") from None


Compute = Callable[[Orders, Any], Any]
FromFiles = Callable[..., tuple[dict[str, Any], EngineReport]]
Write = Callable[[Path, str, Any, "str | None", bool], Path]


@dataclass(frozen=True)
class ResultKind:
    """One kind of result, end to end.

    Attributes
    ----------
    name : str
        As ``fill --template NAME`` and ``template NAME`` take it.
    help : str
        One line for ``--help``.
    settings : type
        Its settings class (frozen, validated when made).
    flags : tuple of Flag
        The command-line options of those settings.
    settings_of : callable
        ``settings_of(args)``: the settings from parsed options (None where not given).
    reading : callable
        ``reading(read, settings) -> (read, extra_dates)``: how its rows are read.
    compute : callable
        ``compute(orders, settings) -> result`` for orders in memory.
    from_files : callable or None
        ``from_files(path, by, settings, read=, engine=) -> ({segment: result}, report)``
        on DuckDB or Dask; None when only memory works (the live workbook, the KPI sheet).
    write : callable
        ``write(path, lang, result, segment, overwrite) -> path``: the workbook.
    count : callable
        The count the batch summary shows (cohorts or periods), or None for "-".
    template : callable or None
        ``template(path, lang, xlsm, overwrite) -> path``: the empty workbook.
    definitions : tuple of Definition
        Its Excel functions (for docs and the function list).
    command : str
        Non-empty: ``retention-xl NAME ORDERS --out FILE`` writes its workbook from one file
        (the text is the command's help).
    rows_used : callable or None
        The orders (or billing rows) a result of ``from_files`` was computed from, for the
        batch summary of an engine run.
    per_result_rows : bool
        The batch summary counts each engine result's own rows even for a whole file
        (cohort tables), instead of the engine's read report.
    notes : callable or None
        ``notes(result, lang)``: what a reader of the result must know (a forecast's
        caveats), said by the command line on stderr.
    """

    name: str
    help: str
    settings: type
    flags: tuple[Flag, ...]
    settings_of: Callable[[Any], Any]
    reading: Callable[[ReadSettings, Any], tuple[ReadSettings, tuple[str, ...]]]
    compute: Compute
    write: Write
    count: Callable[[Any], int] | None
    from_files: FromFiles | None = None
    template: Callable[[Path, str, bool, bool], Path] | None = None
    definitions: tuple[Definition, ...] = ()
    command: str = ""
    rows_used: Callable[[Any], int] | None = None
    per_result_rows: bool = False
    notes: Callable[[Any, str], list[str]] | None = None

    def default(self) -> Any:
        """The settings with every default."""
        return self.settings()


def _given(args: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The options of ``names`` that the command line gave (not None)."""
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def _read_as_is(read: ReadSettings, settings: Any) -> tuple[ReadSettings, tuple[str, ...]]:
    return read, ()


# -- cohorts --------------------------------------------------------------------------------

_COHORT_FLAGS = (
    _flag("--period", help="D, W (ISO), M, Q, Y or rolling days like 30D (default M)"),
    _flag("--kind", choices=KINDS, help="on (default), on_or_after or rolling"),
    _flag("--value", choices=VALUES, help="retention (default), customers, revenue, …"),
    _flag("--as-of", help="observation end YYYY-MM-DD (default: last order)"),
    _flag(
        "--include-incomplete",
        action="store_true",
        default=None,
        help="keep the current, incomplete period",
    ),
)


def _cohort_spec(args: Any) -> CohortSpec:
    return CohortSpec.of(**_given(args, ("period", "kind", "value", "as_of", "include_incomplete")))


def _cohort_reading(read: ReadSettings, spec: CohortSpec) -> tuple[ReadSettings, tuple[str, ...]]:
    return read, ()


def _cohort_compute(orders: Orders, spec: CohortSpec) -> Any:
    from .results.cohorts import cohort_result

    return cohort_result(orders, spec)


def _cohort_files(
    path: Any, by: str | None, spec: CohortSpec, *, read: ReadSettings, engine: EngineSettings
) -> tuple[dict[str, Any], EngineReport]:
    from .results.cohorts import cohort_results_from_files

    return cohort_results_from_files(path, by, spec, read=read, engine=engine)


def _cohort_write(path: Path, lang: str, result: Any, segment: str | None, overwrite: bool) -> Path:
    from .workbook.cohort_template import write_cohort_workbook

    return write_cohort_workbook(path, lang, result, segment=segment, overwrite=overwrite)


def _cohort_template(path: Path, lang: str, xlsm: bool, overwrite: bool) -> Path:
    if xlsm:
        from .workbook.cohort_template import write_cohort_workbook

        return write_cohort_workbook(path, lang, xlsm=True, overwrite=overwrite)
    from .workbook.live_cohorts import write_live_cohort_workbook

    return write_live_cohort_workbook(path, lang, overwrite=overwrite)


# -- the live cohort workbook ----------------------------------------------------------------


def _live_compute(orders: Orders, spec: CohortSpec) -> Any:
    from .results.cohorts import live_cohorts

    return live_cohorts(orders, spec)


def _live_write(path: Path, lang: str, result: Any, segment: str | None, overwrite: bool) -> Path:
    from .workbook.live_cohorts import write_live_cohort_workbook

    return write_live_cohort_workbook(
        path, lang, result.orders, spec=result.spec, segment=segment, overwrite=overwrite
    )


# -- the KPI sheet --------------------------------------------------------------------------


def _kpi_settings(args: Any) -> Any:
    from .results.kpis import KpiSettings

    return KpiSettings(**_given(args, ("as_of", "window_days")))


def _kpi_compute(orders: Orders, settings: Any) -> Any:
    from .results.kpis import kpi_result

    return kpi_result(orders, settings)


def _kpi_write(path: Path, lang: str, result: Any, segment: str | None, overwrite: bool) -> Path:
    from .workbook.kpi_template import write_kpi_workbook

    return write_kpi_workbook(path, lang, result.values, segment=segment, overwrite=overwrite)


def _kpi_template(path: Path, lang: str, xlsm: bool, overwrite: bool) -> Path:
    from .workbook.kpi_template import write_kpi_workbook

    return write_kpi_workbook(path, lang, xlsm=xlsm, overwrite=overwrite)


# -- the forecast ---------------------------------------------------------------------------

_FORECAST_FLAGS = (
    _flag(
        "--holdout",
        type=float,
        help="share of the observed time held out to check the model (default 0.25; 0: none)",
    ),
    _flag("--horizon", type=float, help="forecast horizon in --unit (default 12)"),
    _flag("--unit", choices=("M", "W", "D"), help="time unit (default M: months)"),
    _flag("--margin", type=_share, help="gross margin for the CLV: 0.4 or 40%% (default 1)"),
    _flag("--discount-rate", type=_share, help="yearly discount rate: 0.1 or 10%% (default)"),
    _flag("--as-of", help="observation end YYYY-MM-DD (default: last order)"),
)


def _forecast_settings(args: Any) -> Any:
    from .models.forecast import ForecastSettings

    given = _given(args, ("holdout", "horizon", "unit", "as_of", "margin", "discount_rate"))
    if "margin" in given:
        given["gross_margin"] = given.pop("margin")
    if "discount_rate" in given:
        given["annual_discount_rate"] = given.pop("discount_rate")
    return ForecastSettings(**given)


def _forecast_compute(orders: Orders, settings: Any) -> Any:
    from .results.forecast import forecast_result

    return forecast_result(orders, settings)


def _forecast_files(
    path: Any,
    by: str | None,
    settings: Any,
    *,
    read: ReadSettings,
    engine: EngineSettings,
) -> tuple[dict[str, Any], EngineReport]:
    from .results.forecast import forecast_results_from_files

    return forecast_results_from_files(path, by, settings, read=read, engine=engine)


def _forecast_notes(result: Any, lang: str) -> list[str]:
    from .texts import text

    return [text(f"caveat.{c.key}", lang, **dict(c.values)) for c in result.caveats]


def _forecast_write(
    path: Path, lang: str, result: Any, segment: str | None, overwrite: bool
) -> Path:
    from .workbook.forecast_template import write_forecast_workbook

    return write_forecast_workbook(path, lang, result, segment=segment, overwrite=overwrite)


# -- subscription revenue --------------------------------------------------------------------

_SUBSCRIPTION_FLAGS = (
    _flag("--start-col", metavar="S", help="service period start (with --end-col)"),
    _flag("--end-col", metavar="E", help="service period end (with --start-col)"),
    _flag("--spread", choices=SPREADS, help="spread a service period by months (default) or days"),
    _flag(
        "--churn-denominator",
        choices=CHURN_DENOMINATORS,
        help="what churn rates divide by: customers or MRR at the start (default), start plus "
        "new and reactivated, or the average of start and end",
    ),
    _flag(
        "--joined-and-left",
        choices=JOINED_AND_LEFT,
        help="a customer who starts and stops within one quarter or year: counted as new and "
        "churned (count, default) or left out (ignore)",
    ),
    _flag(
        "--reactivation-gap",
        type=int,
        metavar="MONTHS",
        help="empty months before a returning customer counts as churned and reactivated "
        "(default 1: every gap)",
    ),
    _flag("--zero-mrr", choices=ZERO_MRR, help="a zero-MRR row: churn (default) or pause"),
    _flag("--gross-margin", type=_share, help="margin of the LTV: 0.8 or 80%% (default 1)"),
    _flag("--period", help="reporting period M (default), Q or Y"),
    _flag(
        "--as-of",
        help="the month the data ends, YYYY-MM or a date in it; later months are left out "
        "(default: the month of the last billing row)",
    ),
)
_CONVENTION_NAMES = (
    "period",
    "churn_denominator",
    "joined_and_left",
    "reactivation_gap",
    "zero_mrr",
    "gross_margin",
    "as_of",
)


def _subscription_settings(args: Any) -> Any:
    """``--date-col`` is the month, ``--amount-col`` the MRR (as ``fill`` reads billing
    rows), or ``--period-col``/``--mrr-col`` of the ``subscriptions`` command."""
    from .results.subscriptions import SubscriptionSettings

    if (getattr(args, "start_col", None) is None) != (getattr(args, "end_col", None) is None):
        raise InputError(
            "--start-col and --end-col go together: give both (the service period) or neither."
        )
    columns = _given(args, ("start_col", "end_col", "spread"))
    conventions = SubscriptionConventions(**_given(args, _CONVENTION_NAMES))
    return SubscriptionSettings(conventions, BillingSettings(**columns))


def _subscription_reading(
    read: ReadSettings, settings: Any
) -> tuple[ReadSettings, tuple[str, ...]]:
    from dataclasses import replace

    return replace(read, require_amount=True), settings.billing.service or ()


def _subscription_compute(orders: Orders, settings: Any) -> Any:
    from .results.subscriptions import subscription_result

    return subscription_result(orders, settings)


def _subscription_files(
    path: Any, by: str | None, settings: Any, *, read: ReadSettings, engine: EngineSettings
) -> tuple[dict[str, Any], EngineReport]:
    """Billing files on an engine: the read's date column is the month, its amount column
    the MRR (as ``fill`` reads billing rows)."""
    from dataclasses import replace

    from .results.subscriptions import subscription_books_from_files

    billing = replace(
        settings.billing,
        customer_col=read.customer_col or "customer_id",
        period_col=read.date_col or "order_date",
        mrr_col=read.amount_col or "amount",
    )
    plain = replace(read, customer_col=None, date_col=None, amount_col="amount")
    return subscription_books_from_files(
        path, by, replace(settings, billing=billing), read=plain, engine=engine
    )


def _subscription_write(
    path: Path, lang: str, result: Any, segment: str | None, overwrite: bool
) -> Path:
    from .workbook.subscription_template import write_subscription_workbook

    return write_subscription_workbook(path, lang, result, segment=segment, overwrite=overwrite)


def _subscription_template(path: Path, lang: str, xlsm: bool, overwrite: bool) -> Path:
    if xlsm:
        raise InputError("the subscription workbook has no .xlsm variant; leave out --xlsm.")
    from .workbook.subscription_template import write_subscription_workbook

    return write_subscription_workbook(path, lang, overwrite=overwrite)


@functools.cache
def result_kinds() -> tuple[ResultKind, ...]:
    """Every result kind, in the order commands list them (built on first use: the settings
    classes of the forecast and the results import numpy and scipy)."""
    from .models.forecast import ForecastSettings
    from .results.kpis import KpiSettings
    from .results.subscriptions import SubscriptionSettings

    return (
        ResultKind(
            name="cohorts",
            help="the cohort workbook: triangle, heatmap, curves, summary, orders",
            settings=CohortSpec,
            flags=_COHORT_FLAGS,
            settings_of=_cohort_spec,
            reading=_cohort_reading,
            compute=_cohort_compute,
            from_files=_cohort_files,
            write=_cohort_write,
            count=lambda result: len(result.table.labels),
            template=_cohort_template,
            definitions=TABLE_DEFINITIONS,
            rows_used=lambda result: int(result.table.orders_used),
            per_result_rows=True,
        ),
        ResultKind(
            name="live",
            help="the live cohort workbook whose native formulas compute the triangle",
            settings=CohortSpec,
            flags=_COHORT_FLAGS,
            settings_of=_cohort_spec,
            reading=_cohort_reading,
            compute=_live_compute,
            write=_live_write,
            count=lambda result: result.cohorts,
        ),
        ResultKind(
            name="kpis",
            help="the KPI calculator with the inputs orders can tell",
            settings=KpiSettings,
            flags=(
                _flag("--as-of", help="observation end YYYY-MM-DD (default: last order)"),
                _flag("--window-days", type=int, help="active-customer window (default 90)"),
            ),
            settings_of=_kpi_settings,
            reading=_read_as_is,
            compute=_kpi_compute,
            write=_kpi_write,
            count=None,
            template=_kpi_template,
            definitions=DEFINITIONS,
        ),
        ResultKind(
            name="forecast",
            help="RFM segments, P(alive), expected purchases and CLV per customer",
            settings=ForecastSettings,
            flags=_FORECAST_FLAGS,
            settings_of=_forecast_settings,
            reading=_read_as_is,
            compute=_forecast_compute,
            from_files=_forecast_files,
            write=_forecast_write,
            count=None,
            definitions=MODEL_DEFINITIONS,
            command="write the forecast workbook: RFM segments, P(alive), expected purchases, CLV",
            rows_used=lambda result: int(result.summary.orders_used),
            notes=_forecast_notes,
        ),
        ResultKind(
            name="subscriptions",
            help="MRR movements, NRR/GRR, revenue cohorts of billing rows",
            settings=SubscriptionSettings,
            flags=_SUBSCRIPTION_FLAGS,
            settings_of=_subscription_settings,
            reading=_subscription_reading,
            compute=_subscription_compute,
            from_files=_subscription_files,
            write=_subscription_write,
            count=lambda result: len(result.movements.labels),
            template=_subscription_template,
            definitions=SUBSCRIPTION_DEFINITIONS,
            rows_used=lambda result: int(result.ledger.rows),
        ),
    )


def kind_named(name: str) -> ResultKind:
    """The kind called ``name``; an ``InputError`` lists the kinds for any other name.

    Examples
    --------
    >>> kind_named("forecast").settings.__name__
    'ForecastSettings'
    """
    for kind in result_kinds():
        if kind.name == name:
            return kind
    names = ", ".join(kind.name for kind in result_kinds())
    raise InputError(f"the result kinds are {names}; got {name!r}.")
