"""Billing exports (issue 15) on the numpy core: spreading billing lines is exact and
quiet — a credit note cancels its charge in every month, a plan renewed at the same price
shows no movement from cent rounding. Every expected number is a hand calculation in a
comment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retention_xl.subscriptions import (
    movements_from_ledger,
    spread_ledger,
)


def _money(values: np.ndarray) -> list[float]:
    return (values / 100).tolist()  # type: ignore[no-any-return]


def _month(label: str) -> int:
    year, month = label.split("-")
    return (int(year) - 1970) * 12 + int(month) - 1


def _identity_holds(m: Any) -> None:
    gained = m.mrr_start + m.new + m.reactivation + m.expansion
    assert (gained - m.contraction - m.churn == m.mrr_end).all()
    assert (m.mrr_start[1:] == m.mrr_end[:-1]).all()


def _month_end(first: dt.date, months: int) -> dt.date:
    """The last day of the ``months``-th calendar month from ``first`` (the 1st)."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)


# --- 2 (a): a credit note over its charge's service period cancels it exactly ---------


@pytest.mark.parametrize("spread", ["months", "days"])
def test_a_credit_note_cancels_its_charge_to_zero_in_every_month(spread: str) -> None:
    # an annual plan of 790.00 for 2024 (366 days: 12 months), credited in full on
    # 2024-01-20 for the same service period
    book = spread_ledger(
        ["a", "a"],
        [790.00, -790.00],
        ["2024-01-01", "2024-01-01"],
        ["2024-12-31", "2024-12-31"],
        periods=["2024-01-01", "2024-01-20"],
        spread=spread,
    )
    # hand: +A and −A split alike: 0 in each of the 12 months, billed and MRR, no error
    # (floor shares of −79,000 cents used to leave −0.01 in January: "cannot be negative")
    assert book.cents.tolist() == [0] * 12 and book.mrr.tolist() == [0] * 12
    m = movements_from_ledger(book)
    assert _money(m.mrr_end) == [0.0] * 12  # hand: nothing left to pay in any month
    assert m.customers_end.tolist() == [0] * 12  # zero MRR never makes a customer


def test_a_credit_note_leaves_the_other_lines_to_the_cent() -> None:
    # a pays 120.00 for 2024 and a second plan of 790.00, then credited in full
    book = spread_ledger(
        ["a", "a", "a"],
        [120.00, 790.00, -790.00],
        ["2024-01-01"] * 3,
        ["2024-12-31"] * 3,
        periods=["2024-01-01", "2024-01-01", "2024-01-20"],
    )
    m = movements_from_ledger(book)
    # hand: 120.00 / 12 = 10.00 a month; the 790.00 and its credit cancel month by month
    assert _money(m.mrr_end) == [10.0] * 12
    assert m.expansion.sum() == m.contraction.sum() == m.churn.sum() == 0


# --- 2 (b): a plan that does not change shows no movement from rounding -------------------


def test_an_annual_plan_renewed_at_the_same_price_shows_no_expansion_or_contraction() -> None:
    # a: 1,200.01 a year for 2024 and again for 2025; b: 790.00 a year, the same two years;
    # each invoiced on the first day of its service period
    starts = ["2024-01-01", "2025-01-01"] * 2
    ends = ["2024-12-31", "2025-12-31"] * 2
    book = spread_ledger(
        ["a", "a", "b", "b"], [1200.01, 1200.01, 790.00, 790.00], starts, ends, periods=starts
    )
    m = movements_from_ledger(book)
    # hand: a 120,001 / 12 = 10,000.08 -> 100.00 a month; b 79,000 / 12 = 6,583.33 -> 65.83;
    # the same in every month of both years: MRR 165.83 throughout
    assert _money(m.mrr_end) == [165.83] * 24
    assert m.expansion.tolist() == [0] * 24 and m.contraction.tolist() == [0] * 24
    assert m.churn.tolist() == [0] * 24 and _money(m.new) == [165.83] + [0.0] * 23
    # hand: after January nothing is gained or lost: 0 / 0, no quick ratio (not 0 or 1)
    assert np.isnan(m.quick_ratio[1:]).all()
    _identity_holds(m)
    # the amounts billed keep every cent: each year adds up to its invoices
    # (hand: 1,200.01 + 790.00 = 1,990.01 a year)
    billed = book.mrr_by_month()[1]
    assert int(billed[:12].sum()) == 199001 and int(billed[12:].sum()) == 199001
    # hand: the MRR rounds each line once: 12 x 100.00 = 1,200.00 for 1,200.01 (within
    # 12 / 2 cents of the amount) and 12 x 65.83 = 789.96 for 790.00
    mrr = {str(name): int(book.mrr[book.codes == code].sum())
           for code, name in enumerate(book.customers)}  # fmt: skip
    assert mrr == {"a": 2 * 120000, "b": 2 * 78996}


def test_a_monthly_rate_rounds_half_to_even() -> None:
    # 4 months from January: 0.06 is 1.5 cents a month -> 2 (half to even); 0.10: 2.5 -> 2;
    # 0.14: 3.5 -> 4; 0.18: 4.5 -> 4; 0.07: 1.75 -> 2
    book = spread_ledger(
        ["a", "b", "c", "d", "e"],
        [0.06, 0.10, 0.14, 0.18, 0.07],
        ["2024-01-01"] * 5,
        ["2024-04-30"] * 5,
    )
    rates = {str(name): set(book.mrr[book.codes == code].tolist()) for code, name in
             enumerate(book.customers)}  # fmt: skip
    assert rates == {"a": {2}, "b": {2}, "c": {4}, "d": {4}, "e": {2}}
    # hand: the amounts billed are cumulative floors of 7·k/4 = 1, 3, 5, 7: 1, 2, 2, 2 cents
    e = int(np.flatnonzero(book.customers == "e")[0])
    assert book.cents[book.codes == e].tolist() == [1, 2, 2, 2]


@settings(max_examples=60, deadline=None)
@given(
    plans=st.lists(
        st.tuples(
            st.integers(1, 10**9),  # cents
            st.sampled_from([1, 2, 3, 6, 12, 24]),  # months per line
            st.integers(1, 4),  # renewals
            st.integers(0, 11),  # first month (of 2024)
        ),
        min_size=1,
        max_size=6,
    )
)
def test_renewed_plans_never_move_and_credits_cancel_on_random_plans(
    plans: list[tuple[int, int, int, int]],
) -> None:
    ids, amounts, starts, ends, periods = [], [], [], [], []
    for customer, (cents, length, renewals, first) in enumerate(plans):
        day = dt.date(2024, first + 1, 1)
        for _ in range(renewals):
            end = _month_end(day, length)
            for sign in (1, -1) if customer % 3 == 2 else (1,):  # every third credited too
                ids.append(f"c{customer}")
                amounts.append(sign * cents / 100)
                starts.append(day.isoformat())
                ends.append(end.isoformat())
                periods.append(day.isoformat())
            day = end + dt.timedelta(days=1)
    book = spread_ledger(ids, amounts, starts, ends, periods=periods)
    m = movements_from_ledger(book)
    # hand: each customer pays round(cents / length) in every month of the chain; a credited
    # customer pays 0; so no month of any chain differs from the one before
    assert m.expansion.sum() == 0 and m.contraction.sum() == 0
    _identity_holds(m)
    for customer, (cents, length, renewals, _) in enumerate(plans):
        code = int(np.flatnonzero(book.customers == f"c{customer}")[0])
        mine = book.codes == code
        if customer % 3 == 2:
            assert (book.cents[mine] == 0).all() and (book.mrr[mine] == 0).all()
            continue
        rate = cents // length + (2 * (cents % length) > length)
        rate += (2 * (cents % length) == length) and (cents // length) % 2 == 1
        assert set(book.mrr[mine].tolist()) == {rate}
        assert int(book.cents[mine].sum()) == cents * renewals  # billed: every cent
        assert abs(int(book.mrr[mine].sum()) - cents * renewals) <= renewals * length // 2
