"""One table of KPI cases: inputs, expected value and where the number comes from.

The same rows drive the core functions (test_kpis), the Excel functions (test_udfs) and the
Office.js call path (test_excel_call_path). Arguments are given in the definitions' order
under their parameter names; dates as ``datetime.date``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Case:
    function: str  # Excel name
    args: dict[str, Any]
    expected: float
    source: str

    @property
    def id(self) -> str:
        return f"{self.function}-{self.source.split(':')[0]}"


_D = dt.date
CASES = (
    Case(
        "RETENTION_RATE",
        {"customers_start": 1000, "customers_end": 1100, "new_customers": 500},
        0.60,
        "guide example: (1100 - 500) / 1000 (kpi-spec §1)",
    ),
    Case(
        "RETENTION_RATE",
        {"customers_start": 200, "customers_end": 210, "new_customers": 30, "reactivated": 10},
        0.85,
        "hand: (210 - 30 - 10) / 200 = 170 / 200",
    ),
    Case(
        "CHURN_RATE",
        {"customers_lost": 11, "customers_start": 100},
        0.11,
        "kpi-spec §1: lost 11 of 100",
    ),
    Case(
        "CHURN_RATE",
        {"customers_lost": 11, "customers_start": 100, "new_customers": 10},
        0.10,
        "start-plus-new convention, hand: 11 / (100 + 10)",
    ),
    Case(
        "REVENUE_CHURN", {"mrr_lost": 20, "mrr_start": 100}, 0.20, "kpi-spec §1 and §4: 20 of 100"
    ),
    Case(
        "NET_REVENUE_CHURN",
        {"mrr_churned": 10, "mrr_contraction": 10, "mrr_expansion": 10, "mrr_start": 100},
        0.10,
        "kpi-spec §1 and §4: (10 + 10 - 10) / 100",
    ),
    Case(
        "NET_REVENUE_CHURN",
        {
            "mrr_churned": 5,
            "mrr_contraction": 0,
            "mrr_expansion": 20,
            "mrr_start": 100,
            "mrr_reactivation": 5,
        },
        -0.20,
        "hand, net negative churn: (5 + 0 - 20 - 5) / 100",
    ),
    Case(
        "REPEAT_CUSTOMER_RATE",
        {"returning_customers": 3, "total_customers": 12},
        0.25,
        "kpi-spec §1: 3 of 12",
    ),
    Case(
        "LOYAL_CUSTOMER_RATE",
        {"orders_per_customer": [1, 1, 2, 5]},
        0.5,
        "kpi-spec §1: {1,1,2,5} -> 2 of 4 bought more than once",
    ),
    Case(
        "LOYAL_CUSTOMER_RATE",
        {"orders_per_customer": [1, 1, 2, 5], "min_orders": 5},
        0.25,
        "hand: only the 5 reaches 5 orders, 1 of 4",
    ),
    Case("AVERAGE_ORDER_VALUE", {"revenue": 5000, "orders": 100}, 50.0, "hand: 5000 / 100"),
    Case("PURCHASE_FREQUENCY", {"orders": 150, "customers": 60}, 2.5, "hand: 150 / 60"),
    Case("ARPC", {"revenue": 12000, "customers": 400}, 30.0, "hand: 12000 / 400"),
    Case(
        "ACTIVE_CUSTOMERS",
        {
            "last_order_dates": [_D(2024, 1, 5), _D(2024, 3, 20), _D(2024, 3, 31), _D(2024, 3, 1)],
            "as_of": _D(2024, 3, 31),
            "window_days": 30,
        },
        2.0,
        "hand: the 30-day window is 2024-03-02..03-31; 03-01 lies just outside",
    ),
    Case(
        "ACTIVE_CUSTOMERS",
        {
            "last_order_dates": [_D(2024, 1, 5), _D(2024, 3, 20), _D(2024, 4, 2)],
            "as_of": _D(2024, 3, 31),
        },
        2.0,
        "hand: 90-day default window from 2024-01-02; 04-02 is after as_of",
    ),
    Case(
        "CLV",
        {"average_order_value": 50, "purchases_per_customer": 4, "acquisition_cost": 30},
        170.0,
        "kpi-spec §1: 50 x 4 - 30",
    ),
    Case(
        "CLV",
        {
            "average_order_value": 50,
            "purchases_per_customer": 4,
            "acquisition_cost": 30,
            "gross_margin": 0.4,
        },
        50.0,
        "hand: 50 x 4 x 0.4 - 30",
    ),
    Case(
        "CLV_SUBSCRIPTION",
        {"arpa": 100, "churn_rate": 0.05},
        2000.0,
        "kpi-spec §1: ARPA 100 / churn 0.05",
    ),
    Case(
        "CLV_SUBSCRIPTION",
        {"arpa": 100, "churn_rate": 0.05, "gross_margin": 0.8, "discount_rate": 0.01},
        0.8 * 100 * 1.01 / 0.06,
        "hand: start-of-period payments, sum_t 80 (0.95/1.01)^t = 80 x 1.01 / 0.06",
    ),
    Case("RETENTION_BUDGET_SHARE", {"sales": 3, "per": "week"}, 0.15, "kpi-spec §1: 3 per week"),
    Case("RETENTION_BUDGET_SHARE", {"sales": 1}, 0.30, "guide band 'about 1 a day'"),
    Case(
        "RETENTION_BUDGET_SHARE",
        {"sales": 10},
        0.50,
        "guide band 'about 10 a day' (boundary 10/day belongs to it)",
    ),
    Case("RETENTION_BUDGET_SHARE", {"sales": 11}, 0.60, "guide band 'more than 10 a day'"),
)
