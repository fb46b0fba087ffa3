"""The subscription revenue workbook: overview with charts, the MRR movement table, revenue
cohorts, a Checks sheet and the data — English or German.

One idea: lay out one MRR analysis (:mod:`retention_xl.subscriptions`) as a workbook a reader
can trust without retention_xl. The tables are **values** computed when the workbook is
written; the **Checks** sheet recomputes with native formulas (Excel 2019, LibreOffice 7.4)
that, in every period, start + new + reactivation + expansion − contraction − churn = end,
that each period starts where the last ended, that MRR and customers at each period's end are
what the Data sheet holds, and that the row counts agree. Charts: an MRR waterfall (bridge)
over the last periods, NRR/GRR and the quick ratio over time; the revenue cohorts carry a
heatmap. Imports openpyxl and the package's subscription engine.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.marker import DataPoint
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..dates import EXCEL_EPOCH
from ..errors import TemplateError
from ..results.subscriptions import SubscriptionBook
from ..subscriptions import COLUMNS, RevenueCohortTable, SubscriptionConventions
from ..subscriptions.ledger import month_start
from ..texts import LANGS, TEXTS
from ..texts import text as _text
from .files import save_atomically
from .parts import MAX_TEXT, Edit, check_text, excel_text, insert_rows
from .styles import MAX_COLUMNS, MAX_ROWS, fit_to_page, head

__all__ = [
    "HEADER_ROW",
    "SHEETS",
    "subscription_workbook",
    "write_subscription_workbook",
]

HEADER_ROW = 10  #: header row of the movement table; periods start one row below
CHECKS_ROW = 12  #: header row of the per-period checks
WINDOW = 12  #: periods the waterfall bridges (the last ones)

#: Sheet titles in English and German, in workbook order (the texts
#: ``subscription_workbook.sheet.<key>``).
SHEETS: dict[str, tuple[str, str]] = {
    key: TEXTS["subscription_workbook.sheet." + key]
    for key in ("overview", "movements", "cohorts", "checks", "data", "help")
}
DATA_COLUMNS = {
    lang: tuple(
        _text("subscription_workbook.data." + key, lang)
        for key in ("customer", "month", "mrr", "subscribed", "in_input")
    )
    for lang in LANGS
}
_FORMATS = {
    "label": "@",
    "money": "#,##0.00",
    "count": "#,##0",
    "fraction": "0.0%",
    "number": "0.00",
}
_GAIN, _LOSS, _TOTAL = "63BE7B", "F8696B", "4472C4"
_OK_FILL = PatternFill("solid", fgColor="C6EFCE")
_FAIL_FILL = PatternFill("solid", fgColor="FFC7CE")


def _t(key: str, lang: str, **fields: object) -> str:
    return _text("subscription_workbook." + key, lang, **fields)


def _title(key: str, lang: str) -> str:
    return _t("sheet." + key, lang)


def _ref(title: str) -> str:
    """A sheet name as a formula reference: quoted, inner apostrophes doubled."""
    return "'" + title.replace("'", "''") + "'"


def _col(key: str) -> str:
    """Column letter of a movement-table column."""
    index = next(i for i, (k, *_) in enumerate(COLUMNS) if k == key)
    letter: str = get_column_letter(index + 1)
    return letter


def _check_limits(result: SubscriptionBook) -> None:
    rows = result.months.codes.size + 1
    if rows > MAX_ROWS:
        raise TemplateError(
            f"{rows - 1:,} customer-months do not fit on the Data sheet (Excel holds "
            f"{MAX_ROWS - 1:,} rows below a header); split the data (by product or year)."
        )
    periods = len(result.movements.labels)
    if HEADER_ROW + periods + 1 > MAX_ROWS or CHECKS_ROW + periods + 1 > MAX_ROWS:
        raise TemplateError(f"{periods:,} periods exceed Excel's {MAX_ROWS:,} rows.")
    if periods + 2 > MAX_COLUMNS:
        raise TemplateError(
            f"{periods:,} periods exceed Excel's columns in the cohort table; report by "
            "quarter or year (period='Q' or 'Y')."
        )
    customers = result.ledger.customers
    if customers.dtype.kind == "U" and customers.size:
        longest = int(np.char.str_len(customers).max())
        if longest > MAX_TEXT:
            raise TemplateError(
                f"a customer id has {longest:,} characters; Excel cells hold at most {MAX_TEXT:,}."
            )


def _write_movements(ws: Worksheet, lang: str, result: SubscriptionBook | None) -> None:
    ws["A1"] = _t("movements", lang)
    ws["A1"].font = Font(bold=True, size=16)
    head(ws, HEADER_ROW, [_text("movements." + key, lang) for key, *_ in COLUMNS])
    if result is None:
        ws["A2"] = _t("empty", lang)
        lines = SubscriptionConventions().describe(lang)
    else:
        m = result.movements
        source = Path(m.source).name if m.source else "data"
        rows, cells, customers = (
            f"{n:,}".replace(",", _text("number.thousands", lang))
            for n in (m.rows, m.cells, m.customers)
        )
        ws["A2"] = _t("counts", lang, source=source, rows=rows, cells=cells, customers=customers)
        ws["A2"].data_type = "s"  # a file name is data: never a formula
        lines = m.conventions.describe(lang)
        for offset, row in enumerate(m.rows_table(lang)[1:]):
            r = HEADER_ROW + 1 + offset
            for c, (cell_value, (*_, kind)) in enumerate(zip(row, COLUMNS, strict=True), 1):
                cell = ws.cell(r, c, cell_value)
                cell.number_format = _FORMATS[kind]
                if kind == "label":
                    cell.data_type = "s"
    ws["A2"].font = Font(italic=True, color="555555")
    for offset, line in enumerate(lines[:6]):
        ws.cell(3 + offset, 1, line)
    ws.column_dimensions["A"].width = 12
    for c in range(2, len(COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 14
    ws.freeze_panes = f"B{HEADER_ROW + 1}"
    fit_to_page(ws)


def _waterfall(ws: Worksheet, lang: str, movements: str, first: int, last: int) -> BarChart:
    """A stacked column chart with an invisible base series: MRR at the start of the window,
    each movement as a step, MRR at its end. Its data block (formulas over the movement
    table) is written at H3:K9 of ``ws``."""
    start = max(first, last - WINDOW + 1)
    labels = [_text("movements.mrr_start", lang)]
    steps = [("new", 1), ("reactivation", 1), ("expansion", 1), ("contraction", -1), ("churn", -1)]
    titles = {key: _text("movements." + key, lang) for key, *_ in COLUMNS}
    labels += [titles[key] for key, _ in steps] + [_text("movements.mrr_end", lang)]
    head(ws, 3, [_t("waterfall", lang), _t("base", lang), _t("step", lang), ""], col=8)
    ws.cell(4, 8, labels[0])
    ws.cell(4, 9, 0)
    ws.cell(4, 10, f"={movements}!{_col('mrr_start')}{start}")
    # the invisible base: the running total before a gain (rows 5-7), after a loss (8-9)
    bases = ("=J4", "=J4+J5", "=J4+J5+J6", "=J4+J5+J6+J7-J8", "=I8-J9")
    for i, ((key, _), base_formula) in enumerate(zip(steps, bases, strict=True)):
        r = 5 + i
        column = _col(key)
        ws.cell(r, 8, labels[1 + i])
        ws.cell(r, 10, f"=SUM({movements}!{column}{start}:{column}{last})")
        ws.cell(r, 9, base_formula)
    ws.cell(10, 8, labels[-1])
    ws.cell(10, 9, 0)
    ws.cell(10, 10, f"={movements}!{_col('mrr_end')}{last}")
    ws.cell(2, 8, f'={movements}!A{start}&" – "&{movements}!A{last}')
    for r in range(4, 11):
        ws.cell(r, 9).number_format = ws.cell(r, 10).number_format = _FORMATS["money"]
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 50
    base = Series(Reference(ws, min_col=9, min_row=4, max_row=10), title=_t("base", lang))
    base.graphicalProperties.noFill = True
    base.graphicalProperties.line.noFill = True
    step = Series(Reference(ws, min_col=10, min_row=4, max_row=10), title=_t("step", lang))
    colours = [_TOTAL, _GAIN, _GAIN, _GAIN, _LOSS, _LOSS, _TOTAL]
    for idx, colour in enumerate(colours):
        point = DataPoint(idx=idx)
        point.graphicalProperties.solidFill = colour
        point.graphicalProperties.line.solidFill = colour
        step.dPt.append(point)
    chart.series = [base, step]
    chart.set_categories(Reference(ws, min_col=8, min_row=4, max_row=10))
    chart.title = _t("waterfall", lang)
    chart.legend = None
    chart.y_axis.number_format = "#,##0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = 17, 9
    return chart


def _line(title: str, number_format: str) -> LineChart:
    chart = LineChart()
    chart.title = title
    chart.y_axis.number_format = number_format
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.display_blanks = "gap"
    chart.width, chart.height = 17, 9
    return chart


def _write_overview(
    ws: Worksheet, lang: str, result: SubscriptionBook | None, movements_title: str
) -> None:
    ws["A1"] = _t("title", lang)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A2"] = f"={_ref(movements_title)}!A2"  # the source and its counts
    ws["A2"].font = Font(italic=True, color="555555")
    movements = _ref(movements_title)
    n = len(result.movements.labels) if result is not None else 0
    first, last = HEADER_ROW + 1, HEADER_ROW + max(n, 1)
    head(ws, 3, [_t("figure", lang), _t("value", lang)])
    figures = ("period", "mrr_end", "customers_end", "nrr", "grr", "nrr_12m", "quick_ratio")
    names = {key: (_text("movements." + key, lang), kind) for key, *_, kind in COLUMNS}
    for offset, key in enumerate(figures):
        name, kind = names[key]
        ws.cell(4 + offset, 1, name)
        cell = ws.cell(4 + offset, 2)
        if result is not None:
            target = f"{movements}!{_col(key)}{last}"
            cell.value = f'=IF({target}="","",{target})'
        cell.number_format = _FORMATS[kind]
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["H"].width = 22
    for letter in "IJ":
        ws.column_dimensions[letter].width = 14
    charts = [_waterfall(ws, lang, movements, first, last)]
    trend = _line(_t("trend", lang), "0%")
    source = ws.parent[movements_title]
    for key in ("nrr", "grr", "nrr_12m", "grr_12m"):
        column = COLUMNS.index(next(c for c in COLUMNS if c[0] == key)) + 1
        values = Reference(source, min_col=column, min_row=HEADER_ROW, max_row=last)
        series = Series(values, title_from_data=True)
        series.smooth = False  # straight segments between periods
        trend.series.append(series)
    labels = Reference(source, min_col=1, min_row=first, max_row=last)
    trend.set_categories(labels)
    quick = _line(_t("quick", lang), "0.0")
    column = COLUMNS.index(next(c for c in COLUMNS if c[0] == "quick_ratio")) + 1
    ratio = Series(
        Reference(source, min_col=column, min_row=HEADER_ROW, max_row=last),
        title_from_data=True,
    )
    ratio.smooth = False
    quick.series.append(ratio)
    quick.set_categories(labels)
    quick.legend = None
    charts += [trend, quick]
    for chart, anchor in zip(charts, ("A13", "H13", "A32"), strict=True):
        ws.add_chart(chart, anchor)
    fit_to_page(ws)


def _write_cohorts(ws: Worksheet, lang: str, table: RevenueCohortTable | None) -> None:
    ws["A1"] = _t("cohorts", lang)
    ws["A1"].font = Font(bold=True, size=16)
    top = 8
    if table is None:
        head(
            ws,
            top,
            [_text("cohorts.cohort", lang), _text("cohorts.customers", lang), 0],
        )
        ws["A2"] = _t("empty", lang)
        return
    for offset, line in enumerate(table.conventions(lang)[:5]):
        ws.cell(2 + offset, 1, line)
    rows = table.rows(lang)
    unweighted = table.rows(lang, average="unweighted")[-1]
    kind = (
        "fraction"
        if table.value in ("mrr_retention", "retention")
        else ("money" if table.value == "mrr" else "count")
    )
    head(ws, top, rows[0])
    body = rows[1:-1]
    for i, row in enumerate(body):
        ws.cell(top + 1 + i, 1, row[0]).data_type = "s"
        ws.cell(top + 1 + i, 2, row[1])
        for c, value in enumerate(row[2:], start=3):
            ws.cell(top + 1 + i, c, value).number_format = _FORMATS[kind]
    weighted_label = _t("weighted" if table.value == "mrr_retention" else "weighted_size", lang)
    for offset, (label, row) in enumerate(
        ((weighted_label, rows[-1]), (_t("unweighted", lang), unweighted))
    ):
        r = top + 1 + len(body) + offset
        ws.cell(r, 1, label).font = Font(bold=True)
        ws.cell(r, 2, row[1]).font = Font(bold=True)
        for c, value in enumerate(row[2:], start=3):
            cell = ws.cell(r, c, value)
            cell.number_format, cell.font = _FORMATS[kind], Font(bold=True)
    width = len(rows[0]) - 2
    if body and width:
        area = f"C{top + 1}:{get_column_letter(width + 2)}{top + len(body)}"
        ws.conditional_formatting.add(
            area,
            ColorScaleRule(
                start_type="min",
                start_color=_LOSS,
                mid_type="percentile",
                mid_value=50,
                mid_color="FFEB84",
                end_type="max",
                end_color=_GAIN,
            ),
        )
    ws.column_dimensions["A"].width = 36
    ws.freeze_panes = f"C{top + 1}"
    fit_to_page(ws)


def _write_data(ws: Worksheet, lang: str, result: SubscriptionBook | None) -> list[list[Any]]:
    """The Data sheet's header and first row; the other rows are returned to be inserted as
    XML in the first row's styles (:func:`.parts.insert_rows`)."""
    head(ws, 1, list(DATA_COLUMNS[lang]))
    formats = ("@", "yyyy-mm", _FORMATS["money"], "0", "0")
    for letter, width in zip("ABCDE", (18, 10, 12, 20, 18), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    if result is None or result.months.codes.size == 0:
        return []
    months = result.months
    customers = result.ledger.customers
    rank = np.empty(customers.size, dtype=np.int64)  # rows by customer id, then month:
    rank[np.argsort(customers, kind="stable")] = np.arange(customers.size)  # any engine
    order = np.lexsort((months.months, rank[months.codes]))
    ids = customers[months.codes[order]].tolist()
    month_numbers = months.months[order]
    epoch = np.datetime64("1899-12-30", "D")
    serials = (
        (month_numbers.astype("datetime64[M]").astype("datetime64[D]") - epoch)
        .astype(np.int64)
        .tolist()
    )
    money = (months.cents[order] / 100).tolist()
    subscribed = months.subscribed[order].astype(int).tolist()
    in_input = months.in_input[order].astype(int).tolist()
    first_id = ids[0]
    cells = [
        excel_text(first_id) if isinstance(first_id, str) else first_id,
        month_start(int(month_numbers[0])),
        money[0],
        subscribed[0],
        in_input[0],
    ]
    for c, (value, number_format) in enumerate(zip(cells, formats, strict=True), start=1):
        cell = ws.cell(2, c, value)
        cell.number_format = number_format
        if c == 1 and isinstance(value, str):
            cell.data_type = "s"  # an id like "=cmd" stays text
    ws.auto_filter.ref = f"A1:E{months.codes.size + 1}"
    return [
        [excel_text(i) if isinstance(i, str) else i, s, v, a, b]
        for i, s, v, a, b in zip(
            ids[1:], serials[1:], money[1:], subscribed[1:], in_input[1:], strict=True
        )
    ]


def _write_checks(
    ws: Worksheet, lang: str, result: SubscriptionBook | None, titles: dict[str, str]
) -> None:
    ok, fail = f'"{_t("ok", lang)}"', f'"{_t("fail", lang)}"'
    ws["A1"] = _title("checks", lang)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A2"] = _t("checks_intro", lang)
    head(ws, 4, [_t("check", lang), _t("result", lang), "", ""])
    heads = [
        _t("check." + key, lang)
        for key in (
            "period",
            "snapshot",
            "identity",
            "continuity",
            "mrr_end",
            "customers_end",
            "customer_identity",
        )
    ]
    head(ws, CHECKS_ROW, heads)
    for letter, width in zip("ABCDEFG", (44, 16, 12, 20, 18, 20, 18), strict=True):
        ws.column_dimensions[letter].width = width
    if result is None:
        ws["A5"] = _t("empty", lang)
        return
    m = result.movements
    n = len(m.labels)
    mv, data = _ref(titles["movements"]), _ref(titles["data"])
    rows_data = max(result.months.codes.size, 1) + 1
    month_col, mrr_col = f"{data}!$B$2:$B${rows_data}", f"{data}!$C$2:$C${rows_data}"
    sub_col, input_col = f"{data}!$D$2:$D${rows_data}", f"{data}!$E$2:$E${rows_data}"
    first_check = CHECKS_ROW + 1
    last_check = CHECKS_ROW + n
    for i in range(n):
        r, t = HEADER_ROW + 1 + i, CHECKS_ROW + 1 + i
        c = {key: f"{mv}!{_col(key)}{r}" for key, *_ in COLUMNS}
        ws.cell(t, 1, f"={c['period']}")
        snapshot = ws.cell(t, 2, month_start(int(m.snapshot_months[i])))
        snapshot.number_format = "yyyy-mm"
        identity = (
            f"{c['mrr_start']}+{c['new']}+{c['reactivation']}+{c['expansion']}"
            f"-{c['contraction']}-{c['churn']}-{c['mrr_end']}"
        )
        previous = "0" if i == 0 else f"{mv}!{_col('mrr_end')}{r - 1}"
        counted = (
            f"{c['customers_start']}+{c['new_customers']}+{c['reactivated_customers']}"
            f"-{c['churned_customers']}-{c['customers_end']}"
        )
        formulas = [
            f"=IF(ROUND({identity},2)=0,{ok},{fail})",
            f"=IF(ROUND({c['mrr_start']}-{previous},2)=0,{ok},{fail})",
            f"=IF(ROUND(SUMIFS({mrr_col},{month_col},$B{t})-{c['mrr_end']},2)=0,{ok},{fail})",
            f"=IF(SUMIFS({sub_col},{month_col},$B{t})={c['customers_end']},{ok},{fail})",
            f"=IF({counted}=0,{ok},{fail})",
        ]
        for col, formula in enumerate(formulas, start=3):
            ws.cell(t, col, formula)
    k = m.conventions.months
    month_index = "(YEAR({0})*12+MONTH({0})-1)"
    span = (
        f"INT({month_index.format(f'MAX({month_col})')}/{k})"
        f"-INT({month_index.format(f'MIN({month_col})')}/{k})+1"
    )
    summary = [
        (
            _t("check.input_rows", lang),
            f"=IF(SUM({input_col})={m.cells},{ok},{fail})",
        ),
        (
            _t("check.data_rows", lang),
            f"=IF(COUNTA({data}!$A$2:$A${rows_data})={result.months.codes.size},{ok},{fail})",
        ),
        (
            _t("check.span", lang),
            f"=IF(COUNTA({mv}!$A${HEADER_ROW + 1}:$A${HEADER_ROW + n})={span},{ok},{fail})",
        ),
        (
            _t("check.every", lang),
            f"=IF(COUNTIF(C{first_check}:G{last_check},{ok})={5 * n},{ok},{fail})",
        ),
    ]
    for offset, (label, formula) in enumerate(summary):
        ws.cell(5 + offset, 1, label)
        ws.cell(5 + offset, 2, formula)
    ws.cell(10, 1, _t("check.all", lang)).font = Font(bold=True)
    overall = ws.cell(10, 2, f"=IF(COUNTIF(B5:B8,{ok})=4,{ok},{fail})")
    overall.font = Font(bold=True)
    area = f"B5:B10 C{first_check}:G{last_check}"
    ws.conditional_formatting.add(area, CellIsRule(operator="equal", formula=[ok], fill=_OK_FILL))
    ws.conditional_formatting.add(
        area, CellIsRule(operator="equal", formula=[fail], fill=_FAIL_FILL)
    )
    for row in ws.iter_rows(min_row=5, max_row=10, min_col=1, max_col=1):
        row[0].alignment = Alignment(wrap_text=True)
    fit_to_page(ws)


def _write_instructions(ws: Worksheet, lang: str) -> None:
    lines: list[tuple[str, bool]] = [
        (_text("workbook.howto", lang), True),
        (_t("how", lang), False),
        ("", False),
        (_t("movements_head", lang), True),
        (_t("movements_kinds", lang), False),
        (_t("identity", lang), False),
        (_t("rates", lang), False),
        (_t("first_period", lang), False),
        ("", False),
        (_text("workbook.guides", lang), True),
        (_text("workbook.guide_cost", lang), False),
    ]
    for r, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(r, 1, text)
        cell.font = Font(bold=bold, size=14 if r == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 110
    fit_to_page(ws)


def _build(
    lang: str, result: SubscriptionBook | None, segment: str | None, fast_rows: bool = True
) -> tuple[Any, Edit]:
    """The workbook and the edit for its saved parts: with ``fast_rows`` the Data sheet's
    rows after the first are inserted there as XML, else openpyxl writes them all."""
    if lang not in ("en", "de"):
        raise TemplateError(f"lang must be 'en' or 'de'; got {lang!r}.")
    if result is not None:
        _check_limits(result)
    book = Workbook()
    titles = {key: _title(key, lang) for key in SHEETS}
    overview = book.active
    overview.title = titles["overview"]
    sheets = {"overview": overview}
    for key in list(SHEETS)[1:]:
        sheets[key] = book.create_sheet(titles[key])
    _write_movements(sheets["movements"], lang, result)
    _write_overview(overview, lang, result, titles["movements"])
    if segment:
        overview["A1"] = (
            f"{_t('title', lang)} — {excel_text(check_text(segment, 'the segment name'))}"
        )
        overview["A1"].data_type = "s"  # a segment name is data: never a formula
    _write_cohorts(sheets["cohorts"], lang, result.cohorts if result else None)
    deferred = _write_data(sheets["data"], lang, result)
    if not fast_rows:
        data = sheets["data"]
        for r, row in enumerate(deferred, start=3):
            for c, value in enumerate(row, start=1):
                cell = data.cell(r, c, value)
                cell.number_format = data.cell(2, c).number_format
                if c == 2:
                    cell.value = EXCEL_EPOCH + dt.timedelta(days=value)
                elif c == 1 and isinstance(value, str):
                    cell.data_type = "s"
        deferred = []
    _write_checks(sheets["checks"], lang, result, titles)
    _write_instructions(sheets["help"], lang)
    book.properties.creator = "retention_xl"
    book.properties.created = book.properties.modified = dt.datetime(2024, 1, 1)
    if result is not None:  # a filled workbook is dated; the template stays reproducible
        book.properties.modified = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    data_part = f"xl/worksheets/sheet{book.worksheets.index(sheets['data']) + 1}.xml"

    def edit(parts: dict[str, bytes]) -> None:
        if deferred:
            insert_rows(parts, data_part, 3, deferred)

    return book, edit


def subscription_workbook(
    lang: str = "en", result: SubscriptionBook | None = None, *, segment: str | None = None
) -> Any:
    """The subscription workbook as an openpyxl workbook (see
    :func:`write_subscription_workbook` for the arguments; it saves faster)."""
    book, _ = _build(lang, result, segment, fast_rows=False)
    return book


def write_subscription_workbook(
    path: str | Path,
    lang: str = "en",
    result: SubscriptionBook | None = None,
    *,
    overwrite: bool = False,
    segment: str | None = None,
) -> Path:
    """Build the subscription workbook and save it atomically (never over a file unasked).

    Parameters
    ----------
    path : str or Path
        An ``.xlsx`` file.
    lang : {"en", "de"}
    result : SubscriptionBook, optional
        A computed book (:func:`retention_xl.results.subscription_result` of billing rows,
        :func:`retention_xl.results.subscription_book` of a ledger); None writes the empty
        template.
    overwrite : bool
        Replace an existing file.
    segment : str, optional
        A store or segment name for the title (written as text).

    Raises
    ------
    TemplateError
        For a wrong suffix or language, an existing file without ``overwrite``, or data
        beyond Excel's limits (checked before writing).
    """
    if Path(path).suffix.lower() != ".xlsx":
        raise TemplateError(f"{path}: the subscription workbook must end in .xlsx.")
    book, edit = _build(lang, result, segment)
    return save_atomically(book, path, overwrite=overwrite, edit=edit)
