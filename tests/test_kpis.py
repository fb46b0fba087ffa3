"""The core KPI functions: worked examples, conventions, undefined results and bad input."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from cases import CASES, Case

import retention_xl as rx
from retention_xl.definitions import by_name


def _core_args(case: Case) -> dict[str, object]:
    definition = by_name(case.function)
    args = dict(case.args)
    for param in definition.params:
        if param.kind in ("date", "dates") and param.name in args:
            args[param.name] = np.array(args[param.name], dtype="datetime64[D]")
    return args


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_core_function_reproduces_the_worked_example(case: Case) -> None:
    result = by_name(case.function).function(**_core_args(case))
    assert isinstance(result, float)
    assert result == pytest.approx(case.expected, rel=1e-12)


def test_retention_rate_guide_example_is_60_percent() -> None:
    # kpi-spec §1, guide example: S=1000, E=1100, N=500 -> (1100 - 500) / 1000
    assert rx.retention_rate(1000, 1100, 500) == pytest.approx(0.60)


def test_arrays_broadcast_elementwise() -> None:
    # hand: (1100-500)/1000, (1100-500)/800 = 0.75, (1100-500)/600 = 1.0
    result = rx.retention_rate([1000, 800, 600], 1100, 500)
    np.testing.assert_allclose(result, [0.6, 0.75, 1.0])
    column_by_row = rx.churn_rate([[10], [20]], [100, 200])
    np.testing.assert_allclose(column_by_row, [[0.1, 0.05], [0.2, 0.1]])  # hand: lost / start


@pytest.mark.parametrize(
    ("function", "args"),
    [
        (rx.retention_rate, (0, 0, 0)),
        (rx.churn_rate, (0, 0)),
        (rx.revenue_churn, (0, 0)),
        (rx.net_revenue_churn, (0, 0, 0, 0)),
        (rx.repeat_customer_rate, (0, 0)),
        (rx.average_order_value, (0, 0)),
        (rx.purchase_frequency, (0, 0)),
        (rx.arpc, (0, 0)),
        (rx.clv_subscription, (100, 0)),
        (rx.loyal_customer_rate, ([],)),
    ],
)
def test_zero_denominator_is_nan_without_a_warning(function, args) -> None:  # type: ignore[no-untyped-def]
    # pytest runs with warnings as errors: a RuntimeWarning would fail this test
    assert np.isnan(function(*args))


def test_nan_input_propagates_to_nan() -> None:
    result = rx.retention_rate([1000, np.nan], 1100, 500)
    assert result[0] == pytest.approx(0.6) and np.isnan(result[1])


@pytest.mark.parametrize(
    ("call", "names"),
    [
        (lambda: rx.retention_rate(-1, 10, 0), ("customers_start", "-1")),
        (lambda: rx.retention_rate(1000, 1600, 500), ("customers_end", "1600")),  # E-N > S
        (lambda: rx.retention_rate(1000, 400, 500), ("customers_end", "400")),  # E-N < 0
        (lambda: rx.churn_rate(120, 100), ("customers_lost", "120")),
        (lambda: rx.revenue_churn(120, 100), ("mrr_lost", "120")),
        (lambda: rx.net_revenue_churn(80, 30, 0, 100), ("mrr_churned", "80")),
        (lambda: rx.repeat_customer_rate(13, 12), ("returning_customers", "13")),
        (lambda: rx.loyal_customer_rate([1, -2]), ("orders_per_customer", "-2")),
        (lambda: rx.loyal_customer_rate([1, 2], 0), ("min_orders", "0")),
        (lambda: rx.clv(50, 4, 30, gross_margin=40), ("gross_margin", "40")),
        (lambda: rx.clv_subscription(100, 1.5), ("churn_rate", "1.5")),
        (lambda: rx.clv_subscription(100, 0.05, discount_rate=-0.1), ("discount_rate", "-0.1")),
        (lambda: rx.retention_budget_share(-1), ("sales", "-1")),
        (lambda: rx.retention_budget_share(1, per="fortnight"), ("per", "fortnight")),
        (lambda: rx.average_order_value(np.inf, 1), ("revenue", "inf")),
        (lambda: rx.arpc("many", 1), ("revenue", "many")),
        (
            lambda: rx.active_customers([dt.date(2024, 1, 1)], dt.date(2024, 2, 1), 0),
            ("window_days", "0"),
        ),
    ],
)
def test_invalid_values_raise_input_error_naming_argument_and_value(call, names) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(rx.InputError) as info:
        call()
    for name in names:
        assert name in str(info.value)


def test_input_error_is_a_value_error() -> None:
    assert issubclass(rx.InputError, ValueError)


def test_input_error_names_the_position_in_an_array() -> None:
    with pytest.raises(rx.InputError, match="position 2"):
        rx.churn_rate([1, 2, -3], 100)


@pytest.mark.parametrize(
    ("sales", "per", "share"),
    [
        # band boundaries chosen in kpis.retention_budget_share; each upper bound is inclusive
        (0, "week", 0.15),
        (5, "week", 0.15),  # "up to 5 a week"
        (5.01, "week", 0.30),
        (21, "week", 0.30),  # 3 a day
        (3, "day", 0.30),
        (3.01, "day", 0.50),
        (10, "day", 0.50),  # "about 10 a day"
        (10.01, "day", 0.60),  # "more than 10 a day"
        (70, "week", 0.50),
        (5 * 365.25 / 7 / 12, "month", 0.15),  # exactly 5 a week expressed per month
        (1 * 365.25, "Jahr", 0.30),  # one a day expressed per year, German unit
        (2, "Woche", 0.15),
    ],
)
def test_budget_share_band_boundaries(sales: float, per: str, share: float) -> None:
    assert rx.retention_budget_share(sales, per=per) == pytest.approx(share)


def test_active_customers_ignores_times_and_missing_dates() -> None:
    dates = [dt.datetime(2024, 3, 2, 23, 59), None, dt.datetime(2024, 3, 1, 0, 1)]
    # hand: the 30-day window ending 2024-03-31 starts 2024-03-02; the time of day is dropped
    assert rx.active_customers(dates, dt.datetime(2024, 3, 31, 8, 0), 30) == 1.0


def test_active_customers_over_several_as_of_dates() -> None:
    dates = np.array(["2024-01-15", "2024-02-15", "2024-03-15"], dtype="datetime64[D]")
    as_of = np.array(["2024-01-31", "2024-02-29", "2024-03-31"], dtype="datetime64[D]")
    # hand, 31-day windows: Jan-31 sees 01-15; Feb-29 sees 02-15; Mar-31 sees 03-15
    np.testing.assert_array_equal(rx.active_customers(dates, as_of, 31), [1.0, 1.0, 1.0])
    # hand, 90-day windows: 1, 2, 3 customers
    np.testing.assert_array_equal(rx.active_customers(dates, as_of, 90), [1.0, 2.0, 3.0])


def test_inputs_are_not_mutated() -> None:
    start = np.array([1000.0, 800.0])
    orders = np.array([5, 1, 2, 1])
    before = (start.copy(), orders.copy())
    rx.retention_rate(start, 1100, 500)
    rx.loyal_customer_rate(orders)
    np.testing.assert_array_equal(start, before[0])
    np.testing.assert_array_equal(orders, before[1])
