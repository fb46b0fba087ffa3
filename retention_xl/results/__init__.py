"""Results: what every workbook and command shows, computed from orders or files.

One idea: for each result kind one module that computes the result — from orders in memory
(``*_result(orders, settings)``) or from files on an engine (``*_from_files(path, by,
settings, *, read, engine)``, one result per segment) — so the workbooks only render a
result they are given, and a command or batch only chooses which. Imports
:mod:`retention_xl.io`, :mod:`retention_xl.engines` and the core packages; never openpyxl.

API
---
CohortResult, cohort_result, cohort_results_from_files, summary_values
    the triangle, its order totals and summary KPIs (:mod:`.cohorts`).
KpiSettings, KpiResult, kpi_result, kpi_values
    the KPI calculator's inputs that orders tell (:mod:`.kpis`).
forecast_result, forecast_results_from_files
    :class:`~retention_xl.models.forecast.Forecast` of orders or files (:mod:`.forecast`).
SubscriptionSettings, SubscriptionBook, subscription_result, subscription_book,
subscription_books_from_files
    the ledger and its movement table, revenue cohorts and customer months
    (:mod:`.subscriptions`).
"""

from __future__ import annotations

from .cohorts import CohortResult, cohort_result, cohort_results_from_files, summary_values
from .forecast import forecast_result, forecast_results_from_files
from .kpis import KpiResult, KpiSettings, kpi_result, kpi_values
from .subscriptions import (
    SubscriptionBook,
    SubscriptionSettings,
    subscription_book,
    subscription_books_from_files,
    subscription_result,
)

__all__ = [
    "CohortResult",
    "KpiResult",
    "KpiSettings",
    "SubscriptionBook",
    "SubscriptionSettings",
    "cohort_result",
    "cohort_results_from_files",
    "forecast_result",
    "forecast_results_from_files",
    "kpi_result",
    "kpi_values",
    "subscription_book",
    "subscription_books_from_files",
    "subscription_result",
    "summary_values",
]
