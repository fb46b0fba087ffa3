"""The look shared by every generated workbook, and Excel's hard limits.

One idea: the few styles, page settings, limits and guide sentences that all sheets use, in
one place. Imports openpyxl only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "GUIDE_COST",
    "HEAD_FILL",
    "HEAD_FONT",
    "INPUT_FILL",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "fit_to_page",
    "head",
]

MAX_ROWS = 1_048_576  #: rows of an Excel sheet
MAX_COLUMNS = 16_384  #: columns of an Excel sheet
HEAD_FILL = PatternFill("solid", fgColor="1F4E78")
HEAD_FONT = Font(bold=True, color="FFFFFF")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")

#: The guides' cost ratio, in English and German (shown on every instructions sheet).
GUIDE_COST = (
    "Winning a new customer costs 5 to 25 times as much as keeping one.",
    "Einen Neukunden zu gewinnen kostet 5- bis 25-mal so viel, wie einen Kunden zu halten.",
)


def head(ws: Worksheet, row: int, values: Sequence[Any], col: int = 1) -> None:
    """Write a header row in the shared dark-blue style."""
    for offset, value in enumerate(values):
        cell = ws.cell(row, col + offset, value)
        cell.fill, cell.font = HEAD_FILL, HEAD_FONT


def fit_to_page(ws: Worksheet) -> None:
    """Print the sheet landscape on one A4 page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
