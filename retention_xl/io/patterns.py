"""The text forms the order reader accepts, stated once as regular expressions.

One idea: the dates and amounts a cell may hold, in RE2 syntax, which both pyarrow (the
reader, :mod:`.convert`) and DuckDB (the engine's SQL, :mod:`retention_xl.engines.duckdb`)
match — so the two read the same cells the same way. Imports nothing.

Examples
--------
>>> import re
>>> [bool(re.match(POINT, text)) for text in ("1,234.50", "5.", ".5", "1,23.4", "5e3")]
[True, True, True, False, True]
>>> [bool(re.match(COMMA, text)) for text in ("1.234,50", "5,", "1.23,4")]
[True, False, False]
"""

from __future__ import annotations

__all__ = [
    "COMMA",
    "COMMA_STRICT",
    "DIGIT",
    "GERMAN",
    "ISO",
    "MONTH",
    "NOISE",
    "POINT",
    "SERIAL",
    "SLASH",
    "STAMP",
    "ZONED",
]

#: ``YYYY-MM-DD``, optionally with a time (``T`` or a space), fractional seconds and an
#: offset (``Z``, ``+0100``, ``+01:00``, ``UTC``); groups year, month, day.
ISO = (
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
    r"(?:\s?(?:Z|UTC|[+-]\d{2}(?::?\d{2})?))?$"
)
#: German ``DD.MM.YYYY``, optionally with a time (``, 14:23 Uhr``); groups day, month, year.
GERMAN = (
    r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"
    r"(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s?Uhr)?)?$"
)
#: A zero-padded ISO or German date with a time: its first 10 characters are the date.
STAMP = (
    r"^(?:\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s?(?:Z|UTC|[+-]\d{2}(?::?\d{2})?))?"
    r"|,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s?Uhr)?)?$"
)
#: An ISO timestamp that carries its offset (``Z``, ``UTC``, ``+01``, ``+0100``, ``+01:00``):
#: an instant, which a time zone turns into that zone's calendar day; groups year, month,
#: day, hour, minute, second (optional) and zone.
ZONED = (
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})[T ](?P<hh>\d{1,2}):(?P<mm>\d{2})"
    r"(?::(?P<ss>\d{2})(?:[.,]\d+)?)?\s?(?P<zone>Z|UTC|[+-]\d{2}(?::?\d{2})?)$"
)
#: ``YYYY-MM``: the first of that month (billing periods); groups year, month.
MONTH = r"^(?P<y>\d{4})-(?P<m>\d{1,2})$"
#: An Excel serial day, whole or with a fraction of a day.
SERIAL = r"^\d{1,7}(?:[.,]\d+)?$"
#: A slash date (``03/04/2024``): refused as ambiguous unless a date format is given.
SLASH = r"^\d{1,4}/\d{1,2}/\d{1,4}(?:\D.*)?$"
#: What an amount may carry besides the number: spaces, apostrophes, currency signs.
NOISE = "[\\s\u00a0\u202f'’€$£]|EUR|USD|CHF|GBP"
#: An amount with a decimal point (after the noise is removed): thousands separators only in
#: groups of three, a point with or without digits after it (``5.`` is 5), an exponent.
POINT = r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d*)?(?:[eE][+-]?\d+)?$"
#: An amount with a decimal comma: thousands points only in groups of three.
COMMA = r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d*)(?:,\d+)?$"
#: :data:`COMMA` with a digit before the comma (the quick path of plain German numbers).
COMMA_STRICT = r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$"
#: An amount must hold at least one digit.
DIGIT = r"\d"
