"""The KPI result: the inputs of the KPI calculator that orders can tell.

One idea: from orders to the KPI sheet's order-based inputs (customers, returning
customers, orders, revenue, the customer list) under :class:`KpiSettings`; the workbook
writes them into its input cells and its formulas compute the KPIs. Imports numpy and
:mod:`retention_xl.io`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..cohorts import as_of_day
from ..errors import InputError
from ..io import Orders
from ..settings import Settings

__all__ = ["KpiResult", "KpiSettings", "kpi_result", "kpi_values"]


@dataclass(frozen=True)
class KpiSettings(Settings):
    """The KPI sheet's settings: ``as_of`` (default the last order) and the active-customer
    window in days.

    Examples
    --------
    >>> KpiSettings(window_days=0)
    Traceback (most recent call last):
    ...
    retention_xl.errors.InputError: window_days must be a whole number of days ≥ 1; got 0.
    """

    what: ClassVar[str] = "KPI setting"

    as_of: Any = None
    window_days: int = 90

    def __post_init__(self) -> None:
        days = self.window_days
        if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 1:
            raise InputError(f"window_days must be a whole number of days ≥ 1; got {days!r}.")
        if self.as_of is not None:
            as_of_day(self.as_of, 0)  # refuse what is no date now, not when writing


@dataclass(frozen=True)
class KpiResult:
    """The input values of the KPI sheet by key (see the workbook's ``INPUTS``)."""

    values: dict[str, Any]


def kpi_values(orders: Orders, settings: KpiSettings | None = None) -> dict[str, Any]:
    """The KPI sheet's order-based inputs computed from orders (up to ``as_of``).

    Fills customers (distinct buyers), returning customers (2+ purchases), orders
    (purchases; refund rows are not orders), revenue (net of refunds), ``as_of`` (default the
    last order date), the window and the customer list (orders and last purchase per
    customer). Inputs that orders cannot tell — customers at the start and end of a period,
    MRR figures, margins, costs — stay blank, and so do the KPIs that need them.

    Examples
    --------
    >>> from retention_xl.io import orders_from_cells
    >>> values = kpi_values(orders_from_cells(["a", "a", "b"],
    ...                                       ["2024-01-05", "2024-02-02", "2024-01-20"],
    ...                                       None))
    >>> values["customers"], values["returning_customers"], values["orders"]
    (2, 1, 3)
    """
    chosen = settings or KpiSettings()
    days = orders.order_dates.astype("datetime64[D]")
    given = chosen.as_of
    end = days.max() if given is None else np.datetime64(as_of_day(given, 0), "D")
    seen = days <= end
    purchase = seen if orders.amounts is None else seen & (orders.amounts >= 0)
    ids, inverse, counts = np.unique(
        orders.customer_ids[purchase], return_inverse=True, return_counts=True
    )
    last = np.full(ids.size, np.datetime64("NaT"), dtype="datetime64[D]")
    order = np.argsort(days[purchase], kind="stable")
    last[inverse[order]] = days[purchase][order]  # later dates overwrite earlier ones
    values: dict[str, Any] = {
        "customers": int(ids.size),
        "returning_customers": int((counts >= 2).sum()),
        "orders": int(purchase.sum()),
        "as_of": end.astype(object),
        "window_days": int(chosen.window_days),
        "min_orders": 2,
        "list:customer": [str(i) for i in ids.tolist()],
        "list:orders": counts.tolist(),
        "list:last_order": last.astype(object).tolist(),
    }
    if orders.amounts is not None:
        values["revenue"] = max(float(orders.amounts[seen].sum()), 0.0)
    return values


def kpi_result(orders: Orders, settings: KpiSettings | None = None) -> KpiResult:
    """:func:`kpi_values` of orders in memory as a result (refusing no orders)."""
    if len(orders) == 0:
        raise InputError(f"{orders.report.source}: no orders to fill the workbook with.")
    return KpiResult(kpi_values(orders, settings))
