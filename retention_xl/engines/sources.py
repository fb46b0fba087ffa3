"""Order files for the engines: paths, folders and globs to a checked list of files, their
format, the columns to read and the CSV options — resolved once, the same for every engine.

One idea: :func:`open_source` turns what a user names (files, folders, glob patterns) into
an :class:`OrderSource`: files expanded and sorted, the format read from each file's first
bytes as :func:`retention_xl.io.read_orders` reads it (Parquet, gzip CSV, CSV, Excel — one
format per call), the header from the first line (CSV) or the schema (Parquet), the
columns found by :func:`retention_xl.io.request.resolve` (exactly, else ignoring case,
spaces, ``_`` and ``-``), the encoding, separator and decimal separator detected as the
reader detects them. Imports the standard library, :mod:`retention_xl.io.request`,
:mod:`retention_xl.errors`; pyarrow only to read a Parquet schema or detect the decimal.
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import DataError, InputError
from ..io.request import Request, Want, resolve
from ..io.settings import ReadSettings

__all__ = ["OrderSource", "expand_paths", "open_source"]

_SUFFIXES = (".csv", ".txt", ".tsv", ".gz", ".parquet", ".pq", ".parq", ".xlsx", ".xlsm", ".xls")
_SEPARATORS = (";", ",", "\t", "|")
_DECIMAL_SAMPLE = 20_000  # rows whose amounts decide the decimal separator, as the reader
_ENCODING_SAMPLE = 1 << 20


def _listed(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(_SUFFIXES)


def expand_paths(paths: Any) -> list[Path]:
    """Files named by ``paths``: files, folders (every CSV, ``.gz``, Parquet and Excel file
    inside, recursively) and glob patterns (``orders/2024-*.parquet``, ``**`` too), sorted.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("b.csv", "a.csv.gz", "notes.md"):
    ...     _ = (folder / name).write_text("x")
    >>> [p.name for p in expand_paths(folder)]
    ['a.csv.gz', 'b.csv']
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not items:
        raise InputError("paths is empty; give at least one order file, folder or pattern.")
    files: list[Path] = []
    for item in items:
        text = str(item)
        path = Path(text)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if _listed(p))
            if not found:
                raise InputError(f"paths: the folder {text!r} holds no CSV or Parquet file.")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif any(ch in text for ch in "*?["):
            found = sorted(Path(p) for p in glob.glob(text, recursive=True))
            found = [p for p in found if _listed(p)]
            if not found:
                raise InputError(f"paths: the pattern {text!r} matches no CSV or Parquet file.")
            files.extend(found)
        else:
            raise InputError(f"paths: {text!r} does not exist; give a file, folder or pattern.")
    return list(dict.fromkeys(files))


def file_format(path: Path) -> tuple[str, bool]:
    """(format, gzip-compressed) of a file from its first bytes, as the reader decides:
    ``parquet``, ``excel`` or ``csv``."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise DataError(f"{path}: cannot read the file ({error.strerror}).") from None
    if head.startswith(b"PAR1"):
        return "parquet", False
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return "excel", False
    return "csv", head.startswith(b"\x1f\x8b")


@dataclass(frozen=True)
class OrderSource:
    """Order files with everything an engine needs to read them.

    ``customer_col`` … ``segment_col`` are the names as they appear in the files; ``types``
    holds pyarrow type names of Parquet columns (CSV columns are all text).
    """

    files: tuple[Path, ...]
    format: str  # "csv", "parquet" or "excel"
    compressed: bool
    header: tuple[str, ...]
    customer_col: str
    date_col: str
    amount_col: str | None
    segment_col: str | None = None
    extra_dates: tuple[str, ...] = ()  # further date columns (a service period's start, end)
    delimiter: str = ","
    decimal: str = "."
    encoding: str = "utf-8"
    date_format: str | None = None
    types: tuple[tuple[str, str], ...] = ()
    bytes: int = 0

    @property
    def label(self) -> str:
        """The files for messages: one name, or the first and how many more."""
        first = str(self.files[0])
        return first if len(self.files) == 1 else f"{first} (+{len(self.files) - 1} more files)"

    def read_settings(self, on_error: str, lang: str, *, csv: bool) -> ReadSettings:
        """The order reader's settings for these files (the dialect found once; ``csv``:
        the piece read is CSV text)."""
        return ReadSettings(
            customer_col=self.customer_col,
            date_col=self.date_col,
            amount_col=self.amount_col,
            delimiter=self.delimiter if csv else None,
            decimal=self.decimal if self.amount_col else None,
            encoding=None if not csv or self.encoding == "utf-8" else self.encoding,
            date_format=self.date_format,
            on_error=on_error,
            lang=lang,
        )

    def type_of(self, column: str) -> str:
        """pyarrow type name of a Parquet column; ``"string"`` for CSV."""
        return dict(self.types).get(column, "string")

    def estimated_rows(self) -> int:
        """Orders in the files: exact for Parquet (metadata); for CSV the bytes over the
        mean line length at the start of the first file (for gzip, times how much that
        start expands), less the header lines.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "o.csv"
        >>> _ = path.write_text("customer_id,order_date\\n" + "a,2024-01-05\\n" * 999)
        >>> open_source(path).estimated_rows()  # 999 orders: the sample is the whole file
        999
        """
        if self.format == "parquet":
            import pyarrow.parquet as pq

            return sum(int(pq.read_metadata(f).num_rows) for f in self.files)
        with self.files[0].open("rb") as handle:
            start = handle.read(1 << 16)
        ratio = 1.0
        if self.compressed:
            import zlib

            stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                unpacked = stream.decompress(start)
            except zlib.error as error:
                raise DataError(f"{self.files[0]}: not a gzip file ({error}).") from None
            ratio = len(unpacked) / max(len(start) - len(stream.unconsumed_tail), 1)
            start = unpacked
        per_line = len(start) / max(start.count(b"\n"), 1)
        lines = round(self.bytes * ratio / max(per_line, 1.0))
        return max(lines - len(self.files), 0)  # less a header line per file


def _open_text(path: Path, compressed: bool) -> Any:
    return gzip.open(path, "rb") if compressed else path.open("rb")


def _sample(path: Path, compressed: bool, size: int) -> bytes:
    try:
        with _open_text(path, compressed) as handle:
            data: bytes = handle.read(size)
    except (OSError, EOFError) as error:
        raise DataError(f"{path}: cannot read the file ({error}).") from None
    return data


def _encoding(sample: bytes, given: str | None) -> str:
    """The reader's choice: a BOM (UTF-16, UTF-8), the given encoding, UTF-8 when the start
    of the file is valid UTF-8, else Windows-1252."""
    if sample[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    if sample[:3] == b"\xef\xbb\xbf" or (given is None and _is_utf8(sample)):
        return "utf-8"
    return given or "cp1252"


def _is_utf8(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start > len(sample) - 4  # a character cut off by the sample's end
    return True


def _text_lines(path: Path, compressed: bool, encoding: str, count: int) -> list[str]:
    """The first ``count`` lines of a CSV file as text."""
    codec = {"utf-8": "utf-8-sig"}.get(encoding, encoding)
    lines: list[str] = []
    with _open_text(path, compressed) as raw:
        text = io.TextIOWrapper(raw, encoding=codec, errors="replace", newline="")
        for line in text:
            if line.strip("\r\n") or lines:
                lines.append(line)
            if len(lines) >= count:
                break
    return lines


def _separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _request(
    customer_col: str,
    date_col: str,
    amount_col: str | None,
    require_amount: bool,
    segment_col: str | None,
    extra_dates: Sequence[str] = (),
    flags: Mapping[str, str] | None = None,
) -> Request:
    wants = {
        "customer": Want((customer_col,), True, "--customer-col"),
        "date": Want((date_col,), True, "--date-col"),
    }
    if amount_col is not None:
        wants["amount"] = Want((amount_col,), require_amount, "--amount-col")
    if segment_col is not None:
        wants["segment"] = Want((segment_col,), True, "--by")
    for name in extra_dates:
        wants[f"extra:{name}"] = Want((name,), True, "--start-col/--end-col")
    for role, flag in (flags or {}).items():  # a command's own names for the column options
        if role in wants:
            wants[role] = replace(wants[role], option=flag)
    return Request(wants)


def open_source(
    paths: Any,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str | None = "amount",
    require_amount: bool = False,
    segment_col: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    date_format: str | None = None,
    extra_dates: Sequence[str] = (),
    flags: Mapping[str, str] | None = None,
) -> OrderSource:
    """Resolve ``paths`` and the column and CSV options once, for any engine.

    An ``amount_col`` the files lack means orders without amounts, unless
    ``require_amount``. ``decimal`` defaults to what the first 20,000 amounts show (a
    comma before one or two final digits, or a dot before them), else ``","`` in
    semicolon-separated files and ``"."`` otherwise — as :func:`retention_xl.io.read_orders`
    decides.
    """
    if decimal not in (None, ".", ","):
        raise InputError(f"decimal must be '.' or ','; got {decimal!r}.")
    if delimiter is not None and len(delimiter) != 1:
        raise InputError(f"delimiter must be one character such as ';'; got {delimiter!r}.")
    files = expand_paths(paths)
    kinds = {file_format(f) for f in files}
    formats = {k[0] for k in kinds}
    if len(formats) > 1:
        raise InputError(
            f"paths mixes {' and '.join(sorted(formats))} files; give one format per call."
        )
    fmt = formats.pop()
    compressed = any(k[1] for k in kinds)
    label = str(files[0]) if len(files) == 1 else f"{files[0]} (+{len(files) - 1} more)"
    request = _request(
        customer_col, date_col, amount_col, require_amount, segment_col, extra_dates, flags
    )
    types: dict[str, str] = {}
    used_encoding, sep, header = "utf-8", ",", []
    if fmt == "parquet":
        header = _parquet_header(files, types)
    elif fmt == "csv":
        used_encoding = _encoding(_sample(files[0], compressed, _ENCODING_SAMPLE), encoding)
        first = _text_lines(files[0], compressed, used_encoding, 1)
        line = first[0].rstrip("\r\n") if first else ""
        sep = delimiter or _separator(line)
        header = [h.strip() for h in next(csv.reader([line], delimiter=sep), [])]
        for other in files[1:]:
            other_first = _text_lines(other, file_format(other)[1], used_encoding, 1)
            other_line = other_first[0].rstrip("\r\n") if other_first else ""
            other_header = [h.strip() for h in next(csv.reader([other_line], delimiter=sep), [])]
            if other_header != header:
                raise DataError(
                    f"{other}: its header {other_header} differs from {files[0]}'s {header}; "
                    "read files of one layout together."
                )
    if fmt != "excel" and not any(header):
        raise DataError(f"{files[0]}: the file is empty; expected a header row.")
    found = resolve(header, request, label) if fmt != "excel" else {}
    names = {role: header[at] for role, at in found.items()}
    if fmt == "excel":  # only the reader opens workbooks; it finds the columns itself
        names = {"customer": customer_col, "date": date_col}
        if amount_col is not None:
            names["amount"] = amount_col
        if segment_col is not None:
            names["segment"] = segment_col
        names.update({f"extra:{name}": name for name in extra_dates})
    chosen = decimal
    if chosen is None and "amount" in names and fmt == "csv":
        chosen = _detect_decimal(files[0], compressed, used_encoding, sep, header, names["amount"])
    return OrderSource(
        files=tuple(files),
        format=fmt,
        compressed=compressed,
        header=tuple(header),
        customer_col=names["customer"],
        date_col=names["date"],
        amount_col=names.get("amount"),
        segment_col=names.get("segment"),
        extra_dates=tuple(names[f"extra:{name}"] for name in extra_dates),
        delimiter=sep,
        decimal=chosen or ("," if sep == ";" else "."),
        encoding=used_encoding,
        date_format=date_format,
        types=tuple(types.items()),
        bytes=sum(f.stat().st_size for f in files),
    )


def _detect_decimal(
    path: Path, compressed: bool, encoding: str, sep: str, header: Sequence[str], column: str
) -> str | None:
    """The reader's decimal detection on the first 20,000 amounts of the first file."""
    import pyarrow as pa

    from ..io.build import detect_decimal

    at = list(header).index(column)
    lines = _text_lines(path, compressed, encoding, _DECIMAL_SAMPLE + 1)[1:]
    values = [row[at] for row in csv.reader(lines, delimiter=sep) if len(row) > at]
    found = detect_decimal(pa.array(values, pa.string()), "")
    return found or None


def _parquet_header(files: list[Path], types: dict[str, str]) -> list[str]:
    import pyarrow.parquet as pq

    header: list[str] = []
    for number, path in enumerate(files):
        try:
            schema = pq.read_schema(path)
        except Exception as error:  # pyarrow raises several types for a damaged file
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise DataError(f"{path}: cannot read it as Parquet ({reason}).") from None
        if number == 0:
            header = list(schema.names)
            types.update((field.name, str(field.type)) for field in schema)
        elif list(schema.names) != header:
            raise DataError(
                f"{path}: its columns {list(schema.names)} differ from {files[0]}'s {header}; "
                "read files of one layout together."
            )
    return header
