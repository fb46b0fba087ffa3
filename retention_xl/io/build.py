"""From picked columns to :class:`~retention_xl.io.orders.Orders`: the one pipeline every
source goes through.

One idea: whatever the source (CSV, workbook, Parquet, DataFrame), the reader hands over
the columns it found as pyarrow arrays plus a way to name a row's place in the source; this
module skips blank rows, folds line items into their order, leaves out the orders the
export marks as cancelled, converts ids, dates and amounts column by column, and turns every
unreadable cell into a report line — or, by default, stops at the first one. Imports
pyarrow, numpy, :mod:`.convert`, :mod:`.orders`, :mod:`.messages` and the errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import DataError, InputError
from .convert import (
    blank_mask,
    serial_to_days,
    slash_mask,
    to_amounts,
    to_codes,
    to_days,
    to_text,
)
from .messages import say
from .orders import Orders, ReadReport
from .presets import Preset

__all__ = ["Picked", "build_orders", "detect_decimal"]

#: Roles of the columns a read may pick; "customer" and "date" are always there.
ROLES = ("customer", "date", "amount", "segment", "order", "status", "cancelled_at")


@dataclass
class Picked:
    """The columns a source found (role -> array), their header names, and how to name a
    row: ``locate(rows)`` gives e.g. ``"orders.csv:17"`` for each 0-based row index."""

    columns: dict[str, pa.Array]
    names: dict[str, str]
    locate: Callable[[np.ndarray], list[str]]
    report: ReadReport
    extra: dict[str, pa.Array] = field(default_factory=dict)  # extra date columns
    #: cells that were real numbers in a column mixing numbers and text (a workbook):
    #: role -> (values, mask) over the source rows; they override the text conversion
    numbers: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def detect_decimal(column: pa.Array | None, default: str) -> str:
    """ "," or "." as the amounts show it: a comma followed by one or two digits at the end,
    or a dot grouping thousands before a comma, means a decimal comma, and the other way
    round; ``default`` when the column does not tell (or tells both).

    Examples
    --------
    >>> detect_decimal(pa.array(["12.50", "3"]), ","), detect_decimal(pa.array(["1,5"]), ".")
    ('.', ',')
    """
    if column is None or not (
        pa.types.is_string(column.type)
        or pa.types.is_large_string(column.type)
        or pa.types.is_dictionary(column.type)
    ):
        return default
    sample = column.dictionary if pa.types.is_dictionary(column.type) else column
    sample = pc.utf8_trim_whitespace(pc.cast(sample.slice(0, 20_000), pa.string()))
    comma = pc.any(pc.match_substring_regex(sample, r"(?:\d,\d{1,2}$)|(?:\d\.\d{3},\d)")).as_py()
    point = pc.any(pc.match_substring_regex(sample, r"(?:\d\.\d{1,2}$)|(?:\d,\d{3}\.\d)")).as_py()
    if bool(comma) != bool(point):
        return "," if comma else "."
    return default


def _first_rows(
    groups: np.ndarray, rows: np.ndarray, usable: np.ndarray, n_groups: int, none: int
) -> np.ndarray:
    """For each group, the first of ``rows`` (in file order) where ``usable``; ``none`` if
    no row of the group is."""
    first = np.full(n_groups, none, dtype=np.int64)
    np.minimum.at(first, groups[usable], rows[usable])
    return first


def _take(column: pa.Array, index: np.ndarray, missing: int) -> pa.Array:
    return column.take(pa.array(index, mask=index == missing))


def build_orders(
    picked: Picked,
    *,
    decimal: str | None,
    date_format: str | None,
    on_error: str,
    preset: Preset | None = None,
    extra_errors: list[tuple[int, str]] | None = None,
) -> Orders:
    """Convert picked columns into Orders, reporting (or raising on) every unreadable row.

    ``extra_errors`` are rows the source itself could not split (a CSV line with the wrong
    number of fields), as (line number, message); they count as read and rejected.
    """
    report = picked.report
    lang = report.lang
    columns = dict(picked.columns)
    n = len(columns["customer"])
    blanks = {role: blank_mask(column) for role, column in columns.items()}
    blank = np.logical_and.reduce(
        [blanks[r] for r in ("customer", "date", "amount", "segment") if r in blanks]
    )
    report.blank_rows += int(blank.sum())
    rows = np.flatnonzero(~blank)
    problems = list(extra_errors or [])
    if on_error == "raise" and problems:
        raise DataError(f"{problems[0][1]}. {say('fix_row', lang)}")

    source_rows = {role: rows for role in columns}
    if "order" in columns:
        codes, _, empty_order = to_codes(columns["order"])
        # an empty order number makes a row its own order
        own = np.flatnonzero(empty_order)
        codes = codes.copy()
        codes[own] = codes.max(initial=-1) + 1 + np.arange(own.size)
        groups, group_of = np.unique(codes[rows], return_inverse=True)
        n_groups = groups.size
        representative = _first_rows(group_of, rows, np.ones(rows.size, bool), n_groups, n)
        order = np.argsort(representative, kind="stable")
        representative = representative[order]
        rank = np.empty(n_groups, np.int64)
        rank[order] = np.arange(n_groups)
        group_of = rank[group_of]
        for role in list(columns):
            if role == "order":
                continue
            first = _first_rows(group_of, rows, ~blanks[role][rows], n_groups, n)
            columns[role] = _take(columns[role], first, n)
            source_rows[role] = first
        for name, column in list(picked.extra.items()):
            first = _first_rows(group_of, rows, ~blank_mask(column)[rows], n_groups, n)
            picked.extra[name] = _take(column, first, n)
        report.merged_rows = int(rows.size - n_groups)
        place = representative
    else:
        if rows.size < n:  # leave blank rows out (no copy when there are none)
            index = pa.array(rows)
            columns = {role: column.take(index) for role, column in columns.items()}
            picked.extra = {k: v.take(index) for k, v in picked.extra.items()}
        place = rows
    m = place.size
    keep = np.ones(m, bool)

    if preset is not None:
        if "status" in columns and preset.cancelled_statuses:
            status = np.char.lower(to_text(columns["status"]))
            gone = np.isin(status, list(preset.cancelled_statuses))
            for value in np.unique(status[gone]).tolist():
                report.cancelled[value] = int((status[gone] == value).sum())
            keep &= ~gone
        if "cancelled_at" in columns:
            gone = ~blank_mask(columns["cancelled_at"]) & keep
            if gone.any():
                label = picked.names["cancelled_at"]
                report.cancelled[label] = report.cancelled.get(label, 0) + int(gone.sum())
            keep &= ~gone

    codes, names, empty_id = to_codes(columns["customer"])
    days, bad_date = to_days(columns["date"], date_format=date_format)
    slash = slash_mask(columns["date"]) if date_format is None else np.zeros(m, bool)
    amounts = bad_amount = None
    if "amount" in columns:
        used_decimal = decimal or detect_decimal(
            columns["amount"], "," if report.delimiter == ";" else "."
        )
        report.decimal = used_decimal
        amounts, bad_amount = to_amounts(columns["amount"], decimal=used_decimal)
    for role, (values, mask) in picked.numbers.items():
        at = source_rows[role]
        safe = np.minimum(at, n - 1)
        hit = (at < n) & mask[safe]
        if role == "amount" and amounts is not None and bad_amount is not None:
            amounts[hit] = values[safe[hit]]
            bad_amount[hit] = False
        elif role == "date":
            serial_days, serial_bad = serial_to_days(values[safe[hit]])
            days[hit] = serial_days
            bad_date[hit] = serial_bad
    extra_days = {}
    bad_extra = np.zeros(m, bool)
    extra_bad: dict[str, np.ndarray] = {}
    extra_blank: dict[str, np.ndarray] = {}  # an empty extra date stays empty (NaT)
    for name, column in picked.extra.items():
        extra_days[name], bad = to_days(column, date_format=date_format)
        extra_blank[name] = blank_mask(column)
        extra_bad[name] = bad & ~extra_blank[name]
        bad_extra |= extra_bad[name]
    bad = keep & (empty_id | bad_date | bad_extra)
    if bad_amount is not None:
        bad |= keep & bad_amount
    if bad.any():
        where = np.flatnonzero(bad)
        shown = where if on_error == "skip" else where[:1]
        shown = shown[: max(0, 50 - len(problems))] if on_error == "skip" else shown
        locations = picked.locate(place[shown]) if shown.size else []
        for i, location in zip(shown.tolist(), locations, strict=True):
            text = _describe(
                i,
                lang=lang,
                names=picked.names,
                columns=columns,
                empty_id=empty_id,
                bad_date=bad_date,
                slash=slash,
                bad_amount=bad_amount,
                decimal=report.decimal,
                date_format=date_format,
                extra={k: (picked.extra[k], extra_bad[k]) for k in extra_bad},
            )
            problems.append((int(place[i]), f"{location}: {text}"))
        if on_error == "raise":
            raise DataError(f"{problems[-1][1]}. {say('fix_row', lang)}")
        report.rows_rejected = len(extra_errors or []) + int(where.size)
    else:
        report.rows_rejected = len(extra_errors or [])
    report.problems = [text for _, text in problems[:50]]
    keep &= ~bad
    report.rows_read = int(rows.size) + len(extra_errors or [])
    report.rows_used = int(keep.sum())
    report.has_amounts = amounts is not None
    segments = None
    if "segment" in columns:
        segments = to_text(columns["segment"], "(blank)")[keep]
    return Orders(
        None,
        days[keep].astype("datetime64[D]"),
        None if amounts is None else amounts[keep],
        report,
        segments,
        customer_codes=codes[keep],
        customer_names=names,
        extra_dates={
            k: np.where(extra_blank[k][keep], np.datetime64("NaT"), v[keep].astype("datetime64[D]"))
            for k, v in extra_days.items()
        },
    )


def _describe(
    i: int,
    *,
    lang: str,
    names: dict[str, str],
    columns: dict[str, pa.Array],
    empty_id: np.ndarray,
    bad_date: np.ndarray,
    slash: np.ndarray,
    bad_amount: np.ndarray | None,
    decimal: str,
    date_format: str | None,
    extra: dict[str, tuple[pa.Array, np.ndarray]],
) -> str:
    """What is wrong with row ``i``: the first failing column, its value, and what to do."""
    if empty_id[i]:
        return say("empty_id", lang, column=names["customer"])
    if bad_date[i]:
        value = columns["date"][i].as_py()
        if slash[i]:
            return say("slash_date", lang, column=names["date"], value=str(value))
        help_text = (
            say("format_help", lang, pattern=date_format) if date_format else say("date_help", lang)
        )
        return say("bad_date", lang, column=names["date"], value=_shown(value), help=help_text)
    if bad_amount is not None and bad_amount[i]:
        value = columns["amount"][i].as_py()
        return say("bad_amount", lang, column=names["amount"], value=_shown(value), decimal=decimal)
    for name, (column, bad) in extra.items():
        if bad[i]:
            value = _shown(column[i].as_py())
            return say("bad_date", lang, column=name, value=value, help=say("date_help", lang))
    raise InputError("internal: row has no problem")  # pragma: no cover


def _shown(value: object) -> str:
    return "" if value is None else str(value)
