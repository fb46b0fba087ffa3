"""The Orders sheet of the live cohort workbook: an Excel Table whose helper columns compute.

One idea: the orders (customer id, date, amount) plus the calculated columns of
:mod:`.live_formulas`, as one Excel Table with ``calculatedColumnFormula`` set, so Excel fills
the formulas into every row a user adds; empty rows at the end are ready for pasting (in
LibreOffice and Google Sheets a table does not grow by itself). openpyxl writes the header
and the first row; the other rows are produced as XML in that row's styles, as
:mod:`.parts` does for the value workbook. Imports numpy and openpyxl.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

import numpy as np
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableFormula, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..io import Orders
from .live_formulas import HELPERS, LiveNames, helper_formulas
from .parts import excel_text

__all__ = ["HELPER_FORMATS", "append_order_rows", "table_columns", "write_orders_sheet"]

_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
#: Number formats of the helper columns (a first purchase of 0 — none — shows blank).
HELPER_FORMATS = {"first_purchase": "yyyy-mm-dd;;", "cohort": "yyyy-mm"}
_HELPER_FONT = Font(color="7F7F7F")


def table_columns(names: LiveNames) -> list[str]:
    """Header of the Orders table: the three input columns, then the helper columns."""
    return [names.customer_id, names.order_date, names.amount, *(names.helpers[k] for k in HELPERS)]


def write_orders_sheet(ws: Worksheet, names: LiveNames, orders: Orders | None, rows: int) -> None:
    """Header, the first order (or empty) row with every formula and style, and the Table
    over ``rows`` data rows (openpyxl writes only the first; see :func:`append_order_rows`)."""
    header = table_columns(names)
    for col, name in enumerate(header, start=1):
        ws.cell(1, col, name)
    formulas = helper_formulas(names)
    if orders is not None and len(orders):
        cid = orders.customer_ids[0]
        cell = ws.cell(2, 1, excel_text(cid) if isinstance(cid, str) else int(cid))
        if isinstance(cell.value, str):
            cell.data_type = "s"  # an id like "=cmd" stays text, never a formula
        ws.cell(2, 2, orders.order_dates[:1].astype("datetime64[D]").astype(object)[0])
        if orders.amounts is not None:
            ws.cell(2, 3, float(orders.amounts[0]))
    ws.cell(2, 2).number_format = "yyyy-mm-dd"
    ws.cell(2, 3).number_format = "#,##0.00"
    for col, key in enumerate(HELPERS, start=4):
        cell = ws.cell(2, col, formulas[key])
        cell.font = _HELPER_FONT
        cell.number_format = HELPER_FORMATS.get(key, "General")
    last = get_column_letter(len(header))
    table = Table(displayName=names.table, ref=f"A1:{last}{rows + 1}")
    table._initialise_columns()
    for column, name in zip(table.tableColumns, header, strict=True):
        column.name = name
    for column, key in zip(table.tableColumns[3:], HELPERS, strict=True):
        column.calculatedColumnFormula = TableFormula(attr_text=formulas[key][1:])
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    widths = (18, 13, 11, 12, 10, 14, 10, 8, 15, 15, 9, 12)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"


def append_order_rows(
    parts: dict[str, bytes],
    sheet: str,
    ids: np.ndarray,
    dates: np.ndarray,
    amounts: np.ndarray | None,
    formulas: Sequence[str],
    empty: int,
) -> None:
    """Append rows 3 … of ``sheet`` (a part name) as XML: one per order of ``ids``,
    ``dates``, ``amounts`` (the orders after the first), then ``empty`` rows with only the
    helper ``formulas`` (each with its leading "="), all in the styles of row 2.

    Ids that are text are written as inline strings (never formulas), dates as serials.
    """
    xml = parts[sheet].decode("utf-8")
    letters = [get_column_letter(c) for c in range(1, 4 + len(formulas))]
    styles = {}
    for letter in letters:
        found = re.search(rf'<c r="{letter}2"(?: [^>]*?)? s="(\d+)"', xml)
        styles[letter] = f' s="{found.group(1)}"' if found else ""
    row_mark = "\x00"  # stands for the row number in the helper cells (never in XML text)
    tail = "".join(
        f'<c r="{letter}{row_mark}"{styles[letter]}><f>{escape(formula[1:])}</f></c>'
        for letter, formula in zip(letters[3:], formulas, strict=True)
    )
    serials = (dates.astype("datetime64[D]") - _EXCEL_EPOCH).astype(np.int64).tolist()
    money = amounts.tolist() if amounts is not None else None
    a, b, c = styles["A"], styles["B"], styles["C"]
    out = []
    r = 3
    for i, (cid, serial) in enumerate(zip(ids.tolist(), serials, strict=True)):
        if isinstance(cid, str):
            text = escape(excel_text(cid))
            first = f'<c r="A{r}"{a} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
        else:
            first = f'<c r="A{r}"{a}><v>{cid}</v></c>'
        amount = f'<c r="C{r}"{c}><v>{money[i]!r}</v></c>' if money is not None else ""
        out.append(
            f'<row r="{r}">{first}<c r="B{r}"{b}><v>{serial}</v></c>{amount}'
            f"{tail.replace(row_mark, str(r))}</row>"
        )
        r += 1
    for _ in range(empty):
        inputs = f'<c r="A{r}"{a}/><c r="B{r}"{b}/><c r="C{r}"{c}/>'
        out.append(f'<row r="{r}">{inputs}{tail.replace(row_mark, str(r))}</row>')
        r += 1
    xml = xml.replace("</sheetData>", "".join(out) + "</sheetData>", 1)
    xml = re.sub(
        r'<dimension ref="A1:([A-Z]+)\d+"', rf'<dimension ref="A1:\g<1>{r - 1}"', xml, count=1
    )
    parts[sheet] = xml.encode("utf-8")
