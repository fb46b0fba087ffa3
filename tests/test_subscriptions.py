"""Subscription revenue engine: kpi-spec §4's worked examples, one hand-computed case per
convention, the identity to the cent on random ledgers against an independent reference,
service-period spreading, and bad input."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from subscription_reference import reference_movements, reference_trailing

from retention_xl.errors import InputError
from retention_xl.subscriptions import (
    BillingSettings,
    SubscriptionConventions,
    gross_revenue_retention,
    ledger,
    ledger_from_orders,
    movements_from_ledger,
    mrr_movements,
    net_revenue_retention,
    quick_ratio,
    revenue_cohorts,
    spread_ledger,
    subscription_rows,
)
from retention_xl.subscriptions.movements import MONEY_COLUMNS


def _money(values: np.ndarray) -> list[float]:
    return (values / 100).tolist()  # type: ignore[no-any-return]


def _table(rows: Sequence[tuple[str, str, float]], **conventions: Any) -> Any:
    ids, periods, mrr = zip(*rows, strict=True)
    return mrr_movements(
        list(ids), list(periods), list(mrr), SubscriptionConventions(**conventions)
    )


def _assert_identity(m: Any) -> None:
    gained = m.mrr_start + m.new + m.reactivation + m.expansion
    np.testing.assert_array_equal(gained - m.contraction - m.churn, m.mrr_end)
    np.testing.assert_array_equal(m.mrr_start[1:], m.mrr_end[:-1])
    counted = m.customers_start + m.new_customers + m.reactivated_customers
    np.testing.assert_array_equal(counted - m.churned_customers, m.customers_end)


# --------------------------------------------------------------------------- kpi-spec §4
# The ledger behind the spec's example: MRR 100 at the start (a 40, b 30, c 20, d 10);
# in February a expands by 10, b contracts by 10, d (10) churns, c stays.
SPEC_LEDGER = [
    ("a", "2024-01", 40),
    ("b", "2024-01", 30),
    ("c", "2024-01", 20),
    ("d", "2024-01", 10),
    ("a", "2024-02", 50),
    ("b", "2024-02", 20),
    ("c", "2024-02", 20),
]


def test_spec_example_gross_churn_20_percent_net_10_percent() -> None:
    m = _table(SPEC_LEDGER)
    feb = 1
    # kpi-spec §4: start 100, churn 10, contraction 10, expansion 10 -> gross 0.20, net 0.10
    assert _money(m.mrr_start)[feb] == 100.0
    assert (_money(m.churn)[feb], _money(m.contraction)[feb], _money(m.expansion)[feb]) == (
        10.0,
        10.0,
        10.0,
    )
    assert m.gross_revenue_churn[feb] == pytest.approx(0.20)
    assert m.net_revenue_churn[feb] == pytest.approx(0.10)
    # NRR and GRR are the complements: (100 + 10 - 10 - 10) / 100 and (100 - 20) / 100
    assert m.nrr[feb] == pytest.approx(0.90)
    assert m.grr[feb] == pytest.approx(0.80)
    assert m.customer_churn_rate[feb] == pytest.approx(0.25)  # hand: d of a, b, c, d
    _assert_identity(m)


def test_spec_example_quick_ratio_is_3_5() -> None:
    # kpi-spec §4: new 20k, expansion 8k, churn 5k, contraction 3k -> (20 + 8) / (5 + 3)
    assert quick_ratio(20_000, 8_000, 3_000, 5_000) == pytest.approx(3.5)
    rows = [
        ("grow", "2024-01", 10_000),
        ("shrink", "2024-01", 10_000),
        ("leave", "2024-01", 5_000),
        ("grow", "2024-02", 18_000),  # expansion 8k
        ("shrink", "2024-02", 7_000),  # contraction 3k
        ("new", "2024-02", 20_000),  # new 20k; "leave" churns 5k
    ]
    m = _table(rows)
    assert m.quick_ratio[1] == pytest.approx(3.5)


def test_spec_metric_functions() -> None:
    # kpi-spec §4 numbers through the elementwise functions
    assert net_revenue_retention(100, 10, 10, 10) == pytest.approx(0.90)
    assert gross_revenue_retention(100, 10, 10) == pytest.approx(0.80)
    # hand: reactivation counts as gained: (20 + 8 + 4) / 8 = 4
    assert quick_ratio(20_000, 8_000, 3_000, 5_000, 4_000) == pytest.approx(4.0)
    # zero denominators are NaN without a warning (warnings are errors in this suite)
    assert np.isnan(net_revenue_retention(0, 0, 0, 0))
    assert np.isnan(quick_ratio(1, 1, 0, 0))
    np.testing.assert_allclose(  # broadcasting: hand (100 + 5 - 5) / 100, (50 + 5 - 5) / 50
        net_revenue_retention([100, 50], 5, 0, 5), [1.0, 1.0]
    )


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: net_revenue_retention(100, -1, 0, 0), "mrr_expansion"),
        (lambda: gross_revenue_retention(100, 60, 50), "mrr_churned"),  # 110 lost of 100
        (lambda: quick_ratio(1, 1, 1, float("inf")), "mrr_churned"),
    ],
)
def test_impossible_metric_inputs_name_the_argument(call: Any, name: str) -> None:
    with pytest.raises(InputError, match=name):
        call()


# --------------------------------------------------------------------------- conventions
def test_churn_denominator_start_start_plus_new_average() -> None:
    rows = [
        ("a", "2024-01", 100),
        ("b", "2024-01", 100),
        ("a", "2024-02", 100),  # b churns 100
        ("c", "2024-02", 50),  # c is new with 50
        ("d", "2024-02", 50),  # d is new with 50
    ]
    # hand, February: customers start 2, new 2, end 3, churned 1; MRR start 200, new 100,
    # end 200, churn 100
    start = _table(rows)
    assert start.customer_churn_rate[1] == pytest.approx(1 / 2)
    assert start.gross_revenue_churn[1] == pytest.approx(100 / 200)
    plus_new = _table(rows, churn_denominator="start_plus_new")
    assert plus_new.customer_churn_rate[1] == pytest.approx(1 / (2 + 2))
    assert plus_new.gross_revenue_churn[1] == pytest.approx(100 / (200 + 100))
    average = _table(rows, churn_denominator="average")
    assert average.customer_churn_rate[1] == pytest.approx(1 / ((2 + 3) / 2))
    assert average.gross_revenue_churn[1] == pytest.approx(100 / ((200 + 200) / 2))
    # NRR always divides by the start: (200 - 100) / 200
    for m in (start, plus_new, average):
        assert m.nrr[1] == pytest.approx(0.5)


def test_joined_and_left_within_a_quarter_count_or_ignore() -> None:
    rows = [
        ("a", "2024-03", 100),  # a customer at the end of Q1
        ("a", "2024-04", 100),
        ("a", "2024-05", 100),
        ("a", "2024-06", 100),
        ("b", "2024-05", 40),  # b joins in May and leaves in June: within Q2
    ]
    counted = _table(rows, period="Q")
    assert counted.labels == ["2024-Q1", "2024-Q2"]
    # hand, Q2: b is new with 40 (its first month) and churned with 40; end = a's 100
    assert _money(counted.new) == [100.0, 40.0]
    assert _money(counted.churn) == [0.0, 40.0]
    assert counted.new_customers.tolist() == [1, 1]
    assert counted.churned_customers.tolist() == [0, 1]
    assert _money(counted.mrr_end) == [100.0, 100.0]
    assert counted.nrr[1] == pytest.approx(1.0)  # a's 100 kept; b was not in the start
    assert counted.customer_churn_rate[1] == pytest.approx(1.0)  # 1 churned / 1 at start
    ignored = _table(rows, period="Q", joined_and_left="ignore")
    assert _money(ignored.new) == [100.0, 0.0]  # b never appears
    assert _money(ignored.churn) == [0.0, 0.0]
    assert ignored.churned_customers.tolist() == [0, 0]
    _assert_identity(counted)
    _assert_identity(ignored)


def test_reactivation_gap_decides_churn_or_continuing() -> None:
    rows = [("a", "2024-01", 100), ("a", "2024-03", 100), ("b", "2024-01", 50)]
    for month in ("2024-02", "2024-03"):
        rows.append(("b", month, 50))  # b keeps paying, so every month is in the table
    gap1 = _table(rows)
    # hand, default gap 1: a churns 100 in February and is reactivated with 100 in March
    assert _money(gap1.churn) == [0.0, 100.0, 0.0]
    assert _money(gap1.reactivation) == [0.0, 0.0, 100.0]
    assert gap1.customers_end.tolist() == [2, 1, 2]
    gap2 = _table(rows, reactivation_gap=2)
    # hand, gap 2: one empty month is a pause — contraction 100 then expansion 100, and a
    # stays a customer in February
    assert _money(gap2.churn) == [0.0, 0.0, 0.0]
    assert _money(gap2.contraction) == [0.0, 100.0, 0.0]
    assert _money(gap2.expansion) == [0.0, 0.0, 100.0]
    assert gap2.customers_end.tolist() == [2, 2, 2]
    # a customer whose rows stop before the data ends churns, whatever the gap
    tail = _table(
        [("a", "2024-01", 10), ("b", "2024-01", 5), ("b", "2024-02", 5)], reactivation_gap=3
    )
    assert _money(tail.churn) == [0.0, 10.0]


def test_zero_mrr_row_is_churn_or_pause() -> None:
    rows = [
        ("a", "2024-01", 80),
        ("a", "2024-02", 0),  # a pauses (or cancels) in February
        ("a", "2024-03", 80),
        ("t", "2024-01", 0),  # a free trial: zero before any payment never makes a customer
        ("t", "2024-02", 20),
        ("t", "2024-03", 20),
    ]
    churn = _table(rows)
    # hand, zero_mrr="churn": a churns 80 in February, is reactivated in March; t is new in
    # February
    assert _money(churn.churn) == [0.0, 80.0, 0.0]
    assert _money(churn.reactivation) == [0.0, 0.0, 80.0]
    assert _money(churn.new) == [80.0, 20.0, 0.0]
    assert churn.customers_end.tolist() == [1, 1, 2]
    pause = _table(rows, zero_mrr="pause")
    # hand, zero_mrr="pause": contraction 80 then expansion 80, a stays a customer
    assert _money(pause.churn) == [0.0, 0.0, 0.0]
    assert _money(pause.contraction) == [0.0, 80.0, 0.0]
    assert _money(pause.expansion) == [0.0, 0.0, 80.0]
    assert pause.customers_end.tolist() == [1, 2, 2]
    assert _money(pause.new) == [80.0, 20.0, 0.0]  # the trial still starts in February


def test_gross_margin_scales_ltv() -> None:
    m = _table(SPEC_LEDGER, gross_margin=0.8)
    # hand, February: ARPA = 90 / 3 customers = 30; churn 1/4; LTV = 30 * 0.8 / 0.25 = 96
    assert m.arpa[1] == pytest.approx(30.0)
    assert m.ltv[1] == pytest.approx(96.0)
    assert np.isnan(m.ltv[0])  # nobody churned in January: no lifetime to divide by


def test_twelve_month_nrr_grr_cap_each_customer_at_its_start() -> None:
    rows = []
    for month in range(1, 13):
        rows.append(("a", f"2024-{month:02d}", 100))
        rows.append(("b", f"2024-{month:02d}", 100))
    rows += [("a", "2025-01", 150), ("c", "2025-01", 70)]  # b churned, a expanded, c is new
    m = _table(rows)
    # hand: January 2025 vs January 2024 (a 100, b 100): NRR (150 + 0) / 200 = 0.75;
    # GRR min(150, 100) + 0 over 200 = 0.5; c is not in the base
    assert m.nrr_12m[12] == pytest.approx(0.75)
    assert m.grr_12m[12] == pytest.approx(0.50)
    assert np.isnan(m.nrr_12m[:12]).all()  # fewer than 12 months of history


def test_annual_plan_with_service_period_shows_no_churn() -> None:
    # "annual" pays 1,200 a year for two years; "monthly" pays 100 each month for 24 months
    firsts = [f"{2024 + i // 12}-{i % 12 + 1:02d}-01" for i in range(24)]
    lasts = [str((np.datetime64(day[:7], "M") + 1).astype("datetime64[D]") - 1) for day in firsts]
    ids = ["annual", "annual"] + ["monthly"] * 24
    amounts = [1200.0, 1200.0] + [100.0] * 24
    starts = ["2024-01-01", "2025-01-01", *firsts]
    ends = ["2024-12-31", "2025-12-31", *lasts]
    as_lines = movements_from_ledger(spread_ledger(ids, amounts, starts, ends))
    assert as_lines.churn.sum() == 0 and as_lines.contraction.sum() == 0
    assert _money(as_lines.mrr_end) == [200.0] * 24  # hand: 1200 / 12 + 100 every month
    # the same invoices read as MRR rows: 1,200 in one month, then 11 months of "churn"
    as_rows = mrr_movements(ids, starts, amounts)
    assert _money(as_rows.churn)[1] == 1200.0
    assert _money(as_rows.reactivation)[12] == 1200.0


def test_spread_by_months_and_by_days_keep_every_cent() -> None:
    # a quarterly line of 100.00 from 2024-01-15 to 2024-04-14 (91 days -> 3 months)
    months = spread_ledger(["q"], [100.0], ["2024-01-15"], ["2024-04-14"])
    assert months.mrr_by_month()[1].tolist() == [3333, 3333, 3334]  # hand: floor shares
    days = spread_ledger(["q"], [100.0], ["2024-01-15"], ["2024-04-14"], spread="days")
    # hand: 17 days in January, 29 in February, 31 in March, 14 in April of 91:
    # cumulative floors of 10000 * (17, 46, 77, 91) / 91 = 1868, 5054, 8461, 10000
    assert days.mrr_by_month()[1].tolist() == [1868, 3186, 3407, 1539]
    assert sum(days.mrr_by_month()[1].tolist()) == 10000


def test_billing_lines_without_service_period_count_in_their_month() -> None:
    book = spread_ledger(
        ["a", "a"],
        [120.0, 15.0],
        ["2024-01-01", None],
        ["2024-12-31", None],
        periods=["2024-01-01", "2024-02-10"],
    )
    # hand: 10.00 a month from the annual line, plus the one-off 15.00 in February
    assert book.mrr_by_month()[1].tolist()[:3] == [1000, 2500, 1000]


def test_rows_of_a_month_add_up_and_yyyy_mm_reads_as_the_first_day() -> None:
    m = mrr_movements(
        ["a", "a", "a"],
        ["2024-01", "2024-01-31", "2024-02-03"],
        [10.0, 2.5, 12.5],
    )
    assert m.labels == ["2024-01", "2024-02"]
    assert _money(m.mrr_end) == [12.5, 12.5]
    assert m.rows == 3 and m.cells == 2 and m.customers == 1


def test_excel_serial_periods_and_integer_ids() -> None:
    # 45292 = 2024-01-01, 45323 = 2024-02-01 (Excel serials)
    m = mrr_movements([7, 7, 8], [45292.0, 45323.0, 45323.0], [5, 6, 7])
    assert _money(m.mrr_end) == [5.0, 13.0]
    assert _money(m.new) == [5.0, 7.0] and _money(m.expansion) == [0.0, 1.0]


def test_dictionary_encoded_ids_give_the_same_table() -> None:
    names = np.array(["x", "y", "z"])
    codes = np.array([2, 0, 2, 1])
    periods = ["2024-01", "2024-01", "2024-02", "2024-02"]
    by_codes = movements_from_ledger(ledger(codes, periods, [1, 2, 3, 4], names=names))
    by_ids = mrr_movements(names[codes], periods, [1, 2, 3, 4])
    assert by_codes.rows_table() == by_ids.rows_table()


def test_movement_table_headers_english_and_german() -> None:
    m = _table(SPEC_LEDGER)
    assert m.rows_table("en")[0][:8] == [
        "Period",
        "MRR start",
        "New",
        "Expansion",
        "Contraction",
        "Churn",
        "Reactivation",
        "MRR end",
    ]  # the headers, in this order
    assert m.rows_table("de")[0][:8] == [
        "Periode",
        "MRR Beginn",
        "Neu",
        "Expansion",
        "Kontraktion",
        "Abwanderung",
        "Reaktivierung",
        "MRR Ende",
    ]
    assert m.csv().splitlines()[2].startswith("2024-02,100.0,0.0,10.0,10.0,10.0,0.0,90.0,4,0,0,1,3")


def test_revenue_cohorts_follow_signup_cohorts_and_may_exceed_100_percent() -> None:
    rows = [
        ("a", "2024-01", 100),
        ("b", "2024-01", 100),
        ("a", "2024-02", 150),
        ("b", "2024-02", 100),
        ("c", "2024-02", 40),
        ("a", "2024-03", 200),
        ("c", "2024-03", 20),
    ]
    ids, periods, mrr = zip(*rows, strict=True)
    table = revenue_cohorts(ledger(list(ids), list(periods), list(mrr)))
    # hand: January cohort (a, b) 200 -> 250 -> 200; February cohort (c) 40 -> 20
    assert table.labels == ["2024-01", "2024-02", "2024-03"]
    assert table.sizes.tolist() == [2, 1, 0]
    np.testing.assert_allclose(table.values[0], [1.0, 1.25, 1.0])
    np.testing.assert_allclose(table.values[1, :2], [1.0, 0.5])
    assert np.isnan(table.values[1, 2]) and np.isnan(table.values[2]).all()
    # weighted average pools MRR: offset 1 = (250 + 20) / (200 + 40); unweighted (1.25 + 0.5) / 2
    assert table.weighted_average[1] == pytest.approx(270 / 240)
    assert table.unweighted_average[1] == pytest.approx(0.875)
    rows_out = table.rows()
    assert rows_out[0] == ["Cohort", "Customers", 0, 1, 2]  # the cohort engine's layout
    assert rows_out[1] == ["2024-01", 2, 1.0, 1.25, 1.0]
    logos = revenue_cohorts(ledger(list(ids), list(periods), list(mrr)), value="retention")
    np.testing.assert_allclose(logos.values[0], [1.0, 1.0, 0.5])  # hand: b left in March
    assert "first payment" in table.conventions()[0]


def test_ledger_from_orders_reads_what_the_reader_returns() -> None:
    report = SimpleNamespace(source="billing.csv")
    orders = SimpleNamespace(
        customer_ids=np.array(["a", "a"]),
        order_dates=np.array(["2024-01-05", "2025-01-05"], dtype="datetime64[D]"),
        amounts=np.array([1200.0, 1200.0]),
        report=report,
        extra_dates={
            "start": np.array(["2024-01-05", "2025-01-05"], dtype="datetime64[D]"),
            "end": np.array(["2025-01-04", "2026-01-04"], dtype="datetime64[D]"),
        },
    )
    # as_of: the table runs to the end of the second year (by default it ends in 2025-01,
    # the month of the last invoice)
    table = subscription_rows(
        orders,
        BillingSettings(start_col="start", end_col="end"),
        SubscriptionConventions(as_of="2025-12"),
    )
    assert [row[5] for row in table[1:]] == [0.0] * 24  # hand: 100 a month, never churned
    assert ledger_from_orders(orders).source == "billing.csv"
    with pytest.raises(InputError, match="'begin'"):
        ledger_from_orders(orders, service=("begin", "end"))
    with pytest.raises(InputError, match="MRR column"):
        ledger_from_orders(SimpleNamespace(amounts=None, report=report))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mrr_movements(["a"], ["2024-01"], [-5]), "cannot be negative"),
        (lambda: mrr_movements(["a"], ["2024-01"], [float("nan")]), "element 0"),
        (lambda: mrr_movements(["a", "b"], ["2024-01"], [1, 2]), "periods has 1"),
        (lambda: mrr_movements([], [], []), "no rows"),
        (lambda: mrr_movements(["a"], ["Januar"], [1]), "periods"),
        (
            lambda: mrr_movements(["a"], ["2024-01"], [1], SubscriptionConventions(period="W")),
            "period must be M, Q or Y",
        ),
        (
            lambda: mrr_movements(
                ["a"], ["2024-01"], [1], SubscriptionConventions(reactivation_gap=0)
            ),
            "reactivation_gap",
        ),
        (
            lambda: mrr_movements(
                ["a"], ["2024-01"], [1], SubscriptionConventions(zero_mrr="skip")
            ),
            "zero_mrr",
        ),
        (
            lambda: mrr_movements(
                ["a"], ["2024-01"], [1], SubscriptionConventions(churn_denominator="end")
            ),
            "churn_den",
        ),
        (
            lambda: mrr_movements(
                ["a"], ["2024-01"], [1], SubscriptionConventions.from_mapping({"margin": 0.5})
            ),
            "unknown convention",
        ),
        (
            lambda: spread_ledger(["a"], [1], ["2024-02-01"], ["2024-01-01"]),
            "ends .* before it starts",
        ),
        (lambda: spread_ledger(["a"], [1], ["2024-02-01"], [None]), "only one of"),
        (lambda: spread_ledger(["a"], [1], [None], [None]), "no service period"),
    ],
)
def test_bad_input_is_an_input_error_that_says_what_to_do(call: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        call()


def test_revenue_cohorts_refuse_a_table_too_large_to_hold() -> None:
    # a mistyped year makes 97,200 monthly periods: 9.4e9 cells would need 70 GiB
    book = ledger(["a", "b"], ["1900-01-01", "9999-12-01"], [1, 1])
    with pytest.raises(InputError, match=r"97,200 periods \(1900-01 to 9999-12\)"):
        revenue_cohorts(book)
    wide = ledger(["a", "b"], ["1990-01-01", "2024-12-01"], [1, 1])
    assert revenue_cohorts(wide).values.shape == (420, 420)  # hand: 35 years of months


def test_negative_month_names_customer_and_month() -> None:
    with pytest.raises(InputError, match=r"customer 'b' has -3.00 in 2024-02"):
        mrr_movements(["b", "b", "b"], ["2024-01", "2024-02", "2024-02"], [5, 2, -5])


def test_inputs_are_not_changed() -> None:
    ids = np.array(["a", "b", "a"])
    periods = np.array(["2024-01-05", "2024-01-06", "2024-02-07"], dtype="datetime64[D]")
    mrr = np.array([1.0, 2.0, 3.0])
    kept = (ids.copy(), periods.copy(), mrr.copy())
    mrr_movements(ids, periods, mrr, SubscriptionConventions(zero_mrr="pause", reactivation_gap=2))
    for before, after in zip(kept, (ids, periods, mrr), strict=True):
        np.testing.assert_array_equal(before, after)


# --------------------------------------------------------------------------- random ledgers
@st.composite
def ledgers(draw: st.DrawFn) -> list[tuple[str, str, int]]:
    """Up to 60 rows of up to 8 customers over up to 30 months; cents with zeros, repeats of
    a month, and amounts up to 10^9 currency (10^11 cents)."""
    n = draw(st.integers(1, 60))
    customers = st.sampled_from("abcdefgh")
    month = st.integers(0, 29)
    cents = st.one_of(st.just(0), st.integers(1, 10_000), st.integers(1, 10**11))
    rows = []
    for _ in range(n):
        m = draw(month)
        rows.append(
            (
                draw(customers),
                f"{2023 + m // 12}-{m % 12 + 1:02d}-{draw(st.integers(1, 28)):02d}",
                draw(cents),
            )
        )
    return rows


conventions_ = st.fixed_dictionaries(
    {
        "period": st.sampled_from(["M", "Q", "Y"]),
        "joined_and_left": st.sampled_from(["count", "ignore"]),
        "reactivation_gap": st.integers(1, 4),
        "zero_mrr": st.sampled_from(["churn", "pause"]),
    }
)


@pytest.mark.slow  # ~2 s: 300 hypothesis ledgers against the reference
@settings(max_examples=300, deadline=None)
@given(rows=ledgers(), options=conventions_)
def test_identity_holds_to_the_cent_and_matches_the_reference(
    rows: list[tuple[str, str, int]], options: dict[str, Any]
) -> None:
    ids, periods, cents = zip(*rows, strict=True)
    m = mrr_movements(
        list(ids), list(periods), np.array(cents) / 100, SubscriptionConventions(**options)
    )
    _assert_identity(m)
    expected = reference_movements(rows, **options)
    for key, values in expected.items():
        assert getattr(m, key).tolist() == values, key
    # MRR at a period's end is the input's sum in its snapshot month, under any convention
    months = np.array([p[:7] for p in periods], dtype="datetime64[M]").astype(np.int64)
    for snapshot, end in zip(m.snapshot_months.tolist(), m.mrr_end.tolist(), strict=True):
        assert end == sum(c for c, mo in zip(cents, months, strict=True) if mo == snapshot)
    nrr, grr = reference_trailing(
        rows,
        period=options["period"],
        zero_mrr=options["zero_mrr"],
        reactivation_gap=options["reactivation_gap"],
    )
    assert [None if np.isnan(v) else pytest.approx(v) for v in m.nrr_12m] == nrr
    assert [None if np.isnan(v) else pytest.approx(v) for v in m.grr_12m] == grr
    assert all(np.isnan(v) or 0 <= v <= 1 for v in np.concatenate([m.grr, m.grr_12m])), (
        "GRR is capped at the starting MRR"
    )


@pytest.mark.slow  # ~1 s: 100 hypothesis ledgers
@settings(max_examples=100, deadline=None)
@given(rows=ledgers(), period=st.sampled_from(["M", "Q", "Y"]))
def test_revenue_cohorts_add_up_to_the_movement_table(
    rows: list[tuple[str, str, int]], period: str
) -> None:
    ids, periods, cents = zip(*rows, strict=True)
    book = ledger(list(ids), list(periods), np.array(cents) / 100)
    table = revenue_cohorts(book, SubscriptionConventions(period=period), value="mrr")
    m = movements_from_ledger(book, SubscriptionConventions(period=period))
    # every cohort's MRR at the end of a period adds up to that period's MRR end
    n = len(table.labels)
    diagonal = [
        sum(table.values[c, p - c] for c in range(p + 1) if not np.isnan(table.values[c, p - c]))
        for p in range(n)
    ]
    np.testing.assert_allclose(diagonal, m.mrr_end / 100, rtol=0, atol=1e-6)
    payers = {i for i, _, c in rows if c > 0}  # zero rows alone never make a customer
    assert table.sizes.sum() == len(payers)  # every paying customer in exactly one cohort


@settings(max_examples=200, deadline=None)
@given(
    cells=st.lists(
        st.tuples(
            st.integers(0, 50),
            st.integers(0, 40),
            st.one_of(st.integers(-(10**6), 10**6), st.integers(-(2**60), 2**60)),
        ),
        min_size=1,
        max_size=80,
    )
)
def test_both_ways_of_adding_up_a_month_agree(cells: list[tuple[int, int, int]]) -> None:
    from retention_xl.subscriptions.ledger import _cells

    codes, months, cents = (np.array(column, dtype=np.int64) for column in zip(*cells, strict=True))
    expected: dict[tuple[int, int], int] = {}
    for code, month, amount in cells:  # independent reference: a dict of Python ints
        expected[(code, month)] = expected.get((code, month), 0) + amount
    for dense in (True, False):
        got_codes, got_months, sums = _cells(codes, months + 600, cents, dense=dense)
        assert list(zip(got_codes.tolist(), (got_months - 600).tolist(), strict=True)) == sorted(
            expected
        )
        # huge sums may wrap in int64 either way; compare modulo 2**64 as numpy adds
        assert [s % 2**64 for s in sums.tolist()] == [
            expected[key] % 2**64 for key in sorted(expected)
        ]


def test_money_columns_are_exact_cents() -> None:
    m = _table([("a", "2024-01", 0.1), ("b", "2024-01", 0.2), ("a", "2024-02", 0.3)])
    for key in MONEY_COLUMNS:
        assert getattr(m, key).dtype == np.int64
    assert m.mrr_end.tolist() == [30, 30]  # 0.1 + 0.2 is exactly 30 cents here


def test_first_period_counts_everyone_as_new_and_dates_label_periods() -> None:
    m = _table([("a", "2023-11", 10), ("a", "2024-02", 10)], period="Q")
    assert m.labels == ["2023-Q4", "2024-Q1"]
    assert _money(m.new) == [10.0, 0.0]
    assert _money(m.reactivation) == [0.0, 10.0]  # back after two empty months
    assert m.snapshot_months.tolist() == [
        (2023 - 1970) * 12 + 11,  # December 2023 ends 2023-Q4
        (2024 - 1970) * 12 + 1,  # the data ends in February 2024: Q1's snapshot
    ]
