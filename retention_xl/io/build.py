"""From picked columns to :class:`~retention_xl.io.orders.Orders`: the one pipeline every
source goes through.

One idea: whatever the source (CSV, workbook, Parquet, DataFrame), the reader hands over
the columns it found as pyarrow arrays plus a way to name a row's place in the source; this
module skips blank rows, folds line items into their order, leaves out (and counts) the
orders the export marks as cancelled or the read excludes by status, the orders without a
customer (shop presets) and the orders in other currencies, nets refunds out of the totals,
converts ids, dates and amounts column by column, and turns every unreadable cell into a
report line — or, by default, stops at the first one. Currencies are never added together:
a currency column with more than one value stops the read unless one currency is chosen.
Imports pyarrow, numpy, :mod:`.convert`, :mod:`.orders`, :mod:`.messages` and the errors.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import DataError, InputError
from .arrays import flat, from_indices
from .convert import (
    blank_mask,
    has_offsets,
    serial_to_days,
    slash_mask,
    to_amounts,
    to_codes,
    to_days,
)
from .messages import say
from .orders import Orders, ReadReport
from .presets import Preset

__all__ = ["Picked", "build_orders", "detect_decimal"]

#: Roles of the columns a read may pick; "customer" and "date" are always there.
ROLES = (
    "customer",
    "date",
    "amount",
    "segment",
    "order",
    "status",
    "cancelled_at",
    "refund",
    "net",
    "currency",
)
#: Roles holding money besides the amount: a refunded amount, a total after refunds.
MONEY = ("refund", "net")


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
    #: refund and net columns (role -> values, unreadable, blank), read like the amounts
    money: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)


def _convert(
    picked: Picked,
    columns: dict[str, pa.Array],
    decimal: str | None,
    date_format: str | None,
    timezone: dt.tzinfo | None = None,
) -> _Converted:
    codes, names, empty_id = to_codes(columns["customer"])
    days, bad_date = to_days(columns["date"], date_format=date_format, timezone=timezone)
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
        for role in MONEY:
            if role in columns:
                values, unreadable = to_amounts(columns[role], decimal=out.decimal)
                blank = blank_mask(columns[role])
                out.money[role] = (values, unreadable & ~blank, blank)
    for role, (values, mask) in picked.numbers.items():
        if role == "amount" and out.amounts is not None and out.bad_amount is not None:
            out.amounts[mask] = values[mask]
            out.bad_amount[mask] = False
        elif role in out.money:
            out.money[role][0][mask] = values[mask]
            out.money[role][1][mask] = False
        elif role == "date":
            out.days[mask], out.bad_date[mask] = serial_to_days(values[mask])
    for name, column in picked.extra.items():
        extra_days, bad = to_days(column, date_format=date_format, timezone=timezone)
        blank = blank_mask(column)
        out.extra[name] = (extra_days, bad & ~blank, blank)
    return out


def _fold(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name).lower()


@dataclass
class _Statuses:
    """Each order's status as a code into the distinct lower-case statuses (-1: blank)."""

    code: np.ndarray
    names: np.ndarray

    def among(self, values: set[str]) -> np.ndarray:
        """True for the orders whose status is one of ``values`` (lower-case)."""
        if not values or not self.names.size:
            return np.zeros(self.code.size, bool)
        hit = np.isin(self.names, sorted(values))
        found: np.ndarray = hit[np.maximum(self.code, 0)] & (self.code >= 0)
        return found

    def count(self, mask: np.ndarray) -> dict[str, int]:
        """How many orders of ``mask`` have each status."""
        counts = np.bincount(self.code[mask], minlength=self.names.size)
        out: dict[str, int] = {}
        for i in np.flatnonzero(counts).tolist():
            name = str(self.names[i])
            out[name] = out.get(name, 0) + int(counts[i])
        return out


def _statuses(column: pa.Array, index: np.ndarray, missing: np.ndarray) -> _Statuses:
    """The status of each order (its source row ``index``; ``missing``: none), compared
    trimmed and case-insensitive: the distinct values are lowered, not every cell."""
    codes, names, empty = to_codes(column)
    if not names.size:
        return _Statuses(np.full(index.size, -1, np.int64), np.array([], dtype=str))
    lowered = np.char.lower(names)
    distinct, inverse = np.unique(lowered, return_inverse=True)  # "Paid" and "paid" are one
    code = np.where(missing | empty[index], -1, inverse.reshape(-1)[codes[index]])
    return _Statuses(code.astype(np.int64), distinct)


def _currencies(
    column: pa.Array, index: np.ndarray, missing: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(code per order, distinct upper-case currencies); a blank currency is "(blank)"."""
    codes, names, empty = to_codes(column)
    labels = np.append(np.char.upper(names) if names.size else names.astype(str), "(blank)")
    distinct, inverse = np.unique(labels, return_inverse=True)
    inverse = inverse.reshape(-1)
    blank = missing | (empty[index] if names.size else True)
    raw = np.where(blank, names.size, codes[index] if names.size else 0)
    return inverse[raw].astype(np.int64), distinct


def _order_sources(
    columns: dict[str, np.ndarray], data: _Converted, rows: np.ndarray, n: int, report: ReadReport
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each order's source row per field (``source``; ``n`` where no row of the order has
    it) and its place (the row it is reported at): the row itself, or for line items
    (an order column) the first row of the order where the field is filled; merged rows
    are counted in ``report``."""
    if "order" not in columns:
        return {"customer": rows, "date": rows, "amount": rows, "segment": rows}, rows
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
    for role in ("amount", "segment", "status", "cancelled_at", *MONEY, "currency"):
        if role in columns:
            filled[role] = ~blank_mask(columns[role])
    source = {
        role: _first_rows(group_of, rows, mask[rows], n_groups, n) for role, mask in filled.items()
    }
    for name, (_, _, extra_blank) in data.extra.items():
        source[f"extra:{name}"] = _first_rows(group_of, rows, ~extra_blank[rows], n_groups, n)
    report.merged_rows = int(rows.size - n_groups)
    return source, representative[order]


def build_orders(
    picked: Picked,
    *,
    decimal: str | None,
    date_format: str | None,
    on_error: str,
    preset: Preset | None = None,
    extra_errors: list[tuple[int, str]] | None = None,
    exclude_status: Sequence[str] = (),
    currency: str | None = None,
    timezone: dt.tzinfo | None = None,
) -> Orders:
    """Convert picked columns into Orders, reporting (or raising on) every unreadable row.

    ``extra_errors`` are rows the source itself could not split (a CSV line with the wrong
    number of fields), as (line number, message); they count as read and rejected.
    ``exclude_status`` adds status values (any case) to the preset's cancelled ones;
    ``currency`` keeps only that currency's orders; ``timezone`` turns timestamps with an
    offset into that zone's days.
    """
    report = picked.report
    lang = report.lang
    columns = {role: flat(column) for role, column in picked.columns.items()}
    picked.extra = {name: flat(column) for name, column in picked.extra.items()}
    problems = list(extra_errors or [])
    if on_error == "raise" and problems:
        raise DataError(f"{problems[0][1]}. {say('fix_row', lang)}")
    data = _convert(picked, columns, decimal, date_format, timezone)
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
    source, place = _order_sources(columns, data, rows, n, report)
    m = place.size

    def at(role: str) -> tuple[np.ndarray, np.ndarray]:
        """Source row of each order for ``role`` (clipped) and where there is none."""
        index = source.get(role, place)
        missing = index >= n
        return np.minimum(index, max(n - 1, 0)), missing

    keep = np.ones(m, bool)
    statuses = _statuses(columns["status"], *at("status")) if "status" in columns else None
    excluded = set(preset.cancelled_statuses) if preset is not None else set()
    excluded |= {value.strip().lower() for value in exclude_status if value.strip()}
    if statuses is not None and excluded:
        gone = statuses.among(excluded)
        for value, count in statuses.count(gone).items():
            report.cancelled[value] = report.cancelled.get(value, 0) + count
        keep &= ~gone
    if preset is not None and "cancelled_at" in columns:
        index, missing = at("cancelled_at")
        gone = ~blank_mask(columns["cancelled_at"])[index] & ~missing & keep
        if gone.any():
            label = picked.names["cancelled_at"]
            report.cancelled[label] = report.cancelled.get(label, 0) + int(gone.sum())
        keep &= ~gone
    if preset is not None and preset.status and statuses is None:
        report.notes.append(say("no_status", lang, wanted=" / ".join(preset.status)))

    id_at, id_missing = at("customer")
    date_at, date_missing = at("date")
    empty_id = data.empty_id[id_at] | id_missing
    if preset is not None:  # a shop's guest or POS order without an e-mail: left out
        guests = empty_id & keep
        report.no_customer = int(guests.sum())
        report.no_customer_column = picked.names["customer"]
        keep &= ~guests
    bad_date = (data.bad_date[date_at] | date_missing) & ~empty_id
    bad = empty_id | bad_date
    amount_at = None
    if data.bad_amount is not None:
        amount_at, amount_missing = at("amount")
        bad_amount = (data.bad_amount[amount_at] | amount_missing) & ~bad
        bad |= bad_amount
    money_at = {role: at(role) for role in data.money}
    for role, (index, missing) in money_at.items():
        bad |= data.money[role][1][index] & ~missing
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
                    **{r: (int(ix[i]), bool(ms[i])) for r, (ix, ms) in money_at.items()},
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

    amounts, refunded = _net_amounts(data, amount_at, money_at, preset, picked, statuses)
    if "currency" in columns:
        _one_currency(columns, picked, at("currency"), keep, currency)
    if refunded is not None:
        refunds = keep & (refunded != 0)
        report.refunded_orders = int(refunds.sum())
        report.refunded_amount = float(np.round(refunded[refunds].sum(), 6))
    if preset is not None and preset.utc and timezone is None and has_offsets(columns["date"]):
        report.notes.append(say("utc_days", lang, preset=preset.name.capitalize()))

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
        None if amounts is None else amounts[keep],
        report,
        None,
        customer_codes=codes,
        customer_names=names,
        extra_dates=extra_dates,
        segment_codes=segment_codes,
        segment_names=segment_names,
    )


def _net_amounts(
    data: _Converted,
    amount_at: np.ndarray | None,
    money_at: dict[str, tuple[np.ndarray, np.ndarray]],
    preset: Preset | None,
    picked: Picked,
    statuses: _Statuses | None,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Each order's amount, net of refunds where the preset's export says what was refunded,
    and the refund taken off each order (None without amounts or a preset's own total).

    The total after refunds (``net``) is the amount where it is filled; else a refunded
    amount (``refund``) is subtracted; else an order whose status says it was refunded as
    a whole (``refunded_statuses``) is worth 0. Refunds are netted only out of the preset's
    own total column: a total named with ``--amount-col`` may already be net."""
    if data.amounts is None or amount_at is None:
        return None, None
    amounts = data.amounts[amount_at]
    if preset is None or _fold(picked.names["amount"]) not in {_fold(c) for c in preset.amount}:
        return amounts, None
    refunded = np.zeros(amounts.size)
    told = np.zeros(amounts.size, bool)  # the export says what is left or was refunded
    if "net" in data.money:
        values, _, blank = data.money["net"]
        index, missing = money_at["net"]
        told = ~missing & ~blank[index]
        refunded = np.where(told, np.round(amounts - values[index], 6), 0.0)
    if "refund" in data.money:
        values, _, blank = data.money["refund"]
        index, missing = money_at["refund"]
        given = ~told & ~missing & ~blank[index]
        refunded = np.where(given, values[index], refunded)
        told |= given
    if statuses is not None and preset.refunded_statuses:
        whole = statuses.among(set(preset.refunded_statuses)) & ~told
        refunded = np.where(whole, amounts, refunded)
    net = np.where(refunded != 0, np.round(amounts - refunded, 6), amounts)
    return net, refunded


def _one_currency(
    columns: dict[str, pa.Array],
    picked: Picked,
    where: tuple[np.ndarray, np.ndarray],
    keep: np.ndarray,
    currency: str | None,
) -> None:
    """Never add currencies together: refuse orders in several currencies, or (with
    ``currency``) leave out, counted, the orders in the others. Updates ``keep`` in place.
    Split by the currency column (``segment_col``), every currency is a table of its own."""
    report = picked.report
    codes, labels = _currencies(columns["currency"], *where)
    counts = np.bincount(codes[keep], minlength=labels.size)
    column = picked.names["currency"]
    if currency is None:
        present = np.flatnonzero(counts)
        by_it = "segment" in picked.names and _fold(picked.names["segment"]) == _fold(column)
        if present.size == 1 and labels[present[0]] != "(blank)":
            report.currency = str(labels[present[0]])
        if present.size > 1 and not by_it:
            ranked = sorted(present.tolist(), key=lambda i: (-counts[i], str(labels[i])))
            found = ", ".join(f"{labels[i]}: {counts[i]}" for i in ranked)
            raise DataError(
                say(
                    "currencies",
                    report.lang,
                    source=report.source,
                    k=present.size,
                    found=found,
                    column=column,
                    first=str(labels[ranked[0]]),
                )
            )
        return
    wanted = currency.strip().upper()
    other = keep & (labels[codes] != wanted)
    others = np.bincount(codes[other], minlength=labels.size)
    for i in np.flatnonzero(others).tolist():
        report.other_currency[str(labels[i])] = int(others[i])
    report.currency = wanted
    keep &= ~other


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
    for role in MONEY:
        if role in rows and role in data.money:
            row, missing = rows[role]
            if not missing and data.money[role][1][row]:
                value = _shown(columns[role][row].as_py())
                return say(
                    "bad_amount", lang, column=names[role], value=value, decimal=data.decimal
                )
    for name, column in extra.items():
        row, _ = rows[f"extra:{name}"]
        if data.extra[name][1][row]:
            value = _shown(column[row].as_py())
            return say("bad_date", lang, column=name, value=value, help=say("date_help", lang))
    raise InputError("internal: row has no problem")  # pragma: no cover


def _shown(value: object) -> str:
    return "" if value is None else str(value)
