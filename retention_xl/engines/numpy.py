"""The numpy engine: order files read into memory, the cohort table computed in numpy.

One idea: today's engine behind the same door as the big ones — every file is read by
:func:`retention_xl.io.read_orders` (which names each unreadable row by file and line) and
the table is :func:`retention_xl.cohorts.cohort_table`, split per segment when asked
(R10). The default for inputs that fit comfortably in memory. Imports numpy,
:mod:`retention_xl.io`, :mod:`retention_xl.cohorts`, :mod:`.conventions`, :mod:`.sources`
and :mod:`.report`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..cohorts import CohortSpec, CohortTable, cohort_table
from ..errors import InputError
from ..ids import factorize
from .report import EngineReport, OrderTotals
from .sources import OrderSource

__all__ = ["OrderArrays", "cohort_tables", "order_totals", "read_arrays"]


@dataclass
class OrderArrays:
    """All orders of a source in memory: ids (codes into ``names`` for one file, else
    text), day numbers as ``datetime64[D]``, amounts or None, segments or None."""

    ids: np.ndarray
    dates: np.ndarray
    amounts: np.ndarray | None
    segments: np.ndarray | None
    names: np.ndarray | None = None
    extra: dict[str, np.ndarray] | None = None  # further date columns (datetime64, NaT blank)

    def segment_rows(self) -> dict[str, np.ndarray | slice]:
        """The rows of each segment, by segment name (sorted); ``{"": every row}`` without
        segments. One sort instead of a scan per segment (R10)."""
        if self.segments is None:
            return {"": slice(None)}
        codes, names = factorize(self.segments)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(names.size + 1))
        ranked = sorted(range(names.size), key=lambda k: str(names[k]))
        return {str(names[k]): order[bounds[k] : bounds[k + 1]] for k in ranked}

    def codes(self) -> tuple[np.ndarray, np.ndarray]:
        """(codes, names): every order's customer as a code into the distinct ids (text)."""
        if self.names is not None:
            return self.ids, self.names
        return factorize(self.ids)


def read_arrays(
    source: OrderSource, *, on_error: str = "raise", lang: str = "en"
) -> tuple[OrderArrays, EngineReport]:
    """Read every file of ``source`` with the order reader; one report for all of them."""
    from ..io import read_orders

    report = EngineReport("numpy", "", source.label, files=len(source.files))
    parts = []
    settings = source.read_settings(on_error, lang, csv=source.format == "csv")
    for path in source.files:
        orders = read_orders(
            path, settings, segment_col=source.segment_col, extra_dates=source.extra_dates
        )
        read = orders.report
        report.rows_read += read.rows_read
        report.rows_used += read.rows_used
        report.blank_rows += read.blank_rows
        for problem in read.problems:
            report.reject(problem, 0)
        report.rows_rejected += read.rows_rejected
        parts.append(orders)
    names = None
    if len(parts) == 1:  # codes into the distinct ids: no text to group again
        ids, names = parts[0].customer_codes, parts[0].customer_names
    else:
        ids = np.concatenate([p.customer_ids.astype(str) for p in parts])
    arrays = OrderArrays(
        ids=ids,
        dates=np.concatenate([p.order_dates for p in parts]),
        amounts=None  # a workbook may lack the amount column the options name
        if any(p.amounts is None for p in parts)
        else np.concatenate([p.amounts for p in parts if p.amounts is not None]),
        segments=None
        if any(p.segments is None for p in parts)
        else np.concatenate([p.segments for p in parts if p.segments is not None]),
        names=names,
        extra={
            name: np.concatenate([p.extra_dates[name] for p in parts])
            for name in source.extra_dates
        },
    )
    return arrays, report


def order_totals(
    ids: np.ndarray, days: np.ndarray, amounts: np.ndarray | None, end: int
) -> OrderTotals:
    """Totals of orders on or before day ``end`` (ids as codes or text, day numbers).

    Examples
    --------
    >>> order_totals(np.array([1, 1, 2, 3]), np.array([0, 5, 6, 9]),
    ...              np.array([10.0, 5.0, -2.0, 7.0]), end=8)
    OrderTotals(customers=1, repeat_customers=1, purchases=2, revenue=13.0)
    """
    seen = days <= end
    purchase = seen if amounts is None else seen & (amounts >= 0)
    _, counts = np.unique(ids[purchase], return_counts=True)
    return OrderTotals(
        customers=int(counts.size),
        repeat_customers=int(np.sum(counts >= 2)),
        purchases=int(purchase.sum()),
        revenue=None if amounts is None else float(amounts[seen].sum()),
    )


def cohort_tables(
    source: OrderSource,
    conventions: CohortSpec,
    *,
    on_error: str = "raise",
    lang: str = "en",
    reason: str = "asked for",
) -> tuple[dict[str, CohortTable], EngineReport]:
    """Cohort tables of ``source`` computed in memory, one per segment (key ``""`` without
    a segment column); every segment with its own default ``as_of`` (R10)."""
    if conventions.needs_amounts and source.amount_col is None:
        raise InputError(
            f"value={conventions.value!r} needs amounts; {source.label} has no amount column "
            "(name it with amount_col / --amount-col)."
        )
    started = time.perf_counter()
    arrays, report = read_arrays(source, on_error=on_error, lang=lang)
    if conventions.needs_amounts and arrays.amounts is None:
        raise InputError(
            f"value={conventions.value!r} needs amounts; {source.label} has no amount column "
            "(name it with amount_col / --amount-col)."
        )
    if arrays.dates.size == 0:
        raise InputError(f"{source.label}: no orders to build cohorts from.")
    arguments = conventions.arguments()
    tables: dict[str, CohortTable] = {}
    days = arrays.dates.astype("datetime64[D]").astype(np.int64)
    for name, rows in arrays.segment_rows().items():
        money = None if arrays.amounts is None else arrays.amounts[rows]
        ids = arrays.ids[rows]
        tables[name] = table = cohort_table(ids, arrays.dates[rows], money, **arguments)
        report.totals[name] = order_totals(ids, days[rows], money, _day(table))
    report.reason = reason
    report.seconds = time.perf_counter() - started
    return tables, report


def _day(table: CohortTable) -> int:
    """The table's ``as_of`` as a day number."""
    return int(np.datetime64(table.as_of, "D").astype(np.int64))
