"""The live cohort workbook: paste orders, get the correct triangle — no add-in, no macros.

One idea: lay out the cohort workbook so that the spreadsheet computes it. Orders go into an
Excel Table whose calculated helper columns (:mod:`.live_orders`) place each order; the cohort
sheet's triangle, cohort sizes, both average rows, the conventions text and the status line,
and the summary sheet's KPIs are native formulas (:mod:`.live_formulas`) of Excel 2019, which
LibreOffice 7.4 (tested) and Google Sheets (not tested) also have. The heatmap and the
retention-curve chart are in the empty template and fill as rows arrive. Monthly periods
and retention values; the settings block chooses the as-of date and the kind (``on`` or
``on_or_after``). Texts, sheet names, the summary KPIs, the heatmap and the chart come from
:mod:`.cohort_template`, so the live and the value-filled workbook look and read the same.
Imports openpyxl and numpy.

Capacity: recalculation time grows with the square of the orders (each customer's first
purchase and purchase count scan the table); :data:`CAPACITY` is the measured limit
(``benchmarks/bench_live_template.py``), above which the status line tells users to use
``retention-xl fill`` or the ``.xlsm``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import Reference, Series
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..cohorts import CohortSpec, describe_conventions
from ..errors import TemplateError
from ..io import Orders
from ..names import safe_sheet_name
from ..texts import text as _text
from .cohort_template import (
    COLUMNS,
    LATEST,
    SUMMARY,
    TABLE_NAME,
    check_limits,
    heatmap,
    instruction_lines,
    line_chart,
    phrase,
    quoted,
    straight,
    summary_row,
    write_instructions,
    write_summary,
)
from .files import save_atomically
from .live_formulas import (
    HELPERS,
    KIND_CHOICES,
    LiveNames,
    average_formula,
    check_formulas,
    cohort_start_formula,
    conventions_formula,
    helper_formulas,
    label_formula,
    live_names,
    settings_formulas,
    size_formula,
    summary_formulas,
    triangle_formula,
)
from .live_orders import append_order_rows, write_orders_sheet
from .parts import Edit, check_text, excel_text
from .styles import INPUT_FILL, MAX_ROWS, fit_to_page, head

__all__ = [
    "CAPACITY",
    "FIRST_ROW",
    "HEADER_ROW",
    "MAX_MONTHS",
    "MEASURED",
    "MONTHS",
    "SPARE_ROWS",
    "live_cohort_workbook",
    "write_live_cohort_workbook",
]

HEADER_ROW = 10  #: row of the triangle's header (Cohort, Customers, 0, 1, …)
FIRST_ROW = HEADER_ROW + 3  #: first cohort row; the two average rows lie between
MONTHS = 36  #: cohorts (rows) and periods (columns) of the empty template's triangle
MAX_MONTHS = 240  #: the largest triangle written (20 years: 240 × 240 formula cells)
SPARE_ROWS = 1_000  #: empty, ready-formatted Table rows below the orders
#: Seconds LibreOffice 7.4 took to recalculate the workbook, by orders (2 cores;
#: benchmarks/bench_live_template.py, benchmarks/RESULTS.md "Live cohort workbook").
MEASURED = {1_000: 2, 5_000: 8, 10_000: 20, 20_000: 83}
#: Orders above which the status line says to use ``retention-xl fill`` or the .xlsm:
#: recalculating takes about 20 s in LibreOffice at 10,000 orders, 1–1.5 min at 20,000.
CAPACITY = 10_000
_AS_OF_CELL, _KIND_CELL = "B3", "B4"
_CALC_ROW = 15  # summary sheet: the settings in effect (named cells)
_CHART_ROWS = 22  # rows the chart covers below the triangle (its data block follows)


def _l(key: str, lang: str, **fields: object) -> str:
    return _text("live_workbook." + key, lang, **fields)


def _number(value: int, lang: str) -> str:
    """A whole number with the language's thousands separator."""
    return f"{value:,}".replace(",", _text("number.thousands", lang))


def _months_text(months: int, lang: str) -> str:
    return _l("months", lang, months=months)


def _check_options(kind: str, period: str, value: str, include_incomplete: bool) -> None:
    if kind not in KIND_CHOICES:
        raise TemplateError(
            f"kind must be one of {', '.join(KIND_CHOICES)} in the live workbook; got {kind!r} "
            "(for 'rolling' fill the value workbook: retention-xl fill without --live)."
        )
    if period != "M" or value != "retention" or include_incomplete:
        raise TemplateError(
            "the live workbook computes monthly retention over complete months "
            f"(period 'M', value 'retention'); got period={period!r}, value={value!r}, "
            f"include_incomplete={include_incomplete!r}. Fill the value workbook for "
            "other conventions (retention-xl fill without --live)."
        )


def _as_of_date(day: int | None) -> dt.date | None:
    if day is None:
        return None
    return dt.date(1970, 1, 1) + dt.timedelta(days=day)


def _months_needed(orders: Orders | None, as_of: dt.date | None) -> int:
    """Triangle size for ``orders``: the empty template's, or the months from the first
    purchase to the as-of month plus a year to grow into."""
    if orders is None or not len(orders):
        return MONTHS
    days = orders.order_dates.astype("datetime64[D]")
    end = np.datetime64(as_of, "D") if as_of is not None else days.max()
    purchase = days <= end
    if orders.amounts is not None:
        purchase &= orders.amounts >= 0
    if not purchase.any():
        return MONTHS
    first = days[purchase].min().astype("datetime64[M]").astype(np.int64)
    span = int(end.astype("datetime64[M]").astype(np.int64) - first) + 1
    return max(MONTHS, span + 12)


def _define(book: Any, name: str, sheet: str, cell: str) -> None:
    column, row = cell.rstrip("0123456789"), cell[len(cell.rstrip("0123456789")) :]
    book.defined_names[name] = DefinedName(name, attr_text=f"{quoted(sheet)}!${column}${row}")


def _conventions(lang: str) -> dict[str, tuple[list[str], list[str]]]:
    """The engine's convention sentences per kind, dated (a sentinel date) and undated."""
    return {
        kind: (
            describe_conventions("M", kind, "retention", dt.date(2000, 1, 2), False, lang),
            describe_conventions("M", kind, "retention", None, False, lang),
        )
        for kind in KIND_CHOICES
    }


def _write_cohort_sheet(
    ws: Worksheet,
    names: LiveNames,
    lang: str,
    months: int,
    title: str,
    as_of: dt.date | None,
    kind: str,
    orders_title: str,
    capacity: int,
) -> None:
    ws["A1"] = title
    ws["A1"].data_type = "s"  # a segment name is data: never a formula
    ws["A1"].font = Font(bold=True, size=16)
    texts = {key: _l(key, lang) for key in ("outside", "no_date", "amount", "empty")}
    texts |= {
        "capacity": _l("capacity", lang, orders=_number(capacity, lang)),
        "kind": _l("kind_bad", lang),
        "as_of": _l("as_of_bad", lang),
        "months": _months_text(months, lang),
        "counted": _l("counted", lang),
    }
    ws["A2"] = check_formulas(names, capacity, months, quoted(orders_title), texts)
    ws["A2"].font = Font(italic=True, color="555555")
    ws.conditional_formatting.add(
        "A2", FormulaRule(formula=['LEFT($A$2,1)="⚠"'], font=Font(bold=True, color="C00000"))
    )
    for row, key, value, number_format in (
        (3, "as_of", as_of, "yyyy-mm-dd"),
        (4, "kind", kind, "General"),
    ):
        ws.cell(row, 1, _l(key, lang)).font = Font(bold=True)
        cell = ws.cell(row, 2, value)
        cell.fill, cell.number_format = INPUT_FILL, number_format
        cell.alignment = Alignment(horizontal="center")
        ws.cell(row, 3, _l(f"{key}_hint", lang)).font = Font(italic=True, color="555555")
    choices = DataValidation(type="list", formula1='"on,on_or_after"', allow_blank=False)
    choices.add(_KIND_CELL)
    ws.add_data_validation(choices)
    lines = _conventions(lang)
    for index in range(len(lines["on"][0])):
        ws.cell(5 + index, 1, conventions_formula(names, lines, index))

    head(ws, HEADER_ROW, [_text("cohorts.cohort", lang), _text("cohorts.customers", lang)])
    head(ws, HEADER_ROW, list(range(months)), col=3)
    last = FIRST_ROW + months - 1
    sizes = f"$B${FIRST_ROW}:$B${last}"
    for row, weighted in ((HEADER_ROW + 1, True), (HEADER_ROW + 2, False)):
        ws.cell(row, 1, phrase("weighted" if weighted else "unweighted", lang)).font = Font(
            bold=True
        )
        ws.cell(row, 2, f"=SUM({sizes})").font = Font(bold=True)
        ws.cell(row, 2).number_format = "#,##0"
        for c in range(3, months + 3):
            col = get_column_letter(c)
            area = f"{col}{FIRST_ROW}:{col}{last}"
            cell = ws.cell(row, c, average_formula(sizes, area, weighted=weighted))
            cell.number_format, cell.font = "0.0%", Font(bold=True)
    for i in range(months):
        r = FIRST_ROW + i
        ws.cell(r, 1, cohort_start_formula(names, i)).number_format = "yyyy-mm"
        ws.cell(r, 1).alignment = Alignment(horizontal="left")
        ws.cell(r, 2, size_formula(names, f"$A{r}")).number_format = "#,##0"
        for c in range(3, months + 3):
            col = get_column_letter(c)
            formula = triangle_formula(names, f"$A{r}", f"$B{r}", f"{col}${HEADER_ROW}")
            ws.cell(r, c, formula).number_format = "0.0%"
    heatmap(ws, f"D{FIRST_ROW}:{get_column_letter(months + 2)}{last}")
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 11
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    fit_to_page(ws)


def _write_summary_sheet(
    ws: Worksheet, names: LiveNames, lang: str, months: int, cohorts: str
) -> None:
    """KPIs as formulas, then the settings in effect (the named cells the formulas use)."""
    rows = [summary_row(key, None, lang) for key in SUMMARY]
    write_summary(ws, lang, rows)
    sheet = quoted(cohorts)
    average_row = HEADER_ROW + 1
    offsets = {
        k: f"{sheet}!${get_column_letter(3 + k)}${average_row}" for k in (1, 3, 6, 12) if k < months
    }
    formulas = summary_formulas(names, f"{sheet}!$B${average_row}", offsets)
    for r, row in enumerate(rows, start=4):
        ws.cell(r, 2, formulas[row.key]).number_format = row.number_format

    ws.cell(_CALC_ROW - 1, 1, _l("in_effect", lang)).font = Font(bold=True)
    settings = settings_formulas(names, f"{sheet}!${_AS_OF_CELL[0]}${_AS_OF_CELL[1:]}")
    in_effect = ("as_of", "yyyy-mm-dd"), ("first_cohort", "yyyy-mm"), ("last_month", "yyyy-mm")
    for offset, (key, number_format) in enumerate((*in_effect, ("cohort_count", "0"))):
        ws.cell(_CALC_ROW + offset, 1, _l(key, lang))
        cell = ws.cell(_CALC_ROW + offset, 2, settings[key])
        cell.number_format = number_format
        cell.alignment = Alignment(horizontal="right")


def _write_chart(ws: Worksheet, names: LiveNames, lang: str, months: int) -> None:
    """The retention curves below the triangle, from a data block below the chart: the
    weighted average and the newest cohorts whose period 1 is observed (INDEX by the number
    of cohorts), #N/A where a cell is blank so that no curve drops to 0.

    Every series ends with one truly empty cell: LibreOffice leaves gaps for #N/A only in a
    chart whose data has an empty cell (it draws them as 0 otherwise); Excel leaves gaps
    either way.
    """
    top = FIRST_ROW + months + 2
    data = top + _CHART_ROWS + 2
    grey = Font(color="7F7F7F", size=9)
    ws.cell(data, 1, phrase("curves", lang)).font = Font(bold=True, color="7F7F7F")
    ws.cell(data + 1, 1, phrase("period", lang)).font = grey
    ws.cell(data + 2, 1, phrase("weighted", lang)).font = grey
    last = FIRST_ROW + months - 1
    for k in range(months):
        col = get_column_letter(3 + k)
        ws.cell(data + 1, 3 + k, k).font = grey
        source = f"{col}${HEADER_ROW + 1}"
        cell = ws.cell(data + 2, 3 + k, f"=IF(ISNUMBER({source}),{source},NA())")
        cell.font, cell.number_format = grey, "0.0%"
    for j in range(LATEST, 0, -1):  # oldest first, as in the value workbook's chart
        r = data + 3 + LATEST - j
        index = f"{names.cohort_count}-{j}"  # 1-based row in the cohort block
        start = f"INDEX($A${FIRST_ROW}:$A${last},{index})"
        # legend text: the cohort's month, or "-j" (the j-th newest) while there is none
        ws.cell(r, 1, f'=IF({index}<1,"-{j}",{label_formula(start)[1:]})').font = grey
        for k in range(months):
            col = get_column_letter(3 + k)
            at = f"INDEX({col}${FIRST_ROW}:{col}${last},{index})"
            cell = ws.cell(r, 3 + k, f"=IF({index}<1,NA(),IF(ISNUMBER({at}),{at},NA()))")
            cell.font, cell.number_format = grey, "0.0%"
    chart = line_chart(lang, "retention")
    width = 3 + months  # the last column stays empty (see above)
    for offset in range(LATEST + 1):
        r = data + 2 + offset
        values = Reference(ws, min_col=3, max_col=width, min_row=r)
        series = straight(Series(values, title=phrase("weighted", lang) if offset == 0 else None))
        if offset:
            series.tx = SeriesLabel(strRef=StrRef(f"{quoted(ws.title)}!$A${r}"))
        chart.series.append(series)
    chart.set_categories(Reference(ws, min_col=3, max_col=width, min_row=data + 1))
    chart.height = _CHART_ROWS * 0.5  # cm
    chart.width = max(26.0, 1.1 * width)  # about as wide as the triangle (default columns)
    ws.add_chart(chart, f"A{top}")
    ws.print_area = f"A1:{get_column_letter(width)}{top + _CHART_ROWS}"


def _instructions(lang: str, spare: int, capacity: int) -> list[tuple[str, bool]]:
    table, columns = TABLE_NAME[lang], ", ".join(COLUMNS[lang])
    seconds = ", ".join(
        f"{_number(n, lang)}: {t} s"
        if t < 60
        else f"{_number(n, lang)}: "
        + f"{t / 60:.1f} min".replace(".", _text("number.decimal", lang))
        for n, t in MEASURED.items()
    )
    how = [
        _l("how_paste", lang, table=table, columns=columns, spare=_number(spare, lang)),
        _l("how_settings", lang),
        _l("how_helpers", lang),
        _l("how_limits", lang, seconds=seconds, capacity=_number(capacity, lang)),
    ]
    return instruction_lines(lang, [(line, False) for line in how])


def live_cohort_workbook(
    lang: str = "en",
    orders: Orders | None = None,
    *,
    spec: CohortSpec | None = None,
    segment: str | None = None,
    months: int | None = None,
    spare_rows: int = SPARE_ROWS,
    capacity: int = CAPACITY,
) -> tuple[Any, Edit]:
    """Build the live cohort workbook: the openpyxl workbook and the edit that appends the
    order rows as XML when it is saved (see :func:`.parts.write_workbook`).

    Parameters
    ----------
    lang : {"en", "de"}
    orders : Orders, optional
        Orders to put into the table; without them the workbook is the empty template.
    spec : CohortSpec, optional
        Its ``as_of`` is written into the "Observed until" cell (blank: the last order
        date) and its ``kind`` (``on`` or ``on_or_after``) into the "Counting" cell; period,
        value and include_incomplete are accepted only as ``"M"``, ``"retention"``, False:
        what the formulas compute.
    segment : str, optional
        Store or segment name, added (as text) to the title and the cohort sheet's name.
    months : int, optional
        Cohort rows and period columns; default :data:`MONTHS` for the template, and for
        orders the months they span plus a year to grow into (at least :data:`MONTHS`).
    spare_rows : int
        Empty Table rows after the orders, ready for pasting.
    capacity : int
        Orders above which the status line warns that recalculating gets slow (default the
        measured :data:`CAPACITY`).

    Raises
    ------
    TemplateError
        For an unknown language, other conventions, or data beyond Excel's limits.
    """
    if lang not in ("en", "de"):
        raise TemplateError(f"lang must be 'en' or 'de'; got {lang!r}.")
    chosen = spec or CohortSpec.of()
    kind = chosen.kind
    _check_options(kind, chosen.period.code, chosen.value, chosen.include_incomplete)
    if spare_rows < 1:
        raise TemplateError(f"spare_rows must be at least 1; got {spare_rows!r}.")
    check_limits(orders, None)
    n_orders = len(orders) if orders is not None else 0
    if n_orders + spare_rows + 1 > MAX_ROWS:
        raise TemplateError(
            f"{n_orders:,} orders and {spare_rows:,} empty rows do not fit on one sheet "
            f"(Excel holds {MAX_ROWS - 1:,} rows below a header); split the data."
        )
    as_of_date = _as_of_date(chosen.as_of)
    size = months if months is not None else _months_needed(orders, as_of_date)
    if size < 13:
        raise TemplateError(f"months must be at least 13 (retention after 12 months); got {size}.")
    if size > MAX_MONTHS:
        raise TemplateError(
            f"the live workbook holds at most {MAX_MONTHS} months; these orders need {size} "
            "(their months plus a year to grow into). Fill the value workbook instead "
            "(retention-xl fill without --live) or pass fewer orders."
        )
    names = live_names(lang, TABLE_NAME[lang], COLUMNS[lang])
    book = Workbook()
    cohorts_ws = book.active
    cohorts_ws.title = phrase("cohorts", lang)
    if segment is not None:
        check_text(segment, "the segment name")
        cohorts_ws.title = safe_sheet_name(excel_text(f"{phrase('cohorts', lang)} {segment}"))
    summary_ws = book.create_sheet(phrase("summary", lang), 1)
    orders_ws = book.create_sheet(phrase("orders", lang), 2)
    help_ws = book.create_sheet(phrase("help", lang), 3)
    title = phrase("title", lang) + (f" — {excel_text(segment)}" if segment else "")
    _write_cohort_sheet(
        cohorts_ws, names, lang, size, title, as_of_date, kind, orders_ws.title, capacity
    )
    _write_summary_sheet(summary_ws, names, lang, size, cohorts_ws.title)
    _write_chart(cohorts_ws, names, lang, size)
    write_orders_sheet(orders_ws, names, orders, n_orders + spare_rows)
    write_instructions(help_ws, _instructions(lang, spare_rows, capacity))
    for sheet in (summary_ws, help_ws):
        fit_to_page(sheet)
    _define(book, names.kind, cohorts_ws.title, _KIND_CELL)
    for offset, key in enumerate(("as_of", "first_cohort", "last_month", "cohort_count")):
        _define(book, getattr(names, key), summary_ws.title, f"B{_CALC_ROW + offset}")
    book.properties.creator = "retention_xl"
    book.properties.created = book.properties.modified = dt.datetime(2024, 1, 1)
    if orders is not None:  # a filled workbook is dated; templates stay reproducible
        book.properties.modified = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    part = f"xl/worksheets/sheet{book.worksheets.index(orders_ws) + 1}.xml"
    formulas = [helper_formulas(names)[key] for key in HELPERS]

    def edit(parts: dict[str, bytes]) -> None:
        rest = slice(1, None) if n_orders else slice(0, 0)
        empty = spare_rows - (0 if n_orders else 1)
        ids = orders.customer_ids[rest] if orders is not None else np.array([], dtype="<U1")
        dates = orders.order_dates[rest] if orders is not None else np.array([], "datetime64[D]")
        amounts = (
            orders.amounts[rest] if orders is not None and orders.amounts is not None else None
        )
        append_order_rows(parts, part, ids, dates, amounts, formulas, empty)

    return book, edit


def write_live_cohort_workbook(
    path: str | Path,
    lang: str = "en",
    orders: Orders | None = None,
    *,
    spec: CohortSpec | None = None,
    segment: str | None = None,
    months: int | None = None,
    spare_rows: int = SPARE_ROWS,
    capacity: int = CAPACITY,
    overwrite: bool = False,
) -> Path:
    """Write the live cohort workbook (empty template, or with ``orders`` in the Table) to
    ``path`` atomically, never over an existing file unless ``overwrite``; the other
    arguments are those of :func:`live_cohort_workbook`.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_live_cohort_workbook(f"{folder}/live.xlsx", "en")
    ...     book = openpyxl.load_workbook(path)
    >>> book.sheetnames
    ['Cohorts', 'Summary', 'Orders', 'Instructions']
    >>> book["Orders"].tables["Orders"].ref  # 1,000 empty rows ready for pasting
    'A1:L1001'
    """
    if Path(path).suffix.lower() != ".xlsx":
        raise TemplateError(f"{path}: the live cohort workbook must end in .xlsx.")
    book, edit = live_cohort_workbook(
        lang,
        orders,
        spec=spec,
        segment=segment,
        months=months,
        spare_rows=spare_rows,
        capacity=capacity,
    )
    return save_atomically(book, path, overwrite=overwrite, edit=edit)
