"""Filling a user's own workbook through defined names that start with ``rx_``.

One idea: write the results of a cohort analysis into the cells a user named, and change
nothing else — styles, charts, pivot caches, other sheets and the VBA of an ``.xlsm`` are
left byte for byte as they were. Only the sheets holding the named cells are edited (the
cells' ``<c>`` elements, keeping each cell's style), ``workbook.xml`` is told to recalculate
on open, and the calculation chain (which Excel rebuilds) is dropped.

The file is untrusted: its zip is checked before anything is decompressed (declared sizes
and compression ratios, against zip bombs), its XML is parsed with defusedxml (no entity
expansion), and anything that is not a workbook is refused with a clear message.

Names (each a single cell, the top-left anchor of a block, or a range the block must fit;
cells of a range beyond the data are emptied):

==========================  =====================================================
``rx_triangle``             the labelled cohort table (header, cohorts, average)
``rx_conventions``          the conventions, one sentence per row
``rx_orders``               the orders used: customer id, date, amount per row
``rx_segment``              the store or segment name (text)
``rx_as_of``                the observation end (a date)
``rx_customers`` …          one summary KPI each: ``rx_cohorts``,
                            ``rx_retention_1``, ``rx_retention_3``,
                            ``rx_retention_6``, ``rx_retention_12``,
                            ``rx_repeat_customer_rate``,
                            ``rx_average_order_value``, ``rx_purchase_frequency``
``rx_orders_used``          orders in the table; ``rx_rows_rejected`` rows refused
==========================  =====================================================
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException

from ..errors import TemplateError
from ..io.zipcheck import zip_problem
from ..results import CohortResult
from .cohort_template import SUMMARY
from .parts import check_text, excel_text

__all__ = ["NAMES", "check_archive", "fill_named_cells", "named_values"]

NAMES = (
    "rx_triangle",
    "rx_conventions",
    "rx_orders",
    "rx_segment",
    "rx_as_of",
    *(f"rx_{key}" for key in SUMMARY),
    "rx_orders_used",
    "rx_rows_rejected",
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
_EPOCH = dt.date(1899, 12, 30)


def check_archive(path: Path) -> zipfile.ZipFile:
    """Open ``path`` as a workbook zip after checking it cannot explode in memory.

    Raises
    ------
    TemplateError
        Not a zip, no ``xl/workbook.xml``, or sizes that look like a zip bomb.
    """
    problem = zip_problem(path)
    if problem == "not a zip file":
        raise TemplateError(
            f"{path} is not an Excel workbook (.xlsx/.xlsm are zip files); "
            "save it from Excel as a workbook and try again."
        )
    if problem:
        raise TemplateError(f"{path}: {problem}; refusing to open it.")
    return zipfile.ZipFile(path)


def _parse(data: bytes, part: str, path: Path) -> Any:
    try:
        return SafeTree.fromstring(data)
    except DefusedXmlException as error:
        raise TemplateError(
            f"{path}: {part} uses XML entities or DTDs ({type(error).__name__}); "
            "refusing to read it."
        ) from None
    except SafeTree.ParseError as error:
        raise TemplateError(f"{path}: {part} is not valid XML ({error}).") from None


def _targets(parts: Mapping[str, bytes], path: Path) -> dict[str, tuple[str, str, str]]:
    """rx_ name → (sheet part, top-left cell, bottom-right cell)."""
    book = _parse(parts["xl/workbook.xml"], "xl/workbook.xml", path)
    rels = _parse(parts["xl/_rels/workbook.xml.rels"], "xl/_rels/workbook.xml.rels", path)
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{_PKG}}}Relationship")}
    sheets = {}
    for sheet in book.iter(f"{{{_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        sheets[sheet.get("name")] = part
    found: dict[str, tuple[str, str, str]] = {}
    for defined in book.iter(f"{{{_MAIN}}}definedName"):
        name = (defined.get("name") or "").lower()
        if not name.startswith("rx_"):
            continue
        if name not in NAMES:
            raise TemplateError(
                f"{path}: unknown name {defined.get('name')!r}; retention_xl fills "
                f"{', '.join(NAMES)}."
            )
        text = (defined.text or "").strip()
        match = re.fullmatch(
            r"(?:'((?:[^']|'')+)'|([^'!]+))!(\$?[A-Z]+\$?\d+)(?::(\$?[A-Z]+\$?\d+))?", text
        )
        if not match:
            raise TemplateError(
                f"{path}: {name} refers to {text!r}; it must be one cell or one "
                "range on one sheet, like Report!$B$4."
            )
        sheet_name = (match[1] or "").replace("''", "'") or match[2]
        if sheet_name not in sheets:
            raise TemplateError(
                f"{path}: {name} refers to a sheet {sheet_name!r} that does not exist."
            )
        first = match[3].replace("$", "")
        found[name] = (sheets[sheet_name], first, (match[4] or first).replace("$", ""))
    return found


def _address(cell: str) -> tuple[int, int]:
    match = _CELL.fullmatch(cell)
    assert match is not None
    column = 0
    for letter in match[1]:
        column = column * 26 + ord(letter) - 64
    return int(match[2]), column


def _letters(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def named_values(result: CohortResult, segment: str | None) -> dict[str, list[list[Any]]]:
    """The blocks each rx_ name receives, as 2-D lists (None = empty cell), from a cohort
    result of orders in memory."""
    table, orders = result.table, result.orders
    if orders is None:
        raise TemplateError("your own workbook receives the orders: read them into memory.")
    rows = table.rows()
    blocks: dict[str, list[list[Any]]] = {
        "rx_triangle": rows,
        "rx_conventions": [[line] for line in table.conventions()],
        "rx_segment": [[segment or ""]],
        "rx_as_of": [[table.as_of]],
        "rx_orders_used": [[table.orders_used]],
        "rx_rows_rejected": [[result.rows_rejected]],
    }
    for key, value in result.summary.items():  # rx_customers, rx_retention_1 … as the summary
        blocks[f"rx_{key}"] = [[value]]
    dates = orders.order_dates.astype("datetime64[D]").astype(object).tolist()
    money = orders.amounts.tolist() if orders.amounts is not None else [None] * len(dates)
    blocks["rx_orders"] = [
        [cid if isinstance(cid, str) else int(cid), day, amount]
        for cid, day, amount in zip(orders.customer_ids.tolist(), dates, money, strict=True)
    ]
    return blocks


def _cell_xml(ref: str, value: Any, style: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return f'<c r="{ref}"{style}/>'
    if isinstance(value, (dt.date, dt.datetime)):
        day = value.date() if isinstance(value, dt.datetime) else value
        return f'<c r="{ref}"{style}><v>{(day - _EPOCH).days}</v></c>'
    if isinstance(value, (bool, np.bool_)):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, np.integer, np.floating)):
        return f'<c r="{ref}"{style}><v>{float(value)!r}</v></c>'
    text = excel_text(check_text(str(value), f"the text for {ref}"))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


_ROW = re.compile(r'<row\b[^>]*?\br="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.S)
_C = re.compile(r'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)
_STYLE = re.compile(r'\bs="(\d+)"')


def _write_cells(xml: str, cells: dict[tuple[int, int], Any], part: str, path: Path) -> str:
    """Set ``cells`` ((row, column) → value) in a worksheet's XML, keeping cell styles."""
    start, end = xml.find("<sheetData"), xml.find("</sheetData>")
    if start < 0:
        raise TemplateError(
            f"{path}: {part} is not a worksheet (a chart sheet?); name cells on a worksheet."
        )
    if xml.startswith("<sheetData/>", start) or end < 0:
        head = xml[:start] + "<sheetData>"
        body, tail = "", "</sheetData>" + xml[start + len("<sheetData/>") :]
    else:
        open_end = xml.index(">", start) + 1
        head, body, tail = xml[:open_end], xml[open_end:end], xml[end:]
    rows = {int(m[1]): m[0] for m in _ROW.finditer(body)}
    if len(rows) != len(re.findall(r"<row\b", body)):
        raise TemplateError(
            f"{path}: {part} has rows without row numbers; open and save it "
            "in Excel once, then try again."
        )
    by_row: dict[int, dict[int, Any]] = {}
    for (r, c), value in cells.items():
        by_row.setdefault(r, {})[c] = value
    for r, changes in by_row.items():
        row_xml = rows.get(r, f'<row r="{r}"></row>')
        if row_xml.endswith("/>"):
            row_xml = row_xml[:-2] + "></row>"
        open_tag = row_xml[: row_xml.index(">") + 1]
        inner = row_xml[len(open_tag) : -len("</row>")]
        existing = {_address(m[1] + m[2])[1]: m[0] for m in _C.finditer(inner)}
        if len(existing) != len(re.findall(r"<c\b", inner)):
            raise TemplateError(
                f"{path}: {part} row {r} has cells without addresses; open and "
                "save it in Excel once, then try again."
            )
        for c, value in changes.items():
            old = existing.get(c, "")
            if re.search(r'<f\b[^>]*\bt="(?:shared|array)"[^>]*\bref="', old):
                raise TemplateError(
                    f"{path}: {_letters(c)}{r} holds a shared or array formula that other cells "
                    "depend on; clear the cells named rx_… of formulas."
                )
            style = _STYLE.search(old[: old.find(">") + 1] if old else "")
            existing[c] = _cell_xml(f"{_letters(c)}{r}", value, f' s="{style[1]}"' if style else "")
        open_tag = re.sub(r'\sspans="[^"]*"', "", open_tag)  # spans would be stale
        rows[r] = open_tag + "".join(existing[c] for c in sorted(existing)) + "</row>"
    body = "".join(rows[r] for r in sorted(rows))
    return head + body + tail


def fill_named_cells(
    template: Path, target: Path, blocks: Mapping[str, list[list[Any]]]
) -> list[str]:
    """Copy ``template`` to ``target`` with the rx_ names filled from ``blocks``.

    Returns the names that were filled. Writes ``target`` directly: call it on a temporary
    file and rename (see :func:`retention_xl.batch.fill_workbook`).
    """
    with check_archive(template) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
        order = [info.filename for info in archive.infolist()]
    for part in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
        if part not in parts:
            raise TemplateError(f"{template} is not a complete workbook (no {part}).")
    names = _targets(parts, template)
    if not names:
        raise TemplateError(
            f"{template} has no cells named rx_…; name the cells to fill (e.g. "
            "rx_triangle) in Excel's Name Manager. Names: " + ", ".join(NAMES)
        )
    per_sheet: dict[str, dict[tuple[int, int], Any]] = {}
    for name, (part, first, last) in names.items():
        block = blocks.get(name, [[None]])
        top, left = _address(first)
        bottom, right = _address(last)
        height = max(len(block), 1)
        width = max((len(row) for row in block), default=1)
        single = (top, left) == (bottom, right)
        if not single and (height > bottom - top + 1 or width > right - left + 1):
            raise TemplateError(
                f"{template}: {name} ({first}:{last}) holds {bottom - top + 1}×{right - left + 1} "
                f"cells but the data needs {height}×{width}; enlarge the range or name one cell."
            )
        if top + height - 1 > 1_048_576 or left + width - 1 > 16_384:
            raise TemplateError(
                f"{template}: {name} at {first} runs past Excel's last row or column."
            )
        cells = per_sheet.setdefault(part, {})
        rows_to = bottom if not single else top + height - 1
        cols_to = right if not single else left + width - 1
        for r in range(top, rows_to + 1):
            for c in range(left, cols_to + 1):
                i, j = r - top, c - left
                row = block[i] if i < len(block) else []
                cells[(r, c)] = row[j] if j < len(row) else None
    for part, cells in per_sheet.items():
        if part not in parts:
            raise TemplateError(f"{template}: the sheet part {part} is missing.")
        parts[part] = _write_cells(parts[part].decode("utf-8"), cells, part, template).encode(
            "utf-8"
        )
    _recalculate_on_open(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in order:
            if name in parts:
                out.writestr(name, parts[name])
    return sorted(names)


def _recalculate_on_open(parts: dict[str, bytes]) -> None:
    """Ask Excel to recalculate when opening, and drop the stale calculation chain."""
    book = parts["xl/workbook.xml"].decode("utf-8")
    if "<calcPr" in book:
        book = re.sub(
            r"<calcPr\b([^>]*?)\s*/>",
            lambda m: (
                "<calcPr" + re.sub(r'\sfullCalcOnLoad="[^"]*"', "", m[1]) + ' fullCalcOnLoad="1"/>'
            ),
            book,
            count=1,
        )
    else:  # the schema puts calcPr right after definedNames (or sheets)
        anchor = "</definedNames>" if "</definedNames>" in book else "</sheets>"
        book = book.replace(anchor, anchor + '<calcPr fullCalcOnLoad="1"/>', 1)
    parts["xl/workbook.xml"] = book.encode("utf-8")
    if "xl/calcChain.xml" in parts:
        del parts["xl/calcChain.xml"]
        types = parts["[Content_Types].xml"].decode("utf-8")
        types = re.sub(r'<Override[^>]*PartName="/xl/calcChain.xml"[^>]*/>', "", types)
        parts["[Content_Types].xml"] = types.encode("utf-8")
        rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
        rels = re.sub(r'<Relationship[^>]*Target="[^"]*calcChain.xml"[^>]*/>', "", rels)
        parts["xl/_rels/workbook.xml.rels"] = rels.encode("utf-8")


def write_user_workbook(
    template: Path,
    out: str | Path,
    result: CohortResult,
    *,
    segment: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Your own ``template`` with its rx_ cells filled from a cohort ``result``, saved
    atomically to ``out`` (same suffix; never over a file unasked)."""
    from .files import write_atomically

    source = Path(template)
    if Path(out).suffix.lower() != source.suffix.lower():
        raise TemplateError(
            f"{out}: a workbook filled from {source.name} must end in {source.suffix}."
        )
    blocks = named_values(result, segment)

    def fill(temporary: Path) -> None:
        fill_named_cells(source, temporary, blocks)

    return write_atomically(out, fill, overwrite=overwrite)
