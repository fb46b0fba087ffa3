"""The Excel functions of the predictive models: cells in, a value, a spilled table or an
Excel error out — never an exception.

One idea: answer the :data:`~retention_xl.definitions.MODEL_DEFINITIONS` the way Excel
calls them (``handler(definition, args, lang)`` with xlwings' 2-D ranges). Imports
:mod:`retention_xl.models` (numpy, scipy) when first called, :mod:`.excel_functions`,
:mod:`.excel_values` and :mod:`.io` (cells only); no xlwings.

- Elementwise functions (``P_ALIVE``, ``EXPECTED_PURCHASES``, ``EXPECTED_SPEND``,
  ``CLV_BGNBD``, ``SBG_SURVIVAL``, ``SBG_RETENTION``) follow the KPI rules of
  :func:`retention_xl.excel_functions.call`: single cells or ranges that broadcast, one
  error per cell (``#NUM!`` for impossible values such as recency after age or a
  parameter ≤ 0; an infinite expectation is ``#NUM!`` too).
- Fits (``BGNBD_FIT``, ``GAMMA_GAMMA_FIT``, ``SBG_FIT``) read their ranges row by row:
  rows blank in every column are skipped (Excel Tables send their empty rows), a row blank
  in only some columns is ``#N/A``, ranges of different sizes ``#VALUE!``, an error cell is
  the answer (as SUM propagates it), impossible data ``#NUM!``. They spill a labelled
  two-column table; a fit that did not converge still answers, with ``converged`` FALSE.
- ``RFM_SUMMARY`` and ``RFM_SEGMENTS`` read orders like ``COHORT_TABLE`` and spill one
  row per customer under a header.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from .dates import serial_to_date
from .definitions import Definition
from .errors import DataError, InputError
from .excel_functions import call
from .excel_values import (
    BLANK,
    ExcelAnswer,
    as_grid,
    column_cells,
    flatten,
    is_error,
    parse_date,
    parse_number,
)
from .io import orders_from_cells

__all__ = [
    "bgnbd_fit",
    "elementwise",
    "gamma_gamma_fit",
    "rfm_segments",
    "rfm_summary",
    "sbg_fit",
]

#: Excel name → function of :mod:`retention_xl.models` for the elementwise functions.
_ELEMENTWISE = {
    "P_ALIVE": "p_alive",
    "EXPECTED_PURCHASES": "expected_purchases",
    "EXPECTED_SPEND": "expected_spend",
    "CLV_BGNBD": "clv_bgnbd",
    "SBG_SURVIVAL": "sbg_survival",
    "SBG_RETENTION": "sbg_retention",
}
_UNITS = {"D": "D", "T": "D", "W": "W", "M": "M"}


def _padded(definition: Definition, args: Sequence[Any]) -> list[Any]:
    return list(args) + [None] * (len(definition.params) - len(args))


def elementwise(definition: Definition, args: Sequence[Any], lang: str) -> Any:
    """P_ALIVE and friends: the KPI rules of :func:`~retention_xl.excel_functions.call`
    around the model's own function.

    Examples
    --------
    >>> from retention_xl.definitions import by_name
    >>> round(elementwise(by_name("P_ALIVE"), [2, 30.43, 38.86, 0.243, 4.414, 0.793,
    ...                                        2.426], "en"), 3)
    0.727
    >>> elementwise(by_name("P_ALIVE"), [[[2], [-1]], 30.43, 38.86, 0.243, 4.414, 0.793,
    ...                                  2.426], "en")[1]
    ['#NUM!']
    """
    from . import models

    function = getattr(models, _ELEMENTWISE[definition.name])
    return call(replace(definition, function=function, handler=""), args)


def _numbers(definition: Definition, args: Sequence[Any]) -> list[list[float]]:
    """The argument ranges as columns of numbers, read row by row (see module docstring)."""
    columns = [flatten(as_grid(value)) for value in _padded(definition, args)]
    if any(value is None for value in _padded(definition, args)):
        raise ExcelAnswer("#N/A")
    if len({len(column) for column in columns}) != 1:
        raise ExcelAnswer("#VALUE!")
    out: list[list[float]] = [[] for _ in columns]
    for row in zip(*columns, strict=True):
        cells = [parse_number(cell) for cell in row]
        for cell in cells:
            if isinstance(cell, str):
                raise ExcelAnswer(cell)
        if all(cell is BLANK for cell in cells):
            continue
        if any(cell is BLANK for cell in cells):
            raise ExcelAnswer("#N/A")
        for column, cell in zip(out, cells, strict=True):
            column.append(float(cell))  # type: ignore[arg-type]
    if not out[0]:
        raise ExcelAnswer("#N/A")
    return out


def _fit_rows(result: Any, lang: str) -> list[list[Any]]:
    rows: list[list[Any]] = result.rows(lang)
    return [
        [label, "#NUM!" if isinstance(value, float) and not math.isfinite(value) else value]
        for label, value in rows
    ]


def _fit(definition: Definition, args: Sequence[Any], lang: str, name: str) -> Any:
    from . import models

    try:
        columns = _numbers(definition, args)
        return _fit_rows(getattr(models, name)(*columns), lang)
    except ExcelAnswer as answer:
        return answer.error
    except InputError:
        return "#NUM!"


def bgnbd_fit(definition: Definition, args: Sequence[Any], lang: str) -> Any:
    """BGNBD_FIT(frequency, recency, age): r, alpha, a, b, log-likelihood, converged.

    Examples
    --------
    >>> from retention_xl.definitions import by_name
    >>> bgnbd_fit(by_name("BGNBD_FIT"), [[[1], ["x"]], [[1], [2]], [[3], [4]]], "en")
    '#VALUE!'
    """
    return _fit(definition, args, lang, "bgnbd_fit")


def gamma_gamma_fit(definition: Definition, args: Sequence[Any], lang: str) -> Any:
    """GAMMA_GAMMA_FIT(frequency, monetary): p, q, gamma, log-likelihood, converged."""
    return _fit(definition, args, lang, "gamma_gamma_fit")


def sbg_fit(definition: Definition, args: Sequence[Any], lang: str) -> Any:
    """SBG_FIT(survivors): alpha, beta, log-likelihood, converged.

    Examples
    --------
    >>> from retention_xl.definitions import by_name
    >>> rows = sbg_fit(by_name("SBG_FIT"), [[[1000], [631], [468], [382], [326], [289],
    ...                                       [262], [241], [None]]], "de")
    >>> [row[0] for row in rows], round(rows[0][1], 3), rows[3][1]
    (['alpha', 'beta', 'Log-Likelihood', 'konvergiert'], 0.704, True)
    """
    return _fit(definition, args, lang, "sbg_fit")


def _single(value: Any) -> Any:
    return None if value is None else as_grid(value)[0][0]


def _options(values: dict[str, Any]) -> dict[str, Any]:
    """as_of and unit of the RFM functions; errors in them are the answer."""
    options: dict[str, Any] = {}
    as_of = _single(values["as_of"])
    if as_of is not None and not (isinstance(as_of, str) and not as_of.strip()):
        serial = parse_date(as_of)
        if isinstance(serial, str):
            raise ExcelAnswer(serial)
        try:
            options["as_of"] = serial_to_date(float(serial))  # type: ignore[arg-type]
        except InputError:
            raise ExcelAnswer("#NUM!") from None
    unit = _single(values["unit"])
    if unit is not None and not (isinstance(unit, str) and not unit.strip()):
        if is_error(unit):
            raise ExcelAnswer(str(unit).strip().upper())
        key = str(unit).strip().upper()[:1] if isinstance(unit, str) else ""
        if key not in _UNITS:
            raise ExcelAnswer("#VALUE!")
        options["unit"] = _UNITS[key]
    return options


def _rfm(definition: Definition, args: Sequence[Any], lang: str, segments: bool) -> Any:
    from . import models

    values = dict(zip((p.name for p in definition.params), _padded(definition, args), strict=True))
    try:
        ids, dates = column_cells(values["customer_ids"]), column_cells(values["order_dates"])
        amounts = column_cells(values["amounts"])
        if ids is None or dates is None:
            return "#N/A"
        options = _options(values)
        try:
            orders = orders_from_cells(ids, dates, amounts)
        except DataError:
            return "#VALUE!"
        if len(orders) == 0:
            return "#N/A"
        function = models.rfm_segments if segments else models.rfm_summary
        result = function(orders.customer_ids, orders.order_dates, orders.amounts, **options)
    except ExcelAnswer as answer:
        return answer.error
    except InputError:
        return "#NUM!"
    rows: list[list[Any]] = result.rows(lang)
    return rows


def rfm_summary(definition: Definition, args: Sequence[Any], lang: str) -> Any:
    """RFM_SUMMARY(customer_ids, order_dates, [amounts], [as_of], [unit]).

    Examples
    --------
    >>> from retention_xl.definitions import by_name
    >>> rfm_summary(by_name("RFM_SUMMARY"), [[["a"], ["a"], [None]],
    ...             [[45292.0], [45306.0], [None]], None, "2024-01-29"], "en")[1]
    ['a', 1, 2.0, 4.0, None]
    """
    return _rfm(definition, args, lang, segments=False)


def rfm_segments(definition: Definition, args: Sequence[Any], lang: str) -> Any:
    """RFM_SEGMENTS(customer_ids, order_dates, [amounts], [as_of], [unit])."""
    return _rfm(definition, args, lang, segments=True)
