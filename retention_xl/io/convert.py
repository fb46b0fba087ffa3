"""Column conversions on pyarrow arrays: text to day numbers, amounts and id codes.

One idea: every conversion is vectorised — regular expressions and casts of
``pyarrow.compute`` over whole columns (over a column's dictionary when it has one, so a
million orders on a thousand distinct dates convert a thousand strings), then numpy for the
calendar arithmetic — and reports failures as a boolean mask, never by a Python loop per
row. The reader turns the mask into messages naming the rows. Imports pyarrow and numpy.

Dates read
    ``YYYY-MM-DD``, optionally with a time (``T`` or a space), fractional seconds and an
    offset (``Z``, ``+0100``, ``+01:00``, ``UTC``); German ``DD.MM.YYYY`` optionally with a
    time; ``YYYY-MM`` (the first of that month, as billing exports write periods); Excel
    serial numbers; native dates and timestamps. **The order's day is the calendar date
    written in the export** — ``2024-01-02 23:30:00 -0800`` is 2 January, with no
    conversion to UTC (a shop reports its day in its own time zone). Slash dates like
    ``03/04/2024`` are refused as ambiguous unless ``date_format`` (a strftime pattern)
    says how to read them. With a ``timezone`` (a :class:`zoneinfo.ZoneInfo`), timestamps
    that carry an offset — ISO text with ``Z``, ``UTC`` or ``+01:00``, time-zone-aware
    timestamps — are instants and count on their calendar day in that zone
    (``2024-03-31T23:30:00+00:00`` is 1 April in Europe/Berlin); timestamps without an
    offset stay the day as written.
Amounts read
    a decimal point, or a decimal comma (``decimal=","``); thousands separators only in
    groups of three (``1.234,56``; ``1.23,4`` is refused, never guessed), currency signs,
    ``EUR``/``USD``/``CHF``/``GBP``, spaces and apostrophes (``1'234.50``) ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrays import flat, from_bools, to_bools, to_numbers, valid

__all__ = [
    "blank_mask",
    "has_offsets",
    "serial_to_days",
    "slash_mask",
    "to_amounts",
    "to_codes",
    "to_days",
    "to_text",
    "zone_days",
]

from .patterns import COMMA as _COMMA
from .patterns import COMMA_STRICT as _COMMA_STRICT
from .patterns import DIGIT as _DIGIT
from .patterns import GERMAN as _GERMAN
from .patterns import ISO as _ISO
from .patterns import MONTH as _MONTH
from .patterns import NOISE as _NOISE
from .patterns import POINT as _POINT
from .patterns import SERIAL as _SERIAL
from .patterns import SLASH as _SLASH
from .patterns import STAMP as _STAMP
from .patterns import ZONED as _ZONED

_MAX_SERIAL = 2958465  # 9999-12-31
_EXCEL_EPOCH = 25569  # serial of 1970-01-01


def _strings(column: pa.Array) -> pa.Array:
    return pc.utf8_trim_whitespace(pc.cast(column, pa.string()))


def _on_dictionary(column: pa.Array, convert: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """Run ``convert`` on a dictionary column's distinct values and spread the result."""
    if not pa.types.is_dictionary(column.type):
        return None
    values, bad = convert(column.dictionary)
    indices = to_numbers(column.indices).astype(np.int64)
    nulls = ~valid(column)
    if len(column.dictionary) == 0:
        return np.zeros(len(column), values.dtype), np.ones(len(column), bool)
    return values[indices], bad[indices] | nulls


def blank_mask(column: Any) -> np.ndarray:
    """True where a cell is null or only whitespace."""
    column = flat(column)
    if pa.types.is_dictionary(column.type):
        empty = blank_mask(column.dictionary)
        idx = to_numbers(column.indices)
        found: np.ndarray = empty[idx] if empty.size else np.ones(len(column), bool)
        result: np.ndarray = np.logical_or(found, ~valid(column))
        return result
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        empty = pc.invert(pc.cast(pc.utf8_length(column), pa.bool_()))
        return to_bools(pc.or_(empty, pc.utf8_is_space(column)), null=True)
    if pa.types.is_floating(column.type):
        return to_bools(pc.is_nan(column), null=True)
    return ~valid(column)


def _ymd_days(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers (since 1970-01-01) of year/month/day arrays, and a mask of impossible
    dates (month 13, 30 February …)."""
    bad = (m < 1) | (m > 12) | (d < 1) | (d > 31) | (y < 1) | (y > 9999)
    months = np.where(bad, 0, (y - 1970) * 12 + (m - 1))
    start = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    end = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    bad |= d > end - start
    return np.where(bad, 0, start + d - 1), bad


def _ints(parts: pa.StructArray, name: str) -> np.ndarray:
    field = pc.struct_field(parts, name)
    return to_numbers(pc.cast(field, pa.int64()))


def _pattern_days(
    text: pa.Array, pattern: str, fields: tuple[str, str, str | None]
) -> tuple[np.ndarray, np.ndarray]:
    """(days, matched) for the values of ``text`` matching ``pattern``."""
    parts = pc.extract_regex(text, pattern)
    matched = valid(parts)
    if not matched.any():
        return np.zeros(len(text), np.int64), matched
    y, m = _ints(parts, fields[0]), _ints(parts, fields[1])
    d = _ints(parts, fields[2]) if fields[2] else np.ones(len(text), np.int64)
    days, impossible = _ymd_days(y, m, d)
    return days, matched & ~impossible


def _text_days(text: pa.Array, date_format: str | None) -> tuple[np.ndarray, np.ndarray]:
    text = _strings(text)
    n = len(text)
    days = np.zeros(n, np.int64)
    bad = np.ones(n, bool)
    if date_format:
        parsed = pc.strptime(text, format=date_format, unit="s", error_is_null=True)
        values = pc.cast(parsed, pa.date32())
        return to_numbers(values).astype(np.int64), ~valid(parsed)
    todo = np.arange(n)
    rest = text
    if n > 20_000:  # many distinct timestamps: convert the distinct dates they start with
        stamp = to_bools(pc.match_substring_regex(text, _STAMP))
        if stamp.any():
            heads = pc.dictionary_encode(
                pc.utf8_slice_codeunits(text.filter(from_bools(stamp)), 0, 10)
            )
            head_days, head_bad = _text_days(heads.dictionary, None)
            index = to_numbers(heads.indices)
            days[stamp], bad[stamp] = head_days[index], head_bad[index]
            if stamp.all():
                return days, bad
            todo = np.flatnonzero(~stamp)
            rest = text.filter(from_bools(~stamp))
    for pattern, fields in (
        (_ISO, ("y", "m", "d")),
        (_GERMAN, ("y", "m", "d")),
        (_MONTH, ("y", "m", None)),
    ):
        found, matched = _pattern_days(rest, pattern, fields)
        days[todo[matched]] = found[matched]
        bad[todo[matched]] = False
        if matched.all():
            return days, bad
        keep = ~matched
        todo = todo[keep]
        rest = rest.filter(from_bools(keep))
    serial = to_bools(pc.match_substring_regex(rest, _SERIAL))
    if serial.any():
        numbers = pc.cast(
            pc.replace_substring(rest.filter(from_bools(serial)), ",", "."), pa.float64()
        )
        s_days, s_bad = serial_to_days(to_numbers(numbers, np.nan))
        at = todo[serial]
        days[at] = s_days
        bad[at] = s_bad
    return days, bad


_DAY = 86_400
_HOUR = 3_600
#: instants outside 1900–2200 take the zone's offset at the nearer end (lookups only)
_FIRST, _LAST = -2_208_988_800, 7_258_118_400
_UNITS = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


def _offsets(seconds: np.ndarray, zone: dt.tzinfo) -> np.ndarray:
    """The UTC offset of ``zone`` (seconds) at each instant, one lookup each."""
    out = []
    for t in np.clip(seconds, _FIRST, _LAST).tolist():
        offset = dt.datetime.fromtimestamp(t, zone).utcoffset()
        out.append(int(offset.total_seconds()) if offset is not None else 0)
    return np.array(out, dtype=np.int64)


def zone_days(seconds: np.ndarray, zone: dt.tzinfo) -> np.ndarray:
    """Calendar days (since 1970-01-01) in ``zone`` of instants given as seconds since
    1970-01-01 UTC.

    A zone's offset changes only at its transitions, so it is looked up once per distinct
    hour (at the hour's first and last second), and per instant only in the few hours that
    hold a transition.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> stamps = np.array([1711927800, 1711841400])  # 2024-03-31 23:30 and 2024-03-30 23:30 UTC
    >>> zone_days(stamps, ZoneInfo("Europe/Berlin")).astype("datetime64[D]").astype(str)
    array(['2024-04-01', '2024-03-31'], dtype='<U28')
    """
    seconds = np.asarray(seconds, dtype=np.int64)
    if seconds.size == 0:
        return np.zeros(0, np.int64)
    distinct, inverse = np.unique(np.floor_divide(seconds, _HOUR), return_inverse=True)
    starts = _offsets(distinct * _HOUR, zone)
    ends = _offsets(distinct * _HOUR + _HOUR - 1, zone)
    offsets = starts[inverse.reshape(-1)]
    inside = np.flatnonzero((starts != ends)[inverse.reshape(-1)])
    if inside.size:  # the hour of a transition: each instant on its own
        offsets[inside] = _offsets(seconds[inside], zone)
    days: np.ndarray = np.floor_divide(seconds + offsets, _DAY)
    return days


def _zone_offset(text: str) -> int:
    """Seconds east of UTC of an offset as ``ZONED`` matches it (``Z``, ``+01``, ``-0530``)."""
    if text in ("Z", "UTC"):
        return 0
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
    return (-60 if text[0] == "-" else 60) * minutes


def _zoned_days(text: pa.Array, zone: dt.tzinfo) -> tuple[np.ndarray, np.ndarray]:
    """(days in ``zone``, matched) for trimmed text cells holding an ISO timestamp with an
    offset; other cells are not matched."""
    parts = pc.extract_regex(text, _ZONED)
    matched = valid(parts)
    days = np.zeros(len(text), np.int64)
    if not matched.any():
        return days, matched
    y, m, d = _ints(parts, "y"), _ints(parts, "m"), _ints(parts, "d")
    hh, mm = _ints(parts, "hh"), _ints(parts, "mm")
    ss_text = pc.replace_substring_regex(pc.struct_field(parts, "ss"), "^$", "0")
    ss = to_numbers(pc.cast(ss_text, pa.int64()))
    zones = pc.dictionary_encode(pc.struct_field(parts, "zone"))
    table = np.array([_zone_offset(z or "Z") for z in zones.dictionary.to_pylist()], np.int64)
    offset = table[to_numbers(zones.indices).astype(np.int64)] if table.size else 0
    local, impossible = _ymd_days(y, m, d)
    ok = matched & ~impossible & (hh < 24) & (mm < 60) & (ss < 60)
    instants = local * _DAY + hh * _HOUR + mm * 60 + ss - offset
    days[ok] = zone_days(instants[ok], zone)
    return days, ok


def has_offsets(column: Any, sample: int = 20_000) -> bool:
    """Whether a cell among the first ``sample`` is a timestamp carrying its UTC offset (ISO
    text with ``Z``, ``UTC`` or ``+01:00``; a time-zone-aware timestamp).

    Examples
    --------
    >>> has_offsets(pa.array(["2024-03-31 23:30"])), has_offsets(pa.array(["2024-03-31T23:30Z"]))
    (False, True)
    """
    column = flat(column)
    kind = column.type
    if pa.types.is_dictionary(kind):
        return has_offsets(column.dictionary, sample)
    if pa.types.is_timestamp(kind):
        return kind.tz is not None
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return False
    head = _strings(column.slice(0, sample))
    return bool(pc.any(pc.match_substring_regex(head, _ZONED)).as_py())


def serial_to_days(serials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Excel serial numbers (1900 system, with its fictitious 29 February 1900) to days."""
    whole = np.floor(np.nan_to_num(serials, nan=0.0, posinf=0.0, neginf=0.0))
    bad = ~np.isfinite(serials) | (whole < 1) | (whole > _MAX_SERIAL) | (whole == 60)
    shifted = np.where(whole < 60, whole + 1, whole)
    return np.where(bad, 0, shifted - _EXCEL_EPOCH).astype(np.int64), bad


def to_days(
    column: Any, *, date_format: str | None = None, timezone: dt.tzinfo | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers (days since 1970-01-01) of a column, and a mask of unreadable cells.

    With ``timezone``, timestamps carrying an offset count on their day in that zone.

    Examples
    --------
    >>> days, bad = to_days(pa.array(["2024-01-02 23:30:00 -0800", "31.01.2024 14:23",
    ...                               "2024-02", "45322", "31.02.2024", "03/04/2024"]))
    >>> days.astype("datetime64[D]")[:4].astype(str).tolist()
    ['2024-01-02', '2024-01-31', '2024-02-01', '2024-01-31']
    >>> bad.tolist()
    [False, False, False, False, True, True]
    >>> to_days(pa.array(["03/04/2024"]), date_format="%d/%m/%Y")[0].astype("datetime64[D]")
    array(['2024-04-03'], dtype='datetime64[D]')
    >>> from zoneinfo import ZoneInfo
    >>> stamps = pa.array(["2024-03-31T23:30:00+00:00", "2024-03-31 23:30", "2024-04-01Z"])
    >>> to_days(stamps, timezone=ZoneInfo("Europe/Berlin"))[0].astype("datetime64[D]")
    array(['2024-04-01', '2024-03-31', '2024-04-01'], dtype='datetime64[D]')
    """
    column = flat(column)
    kind = column.type
    if pa.types.is_dictionary(kind):
        done = _on_dictionary(
            column, lambda values: to_days(values, date_format=date_format, timezone=timezone)
        )
        assert done is not None
        return done
    nulls = ~valid(column)
    if pa.types.is_timestamp(kind) and kind.tz is not None and timezone is not None:
        raw = to_numbers(pc.cast(column, pa.int64())).astype(np.int64)
        return zone_days(np.floor_divide(raw, _UNITS[kind.unit]), timezone), nulls
    if pa.types.is_timestamp(kind):
        if kind.tz is not None:  # the calendar day where the timestamp was written
            column = pc.local_timestamp(column)
        column = pc.cast(column, pa.date32())
        kind = column.type
    if pa.types.is_date(kind):
        return to_numbers(pc.cast(column, pa.date32())).astype(np.int64), nulls
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        days, bad = serial_to_days(to_numbers(pc.cast(column, pa.float64()), np.nan))
        return days, bad | nulls
    if pa.types.is_null(kind):
        return np.zeros(len(column), np.int64), np.ones(len(column), bool)
    days, bad = _text_days(column, date_format)
    if timezone is not None and not date_format:
        zoned, matched = _zoned_days(_strings(column), timezone)
        days = np.where(matched & ~bad, zoned, days)
    return days, bad | nulls


def slash_mask(column: Any) -> np.ndarray:
    """True where a cell holds a slash date like ``03/04/2024`` (ambiguous without a
    pattern)."""
    column = flat(column)
    if pa.types.is_dictionary(column.type):
        inner = slash_mask(column.dictionary)
        idx = to_numbers(column.indices)
        found: np.ndarray = inner[idx] if inner.size else np.zeros(len(column), bool)
        return found
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return np.zeros(len(column), bool)
    return to_bools(pc.match_substring_regex(_strings(column), _SLASH))


def _cast_floats(text: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """All of ``text`` cast to float64 in one go, or None if any value is not a plain
    number."""
    try:
        floats = to_numbers(pc.cast(text, pa.float64()), np.nan)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    finite = np.isfinite(floats)
    return np.where(finite, floats, 0.0), ~finite


def _text_amounts(text: pa.Array, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    if decimal == ".":
        quick = _cast_floats(text)  # the common case: plain numbers, one cast in C
        if quick is not None:
            return quick
    text = _strings(text)
    if decimal == ",":  # German numbers without currency signs: one check, two replaces
        strict = to_bools(pc.match_substring_regex(text, _COMMA_STRICT))
        if strict.all():
            plain = pc.replace_substring(pc.replace_substring(text, ".", ""), ",", ".")
            quick = _cast_floats(plain)
            if quick is not None:
                return quick
    elif (quick := _cast_floats(text)) is not None:
        return quick
    cleaned = pc.replace_substring_regex(text, _NOISE, "")
    ok = to_bools(
        pc.and_(
            pc.match_substring_regex(cleaned, _COMMA if decimal == "," else _POINT),
            pc.match_substring_regex(cleaned, _DIGIT),
        )
    )
    if decimal == ",":
        cleaned = pc.replace_substring(pc.replace_substring(cleaned, ".", ""), ",", ".")
    else:
        cleaned = pc.replace_substring(cleaned, ",", "")
    floats = np.zeros(len(text))
    if ok.any():
        floats[ok] = to_numbers(pc.cast(cleaned.filter(from_bools(ok)), pa.float64()), np.nan)
    bad = ~ok | ~np.isfinite(floats)
    return np.where(bad, 0.0, floats), bad


def to_amounts(column: Any, *, decimal: str = ".") -> tuple[np.ndarray, np.ndarray]:
    """Amounts of a column as float64, and a mask of unreadable cells.

    Examples
    --------
    >>> values, bad = to_amounts(pa.array(["1.234,56 €", "-12,5", "1.23,4", ""]), decimal=",")
    >>> values.tolist(), bad.tolist()
    ([1234.56, -12.5, 0.0, 0.0], [False, False, True, True])
    >>> to_amounts(pa.array(["$1,234.50", "7"]))[0].tolist()
    [1234.5, 7.0]
    """
    column = flat(column)
    kind = column.type
    if pa.types.is_dictionary(kind):
        done = _on_dictionary(column, lambda values: to_amounts(values, decimal=decimal))
        assert done is not None
        return done
    nulls = ~valid(column)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        floats = to_numbers(pc.cast(column, pa.float64()), np.nan)
        finite = np.isfinite(floats)
        return np.where(finite, floats, 0.0), ~finite
    if pa.types.is_null(kind):
        return np.zeros(len(column)), np.ones(len(column), bool)
    values, bad = _text_amounts(column, decimal)
    return values, bad | nulls


def _number_text(column: pa.Array) -> pa.Array:
    """Numeric ids as text: whole numbers without a decimal part (7.0 is ``"7"``)."""
    if pa.types.is_floating(column.type):
        floats = to_numbers(column, np.nan)
        whole = np.isfinite(floats) & (floats == np.floor(floats)) & (np.abs(floats) < 2.0**63)
        if whole.all():
            return pc.cast(pc.cast(column, pa.int64()), pa.string())
        texts = [
            "" if not np.isfinite(v) else (str(int(v)) if v == int(v) else repr(v))
            for v in floats.tolist()
        ]
        return pa.array(texts, pa.string())
    return pc.cast(column, pa.string())


def to_codes(column: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(codes, names, empty): each cell's index into the distinct trimmed ids ``names``,
    and a mask of empty cells (their code is meaningless).

    Examples
    --------
    >>> codes, names, empty = to_codes(pa.array(["b ", "a", "b", " ", None]))
    >>> names[codes].tolist()[:3], empty.tolist()
    (['b', 'a', 'b'], [False, False, False, True, True])
    >>> to_codes(pa.array([7.0, 7.5]))[1].tolist()
    ['7', '7.5']
    """
    column = flat(column)
    if pa.types.is_dictionary(column.type):
        dictionary = column.dictionary
        if not (pa.types.is_string(dictionary.type) or pa.types.is_large_string(dictionary.type)):
            dictionary = _number_text(dictionary)
        trimmed = _strings(dictionary)
        inner = pc.dictionary_encode(trimmed)
        remap = to_numbers(inner.indices).astype(np.int64)
        idx = to_numbers(column.indices).astype(np.int64)
        codes = remap[idx] if remap.size else np.zeros(len(column), np.int64)
        names_arr = inner.dictionary
        nulls = ~valid(column)
    else:
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            column = _number_text(column)
        encoded = pc.dictionary_encode(_strings(column))
        nulls = ~valid(encoded)
        codes = to_numbers(encoded.indices).astype(np.int64)
        names_arr = encoded.dictionary
    names = np.array(names_arr.to_pylist(), dtype=str) if len(names_arr) else np.array([], "<U1")
    empty_name = np.char.str_len(names) == 0 if names.size else np.zeros(0, bool)
    empty = nulls | (empty_name[codes] if names.size else np.ones(len(codes), bool))
    return codes, names, empty


def to_text(column: Any, blank: str = "") -> np.ndarray:
    """Trimmed text per cell (``blank`` for empty cells), as a numpy ``<U`` array.

    Examples
    --------
    >>> to_text(pa.array([" Berlin", None]), "(blank)").tolist()
    ['Berlin', '(blank)']
    """
    codes, names, empty = to_codes(column)
    if not names.size:
        return np.full(len(codes), blank)
    out: np.ndarray = names[codes]
    return np.where(empty, blank, out) if empty.any() else out
