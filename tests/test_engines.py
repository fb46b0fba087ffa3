"""The DuckDB engine computes the numpy engine's cohort tables: on CDNOW (the 1/10 sample and
the full 69,659 orders) for every period, kind and value, on random order logs written as
CSV and Parquet in the formats shops export (hypothesis), per segment, and out of core under
a small memory limit; plus the engine choice and the errors a user can meet.

Expected tables come from the numpy engine (``retention_xl.cohorts.cohort_table``, itself
checked against the independent plain-Python reference in tests/cohort_reference.py by
tests/test_cohorts.py); equality is counts exact, money to the cent, blanks in the same
cells (tests/engine_compare.py).
"""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from engine_compare import assert_same_table, assert_same_totals, day, write_csv
from flat import flat_call
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retention_xl.cohorts import KINDS, VALUES, CohortSpec, CohortTable, cohort_table
from retention_xl.engines import (
    NUMPY_MAX_ROWS,
    EngineSettings,
    choose_engine,
    cohort_table_from_files,
    segment_cohort_tables,
)
from retention_xl.engines import select as select_module
from retention_xl.engines.sources import open_source
from retention_xl.errors import DataError, InputError
from retention_xl.io import ReadSettings, read_orders

DATA = Path(__file__).parent / "data"
SAMPLE = Path(__file__).parents[1] / "retention_xl" / "sample" / "cdnow_sample_orders.csv"
MASTER = DATA / "cdnow_master_orders.csv.gz"
GERMAN = DATA / "cdnow_300_de.csv"
PERIODS = ["D", "W", "M", "Q", "Y", "7D", "30D"]


def both(paths: Any, **options: Any) -> tuple[CohortTable, CohortTable]:
    """(duckdb table, numpy table) of the same files and options; their order totals are
    checked equal on the way."""
    got, report = flat_call(cohort_table_from_files, paths, engine="duckdb", **options)
    want, numpy_report = flat_call(cohort_table_from_files, paths, engine="numpy", **options)
    assert report.engine == "duckdb"
    assert_same_totals(report, numpy_report, options)
    return got, want


# --- CDNOW ---------------------------------------------------------------------------


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("kind", KINDS)
def test_cdnow_sample_every_period_kind_and_value(period: str, kind: str) -> None:
    # observed to 1998-03-31 with the incomplete period kept for the rolling windows, so
    # that blanks, unobserved orders and orders after as_of all occur
    for value in VALUES:
        options: dict[str, Any] = {
            "period": period,
            "kind": kind,
            "value": value,
            "as_of": "1998-03-31",
            "include_incomplete": period.endswith("D") and period != "D",
        }
        got, want = both(SAMPLE, **options)
        assert_same_table(got, want, options)


def test_order_totals_are_the_workbook_summary_of_the_orders() -> None:
    # the cohort workbook's summary of orders in memory (retention_xl.results.cohort_result)
    # computes repeat rate, order value and frequency from the orders; the engine's totals
    # give the same numbers without them
    from retention_xl.results import cohort_result

    orders = read_orders(SAMPLE)
    spec = CohortSpec.of(as_of="1997-12-31")
    _, report = cohort_table_from_files(SAMPLE, spec, engine=EngineSettings(engine="duckdb"))
    shown = cohort_result(orders, spec).summary
    totals = report.totals[""]
    assert totals.revenue is not None
    assert shown["repeat_customer_rate"] == pytest.approx(
        totals.repeat_customers / totals.customers
    )
    assert shown["average_order_value"] == pytest.approx(totals.revenue / totals.purchases)
    assert shown["purchase_frequency"] == pytest.approx(totals.purchases / totals.customers)


def test_cdnow_sample_numpy_engine_from_the_file_is_cohort_table() -> None:
    # the numpy engine is cohort_table on what the order reader reads
    orders = read_orders(SAMPLE)
    want = cohort_table(orders.customer_ids, orders.order_dates, orders.amounts, value="revenue")
    got, report = cohort_table_from_files(
        SAMPLE, CohortSpec.of(value="revenue"), engine=EngineSettings(engine="numpy")
    )
    assert report.rows_read == report.rows_used == 6919  # the sample's orders (SOURCES.md)
    assert_same_table(got, want)


@pytest.mark.parametrize(
    ("kind", "value", "period"),
    [("on", "retention", "M"), ("rolling", "customers", "W"), ("on", "revenue", "Q")],
)
def test_cdnow_master_gzip(kind: str, value: str, period: str) -> None:
    # all 69,659 orders of the 23,570 customers who first bought in Q1 1997 (SOURCES.md)
    got, want = both(MASTER, kind=kind, value=value, period=period)
    assert got.customers == 23_570 and got.orders_used + got.orders_unobserved == 69_659
    assert_same_table(got, want)


def test_cdnow_as_parquet_folder_csv_and_gzip_give_one_table(tmp_path: Path) -> None:
    orders = read_orders(SAMPLE)
    ids = orders.customer_ids
    assert orders.amounts is not None
    folder = tmp_path / "parquet"
    folder.mkdir()
    half = len(orders) // 2
    for number, rows in enumerate((slice(0, half), slice(half, None))):
        pq.write_table(
            pa.table(
                {
                    "customer_id": pa.array(ids[rows].tolist(), pa.string()),
                    "order_date": pa.array(orders.order_dates[rows], pa.date32()),
                    "amount": pa.array(orders.amounts[rows]),
                }
            ),
            folder / f"part-{number}.parquet",
        )
    packed = tmp_path / "orders.csv.gz"
    packed.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    options: dict[str, Any] = {
        "kind": "on_or_after",
        "value": "revenue_per_customer",
        "period": "M",
    }
    want, _ = flat_call(cohort_table_from_files, SAMPLE, engine="numpy", **options)
    for source in (folder, str(folder / "*.parquet"), packed, [SAMPLE]):
        got, report = flat_call(cohort_table_from_files, source, engine="duckdb", **options)
        assert report.rows_used == 6919
        assert_same_table(got, want, source)


# --- German files and segments ------------------------------------------------------


def test_german_excel_csv_with_umlaut_segments_one_grouped_query() -> None:
    # cp1252, ';', DD.MM.YYYY, decimal comma with thousands points, city names with umlauts
    options: dict[str, Any] = {
        "customer_col": "Kunden-Nr",
        "date_col": "Bestelldatum",
        "amount_col": "Betrag",
        "value": "revenue",
    }
    got, report = flat_call(segment_cohort_tables, GERMAN, "Ort", engine="duckdb", **options)
    want, numpy_report = flat_call(segment_cohort_tables, GERMAN, "Ort", engine="numpy", **options)
    assert_same_totals(report, numpy_report)
    # the five made-up cities of the fixture (tests/data/SOURCES.md), decoded from cp1252
    assert list(got) == list(want) == ["Berlin", "Düsseldorf", "Köln", "Lübeck", "München"]
    for city in want:
        assert_same_table(got[city], want[city], city)
    assert report.rows_used == 970  # all 970 orders of the fixture


def test_segments_each_end_at_their_own_last_order(tmp_path: Path) -> None:
    # R10: store A's last order is 2024-03-10, store B's 2024-01-20; as_of is per store
    path = write_csv(
        tmp_path / "o.csv",
        ["customer_id", "order_date", "store"],
        [
            ["a", "2024-01-05", "A"],
            ["b", "2024-02-07", "A"],
            ["a", "2024-03-10", "A"],
            ["c", "2024-01-20", "B"],
            ["c", "2023-12-02", ""],
        ],
    )
    tables, _ = segment_cohort_tables(
        path, "store", CohortSpec.of(value="customers"), engine=EngineSettings(engine="duckdb")
    )
    assert list(tables) == ["(blank)", "A", "B"]  # a blank store is its own segment
    # hand: A ends 2024-03-10 (February is the last full month): Jan cohort {a}, Feb {b}
    assert tables["A"].labels == ["2024-01", "2024-02"]
    assert tables["A"].values[0].tolist() == [1.0, 0.0]
    # B ends 2024-01-20: January is incomplete, so no cohort is observed yet
    assert tables["B"].labels == [] and tables["B"].orders_unobserved == 1
    numpy_tables, _ = segment_cohort_tables(
        path, "store", CohortSpec.of(value="customers"), engine=EngineSettings(engine="numpy")
    )
    for name in tables:
        assert_same_table(tables[name], numpy_tables[name], name)


# --- random order logs, written as shops write them ------------------------------------

IDS = ["anna", "007", "7", " 7 ", "zoë", "B-7", "x y", "7\u00a0"]  # " 7 ", "7\xa0" are "7"
AMOUNTS = [0.0, 10.0, 25.5, 99.0, -10.0, -3.25, 1234.56]


def _date_text(value: dt.date, style: str, seconds: int) -> str:
    clock = f"{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if style == "iso_time":
        return f"{value.isoformat()} {clock}"
    if style == "iso_offset":
        return f"{value.isoformat()}T{clock}-08:00"  # the calendar day written counts
    if style == "german":
        return value.strftime("%d.%m.%Y")
    if style == "german_time":
        return value.strftime("%d.%m.%Y ") + clock[:5]
    if style == "serial":
        serial = (value - dt.date(1899, 12, 30)).days
        return f"{serial}.{seconds % 100:02d}" if seconds % 2 else str(serial)
    return value.isoformat()


def _amount_text(value: float, decimal: str, dressed: bool) -> str:
    text = f"{value:,.2f}" if dressed else f"{value:.2f}"
    if decimal == ",":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} €" if dressed else text


@st.composite
def order_logs(draw: st.DrawFn) -> dict[str, object]:
    n = draw(st.integers(1, 40))
    start = draw(st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2024, 12, 31)))
    spread = draw(st.sampled_from([3, 40, 400, 1500]))
    dates = [start + dt.timedelta(days=draw(st.integers(0, spread))) for _ in range(n)]
    last = max(dates)
    return {
        "ids": [draw(st.sampled_from(IDS)) for _ in range(n)],
        "dates": dates,
        "amounts": [draw(st.sampled_from(AMOUNTS)) for _ in range(n)],
        "seconds": [draw(st.integers(0, 86399)) for _ in range(n)],
        "styles": [
            draw(
                st.sampled_from(
                    ["iso", "iso_time", "iso_offset", "german", "german_time", "serial"]
                )
            )
            for _ in range(n)
        ],
        "with_amounts": draw(st.booleans()),
        "format": draw(st.sampled_from(["csv", "csv_de", "parquet", "parquet_text"])),
        "dressed": draw(st.booleans()),
        "blank_rows": draw(st.integers(0, 2)),
        "as_of": draw(
            st.one_of(
                st.none(),
                st.sampled_from(
                    [
                        last,
                        last + dt.timedelta(days=45),
                        min(dates) + dt.timedelta(days=spread // 2),
                    ]
                ),
            )
        ),
    }


def _write_log(folder: Path, log: dict[str, Any]) -> Path:
    n = len(log["ids"])
    with_amounts = log["with_amounts"]
    header = ["customer_id", "order_date"] + (["amount"] if with_amounts else [])
    if log["format"].startswith("parquet"):
        columns: dict[str, pa.Array] = {"customer_id": pa.array(log["ids"], pa.string())}
        if log["format"] == "parquet":
            columns["order_date"] = pa.array(log["dates"], pa.date32())
        else:  # dates and amounts as text, as a CSV converted without types
            columns["order_date"] = pa.array(
                [
                    _date_text(d, s, t)
                    for d, s, t in zip(log["dates"], log["styles"], log["seconds"], strict=True)
                ]
            )
        if with_amounts:
            columns["amount"] = pa.array(log["amounts"], pa.float64())
        path = folder / "orders.parquet"
        pq.write_table(pa.table(columns), path)
        return path
    german = log["format"] == "csv_de"
    rows = []
    for i in range(n):
        row = [log["ids"][i], _date_text(log["dates"][i], log["styles"][i], log["seconds"][i])]
        if with_amounts:
            row.append(_amount_text(log["amounts"][i], "," if german else ".", log["dressed"]))
        rows.append(row)
    for k in range(log["blank_rows"]):  # blank rows are skipped and counted
        rows.insert(k * 3 % (len(rows) + 1), [""] * len(header))
    return write_csv(folder / "orders.csv", header, rows, sep=";" if german else ",")


@pytest.mark.slow  # ~4 s: hypothesis order logs written as files, read by each engine
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    log=order_logs(),
    period=st.sampled_from(PERIODS),
    kind=st.sampled_from(KINDS),
    value=st.sampled_from(VALUES),
    include_incomplete=st.booleans(),
)
def test_random_logs_as_files_give_the_same_table(
    tmp_path_factory: pytest.TempPathFactory,
    log: dict[str, Any],
    period: str,
    kind: str,
    value: str,
    include_incomplete: bool,
) -> None:
    if not log["with_amounts"] and value.startswith("revenue"):
        value = "customers"
    folder = tmp_path_factory.mktemp("log")
    path = _write_log(folder, log)
    options: dict[str, Any] = {
        "period": period,
        "kind": kind,
        "value": value,
        "as_of": log["as_of"],
        "include_incomplete": include_incomplete,
    }
    got, report = flat_call(cohort_table_from_files, path, engine="duckdb", **options)
    want, numpy_report = flat_call(cohort_table_from_files, path, engine="numpy", **options)
    assert_same_table(got, want, (log, options))
    assert_same_totals(report, numpy_report, (log, options))
    # and both are the table of what was written: ids trimmed, the calendar day written
    ids = [text.strip() for text in log["ids"]]
    amounts = log["amounts"] if log["with_amounts"] else None
    assert_same_table(got, cohort_table(ids, log["dates"], amounts, **options))
    assert report.rows_used == len(ids)
    assert report.blank_rows == (0 if log["format"].startswith("parquet") else log["blank_rows"])


# --- out of core -----------------------------------------------------------------------


def test_under_a_small_memory_limit_duckdb_spills_and_agrees(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    n = 300_000
    customers = rng.integers(0, 60_000, n)
    days = np.datetime64("2022-01-01") + rng.integers(0, 730, n).astype("timedelta64[D]")
    ids = np.char.add("C", customers.astype(str))
    path = tmp_path / "orders.parquet"
    pq.write_table(
        pa.table(
            {
                "customer_id": pa.array(ids.tolist(), pa.string()),
                "order_date": pa.array(days, pa.date32()),
                "amount": rng.gamma(2.0, 30.0, n).round(2),
            }
        ),
        path,
    )
    spill = tmp_path / "spill"
    got, report = cohort_table_from_files(
        path,
        CohortSpec.of(kind="rolling"),
        engine=EngineSettings(engine="duckdb", memory_limit="40MB", temp_directory=str(spill)),
    )
    want, _ = cohort_table_from_files(
        path, CohortSpec.of(kind="rolling"), engine=EngineSettings(engine="numpy")
    )
    assert report.settings["memory_limit"] == "40MB"
    assert_same_table(got, want)


# --- choosing the engine ---------------------------------------------------------------


def test_auto_picks_numpy_for_small_files_and_says_why() -> None:
    table, report = cohort_table_from_files(SAMPLE)
    assert report.engine == "numpy"
    assert "orders of csv, below 10,000,000" in report.reason and report.reason.startswith("auto")
    assert report.choice().startswith("engine numpy: auto: about")
    assert table.sizes.sum() == 2357  # the sample's 2,357 customers (SOURCES.md)


def test_auto_picks_duckdb_above_the_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(select_module.NUMPY_MAX_ROWS, "csv", 5_000)
    name, reason = choose_engine(open_source(SAMPLE))
    # the sample holds 6,919 orders (SOURCES.md); the estimate from its first lines is close
    assert name == "duckdb" and "at least 5,000" in reason
    _, report = cohort_table_from_files(SAMPLE)
    assert report.engine == "duckdb"


def test_auto_thresholds_are_the_measured_ones() -> None:
    # benchmarks/RESULTS.md, "Engines at scale": the crossover on Parquet, numpy's memory on CSV
    assert NUMPY_MAX_ROWS == {"parquet": 100_000, "csv": 10_000_000}
    # "Engines at scale: RFM summary and MRR movements": numpy as fast as DuckDB at 10M
    # Parquet orders (faster below), MRR faster on numpy at 10M billing rows
    assert select_module.NUMPY_MAX_ROWS_BY_RESULT == {
        "cohorts": NUMPY_MAX_ROWS,
        "rfm": {"parquet": 10_000_000, "csv": 10_000_000},
        "mrr": {"parquet": 10_000_000, "csv": 10_000_000},
    }


def test_auto_chooses_per_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same 6,919 orders (SOURCES.md) go to DuckDB for an RFM summary when its limit is
    lower, and stay on numpy for the MRR table, whose limit is not."""
    monkeypatch.setitem(select_module.NUMPY_MAX_ROWS_BY_RESULT["rfm"], "csv", 5_000)
    source = open_source(SAMPLE)
    assert choose_engine(source, result="rfm")[0] == "duckdb"
    assert choose_engine(source, result="mrr")[0] == "numpy"
    assert choose_engine(source)[0] == "numpy"  # cohorts


def test_auto_without_duckdb_stays_on_numpy_and_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(select_module.NUMPY_MAX_ROWS, "csv", 5_000)
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    name, reason = choose_engine(open_source(SAMPLE))
    assert name == "numpy" and "pip install retention-xl[duckdb]" in reason


def test_missing_duckdb_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now fails
    with pytest.raises(InputError, match=r"pip install retention-xl\[duckdb\]"):
        cohort_table_from_files(SAMPLE, engine=EngineSettings(engine="duckdb"))


# --- bad input -------------------------------------------------------------------------


def test_unreadable_date_names_file_column_and_value(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "o.csv",
        ["customer_id", "order_date", "amount"],
        [["a", "2024-01-05", "10"], ["b", "03/04/2024", "5"], ["c", "2024-02-30", "1"]],
    )
    with pytest.raises(DataError, match=r"o\.csv.*'order_date'.*03/04/2024.*--date-format"):
        cohort_table_from_files(path, engine=EngineSettings(engine="duckdb"))
    skip: dict[str, Any] = {"on_error": "skip", "as_of": "2024-01-31"}
    table, report = flat_call(cohort_table_from_files, path, engine="duckdb", **skip)
    # hand: a slash date (ambiguous) and 30 February are rejected; a's January order is left
    assert (report.rows_read, report.rows_used, report.rows_rejected) == (3, 1, 2)
    assert len(report.problems) == 2 and table.sizes.tolist() == [1]
    assert report.problems[0].endswith("--date-format (date_format), e.g. %d/%m/%Y or %m/%d/%Y")
    assert ", row 2: " in report.problems[0] and ", row 3: " in report.problems[1]
    numpy_table, numpy_report = flat_call(cohort_table_from_files, path, engine="numpy", **skip)
    assert numpy_report.rows_rejected == 2
    assert_same_table(table, numpy_table)


def test_date_format_reads_slash_dates(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "o.csv",
        ["customer_id", "order_date"],
        [["a", "05/01/2024"], ["a", "03/02/2024"], ["b", "20/01/2024"]],
    )
    got, want = both(path, date_format="%d/%m/%Y", as_of="2024-02-29", value="customers")
    # hand: a and b start in January, a comes back in February; nobody starts in February
    np.testing.assert_array_equal(got.values, [[2.0, 1.0], [np.nan, np.nan]])
    assert_same_table(got, want)


def test_csv_line_with_the_wrong_number_of_fields(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("customer_id,order_date\na,2024-01-05\nb,2024-01-06,extra\nc,2024-01-07\n")
    # hand: line 3 has three fields under a header of two
    with pytest.raises(DataError, match=r"o\.csv:3: Expected Number of Columns: 2 Found: 3"):
        cohort_table_from_files(path, engine=EngineSettings(engine="duckdb"))
    _, report = cohort_table_from_files(
        path,
        engine=EngineSettings(engine="duckdb"),
        read=ReadSettings(on_error="skip"),
    )
    assert report.rows_rejected == 1 and report.rows_used == 2
    assert "o.csv:3" in report.problems[0]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"engine": "spark"}, "engine must be one of"),
        ({"engine": "duckdb", "memory_limit": "lots"}, "memory_limit must be a size"),
        ({"engine": "duckdb", "kind": "often"}, "kind must be one of"),
        ({"engine": "duckdb", "on_error": "ignore"}, "on_error must be"),
        ({"engine": "duckdb", "amount_col": "price", "value": "revenue"}, "no column 'price'"),
    ],
)
def test_bad_options_are_named(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        flat_call(cohort_table_from_files, SAMPLE, **options)


def test_paths_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        cohort_table_from_files(tmp_path / "missing.csv", engine=EngineSettings(engine="duckdb"))
    with pytest.raises(InputError, match="matches no CSV or Parquet"):
        cohort_table_from_files(
            str(tmp_path / "*.parquet"),
            engine=EngineSettings(engine="duckdb"),
        )
    shutil.copy(SAMPLE, tmp_path / "a.csv")
    pq.write_table(
        pa.table({"customer_id": ["a"], "order_date": ["2024-01-01"]}), tmp_path / "b.parquet"
    )
    with pytest.raises(InputError, match="mixes csv and parquet"):
        cohort_table_from_files(tmp_path, engine=EngineSettings(engine="duckdb"))


def test_a_file_of_refunds_only_has_no_cohorts(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "o.csv",
        ["customer_id", "order_date", "amount"],
        [["a", "2024-01-05", "-10"], ["b", "2024-02-05", "-2.5"]],
    )
    got, want = both(path, value="revenue")
    # hand: no purchase, so no cohort; both refunds are unplaced (R3)
    assert got.labels == [] and got.unplaced_refunds == 2
    assert got.unplaced_refund_amount == pytest.approx(-12.5)
    assert_same_table(got, want)
    assert day("2024-02-05") == got.as_of  # R2: the last order day, refunds included
