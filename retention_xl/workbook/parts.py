"""Editing the parts (XML files) of a saved workbook, and writing many rows fast.

One idea: openpyxl builds a workbook cell object by cell object, which costs most of the
time for long data sheets. Here a workbook's parts are edited between openpyxl's
serialisation and the final zip, and a sheet's data rows are produced straight as XML text
from numpy arrays, in the styles openpyxl gave the first data row. Imports numpy and
openpyxl's writer.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

__all__ = [
    "MAX_TEXT",
    "Edit",
    "append_rows",
    "check_text",
    "excel_text",
    "insert_rows",
    "resize_table",
    "write_workbook",
]

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")


Edit = Callable[[dict[str, bytes]], None]


def write_workbook(workbook: Any, path: Path, edit: Edit | None = None) -> None:
    """Write an openpyxl ``workbook`` to ``path``, letting ``edit`` change its parts first.

    openpyxl serialises into memory without compression; the parts are then edited and
    compressed once (level 3: nearly the size of level 6 at half the time). Zip entries carry
    a fixed date, so equal workbooks give equal files. A workbook loaded with its VBA
    (``keep_vba``) has its source archive closed afterwards: write it once.
    """
    buffer = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED)).save()
    if getattr(workbook, "vba_archive", None) is not None:
        workbook.vba_archive.close()  # the VBA is copied; the workbook is not saved twice
    with zipfile.ZipFile(buffer) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    if edit is not None:
        edit(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=3)


def excel_text(value: str) -> str:
    """Text with the control characters XML cannot hold written as Excel's ``_xHHHH_``
    escapes (as Excel itself stores them), so nothing is lost or refused.

    Examples
    --------
    >>> excel_text("a\x01b")
    'a_x0001_b'
    """
    return _ILLEGAL_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


MAX_TEXT = 32_767  #: characters an Excel cell holds


def check_text(value: str, where: str) -> str:
    """``value`` if it fits an Excel cell, else a TemplateError naming ``where``."""
    if len(value) > MAX_TEXT:
        from ..errors import TemplateError

        raise TemplateError(
            f"{where} has {len(value):,} characters; an Excel cell holds at "
            f"most {MAX_TEXT:,}. Shorten it before filling the workbook."
        )
    return value


def _text(value: str) -> str:
    return excel_text(value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def append_rows(
    parts: dict[str, bytes],
    sheet: str,
    first_row: int,
    ids: np.ndarray,
    dates: np.ndarray,
    amounts: np.ndarray | None,
) -> None:
    """Append order rows ``first_row`` … to ``sheet`` (a part name) as XML, in the styles
    of the row above ``first_row`` (columns A id as text, B date, C amount).

    Text is written as inline strings (never formulas), dates as Excel serial numbers.
    """
    xml = parts[sheet].decode("utf-8")
    above = first_row - 1
    styles = {}
    for column in "ABC":
        found = re.search(rf'<c r="{column}{above}"(?: [^>]*?)? s="(\d+)"', xml)
        styles[column] = f' s="{found.group(1)}"' if found else ""
    serials = (dates.astype("datetime64[D]") - _EXCEL_EPOCH).astype(np.int64).tolist()
    id_list = ids.tolist()
    money = amounts.tolist() if amounts is not None else None
    rows = []
    a, b, c = styles["A"], styles["B"], styles["C"]
    for offset, (cid, serial) in enumerate(zip(id_list, serials, strict=True)):
        r = first_row + offset
        if isinstance(cid, str):
            first = (
                f'<c r="A{r}"{a} t="inlineStr"><is><t xml:space="preserve">'
                f"{_text(cid)}</t></is></c>"
            )
        else:
            first = f'<c r="A{r}"{a}><v>{cid}</v></c>'
        amount = f'<c r="C{r}"{c}><v>{money[offset]!r}</v></c>' if money is not None else ""
        rows.append(f'<row r="{r}">{first}<c r="B{r}"{b}><v>{serial}</v></c>{amount}</row>')
    last = first_row + len(id_list) - 1
    xml = xml.replace("</sheetData>", "".join(rows) + "</sheetData>", 1)
    xml = re.sub(
        r'<dimension ref="A1:([A-Z]+)\d+"', rf'<dimension ref="A1:\g<1>{last}"', xml, count=1
    )
    parts[sheet] = xml.encode("utf-8")


def insert_rows(parts: dict[str, bytes], sheet: str, first_row: int, rows: list[list[Any]]) -> None:
    """Insert ``rows`` (lists of text, numbers or None) at ``first_row`` … of ``sheet``, each
    column in the style of the cell above ``first_row``; later rows stay where they are.

    The rows ``first_row`` … must be empty in the sheet (openpyxl wrote nothing there).
    """
    xml = parts[sheet].decode("utf-8")
    above = first_row - 1
    width = max((len(row) for row in rows), default=0)
    styles = []
    for c in range(1, width + 1):
        found = re.search(rf'<c r="{get_column_letter(c)}{above}"(?: [^>]*?)? s="(\d+)"', xml)
        styles.append(f' s="{found.group(1)}"' if found else "")
    letters = [get_column_letter(c) for c in range(1, width + 1)]
    out = []
    for offset, row in enumerate(rows):
        r = first_row + offset
        cells = []
        for j, value in enumerate(row):
            ref, style = f"{letters[j]}{r}", styles[j]
            if value is None or (isinstance(value, float) and not np.isfinite(value)):
                cells.append(f'<c r="{ref}"{style}/>')
            elif isinstance(value, str):
                cells.append(
                    f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">'
                    f"{_text(value)}</t></is></c>"
                )
            else:
                cells.append(f'<c r="{ref}"{style}><v>{value!r}</v></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    after = first_row + len(rows)
    position = -1
    for match in re.finditer(r'<row\b[^>]*?\br="(\d+)"', xml):
        if int(match[1]) >= after:
            position = match.start()
            break
        if first_row <= int(match[1]) < after:
            raise ValueError(f"{sheet}: row {match[1]} is not empty; cannot insert rows there")
    if position < 0:
        position = xml.index("</sheetData>")
    parts[sheet] = (xml[:position] + "".join(out) + xml[position:]).encode("utf-8")


def resize_table(parts: dict[str, bytes], name: str, ref: str) -> None:
    """Set the range (and its autofilter) of the Excel Table ``name`` to ``ref``."""
    for part, data in parts.items():
        if part.startswith("xl/tables/") and f'displayName="{name}"'.encode() in data:
            xml = data.decode("utf-8")
            xml = re.sub(r'(<table\b[^>]*?\bref=")[^"]*"', rf'\g<1>{ref}"', xml, count=1)
            xml = re.sub(r'(<autoFilter\b[^>]*?\bref=")[^"]*"', rf'\g<1>{ref}"', xml, count=1)
            parts[part] = xml.encode("utf-8")
            return
    raise ValueError(f"no table named {name!r} in the workbook")
