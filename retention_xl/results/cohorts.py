"""The cohort result: the triangle, the totals its summary needs and where the orders came from.

One idea: compute what a cohort workbook shows — from orders in memory
(:func:`cohort_result`) or from files on an engine (:func:`cohort_results_from_files`) —
into one :class:`CohortResult`; the workbook only lays it out. Imports
:mod:`retention_xl.cohorts`, :mod:`retention_xl.kpis`, :mod:`retention_xl.io` and
:mod:`retention_xl.engines`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import kpis
from ..cohorts import CohortSpec, CohortTable
from ..engines import EngineReport, EngineSettings, segment_cohort_tables
from ..engines import cohort_table_from_files as table_of_files
from ..engines.numpy import order_totals
from ..engines.report import OrderTotals
from ..errors import InputError, TemplateError
from ..io import Orders, ReadSettings

__all__ = [
    "MAX_PERIODS",
    "SUMMARY_KEYS",
    "CohortResult",
    "LiveCohorts",
    "check_span",
    "cohort_result",
    "cohort_results_from_files",
    "live_cohorts",
    "summary_values",
]

#: The widest triangle a sheet takes: Excel's 16,384 columns less the cohort and size.
MAX_PERIODS = 16_384 - 2
#: The summary KPIs of a cohort analysis, in the order a sheet shows them.
SUMMARY_KEYS: tuple[str, ...] = (
    "customers",
    "cohorts",
    "retention_1",
    "retention_3",
    "retention_6",
    "retention_12",
    "repeat_customer_rate",
    "average_order_value",
    "purchase_frequency",
)


@dataclass(frozen=True)
class CohortResult:
    """What a cohort workbook shows: the triangle, the order totals up to its ``as_of``,
    the name of the data and its rejected rows, and the orders themselves when they are in
    memory (an engine's result has none: the workbook then has no Orders sheet rows)."""

    table: CohortTable
    totals: OrderTotals
    source: str
    rows_rejected: int = 0
    orders: Orders | None = None

    @property
    def summary(self) -> dict[str, float | None]:
        """The summary KPIs (:func:`summary_values`)."""
        return summary_values(self.table, self.totals)


def summary_values(table: CohortTable, totals: OrderTotals) -> dict[str, float | None]:
    """The KPI summary of a cohort analysis, computed with the numpy core.

    Cohort sizes, retention after 1, 3, 6 and 12 periods (the weighted average row), and
    over all orders up to ``as_of``: repeat-customer rate (customers with at least two
    purchases / customers), average order value (net revenue / purchases) and purchase
    frequency (purchases / customers). Refund rows are not purchases. A KPI that cannot be
    told (retention of a value table, a period not yet observed, no amounts) is left out or
    None; NaN and inf become None.

    Examples
    --------
    >>> from retention_xl.cohorts import cohort_table
    >>> t = cohort_table(["a", "a", "b"], ["2024-01-05", "2024-02-02", "2024-01-20"],
    ...                  as_of="2024-02-29")
    >>> summary_values(t, OrderTotals(2, 1, 3, None))["repeat_customer_rate"]
    0.5
    """
    values: dict[str, float | None] = {
        "customers": float(table.sizes.sum()),
        "cohorts": float(len(table.labels)),
    }
    if table.value == "retention":
        for k in (1, 3, 6, 12):
            observed = k < table.weighted_average.size
            values[f"retention_{k}"] = float(table.weighted_average[k]) if observed else None
    customers, purchases = totals.customers, totals.purchases
    values["repeat_customer_rate"] = float(
        kpis.repeat_customer_rate(totals.repeat_customers, customers)
    )
    if totals.revenue is not None:
        net = max(totals.revenue, 0.0)
        values["average_order_value"] = float(kpis.average_order_value(net, purchases))
    values["purchase_frequency"] = float(kpis.purchase_frequency(purchases, customers))
    return {k: v if v is None or np.isfinite(v) else None for k, v in values.items()}


def check_span(orders: Orders, spec: CohortSpec) -> None:
    """Refuse, before any computing, a triangle wider than Excel's columns."""
    unit = spec.period
    days = orders.order_dates.astype("datetime64[D]").astype(np.int64)
    low, high = int(days.min()), int(days.max())
    if unit.rolling:
        span = (high - low) // unit.days + 1
    else:
        span = int(unit.index(np.array([high]))[0] - unit.index(np.array([low]))[0]) + 1
    if span > MAX_PERIODS:
        raise TemplateError(
            f"the orders span {span:,} periods of {unit.code!r}, more than Excel's "
            f"{MAX_PERIODS + 2:,} columns; choose a longer period (W or M instead of D)."
        )


def cohort_result(orders: Orders, spec: CohortSpec | None = None) -> CohortResult:
    """The cohort result of orders in memory.

    Examples
    --------
    >>> from retention_xl.io import orders_from_cells
    >>> orders = orders_from_cells(["a", "a", "b"], ["2024-01-05", "2024-02-02", "2024-01-20"],
    ...                            None)
    >>> result = cohort_result(orders, CohortSpec.of(as_of="2024-02-29"))
    >>> result.table.values.tolist(), result.totals.repeat_customers
    ([[1.0, 0.5], [nan, nan]], 1)
    """
    chosen = spec or CohortSpec.of()
    if len(orders) == 0:
        raise InputError(f"{orders.report.source}: no orders to build cohorts from.")
    check_span(orders, chosen)
    table = chosen.table(orders.customer_codes, orders.order_dates, orders.amounts)
    days = orders.order_dates.astype("datetime64[D]").astype(np.int64)
    end = int(np.datetime64(table.as_of, "D").astype(np.int64))
    totals = order_totals(orders.customer_codes, days, orders.amounts, end)
    source = Path(orders.report.source).name
    return CohortResult(table, totals, source, orders.report.rows_rejected, orders)


def cohort_results_from_files(
    path: Any,
    by: str | None,
    spec: CohortSpec | None = None,
    *,
    read: ReadSettings | None = None,
    engine: EngineSettings | None = None,
) -> tuple[dict[str, CohortResult], EngineReport]:
    """The cohort results of files on an engine, one per value of ``by`` (key ``""``
    without); the workbooks then hold the triangle and summary without the orders."""
    name = Path(str(path)).name
    if by is None:
        table, report = table_of_files(path, spec, read=read, engine=engine)
        return {"": CohortResult(table, report.totals[""], name)}, report
    tables, report = segment_cohort_tables(path, by, spec, read=read, engine=engine)
    results = {
        segment: CohortResult(table, report.totals[segment], f"{name} [{segment}]")
        for segment, table in tables.items()
    }
    return results, report


@dataclass(frozen=True)
class LiveCohorts:
    """The live cohort workbook's content: the orders for its Table, the conventions for
    its input cells (its formulas compute the triangle), and the cohorts the triangle has
    today."""

    orders: Orders
    spec: CohortSpec
    cohorts: int


def live_cohorts(orders: Orders, spec: CohortSpec | None = None) -> LiveCohorts:
    """What the live workbook shows of orders in memory (the count from the numpy core)."""
    chosen = spec or CohortSpec.of()
    return LiveCohorts(orders, chosen, len(cohort_result(orders, chosen).table.labels))
