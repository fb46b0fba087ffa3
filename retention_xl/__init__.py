"""retention_xl: customer-retention analytics for Excel.

The core API is plain numpy: every KPI of the retention guides as a function (see
:mod:`retention_xl.kpis`). Importing this package loads neither xlwings nor openpyxl; the
Excel functions live in :mod:`retention_xl.udfs`, the results in
:mod:`retention_xl.results`, the workbooks that render them in :mod:`retention_xl.workbook`,
the registry of result kinds in :mod:`retention_xl.kinds`, batch filling in
:mod:`retention_xl.batch`. Options travel as settings objects (``ReadSettings``,
``CohortSpec``, ``engines.EngineSettings``, ``models.ForecastSettings`` …).

Examples
--------
>>> import retention_xl as rx
>>> rx.retention_rate(1000, 1100, 500)
0.6
"""

from __future__ import annotations

from .batch import FillResult, fill_many, fill_workbook
from .cohorts import CohortSpec, CohortTable, cohort_table
from .definitions import DEFINITIONS, Definition, Parameter
from .errors import DataError, InputError, TemplateError
from .io import Orders, ReadReport, ReadSettings, read_orders
from .kpis import (
    active_customers,
    arpc,
    average_order_value,
    churn_rate,
    clv,
    clv_subscription,
    loyal_customer_rate,
    net_revenue_churn,
    purchase_frequency,
    repeat_customer_rate,
    retention_budget_share,
    retention_rate,
    revenue_churn,
)
from .subscriptions import (
    gross_revenue_retention,
    mrr_movements,
    net_revenue_retention,
    quick_ratio,
)

__version__ = "0.1.0"

__all__ = [
    "DEFINITIONS",
    "CohortSpec",
    "CohortTable",
    "DataError",
    "Definition",
    "FillResult",
    "InputError",
    "Orders",
    "Parameter",
    "ReadReport",
    "ReadSettings",
    "TemplateError",
    "__version__",
    "active_customers",
    "arpc",
    "average_order_value",
    "churn_rate",
    "clv",
    "clv_subscription",
    "cohort_table",
    "fill_many",
    "fill_workbook",
    "gross_revenue_retention",
    "loyal_customer_rate",
    "mrr_movements",
    "net_revenue_churn",
    "net_revenue_retention",
    "purchase_frequency",
    "quick_ratio",
    "read_orders",
    "repeat_customer_rate",
    "retention_budget_share",
    "retention_rate",
    "revenue_churn",
]
