"""``read_orders``: one call for every place orders come from.

One idea: look at what the source is — a DataFrame or arrow table, a Parquet file or folder,
an Excel workbook, a (gzip) CSV file — by its content, not its name, pick the requested
columns there, and run them through the one conversion pipeline (:mod:`.build`). Imports
pyarrow and the sibling modules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import DataError, InputError
from .build import build_orders
from .csvfile import pick_csv
from .excel import pick_excel
from .messages import say
from .orders import Orders, ReadReport
from .presets import Preset, preset_by_name
from .request import Request, Want
from .settings import ReadSettings
from .tables import is_frame, pick_frame, pick_parquet

__all__ = ["CsvText", "read_orders"]


@dataclass(frozen=True)
class CsvText:
    """CSV text already in memory — a block of a file as an engine splits it, with the
    file's header line first — read as that file would be; ``name`` names it in messages,
    whose line numbers count from the text's first line."""

    name: str
    data: bytes


_MAGIC = {
    b"PAR1": "parquet",
    b"PK\x03\x04": "excel",
    b"\xd0\xcf\x11\xe0": "excel",  # .xls (OLE compound file)
}
_BINARY_KINDS = {
    b"%PDF": ", a PDF",
    b"\x89PNG": ", a PNG picture",
    b"\xff\xd8\xff": ", a JPEG picture",
    b"SQLite format": ", an SQLite database",
    b"7z\xbc\xaf": ", a 7-Zip archive",
    b"Rar!": ", a RAR archive",
}


def _request(
    *,
    preset: Preset | None,
    customer_col: str | None,
    date_col: str | None,
    amount_col: str | None,
    require_amount: bool,
    segment_col: str | None,
    order_col: str | None,
    extra_dates: Sequence[str],
    lang: str,
    flags: Mapping[str, str] | None = None,
    status_col: str | None = None,
    exclude_status: Sequence[str] = (),
    currency_col: str | None = None,
    currency: str | None = None,
) -> Request:
    def pick(given: str | None, from_preset: tuple[str, ...], default: str) -> tuple[str, ...]:
        if given is not None:
            return (given,)
        return from_preset or (default,)

    p = preset
    wants = {
        "customer": Want(
            pick(customer_col, p.customer if p else (), "customer_id"), True, "--customer-col"
        ),
        "date": Want(pick(date_col, p.date if p else (), "order_date"), True, "--date-col"),
    }
    if amount_col is not None:
        candidates: tuple[str, ...] = (amount_col,)
        if p is not None and amount_col == "amount" and not require_amount:
            candidates = (*p.amount, "amount")
        wants["amount"] = Want(candidates, require_amount or p is not None, "--amount-col")
    if segment_col is not None:
        wants["segment"] = Want((segment_col,), True, "--by")
    order = (order_col,) if order_col else (p.order if p else ())
    if order:
        wants["order"] = Want(order, True, "--order-col")
    if status_col is not None:
        wants["status"] = Want((status_col,), True, "--status-col")
    elif p is not None and p.status:
        wants["status"] = Want(p.status, bool(exclude_status), "--status-col")
    elif exclude_status:
        raise InputError(say("status_needed", lang))
    if p is not None and p.cancelled_when_filled:
        wants["cancelled_at"] = Want(p.cancelled_when_filled, False, "--preset")
    if p is not None and "amount" in wants:
        if p.refund:
            wants["refund"] = Want(p.refund, False, "--preset")
        if p.net:
            wants["net"] = Want(p.net, False, "--preset")
    if currency_col is not None:
        wants["currency"] = Want((currency_col,), True, "--currency-col")
    elif p is not None and p.currency:
        wants["currency"] = Want(p.currency, currency is not None, "--currency-col")
    elif currency is not None:
        wants["currency"] = Want(("currency",), True, "--currency-col")
    for role, flag in (flags or {}).items():  # a command's own names for the column options
        if role in wants:
            wants[role] = replace(wants[role], option=flag)
    return Request(wants, tuple(extra_dates), lang)


def _kind(path: Path, lang: str) -> str:
    if path.is_dir():
        return "parquet"
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise DataError(say("cannot_open", lang, source=path, reason=reason)) from None
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    for magic, text in _BINARY_KINDS.items():
        if head.startswith(magic):
            raise DataError(say("binary", lang, source=path, kind=text))
    return "csv"


def read_orders(
    source: Any,
    settings: ReadSettings | None = None,
    *,
    segment_col: str | None = None,
    extra_dates: Sequence[str] = (),
    flags: Mapping[str, str] | None = None,
) -> Orders:
    """Read orders from a file, a folder of Parquet files or a table in memory.

    Parameters
    ----------
    source : str, Path, pandas/polars DataFrame or pyarrow Table
        A CSV file (UTF-8 with or without BOM, UTF-16, Windows-1252; comma, semicolon, tab
        or ``|``; plain or gzip-compressed), an Excel workbook (.xlsx, .xlsm, .xls), a
        Parquet file or a folder of them. The kind is read from the content.
    settings : ReadSettings, optional
        Columns, preset, CSV dialect, date form, unreadable rows and the language of the
        messages (:class:`~retention_xl.io.settings.ReadSettings`; default: detected).
    segment_col : str, optional
        A column to split by later (a store): text per order in :attr:`Orders.segments`;
        an empty value is the segment ``"(blank)"``.
    extra_dates : sequence of str
        Further date columns to read (a service period's start and end):
        :attr:`Orders.extra_dates`.
    flags : mapping, optional
        The option a message names for a missing column, by role (``{"amount":
        "--mrr-col"}``) when a command calls its columns otherwise.

    Returns
    -------
    Orders
        Customer ids as codes into the distinct ids, days as ``datetime64[D]``, amounts.
        The order's day is the calendar date written in the source, unless the settings
        name a ``timezone``.

    Raises
    ------
    DataError
        Naming file, line (or sheet and row), column and value of the first unreadable row
        (``on_error="raise"``), a missing column (listing the ones found), a wrong sheet, an
        empty, binary or unreadable file; orders in several currencies.
    InputError
        An unknown ``timezone``, ``exclude_status`` without a status column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "orders.csv"
    >>> _ = path.write_text("customer_id;order_date;amount\\nK1;31.01.2024;1.234,50\\n",
    ...                     encoding="cp1252")
    >>> orders = read_orders(path)
    >>> orders.customer_ids.tolist(), str(orders.order_dates[0]), orders.amounts.tolist()
    (['K1'], '2024-01-31', [1234.5])
    >>> _ = path.write_text("customer_id,order_date,status,currency\\n"
    ...                     "K1,2024-03-31T23:30:00Z,paid,EUR\\nK2,2024-04-02,test,EUR\\n"
    ...                     "K3,2024-04-03,paid,USD\\n")
    >>> settings = ReadSettings(status_col="status", exclude_status=("Test",),
    ...                         currency="eur", timezone="Europe/Berlin")
    >>> orders = read_orders(path, settings)
    >>> orders.customer_ids.tolist(), str(orders.order_dates[0])
    (['K1'], '2024-04-01')
    >>> orders.report.cancelled, orders.report.other_currency
    ({'test': 1}, {'USD': 1})
    """
    given = settings if settings is not None else ReadSettings()
    lang = given.lang
    zone = _zone(given.timezone, lang)
    chosen = preset_by_name(given.preset) if given.preset else None
    request = _request(
        preset=chosen,
        customer_col=given.customer_col,
        date_col=given.date_col,
        amount_col=given.amount_col,
        require_amount=given.require_amount,
        segment_col=segment_col,
        order_col=given.order_col,
        extra_dates=extra_dates,
        lang=lang,
        flags=flags,
        status_col=given.status_col,
        exclude_status=given.exclude_status,
        currency_col=given.currency_col,
        currency=given.currency,
    )
    errors: list[tuple[int, str]] = []
    if is_frame(source):
        report = ReadReport("DataFrame", lang=lang, decimal=".")
        picked = pick_frame(source, request, report=report)
    elif isinstance(source, CsvText):
        report = ReadReport(source.name, lang=lang)
        picked, errors = pick_csv(
            Path(source.name),
            source.data,
            request,
            delimiter=given.delimiter,
            encoding=given.encoding,
            report=report,
        )
    else:
        path = Path(source)
        report = ReadReport(str(path), lang=lang)
        kind = _kind(path, lang)
        if kind == "parquet":
            picked = pick_parquet(path, request, report=report)
        elif kind == "excel":
            picked = pick_excel(path, request, sheet=given.sheet, report=report)
        else:
            raw = path.read_bytes()
            picked, errors = pick_csv(
                path,
                raw,
                request,
                delimiter=given.delimiter,
                encoding=given.encoding,
                report=report,
            )
    date_format = given.date_format
    if date_format is None and chosen is not None:
        date_format = chosen.date_format
    return build_orders(
        picked,
        decimal=given.decimal,
        date_format=date_format,
        on_error=given.on_error,
        preset=chosen,
        extra_errors=errors,
        exclude_status=given.exclude_status,
        currency=given.currency,
        timezone=zone,
    )


def _zone(name: str | None, lang: str) -> dt.tzinfo | None:
    """The time zone called ``name`` (IANA), or None; an unknown name is an InputError."""
    if name is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise InputError(say("bad_timezone", lang, name=name)) from None
