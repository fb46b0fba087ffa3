"""Orders from Excel workbooks (.xlsx, .xlsm, .xls) with python-calamine.

One idea: take the orders where an Excel user keeps them — the first sheet (or ``sheet``),
under its header row or inside its first Excel Table — with real dates and numbers read as
such, and hand the columns to :mod:`.build`. calamine (Rust) reads a 100,000-row sheet
several times faster than openpyxl's read-only mode. Rows are named as Excel shows them
(sheet and row number). Imports python_calamine, pyarrow, :mod:`.build`, :mod:`.request`,
:mod:`.zipcheck` and the errors.

Where the orders are looked for, in this order: with ``sheet``, that sheet (its first Table
holding the columns, else the first of its first 30 rows that names them); without, the
first sheet the same way, then every Table of the workbook, then the other sheets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..errors import DataError
from .build import Picked
from .messages import say
from .orders import ReadReport
from .request import Request, can_resolve, missing, resolve
from .zipcheck import zip_problem

__all__ = ["pick_excel"]

_HEADER_ROWS = 30


def _cell_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _to_arrow(values: list[Any]) -> tuple[pa.Array, tuple[np.ndarray, np.ndarray] | None]:
    """One column of cells as an arrow array: typed when the cells agree (all numbers, all
    dates), else as text — with the cells that were real numbers kept aside as numbers, so
    12.5 stays 12.5 next to a German "1.234,50" typed as text."""
    cells = [None if v == "" else v for v in values]
    kinds = {type(v) for v in cells if v is not None}
    if (kinds and kinds <= {float, int}) or kinds <= {dt.date} or kinds <= {dt.datetime}:
        try:
            return pa.array(cells), None
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            pass
    numbers = None
    if kinds & {float, int}:
        mask = np.array([type(v) in (float, int) for v in cells], dtype=bool)
        kept = np.array([v if m else 0.0 for v, m in zip(cells, mask, strict=True)], float)
        numbers = (kept, mask)
    return pa.array([_cell_text(v) for v in cells], pa.string()), numbers


def _open(path: Path, lang: str) -> Any:
    import python_calamine

    if path.suffix.lower() in (".xlsx", ".xlsm") or path.read_bytes()[:2] == b"PK":
        problem = zip_problem(path)
        if problem:
            raise DataError(say("bad_workbook", lang, source=path, reason=problem))
    try:
        try:
            return python_calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
        except python_calamine.TablesNotSupported:
            return python_calamine.CalamineWorkbook.from_path(str(path))
    except (python_calamine.CalamineError, OSError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DataError(say("bad_workbook", lang, source=path, reason=reason)) from None


def _tables(book: Any) -> list[Any]:
    try:
        return [book.get_table_by_name(name) for name in book.table_names]
    except Exception:  # calamine raises its own errors when tables were not loaded
        return []


def _header_row(rows: Sequence[Sequence[Any]], request: Request) -> int | None:
    for i, row in enumerate(rows[:_HEADER_ROWS]):
        header = [_cell_text(v) or "" for v in row]
        if can_resolve(header, request):
            return i
    return None


def pick_excel(path: Path, request: Request, *, sheet: str | None, report: ReadReport) -> Picked:
    """The requested columns of a workbook, from its sheet or Table holding them."""
    lang = request.lang
    book = _open(path, lang)
    names: list[str] = list(book.sheet_names)
    report.format = path.suffix.lower().lstrip(".") or "xlsx"
    if sheet is not None and sheet not in names:
        found = ", ".join(map(repr, names))
        raise DataError(say("no_sheet", lang, source=path, sheet=sheet, found=found))
    tables = _tables(book)
    order = [sheet] if sheet is not None else names
    candidates: list[tuple[str, Any]] = []
    for name in order[:1]:
        candidates += [("table", t) for t in tables if t.sheet == name]
        candidates.append(("sheet", name))
    if sheet is None:
        candidates += [("table", t) for t in tables if t.sheet != order[0]]
        candidates += [("sheet", name) for name in order[1:]]
    first_header: list[str] = []
    for kind, where in candidates:
        if kind == "table":
            header = [_cell_text(v) or "" for v in where.columns]
            if not can_resolve(header, request):
                continue
            rows = where.to_python()
            sheet_name, first_row = where.sheet, where.start[0] + 2
            label = f"{path}, {_word('table', lang)} {where.name!r}"
        else:
            grid = book.get_sheet_by_name(where).to_python(skip_empty_area=False)
            at = _header_row(grid, request)
            if at is None:
                if not first_header and grid:
                    first_header = [_cell_text(v) or "" for v in grid[0]]
                continue
            header = [_cell_text(v) or "" for v in grid[at]]
            rows, sheet_name, first_row = grid[at + 1 :], where, at + 2
            label = f"{path}"
        positions = resolve(header, request, str(path))
        return _picked(header, rows, positions, report, label, sheet_name, first_row, lang)
    resolve(first_header, request, str(path))  # raises, naming the first missing column
    raise DataError(missing(first_header, ("?",), "--sheet", str(path), lang))


def _word(key: str, lang: str) -> str:
    return say("word." + key, lang)


def _picked(
    header: list[str],
    rows: list[list[Any]],
    found: dict[str, int],
    report: ReadReport,
    label: str,
    sheet_name: str,
    first_row: int,
    lang: str,
) -> Picked:
    converted = {
        role: _to_arrow([row[at] if at < len(row) else None for row in rows])
        for role, at in found.items()
    }
    columns = {role: array for role, (array, _) in converted.items()}
    numbers = {role: kept for role, (_, kept) in converted.items() if kept is not None}
    sheet_word, row_word = _word("sheet", lang), _word("row", lang)

    def locate(indexes: np.ndarray) -> list[str]:
        return [
            f"{label}, {sheet_word} {sheet_name!r}, {row_word} {first_row + i}"
            for i in indexes.tolist()
        ]

    extra = {k.split(":", 1)[1]: v for k, v in columns.items() if k.startswith("extra:")}
    columns = {k: v for k, v in columns.items() if not k.startswith("extra:")}
    shown = {role: header[at].strip() for role, at in found.items()}
    numbers = {k: v for k, v in numbers.items() if k in ("amount", "date", "refund", "net")}
    return Picked(columns, shown, locate, report, extra, numbers)
