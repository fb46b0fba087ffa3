"""The cohort workbook: orders in an Excel Table, the triangle with a heatmap, retention
curves, a KPI summary and instructions — English or German, ``.xlsx`` or ``.xlsm``.

One idea: lay out one cohort analysis as a workbook.

- ``.xlsx`` (no add-in): the triangle, cohort sizes and summary are **values** computed by
  :func:`retention_xl.cohorts.cohort_table` when the workbook is written; the two average
  rows are native formulas over those values (they stay live when a value is edited). Re-run
  the fill to update it with new orders.
- ``.xlsm`` (classic xlwings): ``=COHORT_TABLE(Orders[customer_id], …)`` spills the triangle
  live from the Orders table; helper formulas (INDEX/MATCH) feed the chart and the summary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..cohorts import CohortSpec, CohortTable, describe_conventions
from ..definitions import by_name
from ..errors import TemplateError
from ..io import Orders
from ..names import safe_sheet_name
from ..results import CohortResult
from ..texts import LANGS
from ..texts import text as _text  # `text` is a common local name here
from .files import save_atomically
from .parts import (
    MAX_TEXT,
    Edit,
    append_rows,
    check_text,
    excel_text,
    insert_rows,
    resize_table,
)
from .styles import MAX_COLUMNS, MAX_ROWS, fit_to_page, head
from .xlsm import mark_dynamic_arrays, xlwings_base

__all__ = [
    "COLUMNS",
    "FORMATS",
    "HEADER_ROW",
    "SUMMARY",
    "TABLE_NAME",
    "SummaryRow",
    "check_limits",
    "cohort_workbook",
    "heatmap",
    "instruction_lines",
    "line_chart",
    "phrase",
    "quoted",
    "straight",
    "summary_row",
    "summary_rows",
    "write_cohort_workbook",
    "write_instructions",
    "write_summary",
]

#: Row of the triangle's header on the cohort sheet; cohorts start one row below.
HEADER_ROW = 8
_XLSM_ROWS, _XLSM_COLUMNS = 400, 120  # the block the spilled COHORT_TABLE is formatted for
LATEST = 6  #: how many of the newest cohorts the chart shows beside the average

#: The Orders table's name and columns in each language (formulas name them).
TABLE_NAME = {lang: _text("cohort_workbook.table", lang) for lang in LANGS}
COLUMNS = {
    lang: (
        _text("cohort_workbook.column.customer_id", lang),
        _text("cohort_workbook.column.order_date", lang),
        _text("cohort_workbook.column.amount", lang),
    )
    for lang in LANGS
}
FORMATS = {
    "retention": "0.0%",
    "customers": "#,##0",
    "revenue": "#,##0.00",
    "revenue_per_customer": "#,##0.00",
}


def quoted(title: str) -> str:
    """A sheet name as a formula reference: quoted, inner apostrophes doubled."""
    return "'" + title.replace("'", "''") + "'"


def phrase(key: str, lang: str, **fields: object) -> str:
    """One of the workbook's short texts (sheet names, titles, labels) in ``lang``: the text
    ``cohort_workbook.<key>`` of :mod:`retention_xl.texts`."""
    return _text("cohort_workbook." + key, lang, **fields)


@dataclass(frozen=True)
class SummaryRow:
    """One KPI of the summary sheet: key, label, value (None = blank) and explanation."""

    key: str
    label: str
    value: float | None
    meaning: str
    number_format: str


def _kpi(name: str, number_format: str, k: int = 0) -> tuple[str, str, str, str, str]:
    label, meaning = f"cohort_workbook.kpi.{name}", f"cohort_workbook.kpi.{name}.meaning"
    return (
        _text(label, "en", k=k),
        _text(label, "de", k=k),
        _text(meaning, "en"),
        _text(meaning, "de"),
        number_format,
    )


#: The summary KPIs: key → (label en, label de, meaning en, meaning de, number format) (the
#: texts ``cohort_workbook.kpi.<key>`` and ``….meaning``). The .xlsx shows them as values, the
#: .xlsm as formulas, user templates take them as rx_<key>.
SUMMARY: dict[str, tuple[str, str, str, str, str]] = {
    "customers": _kpi("customers", "#,##0"),
    "cohorts": _kpi("cohorts", "0"),
    **{f"retention_{k}": _kpi("retention", "0.0%", k) for k in (1, 3, 6, 12)},
    "repeat_customer_rate": _kpi("repeat_customer_rate", "0.0%"),
    "average_order_value": _kpi("average_order_value", "#,##0.00"),
    "purchase_frequency": _kpi("purchase_frequency", "0.00"),
}


def summary_row(key: str, value: float | None, lang: str) -> SummaryRow:
    """The row of :data:`SUMMARY` ``key`` in ``lang``, with ``value`` (NaN and inf: blank)."""
    label_en, label_de, meaning_en, meaning_de, number_format = SUMMARY[key]
    at = LANGS.index(lang)
    if value is not None and not np.isfinite(value):
        value = None
    return SummaryRow(
        key, (label_en, label_de)[at], value, (meaning_en, meaning_de)[at], number_format
    )


def summary_rows(values: dict[str, float | None], lang: str) -> list[SummaryRow]:
    """The summary KPIs (:func:`retention_xl.results.summary_values`) as labelled rows."""
    return [summary_row(key, value, lang) for key, value in values.items()]


def check_limits(orders: Orders | None, table: CohortTable | None) -> None:
    """Refuse, before writing, orders or a triangle beyond Excel's rows, columns or text."""
    if orders is not None and len(orders) + 1 > MAX_ROWS:
        raise TemplateError(
            f"{len(orders):,} orders do not fit on one sheet (Excel holds {MAX_ROWS - 1:,} rows "
            "below a header); split the data (e.g. by store or year)."
        )
    if table is not None:
        if HEADER_ROW + len(table.labels) + 2 > MAX_ROWS:
            raise TemplateError(f"{len(table.labels):,} cohorts exceed Excel's {MAX_ROWS:,} rows.")
        if table.values.shape[1] + 2 > MAX_COLUMNS:
            raise TemplateError(
                f"{table.values.shape[1]:,} periods exceed Excel's {MAX_COLUMNS:,} columns; "
                "choose a longer period (W or M instead of D)."
            )
    if orders is not None and orders.customer_ids.dtype.kind == "U" and orders.customer_ids.size:
        longest = int(np.char.str_len(orders.customer_ids).max())
        if longest > MAX_TEXT:
            raise TemplateError(
                f"a customer id has {longest:,} characters; Excel cells hold at most {MAX_TEXT:,}."
            )


def _write_orders(ws: Worksheet, lang: str, orders: Orders | None, limit: int | None) -> None:
    """The Orders sheet with its Excel Table.

    Only the first ``limit`` rows are written here (all when None); the rest are appended
    as XML after saving (see :func:`.parts.append_rows`), in the same styles.
    """
    names = COLUMNS[lang]
    for col, name in enumerate(names, start=1):
        ws.cell(1, col, name)
    n = len(orders) if orders is not None else 0
    if orders is not None:
        dates = orders.order_dates.astype("datetime64[D]").astype(object)
        amounts = orders.amounts
        for i in range(n if limit is None else min(limit, n)):
            cid = orders.customer_ids[i]
            cell = ws.cell(i + 2, 1, excel_text(cid) if isinstance(cid, str) else int(cid))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # an id like "=cmd" stays text, never a formula
            ws.cell(i + 2, 2, dates[i]).number_format = "yyyy-mm-dd"
            if amounts is not None:
                ws.cell(i + 2, 3, float(amounts[i])).number_format = "#,##0.00"
    written = n if limit is None else min(limit, n)
    # openpyxl visits every cell of a table's range when saving: give it only the rows it
    # wrote; the rows appended later extend the range in the saved table part
    table = Table(displayName=TABLE_NAME[lang], ref=f"A1:C{max(written, 1) + 1}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    for letter, width in zip("ABC", (18, 14, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"


def conventions_block(ws: Worksheet, lines: list[str], note: str) -> None:
    """Title style, ``note`` in row 2 and up to four convention sentences in rows 3–6."""
    ws["A1"].font = Font(bold=True, size=16)
    ws["A2"] = note
    ws["A2"].font = Font(italic=True, color="555555")
    for offset, line in enumerate(lines[:4]):
        ws.cell(3 + offset, 1, line)


def heatmap(ws: Worksheet, area: str) -> None:
    """A red–yellow–green colour scale over ``area`` (text and blank cells stay white)."""
    ws.conditional_formatting.add(
        area,
        ColorScaleRule(
            start_type="min",
            start_color="F8696B",
            mid_type="percentile",
            mid_value=50,
            mid_color="FFEB84",
            end_type="max",
            end_color="63BE7B",
        ),
    )


def line_chart(lang: str, value: str) -> LineChart:
    """The retention-curve chart, without series: periods across, gaps for blank cells.

    Add series with :func:`straight`. Retention curves get a 0–100 % axis.
    """
    chart = LineChart()
    chart.title = phrase("chart", lang) if value == "retention" else None
    chart.y_axis.number_format = FORMATS[value]
    if value == "retention":
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.y_axis.title = None
    chart.x_axis.title = phrase("axis", lang).rstrip(" →")
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.display_blanks = "gap"
    chart.width, chart.height = 26, 11
    return chart


def straight(series: Series) -> Series:
    """``series`` drawn as straight segments: an explicit ``<c:smooth val="0"/>``, since
    LibreOffice smooths line series that do not say."""
    series.smooth = False
    return series


def _write_triangle(ws: Worksheet, lang: str, table: CohortTable, defer: bool) -> list[list[Any]]:
    """Values of the triangle and the two native average rows.

    With ``defer`` only the first cohort row is written here; the others are returned, to
    be inserted as XML in the first row's styles (see :func:`.parts.insert_rows`).
    """
    rows = table.rows(lang)
    width = table.values.shape[1]
    head(ws, HEADER_ROW, rows[0])
    first, last = HEADER_ROW + 1, HEADER_ROW + len(table.labels)
    number_format = FORMATS[table.value]
    cohort_rows = rows[1:-1]
    deferred = cohort_rows[1:] if defer else []
    for r, row in enumerate(cohort_rows[: len(cohort_rows) - len(deferred)], start=first):
        ws.cell(r, 1, row[0]).data_type = "s"
        ws.cell(r, 2, row[1])
        for c, cell_value in enumerate(row[2:], start=3):
            cell = ws.cell(r, c, cell_value)
            cell.number_format = number_format
    sizes = f"$B${first}:$B${last}"
    for r, key in ((last + 1, "weighted"), (last + 2, "unweighted")):
        ws.cell(r, 1, phrase(key, lang)).font = Font(bold=True)
        ws.cell(r, 2, f"=SUM({sizes})").font = Font(bold=True)
        for c in range(3, width + 3):
            col = get_column_letter(c)
            area = f"{col}{first}:{col}{last}"
            if key == "weighted":
                formula = (
                    f'=IF(COUNT({area})=0,"",SUMPRODUCT({sizes},{area})/SUMIF({area},"<>",{sizes}))'
                )
            else:
                formula = f'=IF(COUNT({area})=0,"",AVERAGE({area}))'
            cell = ws.cell(r, c, formula)
            cell.number_format, cell.font = number_format, Font(bold=True)
    start_col = 4 if table.value == "retention" else 3
    if width + 2 >= start_col and last >= first:
        heatmap(ws, f"{get_column_letter(start_col)}{first}:{get_column_letter(width + 2)}{last}")
    chart = line_chart(lang, table.value)
    header = Reference(ws, min_col=3, max_col=width + 2, min_row=HEADER_ROW)
    newest = [
        r
        for r in range(last, first - 1, -1)
        if table.sizes[r - first] > 0
        and width > 1
        and not np.isnan(table.values[r - first, min(1, width - 1)])
    ][:LATEST]
    for r in [last + 1, *sorted(newest)]:
        values = Reference(ws, min_col=3, max_col=width + 2, min_row=r)
        title = phrase("weighted", lang) if r == last + 1 else table.labels[r - first]
        chart.series.append(straight(Series(values, title=title)))
    chart.set_categories(header)
    ws.add_chart(chart, f"A{last + 4}")
    return deferred


def _write_spilling_triangle(
    ws: Worksheet, summary: Worksheet, lang: str, period: str, kind: str, value: str
) -> None:
    """xlsm: one spilling COHORT_TABLE formula; helper rows on the summary sheet."""
    name = by_name("COHORT_TABLE").excel_name(lang)
    table, (ids, dates, amounts) = TABLE_NAME[lang], COLUMNS[lang]
    formula = (
        f'={name}({table}[{ids}],{table}[{dates}],{table}[{amounts}],"{period}","{kind}","{value}")'
    )
    ws[f"A{HEADER_ROW}"] = ArrayFormula(f"A{HEADER_ROW}", formula)
    last_col = get_column_letter(_XLSM_COLUMNS)
    block = f"C{HEADER_ROW + 1}:{last_col}{HEADER_ROW + _XLSM_ROWS}"
    for row in ws[block]:
        for cell in row:
            cell.number_format = FORMATS[value]
    heatmap(
        ws,
        block if value != "retention" else f"D{HEADER_ROW + 1}:{last_col}{HEADER_ROW + _XLSM_ROWS}",
    )
    # helper rows: the average (the spill's last row) and the newest cohorts above it
    sheet = quoted(ws.title)
    labels = f"{sheet}!$A${HEADER_ROW}:$A${HEADER_ROW + _XLSM_ROWS}"
    grid = f"{sheet}!$C${HEADER_ROW}:${last_col}${HEADER_ROW + _XLSM_ROWS}"
    average = _text("cohorts.average.weighted", lang)  # the spilled table's average row
    top = 20
    summary.cell(top, 1, phrase("curves", lang)).font = Font(bold=True)
    summary.cell(top + 1, 1, "row")
    summary.cell(top + 1, 2, phrase("period", lang))
    for k in range(_XLSM_COLUMNS - 2):
        summary.cell(top + 1, 3 + k, k)
    for j in range(LATEST + 1):
        r = top + 2 + j
        summary.cell(r, 1, f'=MATCH("{average}",{labels},0)-{j}')
        summary.cell(r, 2, f'=IF($A{r}>1,INDEX({labels},$A{r}),"")')
        for k in range(_XLSM_COLUMNS - 2):
            at = f"INDEX({grid},$A{r},{k + 1})"
            summary.cell(r, 3 + k, f'=IF($A{r}>1,IF({at}="",NA(),{at}),NA())')
    chart = line_chart(lang, value)
    for j in range(LATEST + 1):
        r = top + 2 + j
        values = Reference(summary, min_col=3, max_col=_XLSM_COLUMNS, min_row=r)
        chart.series.append(straight(Series(values, title=average if j == 0 else f"-{j}")))
    chart.set_categories(Reference(summary, min_col=3, max_col=_XLSM_COLUMNS, min_row=top + 1))
    ws.add_chart(chart, "P2")


def write_summary(ws: Worksheet, lang: str, rows: list[SummaryRow]) -> None:
    """The summary sheet: title, header and one row per KPI (label, value, meaning)."""
    ws["A1"] = phrase("summary", lang)
    ws["A1"].font = Font(bold=True, size=16)
    head(ws, 3, (phrase("kpi", lang), phrase("value", lang), phrase("meaning", lang)))
    for r, row in enumerate(rows, start=4):
        ws.cell(r, 1, row.label)
        cell = ws.cell(r, 2, row.value)
        cell.number_format = row.number_format
        ws.cell(r, 3, row.meaning)
    for letter, width in zip("ABC", (34, 14, 60), strict=True):
        ws.column_dimensions[letter].width = width


def _xlsm_summary(lang: str, cohorts_title: str) -> list[tuple[SummaryRow, str]]:
    """Summary rows of the xlsm: live formulas over the spilled table and the Orders table."""
    table, (ids, _, amounts) = TABLE_NAME[lang], COLUMNS[lang]
    average = _text("cohorts.average.weighted", lang)  # the spilled table's average row
    sheet = quoted(cohorts_title)
    labels = f"{sheet}!$A${HEADER_ROW}:$A${HEADER_ROW + _XLSM_ROWS}"
    avg_row = f'MATCH("{average}",{labels},0)'
    grid = f"{sheet}!$B${HEADER_ROW}:$BZ${HEADER_ROW + _XLSM_ROWS}"
    id_col, amount_col = f"{table}[{ids}]", f"{table}[{amounts}]"
    purchases = f'COUNTIF({amount_col},">=0")'
    per_customer = f'COUNTIFS({id_col},{id_col},{amount_col},">=0")'
    customers = f"INDEX({grid},{avg_row},1)"
    formulas = {
        "customers": f"={customers}",
        "cohorts": f"={avg_row}-2",
        **{
            f"retention_{k}": f'=IFERROR(IF(INDEX({grid},{avg_row},{k + 2})="","",'
            f'INDEX({grid},{avg_row},{k + 2})),"")'
            for k in (1, 3, 6, 12)
        },
        # each purchase row of a customer with n ≥ 2 purchases adds 1/n; refund rows add 0
        "repeat_customer_rate": f"=SUMPRODUCT((({amount_col}>=0)*({per_customer}>1))"
        f"/({per_customer}+({amount_col}<0)))/{customers}",
        "average_order_value": f"=SUM({amount_col})/{purchases}",
        "purchase_frequency": f"={purchases}/{customers}",
    }
    return [(summary_row(key, None, lang), formula) for key, formula in formulas.items()]


def _write_instructions(ws: Worksheet, lang: str, xlsm: bool) -> None:
    table, columns = TABLE_NAME[lang], ", ".join(COLUMNS[lang])
    if xlsm:
        how = phrase("how_xlsm", lang, table=table, columns=columns)
    else:
        how = phrase("how_values", lang)
    write_instructions(ws, instruction_lines(lang, [(how, False)]))


def instruction_lines(lang: str, how: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The instructions sheet as (text, bold) lines: the title, ``how`` (what is particular
    to the variant), then how to read the cohort table and the guides' cost ratio."""
    return [
        (_text("workbook.howto", lang), True),
        *how,
        ("", False),
        (phrase("reading", lang), True),
        (phrase("each_row", lang), False),
        (phrase("blank_cells", lang), False),
        (phrase("averages", lang), False),
        (phrase("refunds", lang), False),
        ("", False),
        (_text("workbook.guides", lang), True),
        (_text("workbook.guide_cost", lang), False),
    ]


def write_instructions(ws: Worksheet, lines: list[tuple[str, bool]]) -> None:
    """Write (text, bold) ``lines`` down column A, wrapped, the first as a heading."""
    for r, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(r, 1, text)
        cell.font = Font(bold=bold, size=14 if r == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 110


def cohort_workbook(
    lang: str = "en",
    result: CohortResult | None = None,
    *,
    spec: CohortSpec | None = None,
    xlsm: bool = False,
    segment: str | None = None,
) -> Any:
    """Build the cohort workbook as an openpyxl workbook.

    Parameters
    ----------
    lang : {"en", "de"}
    result : CohortResult, optional
        The analysis to show (:func:`retention_xl.results.cohort_result`); without it the
        workbook is the empty template.
    spec : CohortSpec, optional
        The conventions the empty template states (and, ``xlsm``, its formula computes);
        a result states its own.
    xlsm : bool
        Build the xlwings variant that computes the triangle with ``=COHORT_TABLE``.
    segment : str, optional
        A store or segment name, added as text to the title and the cohort sheet's name.

    Raises
    ------
    TemplateError
        For an unknown language, or data beyond Excel's limits (checked before writing).
    """
    book, _ = _build(lang, result, spec=spec, xlsm=xlsm, segment=segment, fast_rows=False)
    return book


def _build(
    lang: str,
    result: CohortResult | None,
    *,
    spec: CohortSpec | None,
    xlsm: bool,
    segment: str | None,
    fast_rows: bool,
) -> tuple[Any, Edit]:
    """The workbook and the edit to apply to its saved parts (rows appended as XML when
    ``fast_rows``; the spilling formula marked for ``xlsm``)."""
    if lang not in ("en", "de"):
        raise TemplateError(f"lang must be 'en' or 'de'; got {lang!r}.")
    if xlsm and result is not None:
        raise TemplateError("the xlwings cohort workbook computes its own triangle: no result.")
    orders = result.orders if result is not None else None
    table = result.table if result is not None else None
    check_limits(orders, table)
    if xlsm:
        book = xlwings_base()
        cohorts_ws = book["Sheet1"]
    else:
        book = Workbook()
        cohorts_ws = book.active
    cohorts_ws.title = phrase("cohorts", lang)
    if segment is not None:
        cohorts_ws.title = safe_sheet_name(excel_text(f"{phrase('cohorts', lang)} {segment}"))
    summary_ws = book.create_sheet(phrase("summary", lang), 1)
    orders_ws = book.create_sheet(phrase("orders", lang), 2)
    help_ws = book.create_sheet(phrase("help", lang), 3)
    deferred: list[list[Any]] = []  # cohort rows written as XML after openpyxl's pass
    cohorts_ws["A1"] = phrase("title", lang) + (
        f" — {excel_text(check_text(segment, 'the segment name'))}" if segment else ""
    )
    cohorts_ws["A1"].data_type = "s"  # a segment name is data: never a formula
    if result is not None and table is not None:
        rejected, source = result.rows_rejected, result.source
        note = phrase("note", lang, source=source, used=table.orders_used, rejected=rejected)
        conventions_block(cohorts_ws, table.conventions(lang), note)
        deferred = _write_triangle(cohorts_ws, lang, table, defer=fast_rows)
        write_summary(summary_ws, lang, summary_rows(result.summary, lang))
    else:
        chosen = spec or CohortSpec.of()
        period, kind, value = chosen.period.code, chosen.kind, chosen.value
        stated = describe_conventions(period, kind, value, None, chosen.include_incomplete, lang)
        conventions_block(cohorts_ws, stated, phrase("axis", lang))
        if xlsm:
            _write_spilling_triangle(cohorts_ws, summary_ws, lang, period, kind, value)
            write_summary(summary_ws, lang, [])
            for r, (row, formula) in enumerate(_xlsm_summary(lang, cohorts_ws.title), start=4):
                summary_ws.cell(r, 1, row.label)
                summary_ws.cell(r, 2, formula).number_format = row.number_format
                summary_ws.cell(r, 3, row.meaning)
        else:
            head(
                cohorts_ws,
                HEADER_ROW,
                [_text("cohorts.cohort", lang), _text("cohorts.customers", lang), 0],
            )
            write_summary(summary_ws, lang, [])
    cohorts_ws.column_dimensions["A"].width = 24
    cohorts_ws.column_dimensions["B"].width = 11
    cohorts_ws.freeze_panes = f"C{HEADER_ROW + 1}"
    fit_to_page(cohorts_ws)
    limit = 1 if fast_rows else None
    _write_orders(orders_ws, lang, orders, limit)
    _write_instructions(help_ws, lang, xlsm)
    for sheet in (summary_ws, help_ws):
        fit_to_page(sheet)
    book.properties.creator = "retention_xl"
    book.properties.created = book.properties.modified = dt.datetime(2024, 1, 1)
    if result is not None:  # a filled workbook is dated
        book.properties.modified = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    orders_part = f"xl/worksheets/sheet{book.worksheets.index(orders_ws) + 1}.xml"
    cohorts_part = f"xl/worksheets/sheet{book.worksheets.index(cohorts_ws) + 1}.xml"

    def edit(parts: dict[str, bytes]) -> None:
        if fast_rows and orders is not None and len(orders) > 1:
            append_rows(
                parts,
                orders_part,
                3,
                orders.customer_ids[1:],
                orders.order_dates[1:],
                None if orders.amounts is None else orders.amounts[1:],
            )
            resize_table(parts, TABLE_NAME[lang], f"A1:C{len(orders) + 1}")
        if deferred:
            insert_rows(parts, cohorts_part, HEADER_ROW + 2, deferred)
        if xlsm:
            mark_dynamic_arrays(parts, book.worksheets.index(cohorts_ws) + 1, [f"A{HEADER_ROW}"])

    return book, edit


def write_cohort_workbook(
    path: str | Path,
    lang: str = "en",
    result: CohortResult | None = None,
    *,
    spec: CohortSpec | None = None,
    xlsm: bool = False,
    segment: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Build the cohort workbook (see :func:`cohort_workbook`) and save it atomically
    (never over a file unasked)."""
    suffix = ".xlsm" if xlsm else ".xlsx"
    if Path(path).suffix.lower() != suffix:
        raise TemplateError(
            f"{path}: the {'xlwings' if xlsm else 'plain'} cohort workbook must end in {suffix}."
        )
    book, edit = _build(lang, result, spec=spec, xlsm=xlsm, segment=segment, fast_rows=True)
    return save_atomically(book, path, overwrite=overwrite, edit=edit)
