"""Reading orders: CSV files (English or German Excel exports), pandas DataFrames and Excel
ranges, into arrays for :func:`retention_xl.cohorts.cohort_table`.

One idea: every order row is either read or reported — with file, line, column and value —
never silently dropped. By default the first unreadable row stops the read with a
:class:`~retention_xl.errors.DataError`; with ``on_error="skip"`` such rows are left out and
counted in the :class:`ReadReport`. Imports numpy, :mod:`.excel_values`, :mod:`.errors`;
pandas only if a DataFrame is passed.

What a CSV file may look like:

- a header row naming the columns (matched exactly, else ignoring case and spaces);
- UTF-8 with or without BOM, else Windows-1252 (as German Excel saves "CSV (Trennzeichen-
  getrennt)");
- comma, semicolon or tab separated (detected from the header);
- dates as ``YYYY-MM-DD`` (a time may follow), German ``DD.MM.YYYY`` or Excel serial numbers;
- amounts with a decimal point, or — in semicolon files, or with ``decimal=","`` — a decimal
  comma; thousands separators, currency signs and spaces are ignored. Negative amounts are
  refunds (see :mod:`retention_xl.cohorts` for how they count).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import DataError
from .excel_values import parse_date, parse_number
from .ids import ids_array

__all__ = ["Orders", "ReadReport", "orders_from_cells", "read_orders"]

_MAX_PROBLEMS = 50
_DATE_HELP = "use YYYY-MM-DD, DD.MM.YYYY or an Excel serial number"
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?(?:Z|[+-]\d{2}:?\d{2})?")
_GERMAN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?: [\d:]+)?")
_SERIAL = re.compile(r"\d{1,7}(?:[.,]\d+)?")
_NOISE = re.compile(r"[\s\u00a0\u202f'€$£]|EUR|USD|CHF")
_EPOCH = dt.date(1970, 1, 1)


@dataclass
class ReadReport:
    """What a read did: rows read, used and rejected, and why rows were rejected."""

    source: str
    rows_read: int = 0
    rows_used: int = 0
    rows_rejected: int = 0
    blank_rows: int = 0
    problems: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    decimal: str = ""
    has_amounts: bool = False

    def reject(self, message: str) -> None:
        """Count one rejected row and keep its message (the first 50 are kept)."""
        self.rows_rejected += 1
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(message)

    def summary(self) -> str:
        """One line: rows read, used, rejected (and blank rows skipped)."""
        text = (
            f"{self.source}: {self.rows_read} rows read, {self.rows_used} used, "
            f"{self.rows_rejected} rejected"
        )
        if self.blank_rows:
            text += f", {self.blank_rows} blank rows skipped"
        return text


@dataclass
class Orders:
    """One row per order: ids (text or int), dates (``datetime64[D]``), amounts or None."""

    customer_ids: np.ndarray
    order_dates: np.ndarray
    amounts: np.ndarray | None
    report: ReadReport
    segments: np.ndarray | None = None  # text per order when read with segment_col

    def __len__(self) -> int:
        return int(self.order_dates.size)

    def select(self, rows: np.ndarray, source: str) -> Orders:
        """The orders at ``rows`` (a boolean mask or indexes, in order), with a report of
        their own named ``source``."""
        count = int(rows.sum()) if rows.dtype == bool else int(rows.size)
        report = ReadReport(
            source,
            rows_read=count,
            rows_used=count,
            encoding=self.report.encoding,
            delimiter=self.report.delimiter,
            decimal=self.report.decimal,
            has_amounts=self.amounts is not None,
        )
        return Orders(
            self.customer_ids[rows],
            self.order_dates[rows],
            None if self.amounts is None else self.amounts[rows],
            report,
            None if self.segments is None else self.segments[rows],
        )


def parse_date_text(text: str) -> int | None:
    """Day number (days since 1970-01-01) of a date written as text, or None.

    Examples
    --------
    >>> parse_date_text("2024-01-31"), parse_date_text("31.01.2024"), parse_date_text("45322")
    (19753, 19753, 19753)
    >>> parse_date_text("31/01/2024") is None
    True
    """
    text = text.strip()
    iso = _ISO.fullmatch(text)
    german = None if iso else _GERMAN.fullmatch(text)
    try:
        if iso:
            day = dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif german:
            day = dt.date(int(german[3]), int(german[2]), int(german[1]))
        elif _SERIAL.fullmatch(text):
            serial = int(float(text.replace(",", ".")))
            if not 1 <= serial <= 2958465 or serial == 60:
                return None
            # Excel counts a fictitious 1900-02-29 (serial 60)
            return serial - 25569 + (1 if serial < 60 else 0)
        else:
            return None
    except ValueError:
        return None
    return (day - _EPOCH).days


def parse_amount_text(text: str, decimal: str) -> float | None:
    """A money amount written as text with the given decimal separator, or None.

    Examples
    --------
    >>> parse_amount_text("1.234,50 €", ","), parse_amount_text("-1,234.50", ".")
    (1234.5, -1234.5)
    """
    cleaned = _NOISE.sub("", text)
    if decimal == ",":
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _decode(raw: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding:
        return raw.decode(encoding), encoding
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252"), "cp1252"


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _find(header: list[str], wanted: str, option: str, source: str) -> int:
    names = [h.strip() for h in header]
    if wanted in names:
        return names.index(wanted)
    folded = [re.sub(r"[\s_-]", "", n).lower() for n in names]
    key = re.sub(r"[\s_-]", "", wanted).lower()
    if key in folded:
        return folded.index(key)
    raise DataError(
        f"{source}: no column {wanted!r}; the header has {', '.join(map(repr, names))}. "
        f"Name the right one with {option}."
    )


def read_orders(
    source: Any,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str | None = "amount",
    require_amount: bool = False,
    delimiter: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    on_error: str = "raise",
    segment_col: str | None = None,
) -> Orders:
    """Read orders from a CSV file or a pandas DataFrame.

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
    customer_col, date_col : str
        Column names (defaults ``customer_id``, ``order_date``).
    amount_col : str or None
        Amount column (default ``amount``); if the file has no such column the orders have no
        amounts (the report says so), unless ``require_amount``.
    delimiter, decimal, encoding : str, optional
        Override the detection (decimal: "." or ",").
    on_error : {"raise", "skip"}
        Stop at the first unreadable row (default) or leave such rows out and report them.
    segment_col : str, optional
        A column to split by later (a store, a product line): kept as text in
        :attr:`Orders.segments`; an empty value is the segment ``"(blank)"``.

    Raises
    ------
    DataError
        Naming file, line, column and value of the first unreadable row (``on_error="raise"``),
        a missing column, or an unreadable file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "orders.csv"
    >>> _ = path.write_text("customer_id;order_date;amount\\nK1;31.01.2024;1.234,50\\n",
    ...                     encoding="cp1252")
    >>> orders = read_orders(path)
    >>> orders.customer_ids.tolist(), str(orders.order_dates[0]), orders.amounts.tolist()
    (['K1'], '2024-01-31', [1234.5])
    """
    if on_error not in ("raise", "skip"):
        raise DataError(f"on_error must be 'raise' or 'skip'; got {on_error!r}.")
    if hasattr(source, "columns") and hasattr(source, "iloc"):
        return _from_dataframe(
            source, customer_col, date_col, amount_col, require_amount, on_error, segment_col
        )
    path = Path(source)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot read the file ({error.strerror}).") from None
    text, used_encoding = _decode(raw, encoding)
    first_line = text.split("\n", 1)[0]
    sep = delimiter or _delimiter(first_line)
    report = ReadReport(
        str(path),
        encoding=used_encoding,
        delimiter=sep,
        decimal=decimal or ("," if sep == ";" else "."),
    )
    quoted = '"' in text
    if quoted:
        records, lines = _split(text, sep)
        header: list[str] | None = records[0] if records else None
    else:  # split lazily, in chunks: far less memory than all rows at once
        text_lines = text.splitlines()
        header = text_lines[0].split(sep) if text_lines else None
    if not header:
        raise DataError(f"{path}: the file is empty; expected a header row with column names.")
    columns = [
        _find(header, customer_col, "--customer-col / customer_col", str(path)),
        _find(header, date_col, "--date-col / date_col", str(path)),
    ]
    amount_at = None
    if amount_col is not None:
        try:
            amount_at = _find(header, amount_col, "--amount-col / amount_col", str(path))
        except DataError:
            if require_amount:
                raise
    report.has_amounts = amount_at is not None
    segment_at = None
    if segment_col is not None:
        segment_at = _find(header, segment_col, "--by / segment_col", str(path))
    names = [customer_col, date_col, amount_col or ""]
    if not quoted:
        clean = _collect_chunks(text_lines, sep, columns, amount_at, report, segment_at)
        if clean is not None:
            return clean
        records = [line.split(sep) for line in text_lines]
        lines = list(range(1, len(records) + 1))
    return _collect(records[1:], lines[1:], columns, amount_at, names, report, on_error, segment_at)


_CHUNK = 100_000


def _collect_chunks(
    text_lines: list[str],
    sep: str,
    columns: list[int],
    amount_at: int | None,
    report: ReadReport,
    segment_at: int | None,
) -> Orders | None:
    """The clean fast path over blocks of lines; None as soon as one block is not clean."""
    parts = []
    for start in range(1, len(text_lines), _CHUNK):
        block = [line.split(sep) for line in text_lines[start : start + _CHUNK]]
        scratch = ReadReport(report.source, decimal=report.decimal)
        part = _collect_clean(block, columns, amount_at, scratch, segment_at)
        if part is None:
            return None
        parts.append(part)
    if not parts:
        return _collect_clean([], columns, amount_at, report, segment_at)
    report.rows_read = report.rows_used = sum(len(p) for p in parts)
    amounts = [p.amounts for p in parts if p.amounts is not None]
    segments = [p.segments for p in parts if p.segments is not None]
    return Orders(
        customer_ids=np.concatenate([p.customer_ids for p in parts]),
        order_dates=np.concatenate([p.order_dates for p in parts]),
        amounts=np.concatenate(amounts) if amount_at is not None else None,
        report=report,
        segments=np.concatenate(segments) if segment_at is not None else None,
    )


def _split(text: str, sep: str) -> tuple[list[list[str]], list[int]]:
    """Rows of fields and the line each row starts on (1-based).

    Text without quotes is split directly (about twice as fast); quoted fields, which may
    hold separators and line breaks, go through the csv module.
    """
    if '"' not in text:
        records = [line.split(sep) for line in text.splitlines()]
        return records, list(range(1, len(records) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    records, lines = [], []
    start = 1
    for row in reader:
        records.append(row)
        lines.append(start)
        start = reader.line_num + 1
    return records, lines


def _collect(
    records: list[list[Any]],
    lines: Sequence[int | str],
    columns: list[int],
    amount_at: int | None,
    names: list[str],
    report: ReadReport,
    on_error: str,
    segment_at: int | None = None,
) -> Orders:
    """Orders from rows: all at once when every row is clean, else row by row (which
    names the first bad row by its line, or skips and reports bad rows)."""
    fast = _collect_clean(records, columns, amount_at, report, segment_at)
    if fast is not None:
        return fast
    return _collect_rows(
        zip(lines, records, strict=True), columns, amount_at, names, report, on_error, segment_at
    )


def _collect_clean(
    records: list[list[Any]],
    columns: list[int],
    amount_at: int | None,
    report: ReadReport,
    segment_at: int | None,
) -> Orders | None:
    """The fast path for files without a single problem: whole columns converted at once.

    Returns None as soon as anything is unusual (a short or blank row, an empty id, an
    unreadable date or amount, separators in amounts); the row-by-row path then handles
    the file and reports precisely.
    """
    id_at, date_at = columns
    need = max(i for i in (*columns, amount_at, segment_at) if i is not None)
    if any(len(row) <= need for row in records):
        return None
    ids = [row[id_at].strip() for row in records]
    if not all(ids):
        return None
    date_texts = [row[date_at] for row in records]
    lookup = {text: parse_date_text(text) for text in dict.fromkeys(date_texts)}
    if None in lookup.values():
        return None
    days = np.array([lookup[text] for text in date_texts], dtype=np.int64)
    amounts = None
    if amount_at is not None:
        texts = [row[amount_at].strip() for row in records]
        if report.decimal == ",":
            if any("," in t and "." in t for t in texts):
                return None  # thousands separators: the row-by-row path reads them
            texts = [t.replace(",", ".") for t in texts]
        try:
            amounts = np.array(texts, dtype="float64")
        except ValueError:
            return None
        if not np.all(np.isfinite(amounts)):
            return None
    segments = None
    if segment_at is not None:
        segments = np.array([row[segment_at].strip() or "(blank)" for row in records], dtype=str)
    report.rows_read = report.rows_used = len(records)
    return Orders(
        customer_ids=np.array(ids, dtype=str) if ids else np.array([], dtype="<U1"),
        order_dates=days.astype("datetime64[D]"),
        amounts=amounts,
        report=report,
        segments=segments,
    )


def _collect_rows(
    rows: Iterable[tuple[int | str, list[Any]]],
    columns: list[int],
    amount_at: int | None,
    names: list[str],
    report: ReadReport,
    on_error: str,
    segment_at: int | None = None,
) -> Orders:
    id_at, date_at = columns
    optional = [i for i in (amount_at, segment_at) if i is not None]
    need = max(columns + optional)
    segments: list[str] = []
    ids: list[str] = []
    days: list[int] = []
    amounts: list[float] = []
    date_cache: dict[str, int | None] = {}
    for line, row in rows:
        if not any(str(cell).strip() for cell in row):
            report.blank_rows += 1
            continue
        report.rows_read += 1
        problem = None
        if len(row) <= need:
            problem = f"has {len(row)} fields; the columns need at least {need + 1}"
        else:
            customer = str(row[id_at]).strip()
            date_text = str(row[date_at])
            day = date_cache.get(date_text, -1)
            if day == -1:
                day = date_cache[date_text] = parse_date_text(date_text)
            if not customer:
                problem = f"column {names[0]!r} is empty; every order needs a customer id"
            elif day is None:
                problem = f"column {names[1]!r}: cannot read {date_text!r} as a date; {_DATE_HELP}"
            elif amount_at is not None:
                amount = parse_amount_text(str(row[amount_at]), report.decimal)
                if amount is None:
                    problem = (
                        f"column {names[2]!r}: cannot read {row[amount_at]!r} as an "
                        f"amount (decimal separator {report.decimal!r})"
                    )
                else:
                    amounts.append(amount)
        if problem is not None:
            message = f"{report.source}:{line}: {problem}"
            if on_error == "raise":
                raise DataError(
                    message + ". Fix the row or read with on_error='skip' "
                    "(--skip-bad-rows) to leave it out and report it."
                )
            report.reject(message)
            continue
        ids.append(customer)
        days.append(day)  # type: ignore[arg-type]
        if segment_at is not None:
            segments.append(str(row[segment_at]).strip() or "(blank)")
    report.rows_used = len(ids)
    return Orders(
        customer_ids=np.array(ids, dtype=str) if ids else np.array([], dtype="<U1"),
        order_dates=np.array(days, dtype="int64").astype("datetime64[D]"),
        amounts=np.array(amounts, dtype="float64") if amount_at is not None else None,
        report=report,
        segments=(np.array(segments, dtype=str) if segments else np.array([], dtype="<U1"))
        if segment_at is not None
        else None,
    )


def _from_dataframe(
    frame: Any,
    customer_col: str,
    date_col: str,
    amount_col: str | None,
    require_amount: bool,
    on_error: str,
    segment_col: str | None = None,
) -> Orders:
    header = [str(c) for c in frame.columns]
    source = "DataFrame"
    picked = [
        _find(header, customer_col, "customer_col", source),
        _find(header, date_col, "date_col", source),
    ]
    amount_at = None
    if amount_col is not None:
        try:
            amount_at = _find(header, amount_col, "amount_col", source)
        except DataError:
            if require_amount:
                raise
    report = ReadReport(source, has_amounts=amount_at is not None, decimal=".")
    at: dict[str, int | None] = {"amount": None, "segment": None}
    for key, position in (
        ("amount", amount_at),
        (
            "segment",
            None if segment_col is None else _find(header, segment_col, "segment_col", source),
        ),
    ):
        if position is not None:
            at[key] = len(picked)
            picked.append(position)
    lists = []
    for position in picked:
        column = frame.iloc[:, position]
        if str(column.dtype).startswith("datetime64"):
            column = column.dt.strftime("%Y-%m-%d")
        lists.append([_text(v) for v in column.tolist()])
    records = [list(cells) for cells in zip(*lists, strict=True)]
    return _collect(
        records,
        [f"row {label}" for label in frame.index],
        [0, 1],
        at["amount"],
        [customer_col, date_col, amount_col or ""],
        report,
        on_error,
        at["segment"],
    )


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    if type(value).__name__ in ("NaTType", "NAType"):
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def orders_from_cells(
    customer_ids: list[Any], order_dates: list[Any], amounts: list[Any] | None
) -> Orders:
    """Orders from Excel columns (one cell per order; rows blank in every column are skipped).

    Raises ``DataError`` naming the row (1-based within the range) of the first bad cell.
    """
    n = max(len(customer_ids), len(order_dates), len(amounts or []))

    def at(cells: list[Any] | None, i: int) -> Any:
        return cells[i] if cells is not None and i < len(cells) else None

    ids: list[Any] = []
    days: list[float] = []
    money: list[float] = []
    report = ReadReport("range", decimal=".", has_amounts=amounts is not None)
    for i in range(n):
        cid, date, amount = at(customer_ids, i), at(order_dates, i), at(amounts, i)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in (cid, date, amount)):
            report.blank_rows += 1
            continue
        report.rows_read += 1
        serial = parse_date(date)
        value = parse_number(amount) if amounts is not None else 0.0
        if cid is None or (isinstance(cid, str) and (not cid.strip() or cid.startswith("#"))):
            raise DataError(f"row {i + 1}: customer id {cid!r} is missing or an error.")
        if not isinstance(serial, float):
            raise DataError(f"row {i + 1}: order date {date!r} is not a date.")
        if not isinstance(value, float):
            raise DataError(f"row {i + 1}: amount {amount!r} is not a number.")
        ids.append(int(cid) if isinstance(cid, float) and cid.is_integer() else cid)
        days.append(serial)
        money.append(value)
    report.rows_used = len(ids)
    serials = np.array(days, dtype="float64")
    serials = np.where(serials < 61, serials + 1, serials)
    return Orders(
        customer_ids=ids_array(ids) if ids else np.array([], dtype="<U1"),
        order_dates=(serials - 25569).astype("int64").astype("datetime64[D]"),
        amounts=np.array(money) if amounts is not None else None,
        report=report,
    )
