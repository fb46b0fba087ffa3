"""Orders from Excel ranges as xlwings hands them over (one cell per order).

One idea: the cells of an Excel function's arguments — ids, dates (``datetime`` or serial
numbers), amounts — become :class:`~retention_xl.io.orders.Orders`; a bad cell raises a
:class:`~retention_xl.errors.DataError` naming its row in the range. No pyarrow: this runs
inside xlwings Lite (Pyodide). Imports numpy, :mod:`retention_xl.excel_values`,
:mod:`retention_xl.ids` and :mod:`.orders`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DataError
from ..excel_values import parse_date, parse_number
from ..ids import ids_array
from .orders import Orders, ReadReport

__all__ = ["orders_from_cells"]


def _blank(value: Any) -> bool:
    """An empty cell as Excel sends it: None, empty text, or 0 (older builds send 0 for a
    blank cell: an all-zero row of an orders Table is a blank row, never an order of
    1900-01-00)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0


def orders_from_cells(
    customer_ids: list[Any], order_dates: list[Any], amounts: list[Any] | None
) -> Orders:
    """Orders from Excel columns (one cell per order; rows blank in every column are skipped,
    and so are rows of zeros: older Excel builds send a blank cell as 0).

    Raises ``DataError`` naming the row (1-based within the range) of the first bad cell.
    """
    n = max(len(customer_ids), len(order_dates), len(amounts or []))

    def at(cells: list[Any] | None, i: int) -> Any:
        return cells[i] if cells is not None and i < len(cells) else None

    ids: list[Any] = []
    days: list[float] = []
    money: list[float] = []
    report = ReadReport("range", decimal=".", has_amounts=amounts is not None)
    for i in range(n):
        cid, date, amount = at(customer_ids, i), at(order_dates, i), at(amounts, i)
        if all(_blank(v) for v in (cid, date, amount)):
            report.blank_rows += 1
            continue
        report.rows_read += 1
        serial = parse_date(date)
        value = parse_number(amount) if amounts is not None else 0.0
        if cid is None or (isinstance(cid, str) and (not cid.strip() or cid.startswith("#"))):
            raise DataError(f"row {i + 1}: customer id {cid!r} is missing or an error.")
        if not isinstance(serial, float):
            raise DataError(f"row {i + 1}: order date {date!r} is not a date.")
        if not isinstance(value, float):
            raise DataError(f"row {i + 1}: amount {amount!r} is not a number.")
        ids.append(int(cid) if isinstance(cid, float) and cid.is_integer() else cid)
        days.append(serial)
        money.append(value)
    report.rows_used = len(ids)
    serials = np.array(days, dtype="float64")
    serials = np.where(serials < 61, serials + 1, serials)
    return Orders(
        customer_ids=ids_array(ids) if ids else np.array([], dtype="<U1"),
        order_dates=(serials - 25569).astype("int64").astype("datetime64[D]"),
        amounts=np.array(money) if amounts is not None else None,
        report=report,
    )
