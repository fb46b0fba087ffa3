"""Editing the parts (XML files) of a saved workbook, and writing many rows fast.

One idea: openpyxl builds a workbook cell object by cell object, which costs most of the
time for long data sheets. Here a saved workbook's zip is rewritten with some parts
changed, and a sheet's data rows are produced straight as XML text from numpy arrays, in
the styles openpyxl gave the first data row. Imports numpy only.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

__all__ = ["append_rows", "excel_text", "rewrite_parts"]

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")


def rewrite_parts(path: Path, edit: Callable[[dict[str, bytes]], None]) -> None:
    """Rewrite the zip at ``path`` after ``edit`` changed its parts (name → bytes) in place."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    edit(parts)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".zip", delete=False) as handle:
        temporary = Path(handle.name)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for name, data in parts.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        shutil.move(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def excel_text(value: str) -> str:
    """Text with the control characters XML cannot hold written as Excel's ``_xHHHH_``
    escapes (as Excel itself stores them), so nothing is lost or refused.

    Examples
    --------
    >>> excel_text("a\x01b")
    'a_x0001_b'
    """
    return _ILLEGAL_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


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
