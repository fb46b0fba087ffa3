"""Each rule of retention_xl.engines.conventions, translated into SQL, against its statement:
R1 (dates, amounts and ids as the order reader reads them — retention_xl.io.convert is the
reference), R4 (calendar period indexes — retention_xl.periods is the reference) and R6
(which cohorts are observed — the plain-Python reference of tests/cohort_reference.py).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest
from cohort_reference import reference_table
from hypothesis import given, settings
from hypothesis import strategies as st

from retention_xl.engines import duckdb as db
from retention_xl.engines.conventions import PERIOD_CODES, CohortSpec
from retention_xl.errors import InputError
from retention_xl.io.convert import to_amounts, to_codes, to_days
from retention_xl.periods import parse_period


@pytest.fixture(scope="module")
def con() -> object:
    connection = db.connect()
    yield connection
    connection.close()


def _sql_column(con: object, values: list[str], expression: str, role: str) -> list[object]:
    """``expression`` (over ``x_<role>``, the trimmed text) for every value, in order."""
    con.execute("DROP TABLE IF EXISTS t")  # type: ignore[attr-defined]
    con.execute(  # type: ignore[attr-defined]
        "CREATE TABLE t AS SELECT unnest(?::VARCHAR[]) AS x, generate_subscripts(?::VARCHAR[], 1)"
        " AS i",
        [values, values],
    )
    rows = con.execute(  # type: ignore[attr-defined]
        f"SELECT {expression} FROM (SELECT i, {db._trimmed('x')} AS x_{role} FROM t) ORDER BY i"
    ).fetchall()
    return [row[0] for row in rows]


# --- R4: calendar period indexes -------------------------------------------------------


@pytest.mark.parametrize("code", PERIOD_CODES)
def test_period_index_in_sql_is_the_periods_module(con: object, code: str) -> None:
    # every day from 1899-12-30 (Excel's day 0) to 2100-12-31, before and after 1970
    first, last = -25569, 47846
    rows = con.execute(  # type: ignore[attr-defined]
        f"SELECT {db.period_index_sql(code, 'd')} FROM (SELECT DATE '1970-01-01' + "
        f"CAST(range AS INTEGER) AS d FROM range({first}, {last + 1})) ORDER BY d"
    ).fetchall()
    got = np.array([row[0] for row in rows], dtype=np.int64)
    want = parse_period(code).index(np.arange(first, last + 1, dtype=np.int64))
    np.testing.assert_array_equal(got, want)


# --- R1: dates, amounts and ids read as the order reader reads them --------------------

DATES = [
    "2024-01-02",
    "2024-1-2",
    " 2024-01-02 ",
    "2024-01-02 23:30:00 -0800",
    "2024-01-02T23:30:00Z",
    "2024-01-02T23:30:00.123+01:00",
    "2024-01-02 23:30 UTC",
    "31.01.2024",
    "1.2.2024",
    "31.01.2024 14:23",
    "31.01.2024, 14:23:05 Uhr",
    "2024-02",
    "45322",
    "45322,75",
    "60",
    "59",
    "1",
    "0",
    "2958466",
    "2024-02-30",
    "31.02.2024",
    "0000-01-01",
    "03/04/2024",
    "2024/01/02",
    "20240102",
    "yesterday",
    "",
    "2024-13-01",
    "2024-01-02 25",
]


def _reader_days(values: list[str]) -> list[int | None]:
    days, bad = to_days(pa.array(values, pa.string()))
    return [None if b else int(d) for d, b in zip(days.tolist(), bad.tolist(), strict=True)]


def _sql_days(con: object, values: list[str], date_format: str | None = None) -> list[object]:
    expression = f"({db._date_sql('text', 'string', date_format)}) - DATE '1970-01-01'"
    return _sql_column(con, values, expression, "d")


def test_dates_as_the_reader_reads_them(con: object) -> None:
    assert _sql_days(con, DATES) == _reader_days(DATES)


@pytest.mark.slow  # ~1 s: hypothesis dates through DuckDB SQL
@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda y, m, d, sep, tail: (
                {
                    "iso": f"{y}-{m}-{d}",
                    "german": f"{d}.{m}.{y}",
                    "month": f"{y}-{m}",
                    "serial": f"{int(y) * 10 + int(d)}",
                }[sep]
                + tail
            ),
            st.integers(0, 9999).map(lambda v: f"{v:04d}"),
            st.sampled_from(["1", "01", "02", "12", "13", "00"]),
            st.sampled_from(["1", "01", "28", "29", "30", "31", "32"]),
            st.sampled_from(["iso", "german", "month", "serial"]),
            st.sampled_from(["", " 10:00", "T10:00:00Z", " 10:00:00 +0100", " x", ",5"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_generated_dates_as_the_reader_reads_them(con: object, values: list[str]) -> None:
    assert _sql_days(con, values) == _reader_days(values)


def test_date_format_as_the_reader_reads_it(con: object) -> None:
    values = ["03/04/2024", "31/12/2023", "2024-01-02", "32/01/2024"]
    days, bad = to_days(pa.array(values), date_format="%d/%m/%Y")
    want = [None if b else int(d) for d, b in zip(days.tolist(), bad.tolist(), strict=True)]
    assert _sql_days(con, values, "%d/%m/%Y") == want


AMOUNTS = [
    "12.50",
    "-3",
    "1,234.50",
    "1,234,567.5",
    "$1,234.50",
    "1'234.50",
    "12.50 EUR",
    "1e3",
    ".5",
    "1,23.4",
    "12,5",
    "",
    "abc",
    "-",
    "inf",
    "nan",
    "1.234,56 €",
    "1.234.567,8",
    "-12,5",
    "1.23,4",
    "12.5",
    "5.",
    "5.e1",
    "5,",
]


@pytest.mark.parametrize("decimal", [".", ","])
def test_amounts_as_the_reader_reads_them(con: object, decimal: str) -> None:
    values, bad = to_amounts(pa.array(AMOUNTS, pa.string()), decimal=decimal)
    want = [None if b else v for v, b in zip(values.tolist(), bad.tolist(), strict=True)]
    expression = db._amount_sql("text", decimal)
    got = _sql_column(con, AMOUNTS, f"CASE WHEN isfinite({expression}) THEN {expression} END", "a")
    assert got == want


@pytest.mark.parametrize("others", [["7"], ["7 €"]])
def test_an_amount_reads_the_same_whatever_else_its_column_holds(others: list[str]) -> None:
    """``5.`` and ``5.e1`` are 5 and 50 (as Python and Excel read them) both when the whole
    column casts to numbers in one go (["7"]) and when it needs cleaning (["7 €"])."""
    values, bad = to_amounts(pa.array(["5.", "5.e1", *others], pa.string()))
    assert values.tolist()[:2] == [5.0, 50.0] and not bad.any()


def test_ids_are_trimmed_as_the_reader_trims_them(con: object) -> None:
    ids = ["a", " a", "a\u00a0", "\u2003a\t", "007", " 7 ", "7.0", "", "   ", "x y", "zoë "]
    codes, names, empty = to_codes(pa.array(ids, pa.string()))
    want = [None if e else str(names[c]) for c, e in zip(codes, empty, strict=True)]
    assert _sql_column(con, ids, "x_c", "c") == want


# --- R6: which cohorts are observed ----------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    first=st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2024, 12, 31)),
    later=st.integers(0, 800),
    period=st.sampled_from(["D", "W", "M", "Q", "Y", "7D", "30D"]),
    include_incomplete=st.booleans(),
)
def test_frame_has_the_reference_cohorts(
    first: dt.date, later: int, period: str, include_incomplete: bool
) -> None:
    # one purchase on `first` and a refund on `end`: the reference's cohorts are those
    # observed by `end` (kpi-spec §2); the frame's n_cohorts = diagonal + 1 must agree
    end = first + dt.timedelta(days=later)
    want = reference_table(
        ["a", "b"],
        [first, end],
        [1.0, -1.0],
        period=period,
        kind="on",
        value="customers",
        as_of=None,
        include_incomplete=include_incomplete,
    )
    epoch = dt.date(1970, 1, 1)
    conventions = CohortSpec.of(period=period, include_incomplete=include_incomplete)
    frame = conventions.frame((end - epoch).days, (first - epoch).days)
    assert frame.n_cohorts == len(want["labels"])
    assert [frame.period.label(int(s)) for s in frame.starts()] == want["labels"]


def test_conventions_name_a_bad_argument() -> None:
    with pytest.raises(InputError, match="kind must be one of"):
        CohortSpec.of(kind="weekly")
    with pytest.raises(InputError, match="value must be one of"):
        CohortSpec.of(value="orders")
    with pytest.raises(InputError, match="period must be"):
        CohortSpec.of(period="fortnight")
