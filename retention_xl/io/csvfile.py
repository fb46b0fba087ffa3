"""CSV files on pyarrow's multithreaded reader: plain, gzip-compressed, German Excel exports.

One idea: find the encoding, the separator and the header in the first line (cheap, in
Python), then let pyarrow parse only the needed columns in C — customer ids and dates
dictionary-encoded while parsing — and hand them to :mod:`.build`. Line numbers are worked
out only when a row has to be named in a message. Imports pyarrow, :mod:`.build`,
:mod:`.request`, :mod:`.messages`, :mod:`.orders` and the errors.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), else
Windows-1252 (what German Excel writes as "CSV (Trennzeichen-getrennt)"), or the one given.
Separators: comma, semicolon, tab or ``|``, the most frequent one in the header line.
Quoting: ``"`` with doubled quotes inside; quoted fields may hold separators and line breaks.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from ..errors import DataError
from .build import Picked
from .messages import say
from .orders import ReadReport
from .request import Request, resolve

__all__ = ["pick_csv"]

_SEPARATORS = (";", ",", "\t", "|")
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())


def _unpack(raw: bytes, source: str, lang: str) -> bytes:
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(say("cannot_open", lang, source=source, reason=f"gzip: {error}")) from None


def _transcode(data: bytes, encoding: str, source: str, lang: str) -> bytes:
    """``data`` decoded from ``encoding`` and written as UTF-8, or a DataError."""
    try:
        return data.decode(encoding).encode("utf-8")
    except (UnicodeDecodeError, LookupError) as error:
        reason = (
            f"the text is neither UTF-8 nor {encoding} ({error}); name the encoding with --encoding"
        )
        raise DataError(say("cannot_open", lang, source=source, reason=reason)) from None


def _encode(data: bytes, encoding: str | None, source: str, lang: str) -> tuple[bytes, str]:
    """UTF-8 bytes of the file and the name of the encoding it had (BOMs removed)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _transcode(data, "utf-16", source, lang), "utf-16"
    if data[:3] == b"\xef\xbb\xbf":
        return data[3:], "utf-8-sig"
    if encoding and encoding.replace("-", "").replace("_", "").lower() not in ("utf8", "utf8sig"):
        return _transcode(data, encoding, source, lang), encoding
    return data, "utf-8"


def _looks_binary(data: bytes) -> bool:
    head = data[:65536]
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([c])) for c in (*range(1, 9), 11, 12, *range(14, 27)))
    return controls > len(head) // 100 + 2


_SAMPLE = 1 << 20


def _looks_utf8(data: bytes) -> bool:
    """Whether the text reads as UTF-8, judged by its first and last MiB (all of a smaller
    file). pyarrow then checks every value of the columns it reads, and a file that fails
    there is read again as Windows-1252."""
    if len(data) <= 2 * _SAMPLE:
        samples = [(data, True)]
    else:
        tail = data[-_SAMPLE:].lstrip(bytes(range(0x80, 0xC0)))  # start on a character
        samples = [(data[:_SAMPLE], False), (tail, True)]
    for sample, final in samples:
        if sample.isascii():
            continue
        try:  # the first sample may end inside a character; the file's end may not
            codecs.utf_8_decode(sample, "strict", final)
        except UnicodeDecodeError:
            return False
    return True


def _has_times(data: bytes, separator: str, at: int) -> bool:
    """Whether the date column of the first data lines holds a time of day."""
    lines = data[:65536].splitlines()[1:6]
    fields = [
        next(csv.reader([line.decode("utf-8", "replace")], delimiter=separator), [])
        for line in lines
    ]
    return any(len(f) > at and ":" in f[at] for f in fields)


def _first_line(data: bytes) -> bytes:
    """The header line: up to the first line break (``\n``, ``\r\n`` or a lone ``\r``)."""
    ends = [at for at in (data.find(b"\n"), data.find(b"\r")) if at >= 0]
    return data[: min(ends)] if ends else data


def _detect_separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


class _Lines:
    """Line numbers of the data rows as pyarrow sees them (worked out on first use)."""

    def __init__(self, text: bytes, separator: str, n_fields: int, first_line: int) -> None:
        self._text = text
        self._sep = separator
        self._n = n_fields
        self._first = first_line
        self._rows: np.ndarray | None = None

    def rows(self) -> np.ndarray:
        if self._rows is None:
            reader = csv.reader(
                io.StringIO(self._text.decode("utf-8", "replace"), newline=""),
                delimiter=self._sep,
            )
            lines = []
            start = self._first
            for record in reader:
                if record and len(record) == self._n and reader.line_num > 1:
                    lines.append(start)
                start = self._first + reader.line_num
            self._rows = np.array(lines, dtype=np.int64)
        return self._rows

    def line_of(self, text: str) -> int:
        """The line where the raw row ``text`` starts (for rows pyarrow refused)."""
        at = self._text.find(text.encode("utf-8"))
        return self._first + self._text.count(b"\n", 0, at) if at >= 0 else 0


def _empty_lines(data: bytes) -> int:
    """How many empty lines pyarrow skipped (it ignores them; the report counts them)."""
    if b"\n\n" not in data and b"\n\r\n" not in data:
        return 0
    text = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(text == 10)
    gaps = np.diff(breaks)
    after = np.minimum(breaks[:-1] + 1, text.size - 1)
    return int(np.sum((gaps == 1) | ((gaps == 2) & (text[after] == 13))))


def pick_csv(
    path: Path,
    raw: bytes,
    request: Request,
    *,
    delimiter: str | None,
    encoding: str | None,
    report: ReadReport,
) -> tuple[Picked, list[tuple[int, str]]]:
    """The requested columns of a CSV file, and the rows pyarrow could not split."""
    lang = request.lang
    source = str(path)
    data, used_encoding = _encode(_unpack(raw, source, lang), encoding, source, lang)
    if _looks_binary(data):
        raise DataError(say("binary", lang, source=source, kind=""))
    stripped = data.lstrip(b"\r\n")
    first_line = 1 + data[: len(data) - len(stripped)].count(b"\n")
    data = stripped
    header_bytes = _first_line(data)
    if not header_bytes.strip():
        raise DataError(say("empty_file", lang, source=source))
    if used_encoding == "utf-8" and not encoding and not _looks_utf8(data):
        data, used_encoding = _transcode(data, "cp1252", source, lang), "cp1252"
    header_text = _first_line(data).decode("utf-8")
    separator = delimiter or _detect_separator(header_text)
    try:
        header = next(csv.reader([header_text], delimiter=separator), [])
    except csv.Error as error:
        raise DataError(say("cannot_open", lang, source=source, reason=str(error))) from None
    report.encoding, report.delimiter, report.format = used_encoding, separator, "csv"
    found = resolve(header, request, source)
    names = [f"c{i}" for i in range(len(header))]
    # dates and segments repeat: encoded while parsing, they convert as a few distinct
    # strings; customer ids are encoded afterwards in one hash table (to_codes), which is
    # cheaper than unifying one dictionary per parsed block
    kinds = {"date": _DICTIONARY, "segment": _DICTIONARY}
    if "date" in found and _has_times(data, separator, found["date"]):
        kinds["date"] = pa.string()  # nearly every timestamp is distinct: no dictionary
    types = {names[at]: kinds.get(role, pa.string()) for role, at in found.items()}
    invalid: list[tuple[int | None, str, int]] = []

    def refuse(row: pa_csv.InvalidRow) -> str:
        invalid.append((row.number, row.text, row.actual_columns))
        return "skip"

    def read(payload: bytes) -> pa.Table:
        invalid.clear()
        return pa_csv.read_csv(
            pa.py_buffer(payload),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(
                delimiter=separator,
                newlines_in_values=b'"' in payload,
                invalid_row_handler=refuse,
            ),
            convert_options=pa_csv.ConvertOptions(
                include_columns=sorted(set(types), key=names.index),
                column_types=types,
                strings_can_be_null=False,
            ),
        )

    try:
        try:
            table = read(data)
        except pa.ArrowInvalid as error:
            if "UTF8" not in str(error) or used_encoding != "utf-8" or encoding:
                raise
            data, used_encoding = _transcode(data, "cp1252", source, lang), "cp1252"
            report.encoding = used_encoding
            table = read(data)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
        reason = str(error).splitlines()[0]
        raise DataError(say("cannot_open", lang, source=source, reason=reason)) from None
    lines = _Lines(data, separator, len(header), first_line)

    def locate(rows: np.ndarray) -> list[str]:
        numbers = lines.rows()
        return [f"{source}:{numbers[r] if r < numbers.size else '?'}" for r in rows.tolist()]

    rows_seen = table.num_rows + len(invalid) + 1
    if data.count(b"\n") + (not data.endswith(b"\n")) != rows_seen:
        report.blank_rows = _empty_lines(data)
    errors = []
    for number, text, actual in invalid:
        line = number if number else lines.line_of(text)
        problem = say("fields", lang, actual=actual, expected=len(header))
        errors.append((line, f"{source}:{line}: {problem}"))
    columns = {role: table.column(names[at]) for role, at in found.items()}
    extra = {k.split(":", 1)[1]: v for k, v in columns.items() if k.startswith("extra:")}
    columns = {k: v for k, v in columns.items() if not k.startswith("extra:")}
    shown = {role: header[at].strip() for role, at in found.items()}
    return Picked(columns, shown, locate, report, extra), errors
