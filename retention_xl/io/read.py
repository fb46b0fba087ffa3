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
    *,
    customer_col: str | None = None,
    date_col: str | None = None,
    amount_col: str | None = "amount",
    require_amount: bool = False,
    delimiter: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    on_error: str = "raise",
    segment_col: str | None = None,
    preset: str | None = None,
    order_col: str | None = None,
    sheet: str | None = None,
    date_format: str | None = None,
    extra_dates: Sequence[str] = (),
    lang: str = "en",
    flags: Mapping[str, str] | None = None,
    status_col: str | None = None,
    exclude_status: Sequence[str] = (),
    currency_col: str | None = None,
    currency: str | None = None,
    timezone: str | None = None,
) -> Orders:
    """Read orders from a file, a folder of Parquet files or a table in memory.

    Parameters
    ----------
    source : str, Path, pandas/polars DataFrame or pyarrow Table
        A CSV file (UTF-8 with or without BOM, UTF-16, Windows-1252; comma, semicolon, tab
        or ``|``; plain or gzip-compressed), an Excel workbook (.xlsx, .xlsm, .xls), a
        Parquet file or a folder of them. The kind is read from the content.
    customer_col, date_col : str, optional
        Column names (defaults ``customer_id`` and ``order_date``, or the preset's). Matched
        exactly, else ignoring case, spaces, ``_`` and ``-``.
    amount_col : str or None
        Amount column (default ``amount``); if there is no such column the orders have no
        amounts (the report says so), unless ``require_amount``. None: ignore amounts.
    delimiter, decimal, encoding : str, optional
        Override the detection (decimal: ``"."`` or ``","``; detected from the amounts,
        else ``","`` in semicolon files and ``"."`` otherwise).
    on_error : {"raise", "skip"}
        Stop at the first unreadable row (default) or leave such rows out and report them.
    segment_col : str, optional
        A column to split by later (a store): text per order in :attr:`Orders.segments`;
        an empty value is the segment ``"(blank)"``.
    preset : {"shopify", "woocommerce", "shopware", "etsy"}, optional
        Read a shop's order export by its own column names (``docs/presets.md``): one order
        per order number; cancelled and voided orders, and orders without a customer
        (guests, POS), left out and counted; totals net of the refunds the export names;
        the export's currency column checked.
    order_col : str, optional
        Order number column: rows sharing it are one order (line-item exports); each field
        is taken from the first row of the order where it is filled.
    sheet : str, optional
        Workbook sheet to read (default: the first sheet that holds the columns).
    date_format : str, optional
        strftime pattern for dates the reader does not take on its own (``%d/%m/%Y``).
    extra_dates : sequence of str
        Further date columns to read (a service period's start and end):
        :attr:`Orders.extra_dates`.
    lang : {"en", "de"}
        Language of the report and the error messages.
    flags : mapping, optional
        The option a message names for a missing column, by role (``{"amount":
        "--mrr-col"}``) when a command calls its columns otherwise.
    status_col : str, optional
        The column holding each order's status (default: the preset's, if any; CLI
        ``--status-col``).
    exclude_status : sequence of str
        Status values whose orders are left out, compared trimmed and case-insensitive,
        counted per status in the report (:attr:`ReadReport.cancelled`) like a preset's
        cancelled orders, whose statuses they add to (default none; ``--exclude-status``).
        Needs ``status_col`` or a preset with a status column.
    currency_col : str, optional
        The column holding each order's currency (default: the preset's, if any;
        ``--currency-col``). Orders in more than one currency are refused (DataError naming
        the currencies and their counts): amounts in different currencies are never added.
    currency : str, optional
        Keep only the orders in this currency (``"EUR"``, any case); the others are left
        out and counted per currency (:attr:`ReadReport.other_currency`). Default None: all
        orders, which must then be in one currency (``--currency``). Needs a currency
        column (``currency_col``, the preset's, else one called ``currency``).
    timezone : str, optional
        An IANA time zone (``"Europe/Berlin"``, via :mod:`zoneinfo`): timestamps carrying
        an offset (``2024-03-31T23:30:00+00:00``, ``…Z``; time-zone-aware timestamps)
        count on their calendar day in that zone; timestamps without an offset stay the day
        as written. Default None: every order's day is the calendar date written
        (``--timezone``). An unknown name is an InputError.

    Returns
    -------
    Orders
        Customer ids as codes into the distinct ids, days as ``datetime64[D]``, amounts.
        The order's day is the calendar date written in the source, unless ``timezone``.

    Raises
    ------
    DataError
        Naming file, line (or sheet and row), column and value of the first unreadable row
        (``on_error="raise"``), a missing column (listing the ones found), a wrong sheet, an
        empty, binary or unreadable file; orders in several currencies.
    InputError
        An option out of range: an unknown ``timezone``, ``exclude_status`` without a status
        column.

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
    >>> orders = read_orders(path, status_col="status", exclude_status=["Test"],
    ...                      currency="eur", timezone="Europe/Berlin")
    >>> orders.customer_ids.tolist(), str(orders.order_dates[0])
    (['K1'], '2024-04-01')
    >>> orders.report.cancelled, orders.report.other_currency
    ({'test': 1}, {'USD': 1})
    """
    if on_error not in ("raise", "skip"):
        raise InputError(f"on_error must be 'raise' or 'skip'; got {on_error!r}.")
    if decimal not in (None, ".", ","):
        raise InputError(f"decimal must be '.' or ','; got {decimal!r}.")
    if lang not in ("en", "de"):
        raise InputError(f"lang must be 'en' or 'de'; got {lang!r}.")
    zone = _zone(timezone, lang)
    if isinstance(exclude_status, str):
        exclude_status = (exclude_status,)
    chosen = preset_by_name(preset) if preset else None
    request = _request(
        preset=chosen,
        customer_col=customer_col,
        date_col=date_col,
        amount_col=amount_col,
        require_amount=require_amount,
        segment_col=segment_col,
        order_col=order_col,
        extra_dates=extra_dates,
        lang=lang,
        flags=flags,
        status_col=status_col,
        exclude_status=exclude_status,
        currency_col=currency_col,
        currency=currency,
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
            delimiter=delimiter,
            encoding=encoding,
            report=report,
        )
    else:
        path = Path(source)
        report = ReadReport(str(path), lang=lang)
        kind = _kind(path, lang)
        if kind == "parquet":
            picked = pick_parquet(path, request, report=report)
        elif kind == "excel":
            picked = pick_excel(path, request, sheet=sheet, report=report)
        else:
            raw = path.read_bytes()
            picked, errors = pick_csv(
                path, raw, request, delimiter=delimiter, encoding=encoding, report=report
            )
    if date_format is None and chosen is not None:
        date_format = chosen.date_format
    return build_orders(
        picked,
        decimal=decimal,
        date_format=date_format,
        on_error=on_error,
        preset=chosen,
        extra_errors=errors,
        exclude_status=exclude_status,
        currency=currency,
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
