"""Call the engine doors and batch filling with flat keyword options, as the tests state
their cases (``engine="duckdb", kind="rolling", memory_limit="40MB"``): each keyword goes
into the settings object it belongs to, so a case table stays one flat dict per case.
The library itself takes only the settings objects; this is a test helper, and a keyword
that belongs to no settings object is a TypeError here, as it would be in the library."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from retention_xl.cohorts import CohortSpec
from retention_xl.engines import EngineSettings
from retention_xl.io import ReadSettings
from retention_xl.models import ForecastSettings
from retention_xl.subscriptions import BillingSettings, SubscriptionConventions

READ = (
    "customer_col", "date_col", "amount_col", "require_amount", "preset", "order_col", "sheet",
    "delimiter", "decimal", "encoding", "date_format", "on_error", "lang",
)  # fmt: skip
ENGINE = ("engine", "memory_limit", "temp_directory", "threads", "scheduler", "workers")
SPEC = ("period", "kind", "value", "as_of", "include_incomplete")
FORECAST = ("holdout", "horizon", "unit", "as_of", "gross_margin", "annual_discount_rate")
CONVENTIONS = (
    "period", "churn_denominator", "joined_and_left", "reactivation_gap", "zero_mrr",
    "gross_margin", "as_of",
)  # fmt: skip
BILLING = ("customer_col", "period_col", "mrr_col", "spread", "start_col", "end_col")

#: door -> (positional settings: (constructor, fields) or None, takes billing, keep as is)
DOORS: dict[
    str, tuple[tuple[Callable[..., Any], tuple[str, ...]] | None, bool, tuple[str, ...]]
] = {
    "cohort_table_from_files": ((CohortSpec.of, SPEC), False, ()),
    "segment_cohort_tables": ((CohortSpec.of, SPEC), False, ()),
    "rfm_summary_from_files": (None, False, ("as_of", "unit")),
    "forecast_from_files": ((ForecastSettings, FORECAST), False, ()),
    "segment_forecasts_from_files": ((ForecastSettings, FORECAST), False, ("keep_going",)),
    "mrr_movements_from_files": ((SubscriptionConventions, CONVENTIONS), True, ()),
    "ledger_from_files": (None, True, ()),
    "segment_ledgers_from_files": (None, True, ()),
}


def _take(flat: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: flat.pop(name) for name in names if name in flat}


def flat_call(door: Callable[..., Any], *args: Any, **flat: Any) -> Any:
    """``door(*args, <settings built from flat>)``."""
    positional, billing, keep = DOORS[door.__name__]
    flat = dict(flat)
    extra: list[Any] = []
    if positional is not None:
        make, names = positional
        given = _take(flat, names)
        extra.append(make(**given) if given else None)
    options: dict[str, Any] = _take(flat, keep)
    if billing:
        service = flat.pop("service", None)
        columns = _take(flat, BILLING)
        if service is not None:
            columns.update(start_col=service[0], end_col=service[1])
        if columns:
            options["billing"] = BillingSettings(**columns)
    read = _take(flat, READ)
    if read:
        options["read"] = ReadSettings(**read)
    engine = _take(flat, ENGINE)
    if engine:
        options["engine"] = EngineSettings(**engine)
    if flat:
        raise TypeError(f"{door.__name__}: no settings take {sorted(flat)}")
    return door(*args, *extra, **options)


def _fill_settings(template: Any, flat: dict[str, Any]) -> Any:
    """The settings object of ``template`` from flat keywords (None when none given)."""
    from retention_xl.results import KpiSettings, SubscriptionSettings

    name = template if isinstance(template, str) else "cohorts"
    if name in ("cohorts", "live"):
        given = _take(flat, SPEC)
        return CohortSpec.of(**given) if given else None
    if name == "kpis":
        given = _take(flat, ("as_of", "window_days"))
        return KpiSettings(**given) if given else None
    if name == "forecast":
        given = _take(flat, FORECAST)
        return ForecastSettings(**given) if given else None
    conventions = _take(flat, CONVENTIONS)
    service = flat.pop("service", None)
    billing = _take(flat, ("spread",))
    if service is not None:
        billing.update(start_col=service[0], end_col=service[1])
    value = _take(flat, ("value",))
    if not (conventions or billing or value):
        return None
    return SubscriptionSettings(
        SubscriptionConventions(**conventions), BillingSettings(**billing), **value
    )


def flat_fill(fill: Callable[..., Any], *args: Any, **flat: Any) -> Any:
    """``fill_many`` or ``fill_workbook`` with flat keywords: the template's settings,
    ``live=True`` (the live template), ``read_options`` and ``engine``/``engine_options``."""
    flat = dict(flat)
    args_list = list(args)
    if fill.__name__ == "fill_workbook":
        template = args_list[1] if len(args_list) > 1 else flat.pop("template", "cohorts")
    else:
        template = flat.pop("template", "cohorts")
    if flat.pop("live", False):
        template = "live"
    if fill.__name__ == "fill_workbook" and len(args_list) > 1:
        args_list[1] = template
    else:
        flat["template"] = template
    settings = _fill_settings(template, flat)
    if settings is not None:
        flat["settings"] = settings
    read = dict(flat.pop("read_options", None) or {})
    read.pop("extra_dates", None)  # the subscriptions template reads its service columns
    if read:
        flat["read"] = ReadSettings(**read)
    engine = flat.pop("engine", None)
    options = {k: v for k, v in (flat.pop("engine_options", None) or {}).items() if v is not None}
    if engine is not None or options:
        flat["engine"] = EngineSettings(engine or "auto", **options)
    return fill(*args_list, **flat)
