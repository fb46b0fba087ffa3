"""The Dask engine computes the numpy engine's cohort tables, on a LocalCluster of two
worker processes started once for the session (tests/conftest.py): CDNOW as CSV and as a
folder of Parquet files, German CSV split by city, bad rows; and its own LocalCluster when
none is given.

Expected tables come from the numpy engine (checked against the independent reference of
tests/cohort_reference.py by tests/test_cohorts.py); equal means counts exact, money to the
cent, blanks in the same cells (tests/engine_compare.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from engine_compare import assert_same_table, assert_same_totals, write_csv
from flat import flat_call

from retention_xl.cohorts import CohortSpec
from retention_xl.engines import EngineSettings, cohort_table_from_files, segment_cohort_tables
from retention_xl.errors import DataError, InputError
from retention_xl.io import ReadSettings, read_orders

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.dask  # every test here is about the Dask engine

DATA = Path(__file__).parent / "data"
SAMPLE = Path(__file__).parents[1] / "retention_xl" / "sample" / "cdnow_sample_orders.csv"
GERMAN = DATA / "cdnow_300_de.csv"


@pytest.mark.parametrize(
    ("period", "kind", "value"),
    [
        ("M", "on", "retention"),
        ("W", "rolling", "customers"),
        ("Q", "on_or_after", "revenue_per_customer"),
        ("30D", "on", "revenue"),
    ],
)
def test_cdnow_sample_on_two_workers(scheduler: str, period: str, kind: str, value: str) -> None:
    options: dict[str, Any] = {
        "period": period,
        "kind": kind,
        "value": value,
        "as_of": "1998-03-31",
    }
    got, report = flat_call(
        cohort_table_from_files, SAMPLE, engine="dask", scheduler=scheduler, **options
    )
    want, numpy_report = flat_call(cohort_table_from_files, SAMPLE, engine="numpy", **options)
    assert report.engine == "dask" and report.settings["workers"] == "2"
    assert_same_totals(report, numpy_report)
    assert report.rows_used == 6919  # the sample's orders (tests/data/SOURCES.md)
    assert_same_table(got, want, options)


def test_cdnow_as_a_folder_of_parquet_files(scheduler: str, tmp_path: Path) -> None:
    orders = read_orders(SAMPLE)
    ids = orders.customer_ids
    assert orders.amounts is not None
    step = len(orders) // 4 + 1
    for number, start in enumerate(range(0, len(orders), step)):
        rows = slice(start, start + step)
        pq.write_table(
            pa.table(
                {
                    "customer_id": pa.array(ids[rows].tolist(), pa.string()),
                    "order_date": pa.array(orders.order_dates[rows], pa.date32()),
                    "amount": pa.array(orders.amounts[rows]),
                }
            ),
            tmp_path / f"part-{number}.parquet",
        )
    got, report = cohort_table_from_files(
        tmp_path,
        CohortSpec.of(kind="rolling", value="revenue"),
        engine=EngineSettings(engine="dask", scheduler=scheduler),
    )
    want, _ = cohort_table_from_files(
        SAMPLE,
        CohortSpec.of(kind="rolling", value="revenue"),
        engine=EngineSettings(engine="numpy"),
    )
    assert report.files == 4
    assert_same_table(got, want)


def test_german_csv_split_by_city(scheduler: str) -> None:
    options: dict[str, Any] = {
        "customer_col": "Kunden-Nr",
        "date_col": "Bestelldatum",
        "amount_col": "Betrag",
        "value": "revenue_per_customer",
    }
    got, report = flat_call(
        segment_cohort_tables, GERMAN, "Ort", engine="dask", scheduler=scheduler, **options
    )
    want, numpy_report = flat_call(segment_cohort_tables, GERMAN, "Ort", engine="numpy", **options)
    assert_same_totals(report, numpy_report)
    # the five made-up cities of the fixture (tests/data/SOURCES.md)
    assert list(got) == list(want) == ["Berlin", "Düsseldorf", "Köln", "Lübeck", "München"]
    for city in want:
        assert_same_table(got[city], want[city], city)


def test_bad_rows_stop_the_run_or_are_counted(scheduler: str, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "o.csv",
        ["customer_id", "order_date", "amount"],
        [["a", "2024-01-05", "10"], ["", "2024-01-06", "5"], ["b", "2024-01-07", "x"]],
    )
    with pytest.raises(DataError, match="customer_id"):
        cohort_table_from_files(path, engine=EngineSettings(engine="dask", scheduler=scheduler))
    options: dict[str, Any] = {"on_error": "skip", "as_of": "2024-01-31"}
    got, report = flat_call(
        cohort_table_from_files, path, engine="dask", scheduler=scheduler, **options
    )
    want, _ = flat_call(cohort_table_from_files, path, engine="numpy", **options)
    # hand: the row without an id and the amount "x" are rejected; a's order is left
    assert (report.rows_read, report.rows_used, report.rows_rejected) == (3, 1, 2)
    assert_same_table(got, want)


def test_its_own_local_cluster_when_no_scheduler_is_given() -> None:
    got, report = cohort_table_from_files(SAMPLE, engine=EngineSettings(engine="dask", workers=1))
    want, _ = cohort_table_from_files(SAMPLE, engine=EngineSettings(engine="numpy"))
    assert report.settings["scheduler"] == "LocalCluster" and report.settings["workers"] == "1"
    assert_same_table(got, want)


def test_a_scheduler_address_must_look_like_one() -> None:
    with pytest.raises(InputError, match="tcp://"):
        cohort_table_from_files(
            SAMPLE,
            engine=EngineSettings(engine="dask", scheduler="localhost"),
        )


def test_csv_blocks_name_rows_by_their_line_in_the_file(
    scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CSV file read in many blocks (5 kB here, 64 MB normally) reports an unreadable
    row by its line in the whole file, and refuses rows with too few or too many fields,
    exactly as the numpy engine does (whose report is the expected one)."""
    from retention_xl.engines import dask as engine

    rows = [
        [f"c{i % 97}", f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}", f"{i % 50}.5"]
        for i in range(3000)
    ]
    path = write_csv(tmp_path / "orders.csv", ["customer_id", "order_date", "amount"], rows)
    lines = path.read_text().splitlines()
    lines[1500] = "bad,2024-13-01,5"  # line 1501 of the file: an impossible date
    lines[2000] = "c1,2024-02-03,5,extra"  # line 2001: four fields
    lines[2999] = "x,2024-01-01"  # line 3000: two fields
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(engine, "_BLOCK", 5000)
    options: dict[str, Any] = {"value": "revenue", "as_of": "2024-12-31"}
    with pytest.raises(DataError, match=r"orders\.csv:1501: column 'order_date'"):
        flat_call(cohort_table_from_files, path, engine="dask", scheduler=scheduler, **options)
    got, report = flat_call(
        cohort_table_from_files,
        path,
        engine="dask",
        scheduler=scheduler,
        on_error="skip",
        **options,
    )
    want, expected = flat_call(
        cohort_table_from_files, path, engine="numpy", on_error="skip", **options
    )
    assert int(report.settings["partitions"]) > 10  # really read in blocks
    assert sorted(report.problems) == sorted(expected.problems)
    assert (report.rows_read, report.rows_used, report.rows_rejected) == (3000, 2997, 3)
    assert_same_table(got, want)


def test_parquet_pieces_name_rows_by_their_row_in_the_file(
    scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Parquet file read in pieces of its row groups reports an unreadable row by its
    row in the file, as the numpy engine does (whose report is the expected one)."""
    from retention_xl.engines import dask as engine

    table = pa.table(
        {
            "customer_id": ["a", "b", "", "c"] * 3,  # rows 3, 7, 11: no id
            "order_date": ["2024-01-01", "2024-02-01", "2024-02-03", "2024-13-01"] * 3,
            "amount": [1.0, 2.0, 3.0, 4.0] * 3,  # rows 4, 8, 12: an impossible date
        }
    )
    path = tmp_path / "orders.parquet"
    pq.write_table(table, path, row_group_size=4)
    monkeypatch.setattr(engine, "_PARQUET_ROWS", 4)  # one row group a piece
    with pytest.raises(DataError, match=r"orders\.parquet, row 3: column 'customer_id'"):
        cohort_table_from_files(path, engine=EngineSettings(engine="dask", scheduler=scheduler))
    _, report = cohort_table_from_files(
        path,
        engine=EngineSettings(engine="dask", scheduler=scheduler),
        read=ReadSettings(on_error="skip"),
    )
    _, expected = cohort_table_from_files(
        path,
        engine=EngineSettings(engine="numpy"),
        read=ReadSettings(on_error="skip"),
    )
    assert report.settings["partitions"] == "3"
    assert sorted(report.problems) == sorted(expected.problems)
    assert any("orders.parquet, row 12:" in problem for problem in report.problems)
