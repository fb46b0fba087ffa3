"""The DuckDB engine: cohort tables from order files of any size, out of core, in SQL.

One idea: translate the rules of :mod:`.conventions` into SQL run by embedded DuckDB
straight on CSV, gzip CSV and Parquet files (no server, no loading into Python), with a
``memory_limit`` under which DuckDB spills to ``temp_directory``. Two statements per run,
each one aggregation: the *bounds* (per segment: last order day, earliest purchase,
unreadable rows — R1, R2) and the *cells* (distinct customers, revenue and orders per cohort
and offset, or per customer reach for the kinds ``on_or_after`` and ``rolling`` — R3–R7).
Only these small results come back; :func:`retention_xl.cohorts.finish_table` does the
rest, as for every engine. Splitting by a column (R10) is one more group key in the same
two statements. Imports duckdb (the ``[duckdb]`` extra) inside functions, numpy,
:mod:`.conventions`, :mod:`.sources`, :mod:`.report`, :mod:`retention_xl.cohorts` and the
reader's messages (:mod:`retention_xl.io.messages`).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..cohorts import CohortCounts, CohortFrame, CohortSpec, CohortTable, customers_from_reach
from ..errors import DataError, InputError
from ..io import patterns
from .report import EngineReport, OrderTotals
from .sources import OrderSource

__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "EPOCH",
    "OpenOrders",
    "cohort_tables",
    "connect",
    "default_memory_limit",
    "literal",
    "open_orders",
    "period_index_sql",
    "plain",
    "run",
    "run_rows",
    "scratch_connection",
    "settings_of",
]

#: DuckDB's memory cap when none is given: 20 bytes per order, at least 512 MiB, at most half
#: the machine's memory (DuckDB's own default, 80 % of the RAM, lets one report take the
#: machine). Measured in benchmarks/RESULTS.md: 10M and 30M orders run in 512 MiB (10M peaks
#: at about 650 MiB resident), 100M orders need 2 GB (1 GB runs out of memory).
DEFAULT_MEMORY_LIMIT = "512MiB"
_BYTES_PER_ORDER = 20


def default_memory_limit(orders: int) -> str:
    """The memory cap for ``orders`` orders when none is given (see
    :data:`DEFAULT_MEMORY_LIMIT`).

    Examples
    --------
    >>> default_memory_limit(10_000_000), default_memory_limit(100_000_000)
    ('512MiB', '1907MiB')
    """
    want = max(512 * 2**20, _BYTES_PER_ORDER * int(orders))
    try:
        machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not POSIX: no cap from the machine
        machine = 2 * want
    return f"{min(want, machine // 2) // 2**20}MiB"


# the reader's patterns (retention_xl.io.patterns): DuckDB matches them in RE2, as pyarrow
_ISO, _GERMAN, _MONTH, _SLASH, _SERIAL = (
    patterns.ISO,
    patterns.GERMAN,
    patterns.MONTH,
    patterns.SLASH,
    patterns.SERIAL,
)
_POINT, _COMMA = patterns.POINT, patterns.COMMA
# the everyday forms, matched first (subsets of the patterns above)
_PLAIN_ISO = r"\d{4}-\d{2}-\d{2}"
_PLAIN_GERMAN = r"\d{2}\.\d{2}\.\d{4}"
_PLAIN_POINT = r"-?\d+(?:\.\d+)?"
_PLAIN_COMMA = r"-?\d+(?:,\d+)?"
# \x{80}: the euro sign of a Windows-1252 file, which DuckDB decodes as latin-1
_NOISE = patterns.NOISE.replace("£]", "£\\x{80}]")
# what pyarrow's utf8_trim_whitespace (and Python's str.strip) remove
_SPACES = "".join(
    chr(c)
    for c in (
        *(9, 10, 11, 12, 13, 0x1C, 0x1D, 0x1E, 0x1F, 32, 0x85, 0xA0, 0x1680),
        *range(0x2000, 0x200B),
        *(0x2028, 0x2029, 0x202F, 0x205F, 0x3000),
    )
)
EPOCH = "DATE '1970-01-01'"  # day number 0, as SQL


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise InputError(
            "engine='duckdb' needs the duckdb package: pip install retention-xl[duckdb] "
            "(or choose engine='numpy')."
        ) from None
    return duckdb


def connect(
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    threads: int | None = None,
) -> Any:
    """An in-memory DuckDB connection for one run: ``memory_limit`` (``"2GB"``) caps
    DuckDB's buffers, spilling to ``temp_directory``; time zone UTC (R1); results need not
    keep the input order (less memory)."""
    duckdb = _duckdb()
    con = duckdb.connect(":memory:")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET TimeZone = 'UTC'")
    if memory_limit is not None:
        con.execute(f"SET memory_limit = '{str(memory_limit).strip()}'")
    if temp_directory is not None:
        con.execute(f"SET temp_directory = {literal(str(temp_directory))}")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    return con


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _family(type_name: str) -> str:
    """The kind of a (pyarrow-named) column type: text, int, float, date, timestamp…"""
    name = type_name.lower()
    if name.startswith(("int", "uint")):
        return "int"
    if name.startswith(("double", "float", "halffloat")):
        return "float"
    if name.startswith("decimal"):
        return "decimal"
    if name.startswith("date"):
        return "date"
    if name.startswith("timestamp"):
        return "timestamp"
    if name.startswith("dictionary"):
        return _family(name.split("values=", 1)[1]) if "values=" in name else "text"
    return "text"


def _scan(source: OrderSource, skip: bool) -> str:
    """The files as a table: Parquet as typed, CSV as text (a row whose fields do not match
    the header stops the query, or with ``skip`` is left out and stored as rejected)."""
    files = "[" + ", ".join(literal(str(f)) for f in source.files) + "]"
    if source.format == "parquet":
        return f"read_parquet({files}, filename = true, file_row_number = true)"
    encoding = {"cp1252": "latin-1", "utf-16": "utf-16"}.get(source.encoding.lower(), "utf-8")
    columns = ", ".join(f"{literal(h)}: 'VARCHAR'" for h in source.header)
    return (
        f"read_csv({files}, header = true, delim = {literal(source.delimiter)}, "
        f"quote = '\"', escape = '\"', encoding = {literal(encoding)}, filename = true, "
        f"auto_detect = false, columns = {{{columns}}}, "
        f"compression = {literal('gzip' if source.compressed else 'none')}"
        + (", ignore_errors = true, store_rejects = true" if skip else "")
        + ")"
    )


def _trimmed(column: str) -> str:
    """Text without the spaces around it (the reader's trim), NULL when empty — the slow
    trim only for the rare values that start or end with a space of some kind."""
    text = f"CAST({column} AS VARCHAR)"
    spaces = literal(_SPACES)
    return (
        f"nullif(CASE WHEN contains({spaces}, left({text}, 1)) "
        f"OR contains({spaces}, right({text}, 1)) THEN trim({text}, {spaces}) "
        f"ELSE {text} END, '')"
    )


_ROLES = {"c": "customer_col", "d": "date_col", "a": "amount_col", "s": "segment_col"}


def _cells_of(source: OrderSource) -> dict[str, tuple[str, str]]:
    """Role -> (column name in the files, type family) for the columns read: c, d, a, s,
    and e0, e1 … for the further date columns."""
    out = {}
    for role, attribute in _ROLES.items():
        name = getattr(source, attribute)
        if name is not None:
            out[role] = (name, _family(source.type_of(name)))
    for number, name in enumerate(source.extra_dates):
        out[f"e{number}"] = (name, _family(source.type_of(name)))
    return out


def _number_text(column: str) -> str:
    """A number as the reader writes an id: a whole number without decimals (7.0 is 7)."""
    return (
        f"CASE WHEN NOT isfinite(CAST({column} AS DOUBLE)) THEN NULL "
        f"WHEN {column} = trunc({column}) AND abs({column}) < 1e18 "
        f"THEN CAST(CAST({column} AS BIGINT) AS VARCHAR) "
        f"ELSE CAST(CAST({column} AS DOUBLE) AS VARCHAR) END"
    )


def _id_sql(family: str) -> str:
    """R1: the id as trimmed text (numbers as the reader writes them); NULL when empty."""
    if family == "int":
        return "CAST(x_c AS VARCHAR)"
    if family in ("float", "decimal"):
        return _number_text("x_c")
    return "x_c"


def _serial_sql(number: str) -> str:
    """An Excel serial day (1 = 1900-01-01; 60, the fictitious 1900-02-29, is refused)."""
    whole = f"floor({number})"
    return (
        f"CASE WHEN {whole} BETWEEN 1 AND 2958465 AND {whole} <> 60 THEN "
        f"DATE '1899-12-30' + CAST({whole} AS INTEGER) "
        f"+ CASE WHEN {whole} < 60 THEN 1 ELSE 0 END END"
    )


def _ymd_sql(pattern: str, order: tuple[int, int, int | None], x_d: str = "x_d") -> str:
    """The date of the groups (year, month, day) of ``pattern`` in the column ``x_d``;
    NULL for an impossible date (30 February, year 0)."""
    parts = [f"regexp_extract({x_d}, {literal(pattern)}, {g})" if g else "'1'" for g in order]
    year, month, day = parts
    return (
        f"CASE WHEN CAST({year} AS INTEGER) >= 1 THEN try_cast({year} || '-' || {month} "
        f"|| '-' || {day} AS DATE) END"
    )


def _date_sql(family: str, type_name: str, date_format: str | None, x_d: str = "x_d") -> str:
    """R1: the calendar date written in the column ``x_d``, as a DATE; NULL when it cannot
    be read."""
    if family == "date":
        return f"CAST({x_d} AS DATE)"
    if family == "timestamp":
        zone = re.search(r"tz=([^,\]]+)", type_name)
        if zone and zone[1] not in ("UTC", "+00:00", "Etc/UTC"):
            # the calendar day where the timestamp was written, in its own time zone
            return f"CAST(timezone({literal(zone[1])}, {x_d}) AS DATE)"
        return f"CAST({x_d} AS DATE)"  # session time zone UTC: see connect()
    if family in ("int", "float", "decimal"):
        return _serial_sql(f"CAST({x_d} AS DOUBLE)")
    if date_format:
        return f"CAST(try_strptime({x_d}, {literal(date_format)}) AS DATE)"
    serial = _serial_sql(f"try_cast(replace({x_d}, ',', '.') AS DOUBLE)")
    return (  # the plain forms first: a simple pattern is several times faster to match
        f"CASE WHEN regexp_full_match({x_d}, {literal(_PLAIN_ISO)}) "
        f"THEN CASE WHEN left({x_d}, 4) <> '0000' THEN try_cast({x_d} AS DATE) END "
        f"WHEN regexp_full_match({x_d}, {literal(_PLAIN_GERMAN)}) THEN CASE WHEN "
        f"right({x_d}, 4) <> '0000' THEN try_cast(right({x_d}, 4) || '-' || "
        f"substr({x_d}, 4, 2) || '-' || left({x_d}, 2) AS DATE) END "
        f"WHEN regexp_full_match({x_d}, {literal(_ISO)}) "
        f"THEN {_ymd_sql(_ISO, (1, 2, 3), x_d)} "
        f"WHEN regexp_full_match({x_d}, {literal(_GERMAN)}) "
        f"THEN {_ymd_sql(_GERMAN, (3, 2, 1), x_d)} "
        f"WHEN regexp_full_match({x_d}, {literal(_MONTH)}) "
        f"THEN {_ymd_sql(_MONTH, (1, 2, None), x_d)} "
        f"WHEN regexp_full_match({x_d}, {literal(_SERIAL)}) THEN {serial} END"
    )


def _amount_sql(family: str | None, decimal: str) -> str:
    """The amount as DOUBLE as the reader takes it (text: currency signs, spaces and
    apostrophes dropped, thousands only in groups of three); NULL when it cannot be read
    (the row check also refuses infinities and NaN); 0 without an amount column (every
    order a purchase)."""
    if family is None:
        return "CAST(0 AS DOUBLE)"
    if family in ("int", "float", "decimal"):
        return "CAST(x_a AS DOUBLE)"
    cleaned = f"regexp_replace(x_a, {literal(_NOISE)}, '', 'g')"
    if decimal == ",":
        quick, valid = _PLAIN_COMMA, _COMMA
        plain = f"replace(replace({cleaned}, '.', ''), ',', '.')"
    else:
        quick, valid = _PLAIN_POINT, _POINT
        plain = f"replace({cleaned}, ',', '')"
    return (  # plain numbers first: a simple pattern, no cleaning
        f"CASE WHEN regexp_full_match(x_a, {literal(quick)}) "
        f"THEN CAST(replace(x_a, ',', '.') AS DOUBLE) "
        f"WHEN regexp_full_match({cleaned}, {literal(valid)}) "
        f"AND regexp_matches({cleaned}, '\\d') THEN try_cast({plain} AS DOUBLE) END"
    )


# Windows-1252 characters that latin-1 decoding puts at U+0080 … U+009F (segment names)
_CP1252 = "€\ufffd‚ƒ„…†‡ˆ‰Š‹Œ\ufffdŽ\ufffd\ufffd‘’“”•–—˜™š›œ\ufffdžŸ"


def _segment_sql(family: str | None, cp1252: bool) -> str:
    """R10: the segment as text; blank is ``(blank)``."""
    if family is None:
        return "''"
    value = _number_text("x_s") if family in ("float", "decimal") else "CAST(x_s AS VARCHAR)"
    text = f"coalesce({value}, '(blank)')"
    if cp1252:
        latin = "".join(chr(c) for c in range(0x80, 0xA0))
        text = f"translate({text}, {literal(latin)}, {literal(_CP1252)})"
    return text


def _blank_sql(role: str, family: str) -> str:
    """The reader's blank cell: empty or spaces-only text, NaN, or null."""
    if family == "float":
        return f"(x_{role} IS NULL OR isnan(x_{role}))"
    return f"x_{role} IS NULL"


@dataclass(frozen=True)
class _Read:
    """How a statement reads the files: ``skip`` leaves out CSV lines of the wrong width;
    ``clean`` (the bounds found no blank or unreadable row) drops the row checks;
    ``raw_ids`` (no id needed trimming) reads text ids as they are; ``numbered`` numbers
    a single CSV file's rows (for messages)."""

    skip: bool = False
    clean: bool = False
    raw_ids: bool = False
    numbered: bool = False


def _normalized(source: OrderSource, read: _Read) -> str:
    """R1, one row per order: segment s, id c, DATE dt, amount a, the cells as read
    (x_c, x_d, x_a), whether the id had spaces around it (trimmed), whether the row is
    blank, ok (readable, not blank), the file and the row in it (Parquet; a single
    numbered CSV file)."""
    cells = _cells_of(source)
    inner = []
    for role, (name, family) in cells.items():
        plain = family != "text" or (role == "c" and read.raw_ids)
        inner.append(f"{_quote(name) if plain else _trimmed(_quote(name))} AS x_{role}")
    blank = " AND ".join(_blank_sql(role, family) for role, (_, family) in cells.items())
    amount = cells.get("a", ("", None))[1]
    segment = cells.get("s", ("", None))[1]
    cp1252 = source.format == "csv" and source.encoding.lower() == "cp1252"
    date = _date_sql(cells["d"][1], source.type_of(source.date_col), source.date_format)
    row = "NULL"
    if source.format == "parquet":
        row = "file_row_number + 1"
    elif read.numbered and len(source.files) == 1:  # streams when the input order is kept
        row = "row_number() OVER ()"
    extras = [role for role in cells if role.startswith("e")]
    ok = (
        "TRUE"
        if read.clean
        else "c IS NOT NULL AND dt IS NOT NULL AND coalesce(isfinite(a), false)"
        + "".join(f" AND NOT {_unread_extra(role, cells[role][1])}" for role in extras)
    )
    dates = "".join(
        f"{_date_sql(cells[r][1], source.type_of(cells[r][0]), source.date_format, 'x_' + r)} "
        f"AS {r}, x_{r}, "
        for r in extras
    )
    return (
        f"SELECT *, {ok} AS ok "
        f"FROM (SELECT {_segment_sql(segment, cp1252)} AS s, {_id_sql(cells['c'][1])} AS c, "
        f"{date} AS dt, {_amount_sql(amount, source.decimal)} AS a, {dates}"
        f"x_c, x_d, {'x_a' if amount else 'NULL'} AS x_a, ({blank}) AS blank, filename, row, "
        f"x_c IS DISTINCT FROM CAST({_quote(source.customer_col)} AS VARCHAR) AS trimmed "
        f"FROM (SELECT {', '.join(inner)}, filename, {row} AS row, "
        f"{_quote(source.customer_col)} FROM {_scan(source, read.skip)}))"
    )


def _unread_extra(role: str, family: str) -> str:
    """A further date (``e0`` …) that is given but cannot be read (blank is allowed)."""
    return f"(NOT {_blank_sql(role, family)} AND {role} IS NULL)"


def _extras(source: OrderSource) -> str:
    """The further date columns as the rows carry them: ``, e0, e1`` (or nothing)."""
    return "".join(f", e{number}" for number in range(len(source.extra_dates)))


def period_index_sql(code: str, column: str) -> str:
    """R4 in SQL: the calendar period index of the DATE ``column`` (``D``, ``W``, ``M``,
    ``Q``, ``Y``), equal to :meth:`retention_xl.periods.Period.index` of its day number.

    Examples
    --------
    >>> period_index_sql("Q", "dt")
    '(year(dt) - 1970) * 4 + (month(dt) - 1) // 3'
    """
    day = f"({column} - {EPOCH})"
    return {
        "D": day,
        "W": f"CAST(floor(({column} - DATE '1970-01-05') / 7) AS BIGINT)",
        "M": f"(year({column}) - 1970) * 12 + month({column}) - 1",
        "Q": f"(year({column}) - 1970) * 4 + (month({column}) - 1) // 3",
        "Y": f"year({column}) - 1970",
    }[code]


@dataclass(frozen=True)
class _Frames:
    """The frames as the main statements see them: one segment's numbers inlined (no
    segment column at all), or a table ``rx_frames`` joined on the segment."""

    keys: str  # the customer key: "c", or "s, c" per segment
    join: str  # "" or the join with rx_frames
    e: str  # SQL for the end (a DATE), the first cohort's calendar index, the earliest
    lo: str  # purchase (a DATE) and the last observed diagonal
    f0: str
    dg: str

    @classmethod
    def inline(cls, frame: CohortFrame) -> _Frames:
        first = frame.first if frame.first is not None else 0
        return cls(
            "c",
            "",
            f"({EPOCH} + {frame.end})",
            str(frame.origin),
            f"({EPOCH} + {first})",
            str(frame.diagonal),
        )

    @classmethod
    def table(cls) -> _Frames:
        return cls("s, c", " JOIN rx_frames fr ON n.s = fr.s", "fr.e", "o.lo", "o.f0", "dg")


def _cohort_sql(conventions: CohortSpec, frames: _Frames) -> tuple[str, str]:
    """R5: cohort i of first purchase ``f.f`` and offset k of order day ``o.dt``."""
    period = conventions.period
    if period.rolling:
        n = period.days
        return f"(f.f - {frames.f0}) // {n}", f"(o.dt - f.f) // {n}"
    first = period_index_sql(period.code, "f.f")
    return f"{first} - {frames.lo}", f"{period_index_sql(period.code, 'o.dt')} - ({first})"


def _placed_cte(conventions: CohortSpec, rows: str, fr: _Frames) -> str:
    """Orders on or before their segment's end (R2), first purchases and purchase counts
    per customer (R3), and every order at its cohort i and offset k (R5) — at
    i = k = -1 when it is an unplaced refund: the rows ``j``.

    The statements that follow aggregate ``j`` once more, straight after the join:
    DuckDB spills such an aggregate (distinct counts included) under its memory limit,
    where a second large aggregate behind the join ran out of memory at 100M orders.
    """
    cohort, offset = _cohort_sql(conventions, fr)
    unplaced = "f.f IS NULL OR o.dt < f.f"
    segmented = fr.keys != "c"
    carried = ", fr.lo, fr.f0, fr.dg" if segmented else ""
    on = " AND ".join(f"o.{key} = f.{key}" for key in fr.keys.split(", "))
    return (
        f"WITH n AS NOT MATERIALIZED (SELECT * FROM {rows}), "
        f"o AS NOT MATERIALIZED (SELECT n.s, n.c, n.dt, n.a{carried} "
        f"FROM n{fr.join} WHERE n.ok AND n.dt <= {fr.e}), "
        f"firsts AS (SELECT {fr.keys}, min(dt) AS f, count(*) AS np FROM o "
        f"WHERE a >= 0 GROUP BY {fr.keys}), "
        f"j AS (SELECT o.s, o.c, o.a, coalesce(f.np, 0) AS np{', o.dg' if segmented else ''}, "
        f"CASE WHEN {unplaced} THEN -1 ELSE {cohort} END AS i, "
        f"CASE WHEN {unplaced} THEN -1 ELSE {offset} END AS k "
        f"FROM o LEFT JOIN firsts f ON {on}) "
    )


def _cells_sql(conventions: CohortSpec, rows: str, fr: _Frames) -> str:
    """R7 ``on`` and R8 revenue: per (segment, i, k) the customers with a purchase (and
    those of them with two or more purchases, counted at k = 0 for the order totals), the
    revenue and the orders; i = -1 holds the unplaced refunds."""
    segment = "s, " if fr.keys != "c" else ""
    return _placed_cte(conventions, rows, fr) + (
        f"SELECT {segment}i, k, count(DISTINCT c) FILTER (a >= 0) AS customers, "
        "count(DISTINCT c) FILTER (a >= 0 AND np >= 2 AND k = 0) AS repeaters, "
        f"sum(a) AS revenue, count(*) AS orders FROM j GROUP BY {segment}i, k"
    )


def _reach_sql(conventions: CohortSpec, rows: str, fr: _Frames) -> str:
    """R7 ``on_or_after`` / ``rolling``: per (segment, i, reach) the customers (and those
    with two or more purchases), with the used, unobserved and unplaced orders they hold."""
    used = f"i >= 0 AND i + k <= {fr.dg}"
    if conventions.kind == "on_or_after":
        reach = f"max(k) FILTER (a >= 0 AND {used})"
    else:  # rolling: the run 0, 1, …, r of counted offsets; sorted offsets o_j ≥ j − 1
        offsets = f"list_sort(list(DISTINCT k) FILTER (a >= 0 AND {used}))"
        reach = f"len(list_filter({offsets}, lambda x, pos: x = pos - 1)) - 1"
    segment = "s, " if fr.keys != "c" else ""
    return _placed_cte(conventions, rows, fr) + (
        f", q AS (SELECT {segment}i, {reach} AS r, max(np) AS np, "
        f"count(*) FILTER ({used}) AS used, "
        f"count(*) FILTER (i >= 0 AND i + k > {fr.dg}) AS unobserved, "
        "count(*) FILTER (i < 0) AS unplaced, "
        "coalesce(sum(a) FILTER (i < 0), 0) AS unplaced_amount "
        f"FROM j GROUP BY {fr.keys}, i) "
        f"SELECT {segment}i, coalesce(r, -1) AS r, count(*) AS customers, "
        "count(*) FILTER (np >= 2) AS repeaters, sum(used) AS used, "
        "sum(unobserved) AS unobserved, sum(unplaced) AS unplaced, "
        f"sum(unplaced_amount) AS unplaced_amount FROM q GROUP BY {segment}i, r"
    )


def _bounds_sql(rows: str, as_of: int | None) -> str:
    """R1/R2 per segment: rows read, blank, used and unreadable, ids with spaces around
    them, the last order day, the earliest purchase on or before the end, and the orders
    after it."""
    end = "DATE '9999-12-31'" if as_of is None else f"{EPOCH} + {int(as_of)}"
    return (
        "SELECT s, count(*) FILTER (NOT blank) AS rows_read, "
        "count(*) FILTER (blank) AS blank_rows, count(*) FILTER (ok AND NOT blank) AS rows_used, "
        "count(*) FILTER (trimmed) AS trimmed_ids, "
        f"max(dt) FILTER (ok) - {EPOCH} AS last_day, min(dt) FILTER (ok) - {EPOCH} AS low_day, "
        f"min(dt) FILTER (ok AND a >= 0 AND dt <= {end}) - {EPOCH} AS first_day, "
        f"count(*) FILTER (ok AND dt > {end}) AS after, "
        f"count(*) FILTER (ok AND a >= 0 AND dt <= {end}) AS purchases, "
        f"coalesce(sum(a) FILTER (ok AND dt <= {end}), 0) AS revenue "
        f"FROM {rows} GROUP BY s ORDER BY s"
    )


def _problems_sql(source: OrderSource, read: _Read, limit: int) -> str:
    """Unreadable rows as read (at most ``limit``), to name them in the report."""
    cells = _cells_of(source)
    extras = "".join(
        f", CAST(x_{role} AS VARCHAR) AS x_{role}, {_unread_extra(role, family)} AS no_{role}"
        for role, (_, family) in cells.items()
        if role.startswith("e")
    )
    return (
        "SELECT filename, row, CAST(x_c AS VARCHAR) AS x_c, CAST(x_d AS VARCHAR) AS x_d, "
        f"CAST(x_a AS VARCHAR) AS x_a, c IS NULL AS no_id, dt IS NULL AS no_date{extras} "
        f"FROM ({_normalized(source, read)}) WHERE NOT ok AND NOT blank "
        f"ORDER BY filename, row LIMIT {int(limit)}"
    )


def _describe(source: OrderSource, row: dict[str, Any], lang: str) -> str:
    """One unreadable row in the reader's words: where, which column, which value."""
    from ..io.messages import say

    where = str(row["filename"])
    if row["row"] is not None:
        where += f", {say('word.row', lang)} {int(row['row'])}"
    if row["no_id"]:
        return f"{where}: " + say("empty_id", lang, column=source.customer_col)
    dates = [(source.date_col, row["x_d"])] if row["no_date"] else []
    dates += [
        (name, row[f"x_e{number}"])
        for number, name in enumerate(source.extra_dates)
        if row[f"no_e{number}"]
    ]
    if dates:
        column, value = dates[0][0], dates[0][1] or ""
        if source.date_format is None and re.fullmatch(_SLASH, value):
            return f"{where}: " + say("slash_date", lang, column=column, value=value)
        help_text = (
            say("format_help", lang, pattern=source.date_format)
            if source.date_format
            else say("date_help", lang)
        )
        return f"{where}: " + say("bad_date", lang, column=column, value=value, help=help_text)
    return f"{where}: " + say(
        "bad_amount",
        lang,
        column=source.amount_col,
        value=row["x_a"] or "",
        decimal=source.decimal,
    )


def run(
    con: Any, sql: str, label: str, memory_limit: str | None, *, fetch: bool = True
) -> dict[str, np.ndarray]:
    """Run one statement; its result as numpy columns. DuckDB's errors become ours."""
    duckdb = _duckdb()
    try:
        cursor = con.execute(sql)
        result: dict[str, np.ndarray] = cursor.fetchnumpy() if fetch else {}
    except duckdb.OutOfMemoryException as error:
        raise InputError(
            f"{label}: DuckDB ran out of memory (memory_limit {memory_limit or 'default'}): "
            f"{_first_line(error)}. Give a larger memory_limit, or a temp_directory on a disk "
            "with free space."
        ) from None
    except duckdb.Error as error:
        raise DataError(_read_error(error, label)) from None
    return result


def run_rows(con: Any, sql: str, label: str, memory_limit: str | None) -> list[dict[str, Any]]:
    """A small result as Python rows (NULL as None)."""
    duckdb = _duckdb()
    try:
        cursor = con.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    except duckdb.Error as error:
        raise DataError(_read_error(error, label)) from None


def _read_error(error: Exception, label: str) -> str:
    """DuckDB's error in the reader's words: a CSV line that cannot be split is named by
    file and line with what is wrong (DuckDB's hints about its own options left out)."""
    text = str(error)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    if line:
        file = re.search(r"^\s*file = (.+)$", text, re.MULTILINE)
        detail = [
            row.strip()
            for row in text.splitlines()[1:]
            if row.strip() and not row.startswith(("Original Line", "Possible fixes", "*", " "))
        ]
        where = f"{file[1].strip() if file else label}:{line[1]}"
        what = detail[0] if detail else "this line cannot be read"
        return (
            f"{where}: {what}. Fix the line or read with on_error='skip' (--skip-bad-rows) "
            "to leave it out and report it."
        )
    return f"{label}: DuckDB cannot read the orders: {_first_line(error)}"


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def plain(values: Any) -> np.ndarray:
    """A DuckDB result column as a plain array (masked NULLs are never expected here)."""
    if isinstance(values, np.ma.MaskedArray):
        return np.asarray(values.filled(0))
    return np.asarray(values)


def cohort_tables(
    source: OrderSource,
    conventions: CohortSpec,
    *,
    on_error: str = "raise",
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    threads: int | None = None,
    lang: str = "en",
    reason: str = "asked for",
) -> tuple[dict[str, CohortTable], EngineReport]:
    """Cohort tables of ``source`` under ``conventions`` with DuckDB, one per segment
    (R10; the key ``""`` when ``source`` has no segment column).

    A row that cannot be read (an empty id, a date or amount that cannot be read, a CSV
    line with the wrong number of fields) stops the run with a ``DataError`` naming the
    file (and for Parquet the row), the column and the value; with ``on_error="skip"``
    such rows are left out and counted in the report. ``memory_limit`` (``"2GB"``; default
    :func:`default_memory_limit`) caps DuckDB's memory: beyond it DuckDB spills to
    ``temp_directory`` (default a fresh temporary folder, removed afterwards).
    """
    if on_error not in ("raise", "skip"):
        raise InputError(f"on_error must be 'raise' or 'skip'; got {on_error!r}.")
    if source.format not in ("csv", "parquet"):
        raise InputError(
            f"{source.label}: engine='duckdb' reads CSV, gzip CSV and Parquet files; read "
            "workbooks with engine='numpy'."
        )
    if conventions.needs_amounts and source.amount_col is None:
        raise InputError(
            f"value={conventions.value!r} needs amounts; {source.label} has no amount column "
            "(name it with amount_col / --amount-col)."
        )
    started = time.perf_counter()
    with scratch_connection(source, memory_limit, temp_directory, threads) as (con, chosen):
        report, frames, after, rows = _bounds(con, source, conventions, on_error, chosen, lang)
        results = _cells(con, source, conventions, frames, after, rows, chosen)
    tables = {segment: table for segment, (table, _) in results.items()}
    report.totals = {segment: totals for segment, (_, totals) in results.items()}
    report.reason = reason
    report.settings = settings_of(chosen, memory_limit, threads)
    report.seconds = time.perf_counter() - started
    return tables, report


@contextmanager
def scratch_connection(
    source: OrderSource,
    memory_limit: str | None,
    temp_directory: str | None,
    threads: int | None,
) -> Iterator[tuple[Any, str]]:
    """A connection for one run on ``source`` and the memory limit it has (given, or
    :func:`default_memory_limit` of the source's size), spilling to ``temp_directory``
    (default a fresh temporary folder, removed afterwards); closed at the end."""
    chosen = memory_limit or default_memory_limit(source.estimated_rows())
    with tempfile.TemporaryDirectory(prefix="retention_xl_duckdb_") as scratch:
        con = connect(chosen, temp_directory or scratch, threads)
        try:
            yield con, chosen
        finally:
            con.close()


def settings_of(chosen: str, memory_limit: str | None, threads: int | None) -> dict[str, str]:
    """The settings a report shows: the memory limit (and whether it was the default),
    the threads when given."""
    out = {"memory_limit": chosen if memory_limit else f"{chosen} (default)"}
    if threads is not None:
        out["threads"] = str(threads)
    return out


@dataclass
class OpenOrders:
    """The orders of a source as one DuckDB connection sees them: ``rows`` is the SQL of
    the normalized rows (R1: segment s, id c, DATE dt, amount a, ok …), ``bounds`` the
    bounds statement's columns per segment (:func:`_bounds_sql`), ``report`` what was read.
    """

    report: EngineReport
    bounds: dict[str, np.ndarray]
    rows: str


def open_orders(
    con: Any,
    source: OrderSource,
    as_of: int | None,
    on_error: str,
    limit: str | None,
    lang: str,
) -> OpenOrders:
    """Read ``source`` on ``con`` (R1, R2): the bounds statement, the report of unreadable
    rows (a ``DataError`` naming the first unless ``on_error="skip"``) and the rows the
    main statements read.

    Text that must be parsed (CSV; Parquet text dates or amounts) is parsed once, into a
    temporary table that DuckDB keeps within its memory limit (spilling beyond it); typed
    Parquet columns are cheaper to scan again than to store.
    """
    read = _Read(skip=on_error == "skip")
    rows = f"({_normalized(source, read)})"
    parsed = source.format == "csv" or "text" in (
        _family(source.type_of(source.date_col)),
        _family(source.type_of(source.amount_col)) if source.amount_col else "",
    )
    if parsed:
        sql = (
            "CREATE TEMP TABLE rx_orders AS SELECT s, c, dt, a, blank, ok, trimmed"
            f"{_extras(source)} FROM {rows}"
        )
        run(con, sql, source.label, limit, fetch=False)
        rows = "rx_orders"
    columns = run(con, _bounds_sql(rows, as_of), source.label, limit)
    report = EngineReport("duckdb", "", source.label, files=len(source.files))
    report.rows_read = int(plain(columns["rows_read"]).sum())
    report.blank_rows = int(plain(columns["blank_rows"]).sum())
    report.rows_used = int(plain(columns["rows_used"]).sum())
    unreadable = report.rows_read - report.rows_used
    if unreadable:
        from ..io.messages import say

        con.execute("SET preserve_insertion_order = true")  # rows numbered as in the file
        numbered = _Read(skip=read.skip, numbered=True)
        sql = _problems_sql(source, numbered, 50 if read.skip else 1)
        found = run_rows(con, sql, source.label, limit)
        con.execute("SET preserve_insertion_order = false")
        messages = [_describe(source, row, lang) for row in found]
        if not read.skip:
            more = f" ({unreadable - 1} more rows cannot be read)" if unreadable > 1 else ""
            raise DataError(f"{messages[0]}{more}. {say('fix_row', lang)}")
        report.rows_rejected = unreadable
        report.problems = messages
    if read.skip and source.format == "csv":
        _count_rejected_lines(con, report, source.label, limit)
    if not parsed:
        main = _Read(
            skip=read.skip,
            clean=not unreadable and not report.blank_rows,
            raw_ids=not int(plain(columns["trimmed_ids"]).sum()),
        )
        rows = f"({_normalized(source, main)})"
    return OpenOrders(report, columns, rows)


def _bounds(
    con: Any,
    source: OrderSource,
    conventions: CohortSpec,
    on_error: str,
    limit: str | None,
    lang: str,
) -> tuple[EngineReport, dict[str, CohortFrame], dict[str, tuple[int, int, float]], str]:
    """The orders opened (:func:`open_orders`); their report, the frames, per segment the
    orders after as_of, the purchases and the revenue up to it, and the rows (SQL)."""
    opened = open_orders(con, source, conventions.as_of, on_error, limit, lang)
    columns = opened.bounds
    frames: dict[str, CohortFrame] = {}
    after: dict[str, tuple[int, int, float]] = {}
    last_days = columns["last_day"]
    first_days = columns["first_day"]
    for index, segment in enumerate(columns["s"].tolist()):
        if np.ma.is_masked(last_days[index]):
            continue  # a segment of unreadable rows only
        first = None if np.ma.is_masked(first_days[index]) else int(first_days[index])
        frames[str(segment)] = conventions.frame(int(last_days[index]), first)
        after[str(segment)] = (
            int(plain(columns["after"])[index]),
            int(plain(columns["purchases"])[index]),
            float(plain(columns["revenue"])[index]),
        )
    if not frames:
        raise InputError(f"{source.label}: no orders to build cohorts from.")
    return opened.report, frames, after, opened.rows


def _count_rejected_lines(con: Any, report: EngineReport, label: str, limit: str | None) -> None:
    """CSV lines DuckDB could not split (a wrong number of fields): read and rejected."""
    rows = run_rows(
        con,
        "SELECT s.file_path AS path, e.line AS line, e.error_message AS message "
        "FROM reject_errors e JOIN reject_scans s USING (scan_id) ORDER BY path, line",
        label,
        limit,
    )
    for row in rows:
        report.rows_read += 1
        report.reject(f"{row['path']}:{int(row['line'])}: {str(row['message']).splitlines()[0]}")


def _frames_for(con: Any, source: OrderSource, frames: dict[str, CohortFrame]) -> _Frames:
    """The frames for the SQL: inlined without segments, else a temporary table."""
    if source.segment_col is None:
        return _Frames.inline(frames[""])
    con.execute("CREATE TEMP TABLE rx_frames (s VARCHAR, e DATE, lo BIGINT, f0 DATE, dg BIGINT)")
    con.executemany(
        f"INSERT INTO rx_frames VALUES (?, {EPOCH} + ?, ?, {EPOCH} + ?, ?)",
        [
            (s, f.end, f.origin, f.first if f.first is not None else 0, f.diagonal)
            for s, f in frames.items()
        ],
    )
    return _Frames.table()


def _cells(
    con: Any,
    source: OrderSource,
    conventions: CohortSpec,
    frames: dict[str, CohortFrame],
    after: dict[str, tuple[int, int, float]],
    orders: str,
    limit: str | None,
) -> dict[str, tuple[CohortTable, OrderTotals]]:
    """The main statement on ``orders`` (SQL of the order rows), and its rows turned into
    counts: (table, order totals) per segment."""
    fr = _frames_for(con, source, frames)
    reach = conventions.counts_customers and conventions.kind != "on"
    build = _reach_sql if reach else _cells_sql
    rows = run(con, build(conventions, orders, fr), source.label, limit)
    size = len(next(iter(rows.values()))) if rows else 0
    segments = np.asarray(rows["s"]).astype(str) if "s" in rows else np.full(size, "")
    out: dict[str, tuple[CohortTable, OrderTotals]] = {}
    for segment, frame in frames.items():
        mine = segments == segment
        part = {k: plain(v)[mine] for k, v in rows.items() if k != "s"}
        counts = _reach_counts(part, frame) if reach else _cell_counts(part, frame, conventions)
        after_as_of, purchases, revenue = after[segment]
        counts.orders_after_as_of = after_as_of
        # every purchaser appears once at i >= 0 (and, per cell, at k = 0)
        first = part["i"] >= 0 if reach else (part["i"] >= 0) & (part["k"] == 0)
        totals = OrderTotals(
            customers=int(part["customers"][first].sum()),
            repeat_customers=int(part["repeaters"][first].sum()),
            purchases=purchases,
            revenue=revenue if source.amount_col is not None else None,
        )
        out[segment] = (conventions.finish(counts, frame), totals)
    return out


def _cell_counts(part: dict[str, np.ndarray], frame: CohortFrame, c: CohortSpec) -> CohortCounts:
    n, dg = frame.n_cohorts, frame.diagonal
    i, k = part["i"].astype(np.int64), part["k"].astype(np.int64)
    orders = part["orders"].astype(np.int64)
    placed = i >= 0
    used = placed & (i + k <= dg)
    flat = i[used] * n + k[used]
    customers = np.bincount(flat, weights=part["customers"][used], minlength=n * n)
    revenue = np.bincount(flat, weights=part["revenue"][used], minlength=n * n)
    customers = np.rint(customers).astype(np.int64).reshape(n, n)
    return CohortCounts(
        sizes=customers[:, 0].copy() if n else np.zeros(0, dtype=np.int64),
        customers=customers if c.counts_customers else None,
        revenue=revenue.reshape(n, n) if c.needs_amounts else None,
        orders_used=int(orders[used].sum()),
        orders_unobserved=int(orders[placed & ~used].sum()),
        unplaced_refunds=int(orders[~placed].sum()),
        unplaced_refund_amount=float(part["revenue"][~placed].sum()),
    )


def _reach_counts(part: dict[str, np.ndarray], frame: CohortFrame) -> CohortCounts:
    n = frame.n_cohorts
    i, r = part["i"].astype(np.int64), part["r"].astype(np.int64)
    customers = part["customers"].astype(np.int64)
    counted = (i >= 0) & (i < n) & (r >= 0)
    histogram = np.bincount(
        i[counted] * n + r[counted], weights=customers[counted], minlength=n * n
    )
    histogram = np.rint(histogram).astype(np.int64).reshape(n, n)
    return CohortCounts(
        sizes=histogram.sum(axis=1),
        customers=customers_from_reach(histogram),
        revenue=None,
        orders_used=int(part["used"].sum()),
        orders_unobserved=int(part["unobserved"].sum()),
        unplaced_refunds=int(part["unplaced"].sum()),
        unplaced_refund_amount=float(part["unplaced_amount"].sum()),
    )
