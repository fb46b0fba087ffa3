"""Excel functions as plain Python callables, built from the definitions table.

One idea: :func:`call` runs a KPI :class:`~retention_xl.definitions.Definition` on whatever
Excel sends and answers with what a cell can show — never an exception. :func:`make_function`
turns a definition into a function with the definition's signature and help text; the
xlwings layer (:mod:`retention_xl.udfs`) only decorates these. No xlwings import here.

How arguments are read (see also :mod:`retention_xl.excel_values`):

- Elementwise arguments (numbers, dates, a unit like ``per``) may be single cells or ranges;
  shapes broadcast as in numpy (a 1×1 range fits everything, a column and a row give a
  table); other mismatched shapes give one ``#VALUE!``.
- A blank cell in a required argument gives ``#N/A`` (nothing to compute yet); in an
  optional one it takes the default.
- An aggregated range (``orders_per_customer``, ``last_order_dates``) skips blanks — Excel
  Tables send their empty rows too — and any error or text in it is the result (as SUM
  propagates errors); an all-blank range gives ``#N/A``.
- Each result cell gets its own error: ``#VALUE!`` for text that is not a number,
  ``#NUM!`` for impossible values (the core raised ``InputError``), ``#DIV/0!`` for a zero
  denominator, ``#N/A`` for a blank.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .dates import serial_to_date
from .definitions import Definition, Parameter
from .errors import DataError, InputError
from .excel_values import (
    BLANK,
    ERRORS,
    Blank,
    ExcelAnswer,
    as_grid,
    column_cells,
    flatten,
    parse_date,
    parse_number,
    to_cells,
)
from .io import orders_from_cells
from .kpis import DAYS_PER

__all__ = ["call", "call_table", "make_function"]

logger = logging.getLogger(__name__)
Cell = float | str | Blank


def _parse_choice(value: Any) -> Cell:
    if value is None or (isinstance(value, str) and not value.strip()):
        return BLANK
    if isinstance(value, str):
        text = value.strip()
        if text.upper().startswith("#"):
            return text.upper()
        return text.lower() if text.lower() in DAYS_PER else "#VALUE!"
    return "#VALUE!"


_PARSERS: dict[str, Callable[[Any], Cell]] = {
    "number": parse_number,
    "numbers": parse_number,
    "date": parse_date,
    "dates": parse_date,
    "choice": _parse_choice,
}


def _aggregate(param: Parameter, value: Any) -> np.ndarray:
    parser = _PARSERS[param.kind]
    cells = [parser(cell) for cell in flatten(as_grid(value))]
    for cell in cells:
        if isinstance(cell, str):
            raise ExcelAnswer(cell)
    numbers = [cell for cell in cells if isinstance(cell, float)]
    if not numbers:
        raise ExcelAnswer("#N/A")
    return np.array(numbers)


def _elementwise(param: Parameter, value: Any) -> np.ndarray:
    """Object array of parsed cells (float, error string or the default) of the grid's shape."""
    parser = _PARSERS[param.kind]
    grid = as_grid(value)
    out = np.empty((len(grid), len(grid[0])), dtype=object)
    for i, row in enumerate(grid):
        for j, cell in enumerate(row):
            parsed = parser(cell)
            out[i, j] = (param.default if param.optional else "#N/A") if parsed is BLANK else parsed
    return out


def _compute(definition: Definition, args: Sequence[Any]) -> Any:
    padded = list(args) + [None] * (len(definition.params) - len(args))
    aggregated: list[np.ndarray] = []
    cells: dict[str, np.ndarray] = {}
    for param, value in zip(definition.params, padded, strict=True):
        if param.aggregated:
            aggregated.append(_aggregate(param, value))
        elif value is None and param.optional:
            cells[param.name] = np.array([[param.default]], dtype=object)
        else:
            cells[param.name] = _elementwise(param, value)
    try:
        shape = np.broadcast_shapes(*(grid.shape for grid in cells.values()))
    except ValueError:
        raise ExcelAnswer("#VALUE!") from None
    grids = {name: np.broadcast_to(grid, shape) for name, grid in cells.items()}
    values = np.full(shape, np.nan)
    errors = np.full(shape, None, dtype=object)
    for grid in grids.values():  # the first argument's error wins, as in Excel
        undecided = (errors == None) & _is_error_cell(grid)  # noqa: E711
        errors[undecided] = grid[undecided]
    ok = errors == None  # noqa: E711
    choices = [p.name for p in definition.params if p.kind == "choice" and p.name in grids]
    groups = _groups(grids, choices, ok)
    for key, mask in groups:
        kwargs: dict[str, Any] = {}
        for name, grid in grids.items():
            kwargs[name] = (
                key[choices.index(name)] if name in choices else (grid[mask].astype("float64"))
            )
        values[mask], errors[mask] = _evaluate(definition, aggregated, kwargs)
    return to_cells(values, errors)


def _is_error_cell(grid: np.ndarray) -> np.ndarray:
    mask: np.ndarray = np.vectorize(
        lambda c: isinstance(c, str) and c.startswith("#"), otypes=[bool]
    )(grid)
    return mask


def _groups(
    grids: dict[str, np.ndarray], choices: list[str], ok: np.ndarray
) -> list[tuple[tuple[str, ...], np.ndarray]]:
    """Split the valid cells by the values of their text arguments (one core call each)."""
    if not choices:
        return [((), ok)]
    masks: dict[tuple[str, ...], np.ndarray] = {}
    for index in zip(*np.nonzero(ok), strict=True):
        key = tuple(str(grids[name][index]) for name in choices)
        masks.setdefault(key, np.zeros(ok.shape, dtype=bool))[index] = True
    return list(masks.items())


def _evaluate(
    definition: Definition, aggregated: list[np.ndarray], kwargs: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """Run the core on the valid cells; on InputError find the offending cells one by one."""
    size = next((len(v) for v in kwargs.values() if isinstance(v, np.ndarray)), 1)
    errors = np.full(size, None, dtype=object)
    try:
        return _as_vector(definition.function(*aggregated, **kwargs), size), errors
    except InputError:
        values = np.full(size, np.nan)
        for k in range(size):
            one = {n: (v[k : k + 1] if isinstance(v, np.ndarray) else v) for n, v in kwargs.items()}
            try:
                values[k] = _as_vector(definition.function(*aggregated, **one), 1)[0]
            except InputError:
                errors[k] = "#NUM!"
        return values, errors


def _as_vector(result: Any, size: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(result, dtype="float64"), (size,))


def call(definition: Definition, args: Sequence[Any]) -> Any:
    """Evaluate ``definition`` on Excel-shaped ``args``; always a cell value, never a raise.

    Examples
    --------
    >>> from retention_xl.definitions import by_name
    >>> call(by_name("RETENTION_RATE"), [1000.0, 1100.0, 500.0])
    0.6
    >>> call(by_name("RETENTION_RATE"), [[[1000.0], [None], ["abc"], [-1.0]], 1100.0, 500.0])
    [[0.6], ['#N/A'], ['#VALUE!'], ['#NUM!']]
    >>> call(by_name("RETENTION_RATE"), [0.0, 0.0, 0.0])
    '#DIV/0!'
    """
    try:
        return _compute(definition, args)
    except ExcelAnswer as answer:
        return answer.error
    except Exception:  # an Excel cell must never show a traceback
        logger.exception("%s failed on %r", definition.name, args)
        return "#VALUE!"


def _text_option(param: Parameter, value: Any) -> str:
    cell = as_grid(value)[0][0] if value is not None else None
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return str(param.default)
    if isinstance(cell, str) and cell.strip().upper() in ERRORS:
        raise ExcelAnswer(cell.strip().upper())
    whole = isinstance(cell, (int, float)) and not isinstance(cell, bool)
    if whole and float(cell).is_integer():  # 30 typed as a number (Lite sends an int): 30 days
        cell = f"{int(cell)}D"
    return str(cell).strip()


def call_table(definition: Definition, args: Sequence[Any], lang: str = "en") -> Any:
    """Evaluate a table function (COHORT_TABLE) on Excel ranges; a 2-D list or an error.

    The result is the labelled triangle of :meth:`~retention_xl.cohorts.CohortTable.rows`
    (labels in ``lang``), blanks as ``None``. An unreadable order row or an invalid option
    gives ``#VALUE!``; no orders at all ``#N/A``.

    Examples
    --------
    >>> from retention_xl.definitions import by_name
    >>> rows = call_table(by_name("COHORT_TABLE"), [[["a"], ["a"], [None]],
    ...            [[45296.0], [45327.0], [None]], None, None, None, "customers", "2024-02-29"])
    >>> rows[:2], rows[-1]
    ([['Cohort', 'Customers', 0, 1], ['2024-01', 1, 1.0, 1.0]], ['Average', 1, 1.0, 1.0])
    """
    padded = list(args) + [None] * (len(definition.params) - len(args))
    try:
        values = dict(zip((p.name for p in definition.params), padded, strict=True))
        ids, dates = column_cells(values["customer_ids"]), column_cells(values["order_dates"])
        amounts = column_cells(values["amounts"])
        if ids is None or dates is None:
            return "#N/A"
        options = {
            p.name: _text_option(p, values[p.name]) for p in definition.params if p.kind == "text"
        }
        as_of: Any = None
        if values["as_of"] is not None:
            serial = parse_date(as_grid(values["as_of"])[0][0])
            if isinstance(serial, str):
                return serial
            as_of = None if serial is BLANK else serial_to_date(float(serial))  # type: ignore[arg-type]
        try:
            orders = orders_from_cells(ids, dates, amounts)
        except DataError:
            return "#VALUE!"
        if len(orders) == 0:
            return "#N/A"
        table = definition.function(
            orders.customer_ids, orders.order_dates, orders.amounts, as_of=as_of, **options
        )
    except ExcelAnswer as answer:
        return answer.error
    except InputError:
        return "#VALUE!"
    except Exception:  # an Excel cell must never show a traceback
        logger.exception("%s failed on %r", definition.name, args)
        return "#VALUE!"
    rows: list[list[Any]] = table.rows(lang)
    return rows if len(rows) > 2 else "#N/A"


def _handled(definition: Definition, args: Sequence[Any], lang: str) -> Any:
    """Run a definition's own handler (``"module:function"``); a traceback never reaches
    the cell."""
    module_name, _, attribute = definition.handler.partition(":")
    try:
        handler = getattr(importlib.import_module(module_name), attribute)
        return handler(definition, args, lang)
    except Exception:  # an Excel cell must never show a traceback
        logger.exception("%s failed on %r", definition.name, args)
        return "#VALUE!"


def make_function(definition: Definition, lang: str = "en") -> Callable[..., Any]:
    """A plain function named like the Excel function (or its German alias for ``"de"``).

    Its signature lists the definition's parameters (optional ones default to ``None``,
    which means "left out"), its docstring is the function-wizard text, and each call goes
    through :func:`call`.

    Examples
    --------
    >>> from retention_xl.definitions import by_name
    >>> f = make_function(by_name("CHURN_RATE"), "de")
    >>> f.__name__, f(11, 100)
    ('ABWANDERUNGSRATE', 0.11)
    """

    def function(*args: Any) -> Any:
        if definition.handler:
            return _handled(definition, args, lang)
        if definition.table:
            return call_table(definition, args, lang)
        return call(definition, args)

    name = definition.excel_name(lang)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = definition.wizard_text(lang)
    function.__module__ = "retention_xl.udfs"
    function.__annotations__ = {}  # xlwings reads annotations as converters: none wanted
    function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                p.name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=None if p.optional else inspect.Parameter.empty,
            )
            for p in definition.params
        ]
    )
    return function
