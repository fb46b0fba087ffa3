"""The look shared by every generated workbook, and Excel's hard limits.

One idea: the few styles, page settings and limits that all sheets use, in one place (the
sentences they share are texts ``workbook.`` of :mod:`retention_xl.texts`). Imports openpyxl
only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
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
