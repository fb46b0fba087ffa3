"""The argument shapes xlwings Lite (Office.js) sends, against the classic ones (issue 17).

Lite sends whole numbers as ``int`` (classic xlwings: ``float``), dates as serial numbers
(classic: ``datetime``), ``None`` or ``""`` for blank cells, and older Excel builds send a
blank cell as ``0``. The same sheet must give the same results either way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from cases import CASES, Case
from test_excel_call_path import excel_call

from retention_xl import udfs
from retention_xl.dates import date_to_serial
from retention_xl.definitions import by_name

IDS = [["a"], ["b"], ["a"], ["c"], ["a"]]
DATES = [[45296], [45297], [45327], [45330], [45358]]  # 2024-01-05, 01-06, 02-05, 02-08, 03-07
AMOUNTS = [[10], [20], [5.5], [7], [3]]


def _classic(value: Any) -> Any:
    """What classic xlwings sends for a value: floats for numbers, datetimes for dates."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _args(case: Case, shape: str) -> list[Any]:
    out: list[Any] = []
    for param in by_name(case.function).params:
        value = case.args.get(param.name)
        if value is None:
            out.append(None)
            continue
        cells = value if isinstance(value, list) else [value]
        if shape == "lite":  # ints, serials
            column = [[int(date_to_serial(v)) if isinstance(v, dt.date) else v] for v in cells]
        else:
            column = [[_classic(v)] for v in cells]
        out.append(column if isinstance(value, list) else column[0][0])
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_whole_numbers_as_int_give_what_floats_give(case: Case) -> None:
    function = getattr(udfs, case.function)
    lite, classic = function(*_args(case, "lite")), function(*_args(case, "classic"))
    assert lite == classic
    got = lite[0][0] if isinstance(lite, list) else lite
    assert got == pytest.approx(case.expected, rel=1e-12)  # the case's own source


@pytest.mark.parametrize("period", [[[30]], [[30.0]], [["30D"]]])
def test_a_rolling_period_typed_as_a_number(period: Any) -> None:
    # Lite sent 30 as an int and got #VALUE! (only the float 30.0 became "30D")
    result = excel_call("COHORT_TABLE", IDS, DATES, AMOUNTS, period, None, None, [[45412]])
    # hand, as_of 2024-04-30 (day 116 after 01-05): windows 0 and 1 are observed; a (first
    # 01-05) and b (01-06) are cohort 0, c (02-08, day 34) cohort 1; a is back 31 days after
    # its first order (window 1), b never: 2 customers, 100 % then 50 %
    assert result[1][:4] == ["2024-01-05", 2, 1.0, 0.5]


def test_an_orders_table_with_zero_rows_is_an_orders_table_with_blank_rows() -> None:
    # older Excel builds send the empty rows of a Table as 0: they were an order of
    # 1900-01-00 (#VALUE! for COHORT_TABLE) — they are blank rows
    blank = [[""]] * 3
    zeros = [[0]] * 3
    with_blanks = excel_call("COHORT_TABLE", IDS + blank, DATES + blank, AMOUNTS + blank)
    with_zeros = excel_call("COHORT_TABLE", IDS + zeros, DATES + zeros, AMOUNTS + zeros)
    assert with_zeros == with_blanks
    assert with_blanks[1][:2] == ["2024-01", 2]  # hand: a and b start in January


def test_active_customers_with_zeros_for_blank_cells() -> None:
    # 45371 = 2024-03-20, 45382 = 2024-03-31: both within 30 days of 2024-03-31
    last = [[45296], [45371], [45382]]
    blanks = excel_call("ACTIVE_CUSTOMERS", [*last, [""], [""]], [[45382]], [[30]])
    zeros = excel_call("ACTIVE_CUSTOMERS", [*last, [0], [0]], [[45382]], [[30]])
    assert blanks == zeros == [[2.0]]
