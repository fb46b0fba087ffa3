"""Cohort tables: an independent reference agrees on random order logs; hand-checked tiny
examples for every kind; right-censored cells are blank."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from cohort_reference import reference_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retention_xl import InputError
from retention_xl.cohorts import cohort_table

D = dt.date
PERIODS = ["D", "W", "M", "Q", "Y", "7D", "30D"]


@st.composite
def order_logs(draw: st.DrawFn) -> dict[str, object]:
    text_ids = draw(st.booleans())
    pool = ["anna", "B-7", "007", "7", "zoë", "x"] if text_ids else [1, 2, 3, 7, 40, 41]
    n = draw(st.integers(1, 40))
    start = draw(st.dates(min_value=D(2019, 1, 1), max_value=D(2024, 12, 31)))
    spread = draw(st.sampled_from([3, 40, 400, 1500]))
    dates = [start + dt.timedelta(days=draw(st.integers(0, spread))) for _ in range(n)]
    with_amounts = draw(st.booleans())
    amounts = [draw(st.sampled_from([0.0, 10.0, 25.5, 99.0, -10.0, -3.25])) for _ in range(n)]
    last = max(dates)
    as_of = draw(
        st.one_of(
            st.none(),
            st.sampled_from(
                [
                    last,
                    last + dt.timedelta(days=1),
                    last + dt.timedelta(days=45),
                    min(dates) + dt.timedelta(days=spread // 2),
                    period_end_guess(last),
                ]
            ),
        )
    )
    return {
        "ids": [draw(st.sampled_from(pool)) for _ in range(n)],
        "dates": dates,
        "amounts": amounts if with_amounts else None,
        "as_of": as_of,
    }


def period_end_guess(day: dt.date) -> dt.date:
    """The last day of ``day``'s month: as_of exactly on a period boundary."""
    following = D(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _same(engine: np.ndarray, expected: list[list[float | None]]) -> bool:
    if engine.shape != (len(expected), len(expected[0]) if expected else 0):
        return False
    for row, want_row in zip(engine.tolist(), expected, strict=True):
        for got, want in zip(row, want_row, strict=True):
            if want is None:
                if not np.isnan(got):
                    return False
            elif np.isnan(got) or abs(got - want) > 1e-9 * max(1.0, abs(want)):
                return False
    return True


@pytest.mark.slow  # ~1 s: hypothesis order logs against the plain-Python reference
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    log=order_logs(),
    period=st.sampled_from(PERIODS),
    kind=st.sampled_from(["on", "on_or_after", "rolling"]),
    value=st.sampled_from(["customers", "retention", "revenue", "revenue_per_customer"]),
    include_incomplete=st.booleans(),
)
def test_engine_agrees_with_the_reference(
    log: dict, period: str, kind: str, value: str, include_incomplete: bool
) -> None:
    if log["amounts"] is None and value.startswith("revenue"):
        value = "retention"
    options = {
        "period": period,
        "kind": kind,
        "value": value,
        "as_of": log["as_of"],
        "include_incomplete": include_incomplete,
    }
    orders = (log["ids"], log["dates"], log["amounts"])
    want = reference_table(*orders, **options)
    got = cohort_table(*orders, **options)
    assert got.labels == want["labels"]
    assert got.sizes.tolist() == want["sizes"]
    assert _same(got.values, want["values"]), (got.values, want["values"])


# A tiny shop, checked by hand. as_of 2024-04-30: January … April are complete.
#   anna: Jan 5, Feb 2, Apr 9          -> January cohort, active at offsets 0, 1, 3
#   ben:  Jan 20, Mar 3                -> January cohort, active at offsets 0, 2
#   cleo: Feb 10, Feb 11, Mar 30       -> February cohort, active at 0, 1
#   dan:  Mar 15                       -> March cohort, active at 0
IDS = ["anna", "ben", "anna", "cleo", "cleo", "ben", "cleo", "dan", "anna"]
DATES = [
    D(2024, 1, 5),
    D(2024, 1, 20),
    D(2024, 2, 2),
    D(2024, 2, 10),
    D(2024, 2, 11),
    D(2024, 3, 3),
    D(2024, 3, 30),
    D(2024, 3, 15),
    D(2024, 4, 9),
]
AMOUNTS = [10.0, 20.0, 30.0, 5.0, 5.0, 40.0, -5.0, 50.0, 15.0]
N = np.nan


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        # on: Jan row = 2 of 2 at 0, anna at 1, ben at 2, anna at 3; Feb: cleo at 0 and 1
        ("on", [[2, 1, 1, 1], [1, 1, 0, N], [1, 0, N, N], [N, N, N, N]]),  # April: nobody started
        # on_or_after: Jan at 1 = anna (later 3) and ben (later 2) = 2; at 2 both; at 3 anna
        (
            "on_or_after",
            [[2, 2, 2, 1], [1, 1, 0, N], [1, 0, N, N], [N, N, N, N]],
        ),  # April: nobody started
        # rolling: Jan at 1 = anna only; at 2 anna lacks offset 2, ben lacks 1: nobody
        (
            "rolling",
            [[2, 1, 0, 0], [1, 1, 0, N], [1, 0, N, N], [N, N, N, N]],
        ),  # April: nobody started
    ],
)
def test_hand_checked_customers_per_kind(kind: str, expected: list[list[float]]) -> None:
    table = cohort_table(IDS, DATES, period="M", kind=kind, value="customers", as_of=D(2024, 4, 30))
    assert table.labels == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert table.sizes.tolist() == [2, 1, 1, 0]
    np.testing.assert_array_equal(table.values, expected)


def test_hand_checked_retention_and_averages() -> None:
    table = cohort_table(IDS, DATES, as_of=D(2024, 4, 30))
    # hand: Jan row 2/2, 1/2, 1/2, 1/2; Feb 1/1, 1/1, 0/1; Mar 1/1, 0/1
    np.testing.assert_allclose(table.values[:3], [[1, 0.5, 0.5, 0.5], [1, 1, 0, N], [1, 0, N, N]])
    # weighted over observed cells: k=1 (1 + 1 + 0) / (2 + 1 + 1) = 0.5; k=2 (1+0)/(2+1)
    np.testing.assert_allclose(table.weighted_average, [1, 0.5, 1 / 3, 0.5])
    # unweighted: k=1 mean(0.5, 1, 0) = 0.5; k=2 mean(0.5, 0) = 0.25
    np.testing.assert_allclose(table.unweighted_average, [1, 0.5, 0.25, 0.5])


def test_hand_checked_revenue_with_a_refund() -> None:
    table = cohort_table(IDS, DATES, AMOUNTS, value="revenue", as_of=D(2024, 4, 30))
    # Jan cohort: offset 0 = 10 + 20, 1 = 30, 2 = 40, 3 = 15; Feb: 5 + 5, then -5 refund
    np.testing.assert_allclose(table.values[:3], [[30, 30, 40, 15], [10, -5, 0, N], [50, 0, N, N]])
    per_customer = cohort_table(
        IDS, DATES, AMOUNTS, value="revenue_per_customer", as_of=D(2024, 4, 30)
    )
    # cumulative / size: Jan 30/2, 60/2, 100/2, 115/2; Feb 10, 5, 5
    np.testing.assert_allclose(per_customer.values[:2], [[15, 30, 50, 57.5], [10, 5, 5, N]])


def test_refund_alone_does_not_make_a_customer_active() -> None:
    table = cohort_table(
        ["a", "a"],
        [D(2024, 1, 5), D(2024, 2, 5)],
        [10.0, -10.0],
        value="customers",
        as_of=D(2024, 2, 29),
    )
    np.testing.assert_array_equal(table.values, [[1, 0], [N, N]])  # hand: a bought in Jan only


def test_refund_before_any_purchase_is_reported_not_dropped() -> None:
    table = cohort_table(
        ["a", "b"], [D(2024, 1, 5), D(2024, 1, 6)], [10.0, -4.0], as_of=D(2024, 1, 31)
    )
    assert table.unplaced_refunds == 1 and table.unplaced_refund_amount == -4.0


def test_current_month_is_blank_not_zero() -> None:
    # as_of 2024-03-15: March is incomplete, so January's offset 2 is unobserved
    table = cohort_table(
        ["a", "a"], [D(2024, 1, 5), D(2024, 3, 1)], value="customers", as_of=D(2024, 3, 15)
    )
    assert table.labels == ["2024-01", "2024-02"]
    np.testing.assert_array_equal(table.values, [[1, 0], [N, N]])
    assert table.orders_unobserved == 1  # the March order is counted, not dropped
    with_current = cohort_table(
        ["a", "a"],
        [D(2024, 1, 5), D(2024, 3, 1)],
        value="customers",
        as_of=D(2024, 3, 15),
        include_incomplete=True,
    )
    np.testing.assert_array_equal(with_current.values[0], [1, 0, 1])


def test_orders_on_the_as_of_boundary() -> None:
    # as_of is the last day of February: February is complete and the Feb-29 order counts;
    # the March-1 order lies after as_of and is reported
    table = cohort_table(
        ["a", "a", "a"],
        [D(2024, 1, 5), D(2024, 2, 29), D(2024, 3, 1)],
        value="customers",
        as_of=D(2024, 2, 29),
    )
    np.testing.assert_array_equal(table.values, [[1, 1], [N, N]])
    assert table.orders_after_as_of == 1 and table.orders_used == 2


def test_iso_weeks_start_on_monday_and_cross_the_year() -> None:
    # 2024-12-30 is the Monday of ISO week 2025-W01; 2024-12-29 is a Sunday in 2024-W52
    table = cohort_table(
        ["a", "b"], [D(2024, 12, 29), D(2024, 12, 30)], period="W", as_of=D(2025, 1, 5)
    )
    assert table.labels == ["2024-W52", "2025-W01"]


def test_rolling_windows_count_from_each_customers_first_order() -> None:
    # 30-day windows: a buys day 0 and day 29 (same window 0), b buys day 10 and day 40 (its
    # window 1, since 40 - 10 = 30); as_of day 120
    start = D(2024, 1, 1)
    days = [0, 29, 10, 40]
    table = cohort_table(
        ["a", "a", "b", "b"],
        [start + dt.timedelta(d) for d in days],
        period="30D",
        value="customers",
        as_of=start + dt.timedelta(120),
    )
    assert table.labels == ["2024-01-01", "2024-01-31", "2024-03-01"]
    # window 0 ends day 29; offsets k observed while 29 + 30(k+1) - 1 <= 120: k = 0, 1, 2
    np.testing.assert_array_equal(table.values[0], [2, 1, 0])


def test_ids_compare_as_excel_shows_them() -> None:
    # "007" (text) and 7 differ; 7, 7.0 and the text "7" are the same customer, as in Excel
    ids = ["007", 7, 7.0, "7"]
    table = cohort_table(
        ids, [D(2024, 1, d) for d in (1, 2, 3, 4)], value="customers", as_of=D(2024, 1, 31)
    )
    assert table.sizes.tolist() == [2]


def test_excel_serial_dates_and_datetime64_agree() -> None:
    serials = [45296.0, 45327.5]  # 2024-01-05 and 2024-02-05 (12:00)
    as64 = np.array(["2024-01-05", "2024-02-05"], dtype="datetime64[D]")
    a = cohort_table(["a", "a"], serials, as_of="2024-02-29")
    b = cohort_table(["a", "a"], as64, as_of=np.datetime64("2024-02-29"))
    np.testing.assert_array_equal(a.values, b.values)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "sometimes"}, "kind must be one of"),
        ({"value": "orders"}, "value must be one of"),
        ({"period": "fortnight"}, "period must be"),
        ({"value": "revenue"}, "needs amounts"),
        ({"as_of": "yesterday"}, "as_of must be a date"),
    ],
)
def test_bad_options_are_named(kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        cohort_table(["a"], [D(2024, 1, 1)], **kwargs)


def test_bad_rows_name_their_position() -> None:
    with pytest.raises(InputError, match="element 1 is missing"):
        cohort_table(["a", None], [D(2024, 1, 1), D(2024, 1, 2)])
    with pytest.raises(InputError, match="element 1"):
        cohort_table(["a", "b"], [D(2024, 1, 1), None])
    with pytest.raises(InputError, match="2 values but order_dates has 1"):
        cohort_table(["a", "b"], [D(2024, 1, 1)])


def test_inputs_are_not_mutated() -> None:
    ids = np.array(["a", "b", "a"])
    dates = np.array(["2024-01-01", "2024-01-02", "2024-02-01"], dtype="datetime64[D]")
    amounts = np.array([1.0, -2.0, 3.0])
    copies = (ids.copy(), dates.copy(), amounts.copy())
    cohort_table(ids, dates, amounts, value="revenue")
    for original, copy in zip((ids, dates, amounts), copies, strict=True):
        np.testing.assert_array_equal(original, copy)


@pytest.mark.parametrize("period", ["M", "7D"])
def test_only_refunds_give_an_empty_table(period: str) -> None:
    # a refund never starts a cohort (found by the reference test for rolling windows)
    table = cohort_table([1], [D(2019, 1, 1)], [-10.0], period=period)
    assert table.labels == [] and table.values.shape == (0, 0)
    assert table.unplaced_refunds == 1


def test_compact_text_dates_read_as_dates_everywhere() -> None:
    # issue 15 item 10: "20150201" and "202401" gave an OverflowError traceback (numpy read
    # them as the years 20150201 and 202401); they are YYYYMMDD and YYYYMM
    from retention_xl.models import rfm_summary
    from retention_xl.subscriptions import mrr_movements

    table = cohort_table(["a", "b", "a"], ["20240105", "20240120", "202402"], as_of="20240229")
    assert table.labels == ["2024-01", "2024-02"]  # hand: a and b start in January
    assert table.values[0].tolist() == [1.0, 0.5]  # hand: a is back on 2024-02-01
    summary = rfm_summary(["a", "a"], ["20240101", "20240108"], as_of="20240115", unit="D")
    assert summary.recency.tolist() == [7.0]  # hand: 8 January − 1 January
    assert mrr_movements(["a"], ["202401"], [5]).labels == ["2024-01"]


@pytest.mark.parametrize("dates", [["0024-06-27"], ["20150201x"], ["99999-01-01"]])
def test_dates_that_cannot_be_right_are_refused_with_the_usual_message(dates: list[str]) -> None:
    with pytest.raises(InputError, match="order_dates"):
        cohort_table(["a"], dates)
