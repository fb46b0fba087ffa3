"""The spilling subscription Excel function: ``MRR_MOVEMENTS`` (German ``MRR_BEWEGUNGEN``).

One idea: read three Excel columns (customer ids, periods, MRR) and the convention cells,
run :func:`retention_xl.subscriptions.mrr_movements`, and answer with the labelled movement
table as a 2-D list that spills — or one Excel error, never an exception. Called through the
definitions' ``handler`` hook (:func:`retention_xl.excel_functions.make_function`). No
xlwings import; imports :mod:`.excel_values`, :mod:`.dates`, :mod:`.definitions`,
:mod:`.subscriptions` and :mod:`.errors`.

How cells are read: rows blank in all three columns are skipped (Excel Tables send their
empty rows); an error cell anywhere is the answer (as SUM propagates errors); a missing id,
a period that is no date (``2024-01-15``, ``15.01.2024``, ``2024-01``, ``01.2024``, a real date
or a serial), or MRR that is no number gives ``#VALUE!``, as does an ``as_of`` that is no date
(read as a period is); a month whose MRR adds up to less than 0, or an ``as_of`` before the
first month, gives ``#NUM!``; no rows at all ``#N/A``. Headers are English, or German for the
German alias.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .dates import serial_to_date
from .definitions import Definition
from .errors import InputError
from .excel_values import ExcelAnswer, as_grid, column_cells, is_error, parse_date, parse_number
from .subscriptions import SubscriptionConventions, ledger, movements_from_ledger

__all__ = ["mrr_movements_cells", "read_ledger_cells"]

_MONTH = re.compile(r"(\d{4})-(\d{1,2})|(\d{1,2})\.(\d{4})")


def _required(value: Any) -> list[Any]:
    cells = column_cells(value)
    if cells is None:
        raise ExcelAnswer("#N/A")
    return cells


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _month(cell: Any) -> int:
    """Month number (months since 1970-01) of a period cell: a date in it or ``2024-01``."""
    if isinstance(cell, str):
        month = _MONTH.fullmatch(cell.strip())
        if month:
            year, number = (
                (int(month[1]), int(month[2])) if month[1] else (int(month[4]), int(month[3]))
            )
            if not 1 <= number <= 12:
                raise ExcelAnswer("#VALUE!")
            return (year - 1970) * 12 + number - 1
    serial = parse_date(cell)
    if isinstance(serial, str):
        raise ExcelAnswer(serial if is_error(serial) else "#VALUE!")
    if not isinstance(serial, float):
        raise ExcelAnswer("#VALUE!")
    try:
        day = serial_to_date(serial)
    except InputError:
        raise ExcelAnswer("#NUM!") from None
    return (day.year - 1970) * 12 + day.month - 1


def _month_text(month: int) -> str:
    return f"{1970 + month // 12:04d}-{month % 12 + 1:02d}"


def read_ledger_cells(
    customer_ids: Any, periods: Any, mrr: Any
) -> tuple[list[Any], list[str], list[float]]:
    """The rows of three Excel columns: ids, periods as ISO months ``YYYY-MM``, MRR.

    Raises
    ------
    ExcelAnswer
        With the Excel error the whole result is (see the module docstring).

    Examples
    --------
    >>> read_ledger_cells([["a"], [7.0], [None]], [["2024-01"], [45323.0], [None]],
    ...                   [["1.234,50"], [10.0], [None]])
    (['a', 7], ['2024-01', '2024-02'], [1234.5, 10.0])
    """
    columns = [_required(customer_ids), _required(periods), _required(mrr)]
    size = max(len(column) for column in columns)
    padded = [column + [None] * (size - len(column)) for column in columns]
    ids: list[Any] = []
    months: list[str] = []
    money: list[float] = []
    for cid, period, amount in zip(*padded, strict=True):
        if _blank(cid) and _blank(period) and _blank(amount):
            continue
        for cell in (cid, period, amount):
            if isinstance(cell, str) and is_error(cell):
                raise ExcelAnswer(cell.strip().upper())
        if _blank(cid) or isinstance(cid, bool):
            raise ExcelAnswer("#VALUE!")
        if isinstance(cid, float):
            if cid != cid or cid in (float("inf"), float("-inf")):
                raise ExcelAnswer("#VALUE!")
            cid = int(cid) if cid.is_integer() else cid
        number = parse_number(amount)
        if not isinstance(number, float):
            raise ExcelAnswer(number if isinstance(number, str) and is_error(number) else "#VALUE!")
        value = _month(period)
        ids.append(cid if isinstance(cid, (int, float)) else str(cid))
        months.append(_month_text(value))
        money.append(number)
    return ids, months, money


def _option(value: Any, default: Any) -> Any:
    cell = as_grid(value)[0][0] if value is not None else None
    if _blank(cell):
        return default
    if isinstance(cell, str) and is_error(cell):
        raise ExcelAnswer(cell.strip().upper())
    return cell


def mrr_movements_cells(definition: Definition, args: Sequence[Any], lang: str) -> Any:
    """``MRR_MOVEMENTS(customer_ids, periods, mrr, [period], [churn_denominator],
    [reactivation_gap], [zero_mrr], [joined_and_left], [as_of])``: the movement table as a
    2-D list, from the first month of the rows to ``as_of`` (default: the last month).

    Examples
    --------
    >>> from retention_xl.definitions import by_name
    >>> table = mrr_movements_cells(by_name("MRR_MOVEMENTS"),
    ...     [[["a"], ["b"], ["a"]], [["2024-01"], ["2024-01"], ["2024-02"]],
    ...      [[100.0], [50.0], [120.0]]], "en")
    >>> table[0][:8], table[2][:8]
    (['Period', 'MRR start', 'New', 'Expansion', 'Contraction', 'Churn', 'Reactivation', \
'MRR end'], ['2024-02', 150.0, 0.0, 20.0, 0.0, 50.0, 0.0, 120.0])
    """
    padded = list(args) + [None] * (len(definition.params) - len(args))
    values = dict(zip((p.name for p in definition.params), padded, strict=True))
    try:
        if values["customer_ids"] is None or values["periods"] is None or values["mrr"] is None:
            return "#N/A"
        ids, months, money = read_ledger_cells(
            values["customer_ids"], values["periods"], values["mrr"]
        )
        options: dict[str, Any] = {}
        for param in definition.params[3:]:
            option = _option(values[param.name], param.default)
            if param.name == "reactivation_gap":
                number = parse_number(option)
                if not isinstance(number, float):
                    return "#VALUE!"
                option = number
            if param.name == "as_of":
                option = None if option == "" else _month_text(_month(option))
            options[param.name] = option
        try:
            chosen = SubscriptionConventions.from_mapping(options)
        except InputError:
            return "#VALUE!"
        if not ids:
            return "#N/A"
        try:
            book = ledger(ids, months, money)
            result = movements_from_ledger(book, chosen)
        except InputError:  # negative MRR in a month, or as_of before the first month
            return "#NUM!"
    except ExcelAnswer as answer:
        return answer.error
    rows: list[list[Any]] = result.rows_table(lang)
    return rows
