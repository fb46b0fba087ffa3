"""Property tests: for any Excel-shaped input no Excel function raises, results are cell
values, core rates stay in their range, and inputs are never mutated."""

from __future__ import annotations

import copy
import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import retention_xl as rx
from retention_xl import udfs
from retention_xl.definitions import ALL_DEFINITIONS
from retention_xl.excel_values import ERRORS

cells = st.one_of(
    st.none(),
    st.just(""),
    st.booleans(),
    st.sampled_from(sorted(ERRORS)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e308, max_value=1e308),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(max_size=12),
    st.sampled_from(["1.234,50", "12 %", "day", "Woche", "2024-01-31", "31.01.2024", "-0"]),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(),
)


@st.composite
def ranges(draw: st.DrawFn) -> Any:
    """A single cell, a 1-D list (an Excel Table column) or a 2-D range, maybe ragged."""
    shape = draw(st.sampled_from(["cell", "column1d", "grid"]))
    if shape == "cell":
        return draw(cells)
    if shape == "column1d":
        return draw(st.lists(cells, min_size=0, max_size=5))
    rows = draw(st.integers(1, 4))
    cols = draw(st.integers(1, 4))
    ragged = draw(st.booleans())
    return [
        draw(st.lists(cells, min_size=1 if ragged else cols, max_size=cols)) for _ in range(rows)
    ]


def _is_cell_value(value: Any) -> bool:
    if isinstance(value, str):
        return value in ERRORS
    return isinstance(value, float) and math.isfinite(value)


@pytest.mark.slow  # ~7 s: 60 hypothesis examples over every Excel function
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_no_excel_function_ever_raises(data: st.DataObject) -> None:
    for definition in ALL_DEFINITIONS:
        for name in (definition.name, definition.alias):
            args = [data.draw(st.one_of(st.none(), ranges())) for _ in definition.params]
            count = data.draw(st.integers(0, len(args)))
            before = copy.deepcopy(args)
            result = getattr(udfs, name)(*args[:count] if count else args)
            assert args == before or _has_nan(before), "the function changed its arguments"
            if isinstance(result, list):
                assert result and all(isinstance(row, list) and row for row in result)
                width = len(result[0])
                assert all(len(row) == width for row in result)
                valid = _is_table_cell if definition.table else _is_cell_value
                assert all(valid(v) for row in result for v in row), result
            else:
                assert _is_cell_value(result), result


def _is_table_cell(value: Any) -> bool:
    """A labelled table holds labels, counts, finite numbers and blanks."""
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, (str, int))


def _has_nan(value: Any) -> bool:  # NaN != NaN, so deep equality cannot show "unchanged"
    if isinstance(value, list):
        return any(_has_nan(v) for v in value)
    return isinstance(value, float) and math.isnan(value)


counts = st.floats(min_value=0, max_value=1e9)


@settings(max_examples=200, deadline=None)
@given(start=counts, retained=st.floats(0, 1), new=counts, reactivated=counts)
def test_retention_rate_is_a_fraction(
    start: float, retained: float, new: float, reactivated: float
) -> None:
    end = start * retained + new + reactivated
    try:
        rate = rx.retention_rate(start, end, new, reactivated)
    except rx.InputError:
        return  # rounding can push E - N - R a hair past S; refusing is correct then
    assert math.isnan(rate) or 0.0 <= rate <= 1.0


@settings(max_examples=200, deadline=None)
@given(arrays=st.lists(st.tuples(counts, counts), min_size=1, max_size=20))
def test_churn_and_repeat_rates_stay_in_range_and_inputs_are_untouched(
    arrays: list[tuple[float, float]],
) -> None:
    part = np.array([min(a, b) for a, b in arrays])
    whole = np.array([max(a, b) for a, b in arrays])
    kept = (part.copy(), whole.copy())
    for function in (rx.churn_rate, rx.repeat_customer_rate, rx.revenue_churn):
        result = function(part, whole)
        finite = result[~np.isnan(result)]
        assert np.all((finite >= 0) & (finite <= 1))
    np.testing.assert_array_equal(part, kept[0])
    np.testing.assert_array_equal(whole, kept[1])


@settings(max_examples=200, deadline=None)
@given(orders=st.lists(st.integers(0, 50), min_size=1, max_size=50), m=st.integers(1, 60))
def test_loyal_rate_matches_a_plain_count(orders: list[int], m: int) -> None:
    expected = sum(1 for o in orders if o >= m) / len(orders)  # independent pure-Python count
    assert rx.loyal_customer_rate(orders, m) == expected


@settings(max_examples=200, deadline=None)
@given(sales=st.floats(0, 1e6), per=st.sampled_from(["day", "week", "month", "year"]))
def test_budget_share_is_monotone_in_sales(sales: float, per: str) -> None:
    low = rx.retention_budget_share(sales, per=per)
    high = rx.retention_budget_share(sales * 1.5 + 1, per=per)
    assert low in (0.15, 0.30, 0.50, 0.60) and high >= low
