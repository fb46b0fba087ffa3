"""Reading Excel-shaped cells: numbers stored as text, dates, blanks, booleans, errors."""

from __future__ import annotations

import datetime as dt

import pytest

from retention_xl.dates import date_to_serial, serial_to_date
from retention_xl.excel_values import BLANK, as_grid, parse_date, parse_number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1234.5", 1234.5),
        ("1,234.50", 1234.5),  # English thousands separator
        ("1.234,50", 1234.5),  # German Excel
        ("1234,5", 1234.5),
        ("1.234.567", 1234567.0),
        ("1,234,567", 1234567.0),
        ("0,125", 0.125),  # a leading 0 cannot start a thousands group
        ("12 %", 0.12),
        ("12,5%", 0.125),
        ("€ 1.234,50", 1234.5),
        ("1.234,50 EUR", 1234.5),
        ("1'234.50", 1234.5),  # Swiss
        ("1\u00a0234,50", 1234.5),  # non-breaking space as thousands separator
        ("-3", -3.0),
        ("(1.234,50)", -1234.5),  # accounting negative
        ("1e3", 1000.0),
    ],
)
def test_numbers_stored_as_text(text: str, number: float) -> None:
    assert parse_number(text) == pytest.approx(number)


@pytest.mark.parametrize("text", ["1.234", "1,234", "abc", "1.2.3,4,5", "--1", "%", "1,2,3"])
def test_ambiguous_or_non_numeric_text_is_value_error(text: str) -> None:
    assert parse_number(text) == "#VALUE!"


@pytest.mark.parametrize(
    ("cell", "parsed"),
    [
        (None, BLANK),
        ("", BLANK),
        ("   ", BLANK),
        (True, "#VALUE!"),
        (False, "#VALUE!"),
        ("#DIV/0!", "#DIV/0!"),
        ("#n/a", "#N/A"),
        (float("nan"), "#NUM!"),
        (float("inf"), "#NUM!"),
        (3, 3.0),
        (dt.date(2024, 1, 31), 45322.0),  # Excel shows 45322 for 2024-01-31
        (object(), "#VALUE!"),
    ],
)
def test_cells_that_are_not_plain_numbers(cell: object, parsed: object) -> None:
    assert parse_number(cell) == parsed


@pytest.mark.parametrize(
    ("cell", "serial"),
    [
        (dt.datetime(2024, 1, 31, 23, 59), 45322.0),  # classic xlwings: datetime
        (45322.0, 45322.0),  # xlwings Lite: serial number
        (45322.99, 45322.0),  # a time of day is dropped
        ("2024-01-31", 45322.0),
        ("2024-01-31T08:00:00", 45322.0),
        ("31.01.2024", 45322.0),
        ("45322", 45322.0),
        ("2024-02-30", "#VALUE!"),
        ("31/01/2024", "#VALUE!"),
        (0, BLANK),  # issue 17: older Excel builds send a blank cell as 0 (1900-01-00: no date)
        (-1, "#NUM!"),
        (3e6, "#NUM!"),
        ("#REF!", "#REF!"),
        (None, BLANK),
    ],
)
def test_dates_as_excel_sends_them(cell: object, serial: object) -> None:
    assert parse_date(cell) == serial


def test_excel_serials_around_the_fictitious_1900_02_29() -> None:
    # Excel: serial 59 = 1900-02-28, 60 = the non-existent 1900-02-29, 61 = 1900-03-01
    assert date_to_serial(dt.date(1900, 2, 28)) == 59.0
    assert date_to_serial(dt.date(1900, 3, 1)) == 61.0
    assert serial_to_date(61) == dt.date(1900, 3, 1)
    assert serial_to_date(1) == dt.date(1900, 1, 1)


def test_grids_keep_orientation() -> None:
    assert as_grid([[1, 2, 3]]) == [[1, 2, 3]]  # a row stays a row
    assert as_grid([1, 2, 3]) == [[1], [2], [3]]  # 1-D (an Excel Table column) is a column
    assert as_grid([]) == [[None]]
