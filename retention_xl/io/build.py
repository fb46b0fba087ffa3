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
from .arrays import flat, from_indices
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


@dataclass
class _Converted:
    """Every picked column converted over all source rows (numpy, one value per row)."""

    codes: np.ndarray
    names: np.ndarray
    empty_id: np.ndarray
    days: np.ndarray
    bad_date: np.ndarray
    blank_date: np.ndarray
    amounts: np.ndarray | None = None
    bad_amount: np.ndarray | None = None
    blank_amount: np.ndarray | None = None
    decimal: str = ""
    extra: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)


def _convert(
    picked: Picked, columns: dict[str, pa.Array], decimal: str | None, date_format: str | None
) -> _Converted:
    codes, names, empty_id = to_codes(columns["customer"])
    days, bad_date = to_days(columns["date"], date_format=date_format)
    out = _Converted(codes, names, empty_id, days, bad_date, blank_mask(columns["date"]))
    if "amount" in columns:
        out.decimal = decimal or detect_decimal(
            columns["amount"], "," if picked.report.delimiter == ";" else "."
        )
        out.amounts, out.bad_amount = to_amounts(columns["amount"], decimal=out.decimal)
        # blank amounts matter only on rows without an id (blank rows): checked there
        out.blank_amount = np.zeros(len(codes), bool)
        if empty_id.any():
            rows = np.flatnonzero(empty_id)
            out.blank_amount[rows] = blank_mask(columns["amount"].take(from_indices(rows)))
    for role, (values, mask) in picked.numbers.items():
        if role == "amount" and out.amounts is not None and out.bad_amount is not None:
            out.amounts[mask] = values[mask]
            out.bad_amount[mask] = False
        elif role == "date":
            out.days[mask], out.bad_date[mask] = serial_to_days(values[mask])
    for name, column in picked.extra.items():
        extra_days, bad = to_days(column, date_format=date_format)
        blank = blank_mask(column)
        out.extra[name] = (extra_days, bad & ~blank, blank)
    return out


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
    columns = {role: flat(column) for role, column in picked.columns.items()}
    picked.extra = {name: flat(column) for name, column in picked.extra.items()}
    problems = list(extra_errors or [])
    if on_error == "raise" and problems:
        raise DataError(f"{problems[0][1]}. {say('fix_row', lang)}")
    data = _convert(picked, columns, decimal, date_format)
    n = data.codes.size
    blank = data.empty_id & data.blank_date
    if data.blank_amount is not None:
        blank &= data.blank_amount
    if "segment" in columns and blank.any():
        blank &= blank_mask(columns["segment"])
    report.blank_rows += int(blank.sum())
    rows = np.flatnonzero(~blank)

    # where each order's fields come from: its own row, or (line items) the first row of
    # the order where the field is filled
    source = {"customer": rows, "date": rows, "amount": rows, "segment": rows}
    if "order" in columns:
        order_codes, _, empty_order = to_codes(columns["order"])
        own = np.flatnonzero(empty_order)  # an empty order number makes a row its own order
        order_codes[own] = order_codes.max(initial=-1) + 1 + np.arange(own.size)
        _, group_of = np.unique(order_codes[rows], return_inverse=True)
        n_groups = int(group_of.max(initial=-1)) + 1
        everywhere = np.ones(rows.size, bool)
        representative = _first_rows(group_of, rows, everywhere, n_groups, n)
        order = np.argsort(representative, kind="stable")
        rank = np.empty(n_groups, np.int64)
        rank[order] = np.arange(n_groups)
        group_of = rank[group_of]
        filled = {"customer": ~data.empty_id, "date": ~data.blank_date}
        for role in ("amount", "segment", "status", "cancelled_at"):
            if role in columns:
                filled[role] = ~blank_mask(columns[role])
        source = {
            role: _first_rows(group_of, rows, mask[rows], n_groups, n)
            for role, mask in filled.items()
        }
        for name, (_, _, extra_blank) in data.extra.items():
            source[f"extra:{name}"] = _first_rows(group_of, rows, ~extra_blank[rows], n_groups, n)
        report.merged_rows = int(rows.size - n_groups)
        place = representative[order]
    else:
        place = rows
    m = place.size

    def at(role: str) -> tuple[np.ndarray, np.ndarray]:
        """Source row of each order for ``role`` (clipped) and where there is none."""
        index = source.get(role, place)
        missing = index >= n
        return np.minimum(index, max(n - 1, 0)), missing

    keep = np.ones(m, bool)
    if preset is not None:
        if "status" in columns and preset.cancelled_statuses:
            index, missing = at("status")
            status = np.char.lower(to_text(columns["status"]))[index]
            gone = np.isin(status, list(preset.cancelled_statuses)) & ~missing
            for value in np.unique(status[gone]).tolist():
                report.cancelled[value] = int((status[gone] == value).sum())
            keep &= ~gone
        if "cancelled_at" in columns:
            index, missing = at("cancelled_at")
            gone = ~blank_mask(columns["cancelled_at"])[index] & ~missing & keep
            if gone.any():
                label = picked.names["cancelled_at"]
                report.cancelled[label] = report.cancelled.get(label, 0) + int(gone.sum())
            keep &= ~gone

    id_at, id_missing = at("customer")
    date_at, date_missing = at("date")
    empty_id = data.empty_id[id_at] | id_missing
    bad_date = (data.bad_date[date_at] | date_missing) & ~empty_id
    bad = empty_id | bad_date
    amount_at = None
    if data.bad_amount is not None:
        amount_at, amount_missing = at("amount")
        bad_amount = (data.bad_amount[amount_at] | amount_missing) & ~bad
        bad |= bad_amount
    extra_at = {}
    for name, (_, extra_bad, _) in data.extra.items():
        extra_at[name], extra_missing = at(f"extra:{name}")
        bad |= extra_bad[extra_at[name]] & ~extra_missing
    bad &= keep
    if bad.any():
        where = np.flatnonzero(bad)
        shown = where[: max(0, 50 - len(problems))] if on_error == "skip" else where[:1]
        locations = picked.locate(place[shown]) if shown.size else []
        for i, location in zip(shown.tolist(), locations, strict=True):
            text = _describe(
                lang=lang,
                names=picked.names,
                columns=columns,
                data=data,
                rows={
                    "customer": (int(id_at[i]), bool(id_missing[i])),
                    "date": (int(date_at[i]), bool(date_missing[i])),
                    **(
                        {"amount": (int(amount_at[i]), bool(at("amount")[1][i]))}
                        if amount_at is not None
                        else {}
                    ),
                    **{f"extra:{k}": (int(v[i]), False) for k, v in extra_at.items()},
                },
                extra=picked.extra,
                date_format=date_format,
            )
            problems.append((int(place[i]), f"{location}: {text}"))
        if on_error == "raise":
            raise DataError(f"{problems[-1][1]}. {say('fix_row', lang)}")
    report.rows_rejected = len(extra_errors or []) + int(bad.sum())
    report.problems = [text for _, text in problems[:50]]
    keep &= ~bad
    report.rows_read = int(rows.size) + len(extra_errors or [])
    report.rows_used = int(keep.sum())
    report.has_amounts = data.amounts is not None
    if data.decimal:
        report.decimal = data.decimal
    segment_codes = segment_names = None
    if "segment" in columns:
        segment_at, _ = at("segment")
        segment_codes, segment_names, empty_segment = to_codes(columns["segment"])
        if empty_segment.any():  # an empty value is the segment "(blank)"
            segment_codes = np.where(empty_segment, segment_names.size, segment_codes)
            segment_names = np.append(segment_names, "(blank)")
        segment_codes = segment_codes[segment_at[keep]]
    extra_dates = {}
    for name, (extra_days, _, extra_blank) in data.extra.items():
        index = extra_at[name][keep]
        extra_dates[name] = np.where(
            extra_blank[index], np.datetime64("NaT"), extra_days[index].astype("datetime64[D]")
        )
    codes, names = data.codes[id_at[keep]], data.names
    present = np.bincount(codes, minlength=names.size) > 0
    if not present.all():  # ids only of rejected or blank rows are no customers
        codes = (np.cumsum(present) - 1)[codes].astype(codes.dtype)
        names = names[present]
    return Orders(
        None,
        data.days[date_at[keep]].astype("datetime64[D]"),
        None if data.amounts is None or amount_at is None else data.amounts[amount_at[keep]],
        report,
        None,
        customer_codes=codes,
        customer_names=names,
        extra_dates=extra_dates,
        segment_codes=segment_codes,
        segment_names=segment_names,
    )


def _describe(
    *,
    lang: str,
    names: dict[str, str],
    columns: dict[str, pa.Array],
    data: _Converted,
    rows: dict[str, tuple[int, bool]],
    extra: dict[str, pa.Array],
    date_format: str | None,
) -> str:
    """What is wrong with an order: the first failing column, its value, and what to do.
    ``rows`` gives, per role, the source row its value came from (and whether there was
    none)."""
    row, missing = rows["customer"]
    if missing or data.empty_id[row]:
        return say("empty_id", lang, column=names["customer"])
    row, missing = rows["date"]
    if missing or data.bad_date[row]:
        value = "" if missing else _shown(columns["date"][row].as_py())
        if not missing and slash_mask(columns["date"].slice(row, 1))[0] and not date_format:
            return say("slash_date", lang, column=names["date"], value=value)
        help_text = (
            say("format_help", lang, pattern=date_format) if date_format else say("date_help", lang)
        )
        return say("bad_date", lang, column=names["date"], value=value, help=help_text)
    if "amount" in rows and data.bad_amount is not None:
        row, missing = rows["amount"]
        if missing or data.bad_amount[row]:
            value = "" if missing else _shown(columns["amount"][row].as_py())
            return say(
                "bad_amount", lang, column=names["amount"], value=value, decimal=data.decimal
            )
    for name, column in extra.items():
        row, _ = rows[f"extra:{name}"]
        if data.extra[name][1][row]:
            value = _shown(column[row].as_py())
            return say("bad_date", lang, column=name, value=value, help=say("date_help", lang))
    raise InputError("internal: row has no problem")  # pragma: no cover


def _shown(value: object) -> str:
    return "" if value is None else str(value)
