"""Workbooks for classic xlwings: the VBA base and spilling formulas.

One idea: what an ``.xlsm`` needs so that Excel calls the retention_xl functions — the
installed xlwings' ``quickstart.xlsm`` (its VBA project) with an ``xlwings.conf`` sheet that
says ``UDF Modules = retention_xl.udfs`` — and, for formulas that spill (``=COHORT_TABLE``),
the dynamic-array cell metadata of Excel 365 (the ``XLDAPR`` metadata type, as XlsxWriter
writes it), which openpyxl cannot write itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

__all__ = ["mark_dynamic_arrays", "xlwings_base"]

_METADATA = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">'
    '<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" '
    'copy="1" pasteAll="1" pasteValues="1" merge="1" splitFirst="1" rowColShift="1" '
    'clearFormats="1" clearComments="1" assign="1" coerce="1" cellMeta="1"/></metadataTypes>'
    '<futureMetadata name="XLDAPR" count="1"><bk><extLst>'
    '<ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}">'
    '<xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/></ext></extLst></bk>'
    '</futureMetadata><cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata>'
    "</metadata>"
)
_METADATA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"
_METADATA_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata"


def xlwings_base() -> Any:
    """The installed xlwings' quickstart workbook, its config sheet set for our functions.

    The first sheet (``Sheet1``) is left for the caller to fill and rename; the
    ``xlwings.conf`` sheet holds only ``UDF Modules = retention_xl.udfs``.
    """
    import xlwings  # only for the location of its quickstart.xlsm; imported lazily

    quickstart = Path(xlwings.__file__).parent / "quickstart.xlsm"
    book = load_workbook(quickstart, keep_vba=True)
    conf = book["_xlwings.conf"]
    conf.title = "xlwings.conf"
    conf.delete_rows(1, conf.max_row)
    conf["A1"], conf["B1"] = "UDF Modules", "retention_xl.udfs"
    return book


def mark_dynamic_arrays(parts: dict[str, bytes], sheet_number: int, cells: list[str]) -> None:
    """Mark array formulas in ``cells`` of sheet ``sheet_number`` (1-based) as spilling.

    ``parts`` are the workbook's zip parts (see :func:`.parts.rewrite_parts`). The cells
    must hold single-cell array formulas (openpyxl ``ArrayFormula(ref=cell)``); they get
    ``cm="1"``, pointing at a dynamic-array entry in ``xl/metadata.xml``, which is added with
    its relationship and content type. Excel 365 then spills the result; older Excel and
    LibreOffice show the top-left value.
    """
    sheet = f"xl/worksheets/sheet{sheet_number}.xml"
    xml = parts[sheet].decode("utf-8")
    for cell in cells:
        pattern = re.compile(rf'<c r="{cell}"(?![^>]*\bcm=)')
        xml, found = pattern.subn(f'<c r="{cell}" cm="1"', xml)
        if found != 1:
            raise ValueError(f"{sheet}: no cell {cell} to mark as a dynamic array")
    parts[sheet] = xml.encode("utf-8")
    parts["xl/metadata.xml"] = _METADATA.encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    if "/xl/metadata.xml" not in types:
        types = types.replace(
            "</Types>",
            f'<Override PartName="/xl/metadata.xml" ContentType="{_METADATA_TYPE}"/></Types>',
        )
    parts["[Content_Types].xml"] = types.encode("utf-8")
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    if _METADATA_REL not in rels:
        rels = rels.replace(
            "</Relationships>",
            f'<Relationship Id="rIdMetadata1" Type="{_METADATA_REL}" Target="metadata.xml"/>'
            "</Relationships>",
        )
    parts["xl/_rels/workbook.xml.rels"] = rels.encode("utf-8")
