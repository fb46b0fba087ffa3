"""Subscription revenue: MRR movements, NRR/GRR, quick ratio and revenue cohorts (kpi-spec §4).

One idea: a billing export becomes MRR per customer and month in whole cents
(:func:`ledger`, :func:`spread_ledger` for lines with a service period,
:func:`ledger_from_orders` for what the order reader returns), and from it the movement table
(:func:`mrr_movements`, :func:`movements_from_ledger`; additive :class:`MovementSums` per
group of customers, for engines that work part by part) and the revenue cohort table
(:func:`revenue_cohorts`), from the first month of the data to where the export ends
(``as_of``), with every convention the billing tools disagree on as an argument
(:mod:`.conventions`, where each default is documented). :func:`net_revenue_retention`,
:func:`gross_revenue_retention` and :func:`quick_ratio` are the elementwise KPIs behind the
Excel functions. Pure numpy; imports :mod:`retention_xl.cohorts`, :mod:`retention_xl.kpis`
(its validation helpers), :mod:`retention_xl.periods`, :mod:`retention_xl.ids`,
:mod:`retention_xl.dates` and :mod:`retention_xl.errors` — never the readers or workbooks.

Examples
--------
>>> from retention_xl.subscriptions import mrr_movements
>>> m = mrr_movements(["a", "b", "a"], ["2024-01", "2024-01", "2024-02"], [100, 50, 120])
>>> m.rows_table()[2][:8]
['2024-02', 150.0, 0.0, 20.0, 0.0, 50.0, 0.0, 120.0]
"""

from __future__ import annotations

from .command import (
    print_movements,
    run_subscriptions,
    subscription_movements,
    subscription_rows,
)
from .conventions import BillingSettings, SubscriptionConventions
from .ledger import Ledger, ledger, ledger_from_orders, ledger_of_cells, spread_ledger, to_cents
from .metrics import gross_revenue_retention, net_revenue_retention, quick_ratio
from .movements import (
    COLUMNS,
    MovementSums,
    MrrMovements,
    finish_movements,
    movement_sums,
    movements_from_ledger,
    mrr_movements,
)
from .revenue_cohorts import REVENUE_VALUES, RevenueCohortTable, revenue_cohorts

__all__ = [
    "COLUMNS",
    "REVENUE_VALUES",
    "BillingSettings",
    "Ledger",
    "MovementSums",
    "MrrMovements",
    "RevenueCohortTable",
    "SubscriptionConventions",
    "finish_movements",
    "gross_revenue_retention",
    "ledger",
    "ledger_from_orders",
    "ledger_of_cells",
    "movement_sums",
    "movements_from_ledger",
    "mrr_movements",
    "net_revenue_retention",
    "print_movements",
    "quick_ratio",
    "revenue_cohorts",
    "run_subscriptions",
    "spread_ledger",
    "subscription_movements",
    "subscription_rows",
    "to_cents",
]
