"""Reading what Excel sends and answering with what Excel shows.

One idea: turn Excel-shaped values — ``None`` for blanks, floats for integers, ``datetime``
or serial numbers for dates, numbers stored as text (``"1.234,50"``), booleans, error
strings, scalars, 1-D and 2-D lists — into numbers or Excel error strings, element by
element, and results back into cells. No xlwings import, so it is testable anywhere; imports
numpy and :mod:`retention_xl.dates` only.

Rules (the policy every Excel function of the package follows):

- A blank cell (``None``, ``""``) is :data:`BLANK`; the caller decides what it means.
- An error value (``"#DIV/0!"`` …) propagates: the result cell shows the same error.
- ``TRUE``/``FALSE`` are not numbers for a KPI: ``#VALUE!``.
- Text is read as a number when it unambiguously is one: ``"1234.5"``, ``"1,234.50"``,
  ``"1.234,50"``, ``"1234,5"``, ``"12 %"`` (0.12), ``"€ 1.234,50"``, ``"1'234.50"``. Text where
  a single separator is followed by exactly three digits (``"1.234"``, ``"1,234"``) could be a
  thousands separator or a decimal one: ``#VALUE!`` rather than a silent guess.
- Dates are accepted as ``datetime``/``date``, Excel serial numbers, and text in ISO form
  (``2024-01-31``, optionally with a time) or German form (``31.01.2024``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from .dates import date_to_serial

__all__ = [
    "BLANK",
    "ERRORS",
    "Blank",
    "ExcelAnswer",
    "as_grid",
    "column_cells",
    "is_error",
    "parse_date",
    "parse_number",
    "parse_text_number",
    "to_cells",
]

#: The error values of Excel (and their spelling in LibreOffice and Office.js).
ERRORS: Final = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)
_MAX_SERIAL = 2958465.0


class Blank:
    """The type of :data:`BLANK`, an empty cell."""

    _instance: Blank | None = None

    def __new__(cls) -> Blank:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "BLANK"


#: An empty cell.
BLANK: Final = Blank()


def is_error(value: Any) -> bool:
    """True when ``value`` is an Excel error string such as ``"#DIV/0!"``.

    Examples
    --------
    >>> is_error("#N/A"), is_error("N/A")
    (True, False)
    """
    return isinstance(value, str) and value.strip().upper() in ERRORS


def as_grid(value: Any) -> list[list[Any]]:
    """Return ``value`` as a rectangular 2-D list: a scalar is 1×1, a 1-D list a column.

    A ragged 2-D list is padded with blanks (``None``) on the right, which is what Excel
    would show for the missing cells.

    Examples
    --------
    >>> as_grid(5)
    [[5]]
    >>> as_grid([1, 2])
    [[1], [2]]
    >>> as_grid([[1, 2], [3]])
    [[1, 2], [3, None]]
    """
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if not value:
        return [[None]]
    if all(not isinstance(row, (list, tuple)) for row in value):
        return [[item] for item in value]
    rows = [list(row) if isinstance(row, (list, tuple)) else [row] for row in value]
    width = max(len(row) for row in rows) or 1
    return [row + [None] * (width - len(row)) for row in rows]


_CURRENCY = re.compile(r"[€$£¥]|\b(?:EUR|USD|CHF|GBP)\b", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED_COMMA = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
_GROUPED_DOT = re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")
_AMBIGUOUS = re.compile(r"[+-]?[1-9]\d{0,2}[.,]\d{3}")


def parse_text_number(text: str) -> float | None:
    """Read a number stored as text, in English or German notation; None if it is none.

    Examples
    --------
    >>> parse_text_number("1.234,50"), parse_text_number("1,234.50"), parse_text_number("12 %")
    (1234.5, 1234.5, 0.12)
    >>> parse_text_number("1.234") is None  # thousands or decimal? refuse to guess
    True
    """
    s = _CURRENCY.sub("", text)
    s = _SPACES.sub("", s)
    scale = 1.0
    if s.endswith("%"):
        s, scale = s[:-1], 0.01
    if s.startswith("(") and s.endswith(")"):  # accounting negative: (1.234,50)
        s = "-" + s[1:-1]
    if not s or _AMBIGUOUS.fullmatch(s):
        return None
    if _PLAIN.fullmatch(s):
        number = float(s)
    elif _GROUPED_COMMA.fullmatch(s):
        number = float(s.replace(",", ""))
    elif _GROUPED_DOT.fullmatch(s):
        number = float(s.replace(".", "").replace(",", "."))
    elif _DECIMAL_COMMA.fullmatch(s):
        number = float(s.replace(",", "."))
    else:
        return None
    return number * scale if math.isfinite(number) else None


def parse_number(value: Any) -> float | str | Blank:
    """One cell as a number: a float, an Excel error string, or :data:`BLANK`.

    Examples
    --------
    >>> parse_number(3.0), parse_number(" 1.234,5 "), parse_number(None)
    (3.0, 1234.5, BLANK)
    >>> parse_number(True), parse_number("abc"), parse_number("#DIV/0!")
    ('#VALUE!', '#VALUE!', '#DIV/0!')
    """
    if value is None:
        return BLANK
    if isinstance(value, (bool, np.bool_)):
        return "#VALUE!"
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else "#NUM!"
    if isinstance(value, (dt.date, dt.datetime)):
        return date_to_serial(value)
    if isinstance(value, str):
        if not value.strip():
            return BLANK
        if is_error(value):
            return value.strip().upper()
        parsed = parse_text_number(value)
        return "#VALUE!" if parsed is None else parsed
    return "#VALUE!"


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_GERMAN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")


def parse_date(value: Any) -> float | str | Blank:
    """One cell as a whole Excel serial day, an Excel error string, or :data:`BLANK`.

    Examples
    --------
    >>> import datetime as dt
    >>> parse_date(dt.datetime(2024, 1, 31, 9, 15)), parse_date(45322.4), parse_date("31.01.2024")
    (45322.0, 45322.0, 45322.0)
    >>> parse_date("2024-02-30"), parse_date(-1)
    ('#VALUE!', '#NUM!')

    Serial 0 is how older Excel builds send a blank cell (shown as 1900-01-00, never a
    date): it is a blank.

    >>> parse_date(0) is BLANK, parse_date(0.0) is BLANK
    (True, True)
    """
    if isinstance(value, (dt.date, dt.datetime)):
        return date_to_serial(value)
    if isinstance(value, str) and not is_error(value):
        text = value.strip()
        if not text:
            return BLANK
        iso, german = _ISO.fullmatch(text), _GERMAN.fullmatch(text)
        if iso or german:
            year, month, day = (
                (int(iso[1]), int(iso[2]), int(iso[3]))
                if iso
                else (int(german[3]), int(german[2]), int(german[1]))  # type: ignore[index]
            )
            try:
                return date_to_serial(dt.date(year, month, day))
            except ValueError:
                return "#VALUE!"
    number = parse_number(value)
    if isinstance(number, float):
        if number == 0:
            return BLANK
        if not 1 <= number < _MAX_SERIAL + 1:
            return "#NUM!"
        return float(math.floor(number))
    return number


def to_cells(values: np.ndarray, errors: np.ndarray) -> Any:
    """Excel's answer: a scalar for one cell, else a 2-D list; errors win over values.

    ``errors`` is an object array of the same shape holding ``None`` or an error string.
    NaN values that carry no error become ``#DIV/0!`` (the only undefined result of the KPIs:
    a zero denominator); infinities become ``#NUM!``. Excel never receives NaN or inf.

    Examples
    --------
    >>> import numpy as np
    >>> to_cells(np.array([[0.5]]), np.array([[None]], dtype=object))
    0.5
    >>> to_cells(np.array([[0.5, np.nan]]), np.array([[None, "#N/A"]], dtype=object))
    [[0.5, '#N/A']]
    """
    rows: list[list[Any]] = []
    for value_row, error_row in zip(values.tolist(), errors.tolist(), strict=True):
        row: list[Any] = []
        for value, error in zip(value_row, error_row, strict=True):
            if error is not None:
                row.append(error)
            elif math.isnan(value):
                row.append("#DIV/0!")
            elif math.isinf(value):
                row.append("#NUM!")
            else:
                row.append(value)
        rows.append(row)
    if len(rows) == 1 and len(rows[0]) == 1:
        return rows[0][0]
    return rows


def flatten(grid: Sequence[Sequence[Any]]) -> list[Any]:
    """Row-major list of a 2-D grid's cells (the order Excel reads a range in)."""
    return [cell for row in grid for cell in row]


class ExcelAnswer(Exception):  # noqa: N818 - control flow: the whole result is one error
    """Raised inside an Excel function when the whole result is one error value."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def column_cells(value: Any) -> list[Any] | None:
    """A one-column (or one-row) range as a flat list (None when left out); a wider range
    is ``#VALUE!`` (raised as :class:`ExcelAnswer`).

    Examples
    --------
    >>> column_cells([[1.0], [2.0]]), column_cells(None)
    ([1.0, 2.0], None)
    """
    if value is None:
        return None
    grid = as_grid(value)
    if len(grid[0]) != 1 and len(grid) != 1:
        raise ExcelAnswer("#VALUE!")
    return flatten(grid)
