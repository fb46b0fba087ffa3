"""The forecast workbook: which customers are slipping away and what each one is worth.

One idea: lay out a :class:`retention_xl.models.forecast.Forecast` as a workbook, English
or German — a Customers sheet (an Excel Table sorted by CLV, with a filter: RFM scores,
segment, P(alive), expected purchases and spend over the horizon, CLV), a Segments sheet
(customers, revenue and average P(alive) per segment as native formulas over the Customers
table, with a bar chart), a Model sheet (fitted parameters, diagnostics and the holdout
check: actual against expected repeat purchases per period, as in figure 1 of Fader,
Hardie & Lee 2005) and instructions. The numbers are values of a forecast computed
by :mod:`retention_xl.results` (this module fits nothing); refresh by writing it again.
Imports openpyxl, :mod:`.parts`, :mod:`.styles`, :mod:`.files` and the Forecast type.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import TemplateError
from ..texts import LANGS, TEXTS
from ..texts import text as _text
from .files import save_atomically
from .parts import MAX_TEXT, Edit, check_text, excel_text, insert_rows, resize_table
from .styles import MAX_ROWS, fit_to_page, head

if TYPE_CHECKING:  # the models import scipy: not needed to lay a forecast out
    from ..models.forecast import Forecast

__all__ = [
    "COLUMNS",
    "TABLE_NAME",
    "forecast_workbook",
    "write_forecast_workbook",
]

TABLE_NAME = {lang: _text("forecast_workbook.table", lang) for lang in LANGS}
#: The Customers table's columns (key, English header, German header, number format); the
#: headers are the texts ``forecast_workbook.column.<key>``.
COLUMNS: tuple[tuple[str, str, str, str], ...] = tuple(
    (key, *TEXTS["forecast_workbook.column." + key], number_format)
    for key, number_format in (
        ("customer_id", "@"),
        ("segment", "@"),
        ("r", "0"),
        ("f", "0"),
        ("m", "0"),
        ("frequency", "0"),
        ("recency", "0.00"),
        ("age", "0.00"),
        ("monetary", "#,##0.00"),
        ("revenue", "#,##0.00"),
        ("p_alive", "0.0%"),
        ("purchases", "0.00"),
        ("spend", "#,##0.00"),
        ("clv", "#,##0.00"),
    )
)
_COL = {key: i + 1 for i, (key, *_rest) in enumerate(COLUMNS)}


def _t(key: str, lang: str, **fields: object) -> str:
    return _text("forecast_workbook." + key, lang, **fields)


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _number(value: Any) -> float | None:
    """A finite float, else None (openpyxl would write NaN as an empty cell silently)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _customer_rows(result: Any, lang: str) -> list[list[Any]]:
    """One row per customer in the order of the COLUMNS, sorted by CLV (else by expected
    purchases), largest first."""
    summary = result.summary
    names = result.segments.names(lang)
    key = result.clv if result.clv is not None else result.purchases
    order = np.argsort(-np.nan_to_num(key, nan=-np.inf, posinf=np.finfo(float).max), kind="stable")
    ids = summary.customer_ids
    rows = []
    for i in order.tolist():
        cid = ids[i]
        rows.append(
            [
                excel_text(str(cid)) if isinstance(cid, str) else int(cid),
                names[i],
                int(result.segments.r[i]),
                int(result.segments.f[i]),
                int(result.segments.m[i]),
                int(summary.frequency[i]),
                float(summary.recency[i]),
                float(summary.age[i]),
                None if summary.monetary is None else _number(summary.monetary[i]),
                None if summary.revenue is None else _number(summary.revenue[i]),
                _number(result.p_alive[i]),
                _number(result.purchases[i]),
                None if result.spend is None else _number(result.spend[i]),
                None if result.clv is None else _number(result.clv[i]),
            ]
        )
    return rows


def _write_customers(ws: Worksheet, lang: str, rows: list[list[Any]]) -> list[list[Any]]:
    """Header and first row through openpyxl (they set the styles); the rest is returned
    to be inserted as XML in those styles."""
    head(ws, 1, [_t("column." + c[0], lang) for c in COLUMNS])
    for col, value in enumerate(rows[0], start=1):
        cell = ws.cell(2, col, value)
        cell.number_format = COLUMNS[col - 1][3] if value is not None else "General"
        if isinstance(value, str):
            cell.data_type = "s"  # an id like "=cmd" stays text, never a formula
    for col in range(1, len(COLUMNS) + 1):
        ws.cell(2, col).number_format = COLUMNS[col - 1][3]
    last = len(rows) + 1
    table = Table(displayName=TABLE_NAME[lang], ref=f"A1:{get_column_letter(len(COLUMNS))}2")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    p_col = get_column_letter(_COL["p_alive"])
    ws.conditional_formatting.add(
        f"{p_col}2:{p_col}{last}",
        ColorScaleRule(
            start_type="num",
            start_value=0,
            start_color="F8696B",
            mid_type="num",
            mid_value=0.5,
            mid_color="FFEB84",
            end_type="num",
            end_value=1,
            end_color="63BE7B",
        ),
    )
    for col, (key, *_rest) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = max(
            10, len(_t("column." + key, lang)) + 3
        )
    ws.column_dimensions["B"].width = 24
    ws.freeze_panes = "C2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    return rows[1:]


def _write_segments(ws: Worksheet, lang: str, result: Any, customers: str, last: int) -> None:
    from ..models import SEGMENTS

    ws["A1"] = _t("segments_title", lang)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A2"] = _t("segments_note", lang)
    ws["A2"].font = Font(italic=True, color="555555")
    has_money = result.summary.revenue is not None
    heads = ["segment", "count", "share", "revenue", "p_alive", "purchases", "clv"]
    head(ws, 4, [_t(k, lang) for k in heads])

    def column(key: str) -> str:
        letter = get_column_letter(_COL[key])
        return f"{customers}!${letter}$2:${letter}${last}"

    seg = column("segment")
    first, final = 5, 5 + len(SEGMENTS) - 1
    for r, key in enumerate(SEGMENTS, start=first):
        ws.cell(r, 1, _text("segment." + key, lang))
        ws.cell(r, 2, f"=COUNTIF({seg},$A{r})").number_format = "#,##0"
        ws.cell(r, 3, f'=IF($B${final + 1}=0,"",$B{r}/$B${final + 1})').number_format = "0.0%"
        if has_money:
            ws.cell(r, 4, f"=SUMIF({seg},$A{r},{column('revenue')})").number_format = "#,##0.00"
        ws.cell(
            r, 5, f'=IF($B{r}=0,"",AVERAGEIF({seg},$A{r},{column("p_alive")}))'
        ).number_format = "0.0%"
        ws.cell(r, 6, f"=SUMIF({seg},$A{r},{column('purchases')})").number_format = "#,##0.0"
        if result.clv is not None:
            ws.cell(r, 7, f"=SUMIF({seg},$A{r},{column('clv')})").number_format = "#,##0.00"
    total = final + 1
    ws.cell(total, 1, _t("total", lang)).font = Font(bold=True)
    for col, fmt in ((2, "#,##0"), (4, "#,##0.00"), (6, "#,##0.0"), (7, "#,##0.00")):
        if (col == 4 and not has_money) or (col == 7 and result.clv is None):
            continue
        letter = get_column_letter(col)
        cell = ws.cell(total, col, f"=SUM({letter}{first}:{letter}{final})")
        cell.number_format, cell.font = fmt, Font(bold=True)
    cell = ws.cell(total, 5, f"=AVERAGE({column('p_alive')})")
    cell.number_format, cell.font = "0.0%", Font(bold=True)
    chart = BarChart()
    chart.type = "bar"
    chart.title = _t("segments_title", lang)
    chart.y_axis.title = _t("count", lang)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend = None
    chart.add_data(Reference(ws, min_col=2, min_row=4, max_row=final), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=final))
    chart.x_axis.scaling.orientation = "maxMin"  # the first segment at the top
    chart.width, chart.height = 18, 9
    ws.add_chart(chart, f"A{total + 3}")
    for letter, width in zip("ABCDEFG", (26, 11, 9, 14, 18, 18, 14), strict=True):
        ws.column_dimensions[letter].width = width
    fit_to_page(ws)


def _fit_block(
    ws: Worksheet, row: int, lang: str, title: str, fits: list[Any], names: list[str]
) -> int:
    head(ws, row, [title, *[_t(k, lang) for k in ("all", "calibration")][: len(fits)]])
    labels = [*names, _text("fit.log_likelihood", lang)]
    labels += [_text("fit.converged", lang), _text("fit.message", lang)]
    for offset, label in enumerate(labels, start=1):
        ws.cell(row + offset, 1, label)
        for col, fit in enumerate(fits, start=2):
            if fit is None:
                continue
            if offset <= len(names):
                ws.cell(row + offset, col, _number(fit.params[label])).number_format = "0.0000"
            elif offset == len(names) + 1:
                ws.cell(row + offset, col, _number(fit.log_likelihood)).number_format = "#,##0.0"
            elif offset == len(names) + 2:
                ws.cell(row + offset, col, bool(fit.converged))
            else:
                ws.cell(row + offset, col, fit.message).alignment = Alignment(wrap_text=True)
    return row + len(labels) + 2


def _write_model(ws: Worksheet, lang: str, result: Any, orders_used: int) -> None:
    ws["A1"] = _t("model_title", lang)
    ws["A1"].font = Font(bold=True, size=16)
    tracking = result.tracking
    unit = _t("unit." + result.unit, lang)
    settings: list[tuple[str, Any, str]] = [
        (_t("setting.as_of", lang), result.summary.as_of, "yyyy-mm-dd"),
        (_t("setting.unit", lang), unit, "@"),
        (_t("setting.horizon", lang), f"{result.horizon:g} {unit}", "@"),
        (_t("setting.gross_margin", lang), result.gross_margin, "0.0%"),
        (
            _t("setting.annual_discount_rate", lang),
            result.annual_discount_rate,
            "0.0%",
        ),
        (
            _t("setting.discount_rate", lang),
            result.discount_rate,
            "0.000%",
        ),
        (_t("setting.customers", lang), len(result.summary), "#,##0"),
        (_t("setting.orders_used", lang), orders_used, "#,##0"),
        (_t("setting.holdout", lang), result.holdout, "0%"),
    ]
    if tracking is not None:
        settings.append(
            (
                _t("setting.calibration_end", lang),
                tracking.calibration_end,
                "yyyy-mm-dd",
            )
        )
    head(ws, 3, [_t("setting", lang), _t("value", lang)])
    for r, (label, value, fmt) in enumerate(settings, start=4):
        ws.cell(r, 1, label)
        ws.cell(r, 2, value).number_format = fmt
    row = 4 + len(settings) + 1
    row = _fit_block(
        ws,
        row,
        lang,
        "BG/NBD",
        [result.fit] + ([tracking.fit] if tracking is not None else []),
        ["r", "alpha", "a", "b"],
    )
    row = _fit_block(ws, row, lang, "Gamma-Gamma", [result.spend_fit], ["p", "q", "gamma"])
    ws.cell(row - 1, 1, result.spend_note).font = Font(italic=True, color="555555")
    if tracking is None:
        ws.cell(row, 1, _t("no_holdout", lang))
    else:
        _write_tracking(ws, row, lang, tracking)
    for letter, width in zip("ABCDEF", (36, 24, 24, 21, 21, 10), strict=True):
        ws.column_dimensions[letter].width = width
    fit_to_page(ws)


def _write_tracking(ws: Worksheet, row: int, lang: str, tracking: Any) -> None:
    checks = [
        (
            _t("holdout_actual", lang),
            tracking.holdout_actual,
        ),
        (
            _t("holdout_expected", lang),
            tracking.holdout_expected,
        ),
    ]
    for offset, (label, value) in enumerate(checks):
        ws.cell(row + offset, 1, label)
        ws.cell(row + offset, 2, _number(value)).number_format = "#,##0.0"
    top = row + len(checks) + 1
    ws.cell(top, 1, _t("tracking", lang)).font = Font(bold=True)
    keys = ("period", "actual", "expected", "cum_actual", "cum_expected", "in_holdout")
    head(ws, top + 1, [_t(k, lang) for k in keys])
    cum_actual = np.cumsum(tracking.actual)
    cum_expected = np.cumsum(tracking.expected)
    first = top + 2
    for i, start in enumerate(tracking.starts.astype(object)):
        r = first + i
        ws.cell(r, 1, start).number_format = "yyyy-mm-dd"
        ws.cell(r, 2, float(tracking.actual[i])).number_format = "#,##0"
        ws.cell(r, 3, _number(tracking.expected[i])).number_format = "#,##0.0"
        ws.cell(r, 4, float(cum_actual[i])).number_format = "#,##0"
        ws.cell(r, 5, _number(cum_expected[i])).number_format = "#,##0.0"
        ws.cell(r, 6, bool(tracking.holdout[i]))
    last = first + len(tracking.starts) - 1
    for title_key, columns, anchor in (
        ("tracking", (2, 3), "H3"),
        ("cumulative_chart", (4, 5), "H27"),
    ):
        chart = LineChart()
        chart.title = _t(title_key, lang)
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.x_axis.number_format = "yyyy-mm"
        chart.y_axis.title = _t("purchases", lang)
        for col in columns:
            values = Reference(ws, min_col=col, min_row=top + 1, max_row=last)
            chart.series.append(Series(values, title_from_data=True))
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        chart.width, chart.height = 22, 11
        ws.add_chart(chart, anchor)


def _write_instructions(ws: Worksheet, lang: str, result: Any) -> None:
    from ..models import SEGMENT_GRID

    unit = _t("unit." + result.unit, lang)
    lines: list[tuple[str, bool]] = [
        (_text("workbook.howto", lang), True),
        (_t("how", lang), False),
        ("", False),
        (_t("customers_head", lang), True),
        (_t("per_customer", lang, unit=unit), False),
        (_t("never_again", lang), False),
        (_t("refunds", lang), False),
        ("", False),
        (_t("rfm_head", lang), True),
        (_t("rfm", lang), False),
    ]
    for r, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(r, 1, text)
        cell.font = Font(bold=bold, size=14 if r == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    grid_top = len(lines) + 1
    head(ws, grid_top, ["", *(f"F = {f}" for f in range(1, 6))])
    for i, r_score in enumerate(range(5, 0, -1)):
        ws.cell(grid_top + 1 + i, 1, f"R = {r_score}").font = Font(bold=True)
        for f_score in range(1, 6):
            key = SEGMENT_GRID[r_score - 1][f_score - 1]
            ws.cell(grid_top + 1 + i, 1 + f_score, _text("segment." + key, lang))
    notes = [
        ("", False),
        (_t("models_head", lang), True),
        (_t("models", lang), False),
        ("", False),
        (_text("workbook.guides", lang), True),
        (_text("workbook.guide_cost", lang), False),
    ]
    rows = list(enumerate(lines, start=1)) + list(enumerate(notes, start=grid_top + 6))
    for r, (text, bold) in rows[len(lines) :]:
        cell = ws.cell(r, 1, text)
        cell.font = Font(bold=bold)
    for r, (text, _) in rows:
        ws.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
        ws.row_dimensions[r].height = 15 * max(1, math.ceil(len(text) / 110))
    ws.column_dimensions["A"].width = 16
    for letter in "BCDEF":
        ws.column_dimensions[letter].width = 22
    fit_to_page(ws)


def forecast_workbook(
    lang: str, result: Forecast, *, segment: str | None = None
) -> tuple[Any, Edit]:
    """The forecast workbook (openpyxl) of a computed forecast
    (:func:`retention_xl.results.forecast_result`, or
    :func:`retention_xl.engines.forecast_from_files` from files of any size), shown as it
    is — its own holdout, horizon, unit and rates — and the edit that inserts the customer
    rows.

    Raises
    ------
    TemplateError
        For an unknown language, or more customers than an Excel sheet holds.
    """
    if lang not in ("en", "de"):
        raise TemplateError(f"lang must be 'en' or 'de'; got {lang!r}.")
    if len(result.summary) + 1 > MAX_ROWS:
        raise TemplateError(
            f"{len(result.summary):,} customers do not fit on one sheet (Excel holds "
            f"{MAX_ROWS - 1:,} rows below a header); split the data (e.g. by store)."
        )
    ids = result.summary.customer_ids
    if ids.dtype.kind == "U" and ids.size and int(np.char.str_len(ids).max()) > MAX_TEXT:
        raise TemplateError(f"a customer id is longer than Excel's {MAX_TEXT:,} characters.")
    book = Workbook()
    customers_ws = book.active
    customers_ws.title = _t("customers", lang)
    segments_ws = book.create_sheet(_t("segments", lang))
    model_ws = book.create_sheet(_t("model", lang))
    help_ws = book.create_sheet(_t("help", lang))
    rows = _customer_rows(result, lang)
    rest = _write_customers(customers_ws, lang, rows)
    last = len(rows) + 1
    _write_segments(segments_ws, lang, result, _quoted(customers_ws.title), last)
    if segment is not None:
        note = excel_text(check_text(segment, "the segment name"))
        segments_ws["A3"] = note
        segments_ws["A3"].data_type = "s"
    _write_model(model_ws, lang, result, result.summary.orders_used)
    _write_instructions(help_ws, lang, result)
    book.properties.creator = "retention_xl"
    book.properties.created = dt.datetime(2024, 1, 1)
    book.properties.modified = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    part = f"xl/worksheets/sheet{book.worksheets.index(customers_ws) + 1}.xml"
    ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"

    def edit(parts: dict[str, bytes]) -> None:
        if rest:
            insert_rows(parts, part, 3, rest)
            xml = parts[part].decode("utf-8")
            xml = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', xml, count=1)
            parts[part] = xml.encode("utf-8")
        resize_table(parts, TABLE_NAME[lang], ref)

    return book, edit


def write_forecast_workbook(
    path: str | Path,
    lang: str,
    result: Forecast,
    *,
    overwrite: bool = False,
    segment: str | None = None,
) -> Path:
    """Save the workbook of a computed forecast atomically (an existing file only with
    ``overwrite``).

    Parameters
    ----------
    path : path
        ``.xlsx`` file to write.
    lang : {"en", "de"}
    result : Forecast
        From :func:`retention_xl.results.forecast_result` (orders in memory) or
        :func:`retention_xl.engines.forecast_from_files`.
    segment : str, optional
        A store or segment name, shown on the Segments sheet (as text).
    """
    if Path(path).suffix.lower() != ".xlsx":
        raise TemplateError(f"{path}: the forecast workbook must end in .xlsx.")
    book, edit = forecast_workbook(lang, result, segment=segment)
    return save_atomically(book, path, overwrite=overwrite, edit=edit)
