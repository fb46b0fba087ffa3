"""The "KPI calculator" workbook: an input block and every KPI beside it.

One idea: lay out the KPI sheet from the definitions table. Each input row takes its label
and help from the parameter of the same name in :data:`~retention_xl.definitions.DEFINITIONS`;
each KPI row writes the definition's native Excel formula (``.xlsx``: works with no add-in)
or its Excel function (``.xlsm``: ``=RETENTION_RATE(...)`` through xlwings), and
:func:`compute_kpis` evaluates the same bindings with the numpy core, so tests can compare
LibreOffice's numbers with ours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import kpis
from ..definitions import DEFINITIONS, SUBSCRIPTION_DEFINITIONS, Definition, Parameter
from ..errors import TemplateError
from ..texts import text as _text
from .files import save_atomically
from .parts import check_text, excel_text
from .styles import INPUT_FILL, fit_to_page, head
from .xlsm import xlwings_base

__all__ = [
    "EXAMPLE",
    "INPUTS",
    "SHEET_DEFINITIONS",
    "InputRow",
    "compute_kpis",
    "kpi_workbook",
    "write_kpi_workbook",
]

#: The KPIs on the sheet, top to bottom: kpi-spec §1's, then every other elementwise KPI with a
#: native formula (the subscription ratios of §4). Table functions are not on the sheet.
SHEET_DEFINITIONS: tuple[Definition, ...] = DEFINITIONS + tuple(
    d for d in SUBSCRIPTION_DEFINITIONS if d.native and not d.table and not d.handler
)

InputKind = Literal["count", "money", "fraction", "days", "date", "unit", "sum"]


@dataclass(frozen=True)
class InputRow:
    """One input cell of the KPI sheet; label and help come from the parameter ``key``."""

    key: str
    kind: InputKind
    section: str
    parts: tuple[str, ...] = ()  # for kind "sum": the inputs it adds up

    def parameter(self) -> Parameter:
        """The first KPI parameter of this name: its help text labels the row."""
        for definition in SHEET_DEFINITIONS:
            for param in definition.params:
                if param.name == self.key:
                    return param
        raise TemplateError(f"input {self.key!r} is no parameter of any KPI definition")


_UNITS = ("day", "week", "month", "year")  # the choices of a "unit" input (texts unit.<key>)

#: The input block, top to bottom.
INPUTS: tuple[InputRow, ...] = (
    InputRow("customers_start", "count", "customers"),
    InputRow("customers_end", "count", "customers"),
    InputRow("new_customers", "count", "customers"),
    InputRow("reactivated", "count", "customers"),
    InputRow("customers_lost", "count", "customers"),
    InputRow("customers", "count", "orders"),
    InputRow("returning_customers", "count", "orders"),
    InputRow("orders", "count", "orders"),
    InputRow("revenue", "money", "orders"),
    InputRow("mrr_start", "money", "mrr"),
    InputRow("mrr_new", "money", "mrr"),
    InputRow("mrr_churned", "money", "mrr"),
    InputRow("mrr_contraction", "money", "mrr"),
    InputRow("mrr_expansion", "money", "mrr"),
    InputRow("mrr_reactivation", "money", "mrr"),
    InputRow("mrr_lost", "sum", "mrr", ("mrr_churned", "mrr_contraction")),
    InputRow("arpa", "money", "value"),
    InputRow("churn_rate", "fraction", "value"),
    InputRow("gross_margin", "fraction", "value"),
    InputRow("discount_rate", "fraction", "value"),
    InputRow("purchases_per_customer", "count", "value"),
    InputRow("acquisition_cost", "money", "value"),
    InputRow("sales", "count", "budget"),
    InputRow("per", "unit", "budget"),
    InputRow("as_of", "date", "list"),
    InputRow("window_days", "days", "list"),
    InputRow("min_orders", "count", "list"),
)

#: Where a KPI argument does not come from the input of the same name: another input, the
#: result of another KPI (``kpi:``), a column of the customer list (``list:``), or left out
#: (``None``: the definition's default, e.g. churn over customers at the start).
BINDINGS: dict[str, dict[str, str | None]] = {
    "CHURN_RATE": {"new_customers": None},
    "REPEAT_CUSTOMER_RATE": {"total_customers": "customers"},
    "LOYAL_CUSTOMER_RATE": {"orders_per_customer": "list:orders"},
    "ACTIVE_CUSTOMERS": {"last_order_dates": "list:last_order"},
    "CLV": {"average_order_value": "kpi:AVERAGE_ORDER_VALUE"},
}

LIST_ROWS = 20  #: rows of the empty customer list; a longer list gets as many rows as it needs
_MAX_LIST = 1_048_576 - 60  # the rows of a sheet below the input block

#: Example numbers for the demo and the tests: the guide's retention example (S=1000,
#: E=1100, N=500), consistent churn (1000 + 500 − 400 = 1100), and a small shop.
EXAMPLE: dict[str, Any] = {
    "customers_start": 1000,
    "customers_end": 1100,
    "new_customers": 500,
    "reactivated": 0,
    "customers_lost": 400,
    "customers": 600,
    "returning_customers": 150,
    "orders": 1500,
    "revenue": 75000,
    "mrr_start": 10000,
    "mrr_new": 1000,
    "mrr_churned": 500,
    "mrr_contraction": 500,
    "mrr_expansion": 500,
    "mrr_reactivation": 0,
    "arpa": 100,
    "churn_rate": 0.05,
    "gross_margin": 0.4,
    "discount_rate": 0.01,
    "purchases_per_customer": 4,
    "acquisition_cost": 30,
    "sales": 12,
    "per": "day",
    "as_of": dt.date(2024, 6, 30),
    "window_days": 90,
    "min_orders": 2,
    "list:customer": [f"C{i:03d}" for i in range(1, 13)],
    "list:orders": [1, 1, 2, 5, 1, 3, 1, 2, 1, 1, 4, 1],
    "list:last_order": [
        dt.date(2024, 6, 30) - dt.timedelta(days=d)
        for d in (3, 200, 45, 10, 89, 90, 120, 400, 60, 15, 1, 95)
    ],
}

_FORMATS = {
    "count": "#,##0.##",
    "money": "#,##0.00",
    "fraction": "0.0%",
    "days": "0",
    "date": "yyyy-mm-dd",
    "unit": "@",
    "sum": "#,##0.00",
}
_RESULT_FORMATS = {
    "fraction": "0.0%",
    "money": "#,##0.00",
    "number": "#,##0.00",
    "count": "#,##0",
}


def _t(key: str, lang: str) -> str:
    return _text("kpi_workbook." + key, lang)


@dataclass
class _Layout:
    """Cell addresses of every input, list column and KPI result of one generated sheet."""

    inputs: dict[str, str]
    lists: dict[str, str]
    results: dict[str, str]


def _source(definition: Definition, param: Parameter) -> str | None:
    binding = BINDINGS.get(definition.name, {})
    return binding.get(param.name, param.name)


def _cell_refs(definition: Definition, layout: _Layout) -> dict[str, str | None]:
    refs: dict[str, str | None] = {}
    for param in definition.params:
        source = _source(definition, param)
        if source is None:
            refs[param.name] = None
        elif source.startswith("kpi:"):
            refs[param.name] = layout.results[source[4:]]
        elif source.startswith("list:"):
            refs[param.name] = layout.lists[source[5:]]
        else:
            refs[param.name] = layout.inputs[source]
    return refs


def _native(definition: Definition, refs: Mapping[str, str | None]) -> str:
    """The native formula with cell references, blank ("") until its inputs are filled."""
    values = {
        name: ref if ref is not None else _literal(_param(definition, name).default)
        for name, ref in refs.items()
    }
    body = definition.native.format(**values)
    required = [refs[p.name] for p in definition.params if not p.optional and refs[p.name]]
    checks = [f"COUNT({ref})=0" if ":" in str(ref) else f'{ref}=""' for ref in required]
    return f'=IF(OR({",".join(checks)}),"",{body})'


def _udf_call(definition: Definition, refs: Mapping[str, str | None], lang: str) -> str:
    args = [ref for ref in refs.values()]
    while args and args[-1] is None:
        args.pop()
    return f"={definition.excel_name(lang)}({','.join(a or '' for a in args)})"


def _param(definition: Definition, name: str) -> Parameter:
    return next(p for p in definition.params if p.name == name)


def _literal(value: float | str | None) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _write_inputs(
    ws: Worksheet, lang: str, values: Mapping[str, Any], row: int
) -> tuple[dict[str, str], int]:
    addresses: dict[str, str] = {}
    section = ""
    validations = {
        "count": DataValidation("decimal", operator="greaterThanOrEqual", formula1="0"),
        "money": DataValidation("decimal", operator="greaterThanOrEqual", formula1="0"),
        "days": DataValidation("whole", operator="greaterThanOrEqual", formula1="1"),
        "fraction": DataValidation("decimal", operator="between", formula1="0", formula2="1"),
        "date": DataValidation("date", operator="greaterThan", formula1="1"),
        "unit": DataValidation(
            "list",
            formula1='"' + ",".join(_t("unit." + unit, lang) for unit in _UNITS) + '"',
        ),
    }
    for validation in validations.values():
        validation.error = _t("invalid", lang)
        validation.showErrorMessage = True
        ws.add_data_validation(validation)
    for item in INPUTS:
        if item.section != section:
            section = item.section
            ws.cell(row, 1, _t("section." + section, lang)).font = Font(bold=True)
            row += 1
        param = item.parameter()
        ws.cell(row, 1, param.help(lang).rstrip("."))
        cell = ws.cell(row, 2)
        addresses[item.key] = cell.coordinate
        cell.number_format = _FORMATS[item.kind]
        if item.kind == "sum":
            cell.value = "=" + "+".join(addresses[part] for part in item.parts)
            ws.cell(row, 3, _t("sum_of", lang))
        else:
            cell.fill = INPUT_FILL
            value = values.get(item.key)
            if item.kind == "unit" and isinstance(value, str) and value in _UNITS:
                value = _t("unit." + value, lang)
            cell.value = value
            cell.comment = Comment(param.help(lang), "retention_xl", width=260, height=80)
            validations[item.kind].add(cell)
            ws.cell(row, 3, item.key).font = Font(color="808080", italic=True)
        row += 1
    return addresses, row


def _write_list(ws: Worksheet, lang: str, values: Mapping[str, Any], row: int) -> dict[str, str]:
    ws.cell(row, 1, _t("list", lang)).font = Font(bold=True)
    row += 1
    columns = ("customer", "orders", "last_order")
    head(ws, row, [_t(key, lang) for key in columns])
    first = row + 1
    size = max([LIST_ROWS, *(len(values.get(f"list:{key}", ())) for key in columns)])
    if size > _MAX_LIST:
        raise TemplateError(
            f"{size:,} customers do not fit in the customer list of one sheet "
            f"(at most {_MAX_LIST:,}); split the data."
        )
    last = first + size - 1
    formats = {"customer": "@", "orders": "0", "last_order": "yyyy-mm-dd"}
    for col, key in enumerate(columns, start=1):
        data: Sequence[Any] = values.get(f"list:{key}", ())
        for offset in range(size):
            value = data[offset] if offset < len(data) else None
            if isinstance(value, str):
                check_text(value, f"customer list row {offset + 1}")
            cell = ws.cell(
                first + offset, col, excel_text(value) if isinstance(value, str) else value
            )
            cell.fill = INPUT_FILL
            cell.number_format = formats[key]
            if key == "customer" and isinstance(cell.value, str):
                cell.data_type = "s"  # untrusted text is never a formula
    letters = {key: get_column_letter(col) for col, key in enumerate(columns, start=1)}
    return {key: f"${letters[key]}${first}:${letters[key]}${last}" for key in columns}


def _write_kpis(ws: Worksheet, lang: str, layout: _Layout, xlsm: bool) -> None:
    row = 4
    heads = ("kpi", "result", "function", "formula", "meaning")
    head(ws, row, [_t(key, lang) for key in heads], col=5)
    for offset, definition in enumerate(SHEET_DEFINITIONS, start=1):
        layout.results[definition.name] = f"F{row + offset}"
    for offset, definition in enumerate(SHEET_DEFINITIONS, start=1):
        r = row + offset
        refs = _cell_refs(definition, layout)
        ws.cell(r, 5, definition.title(lang)).font = Font(bold=True)
        call = _udf_call(definition, refs, lang)
        result = ws.cell(r, 6, call if xlsm else _native(definition, refs))
        result.number_format = _RESULT_FORMATS[definition.unit]
        result.font = Font(bold=True)
        shown = ws.cell(r, 7, call)
        shown.data_type = "s"
        for col, text in ((8, definition.formula), (9, definition.summary(lang))):
            ws.cell(r, col, text)


def _write_instructions(ws: Worksheet, lang: str, xlsm: bool) -> None:
    lines = [
        (_text("workbook.howto", lang), True),
        (_t("intro_xlsm" if xlsm else "intro", lang), False),
        ("", False),
        (_text("workbook.guides", lang), True),
        (
            _text("workbook.guide_cost", lang),
            False,
        ),
        (_t("review", lang), False),
        ("", False),
        (_t("conventions", lang), True),
        (_t("retention", lang), False),
        (_t("churn", lang), False),
        (_t("clv", lang), False),
        (_t("subscription_clv", lang), False),
        (_t("active", lang), False),
        ("", False),
        (_t("budget", lang), True),
    ]
    lower = 0.0
    for bound, share in kpis.BUDGET_BANDS:
        if np.isinf(bound):
            band = f"> {lower:g}"
        else:
            band = f"> {lower:g} … ≤ {bound:g}" if lower else f"≤ {bound:g}"
        lines.append((f"{band}: {share:.0%}", False))
        lower = bound
    for r, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(r, 1, text)
        cell.font = Font(bold=bold, size=14 if r == 1 else 11)
    ws.column_dimensions["A"].width = 110
    fit_to_page(ws)


def kpi_workbook(
    lang: str = "en",
    values: Mapping[str, Any] | None = None,
    *,
    xlsm: bool = False,
    segment: str | None = None,
) -> Any:
    """Build the KPI calculator as an openpyxl workbook (blank inputs unless ``values``).

    Parameters
    ----------
    lang : {"en", "de"}
        Language of labels, help and (for ``xlsm``) of the Excel function names.
    values : mapping, optional
        Input values by key (see :data:`INPUTS` and :data:`EXAMPLE`).
    xlsm : bool
        Build the xlwings-ready variant whose KPI column calls the Excel functions.
    segment : str, optional
        Store or segment name, added (as text) to the title.
    """
    if lang not in ("en", "de"):
        raise TemplateError(f"lang must be 'en' or 'de'; got {lang!r}.")
    values = values or {}
    unknown = (
        set(values)
        - {i.key for i in INPUTS}
        - {f"list:{k}" for k in ("customer", "orders", "last_order")}
    )
    if unknown:
        raise TemplateError(f"unknown input keys {sorted(unknown)}; see INPUTS.")
    if xlsm:
        wb = xlwings_base()
        ws = wb["Sheet1"]
    else:
        wb = Workbook()
        ws = wb.active
    ws.title = _t("sheet", lang)
    ws["A1"] = _t("title", lang) + (
        f" — {excel_text(check_text(segment, 'the segment name'))}" if segment else ""
    )
    ws["A1"].data_type = "s"  # a segment name is data: never a formula
    ws["A1"].font = Font(bold=True, size=16)
    ws["A2"] = _t("intro_xlsm" if xlsm else "intro", lang)
    head(ws, 4, [_t("inputs", lang), _t("value", lang)])
    inputs, row = _write_inputs(ws, lang, values, 5)
    lists = _write_list(ws, lang, values, row + 1)
    layout = _Layout(inputs, lists, {})
    _write_kpis(ws, lang, layout, xlsm)
    for letter, width in zip("ABCDEFGHI", (52, 14, 22, 3, 30, 14, 44, 76, 70), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A5"
    fit_to_page(ws)
    help_ws = wb.create_sheet(_t("help_sheet", lang))
    _write_instructions(help_ws, lang, xlsm)
    wb.properties.creator = "retention_xl"
    fixed = dt.datetime(2024, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    if values:  # a filled workbook is dated; templates stay reproducible
        wb.properties.modified = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return wb


def write_kpi_workbook(
    path: str | Path,
    lang: str = "en",
    values: Mapping[str, Any] | None = None,
    *,
    xlsm: bool = False,
    overwrite: bool = False,
    segment: str | None = None,
) -> Path:
    """Build the KPI workbook and save it atomically to ``path`` (never over a file unasked)."""
    suffix = ".xlsm" if xlsm else ".xlsx"
    if Path(path).suffix.lower() != suffix:
        raise TemplateError(
            f"{path}: the {'xlwings' if xlsm else 'plain'} KPI workbook must end in {suffix}."
        )
    book = kpi_workbook(lang, values, xlsm=xlsm, segment=segment)
    return save_atomically(book, path, overwrite=overwrite)


def _argument(
    definition: Definition,
    param: Parameter,
    values: Mapping[str, Any],
    results: Mapping[str, float | None],
) -> Any:
    source = _source(definition, param)
    if source is None or (param.optional and source not in values and ":" not in source):
        return param.default  # a blank optional input counts as its default, as in the sheet
    if source.startswith("kpi:"):
        return results[source[4:]]
    if source.startswith("list:"):
        data = values[source]
        return np.array(data, dtype="datetime64[D]") if param.kind == "dates" else np.array(data)
    row = next(i for i in INPUTS if i.key == source)
    if row.kind == "sum":
        return sum(values.get(part, 0) for part in row.parts)  # blank cells add 0
    if row.kind == "date":
        return np.datetime64(values[source], "D")
    return values[source]


def compute_kpis(
    values: Mapping[str, Any], definitions: Sequence[Definition] = DEFINITIONS
) -> dict[str, float | None]:
    """KPIs of the sheet computed by the numpy core from the same inputs and bindings.

    ``definitions`` chooses which (default: kpi-spec §1's; :data:`SHEET_DEFINITIONS` for
    every row of the sheet, the subscription ratios included). A KPI whose required inputs
    are not all given is None (the sheet shows it blank).

    Examples
    --------
    >>> round(compute_kpis(EXAMPLE)["RETENTION_RATE"], 4)
    0.6
    >>> round(compute_kpis(EXAMPLE, SHEET_DEFINITIONS)["NET_REVENUE_RETENTION"], 4)
    0.95
    """
    results: dict[str, float | None] = {}
    for definition in definitions:
        try:
            args = [_argument(definition, p, values, results) for p in definition.params]
        except KeyError:
            results[definition.name] = None
            continue
        if any(arg is None for arg in args):
            results[definition.name] = None
            continue
        results[definition.name] = float(definition.function(*args))
    return results
