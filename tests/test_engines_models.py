"""The DuckDB and Dask engines compute the numpy engine's RFM summaries, forecasts, MRR
movement tables and ledgers from files: CDNOW (CSV, German CSV, Parquet file and folder),
random order logs and billing logs (hypothesis), a generated subscription business under
several conventions, and the errors a user can meet.

Expected values come from the numpy engine: ``retention_xl.models.rfm_summary`` and
``forecast`` are checked against the published CDNOW summary and the models' papers by
tests/test_models_rfm.py and tests/test_models_bgnbd.py, and ``mrr_movements`` against the
independent plain-Python reference of tests/subscription_reference.py by
tests/test_subscriptions.py. Every engine is in addition checked against the published
CDNOW summary (FHL 2005), and on the random logs against the in-memory functions (and the
MRR reference) applied to what was written; by-hand cases show their arithmetic. "Equal"
is defined in tests/engine_models_compare.py: counts and times exact, money to the cent
(RFM) or exact in cents (MRR). One LocalCluster of two worker processes (tests/conftest.py)
serves every Dask run.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from engine_compare import write_csv
from engine_models_compare import (
    assert_same_forecast,
    assert_same_movements,
    assert_same_summary,
    report_counts,
)
from flat import flat_call
from hypothesis import given, settings
from hypothesis import strategies as st
from subscription_reference import reference_movements

from retention_xl.engines import (
    EngineSettings,
    forecast_from_files,
    ledger_from_files,
    mrr_movements_from_files,
    rfm_summary_from_files,
)
from retention_xl.engines import dask as dask_module
from retention_xl.engines import mrr as mrr_module
from retention_xl.errors import DataError, InputError
from retention_xl.io import ReadSettings, read_orders
from retention_xl.models import ForecastSettings, rfm_summary
from retention_xl.subscriptions import SubscriptionConventions
from retention_xl.subscriptions.ledger import month_label
from retention_xl.subscriptions.sample import sample_billing

distributed = pytest.importorskip("distributed")

DATA = Path(__file__).parent / "data"
SAMPLE = Path(__file__).parents[1] / "retention_xl" / "sample" / "cdnow_sample_orders.csv"
GERMAN = DATA / "cdnow_300_de.csv"
BILLING = DATA / "subscriptions_billing.csv"
GERMAN_COLUMNS = {"customer_col": "Kunden-Nr", "date_col": "Bestelldatum", "amount_col": "Betrag"}
#: CSV bytes per Dask partition in these tests, so that the small files are read in several
#: partitions and the shuffle by customer has something to do (the default is 64MB)
SMALL_BLOCK = 16_000


@pytest.fixture
def small_partitions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dask reads CSV files in blocks of SMALL_BLOCK bytes."""
    monkeypatch.setattr(dask_module, "_BLOCK", SMALL_BLOCK)


def on(engine: str, scheduler: str) -> dict[str, Any]:
    """The engine options: the module's cluster for Dask."""
    return {"engine": engine, **({"scheduler": scheduler} if engine == "dask" else {})}


def _sample_parquet(folder: Path, parts: int, *, int_ids: bool = False) -> None:
    """The CDNOW sample as ``parts`` Parquet files in ``folder`` (typed dates and amounts;
    ids as text, or as integers with ``int_ids``)."""
    orders = read_orders(SAMPLE)
    assert orders.amounts is not None
    ids = orders.customer_ids
    step = len(orders) // parts + 1
    for number, start in enumerate(range(0, len(orders), step)):
        rows = slice(start, start + step)
        customer = (
            pa.array(ids[rows].astype(np.int64), pa.int64())
            if int_ids
            else pa.array(ids[rows].tolist(), pa.string())
        )
        pq.write_table(
            pa.table(
                {
                    "customer_id": customer,
                    "order_date": pa.array(orders.order_dates[rows], pa.date32()),
                    "amount": pa.array(orders.amounts[rows]),
                }
            ),
            folder / f"part-{number}.parquet",
        )


# --- 1. RFM summaries of CDNOW -----------------------------------------------------------


@pytest.mark.usefixtures("small_partitions")
@pytest.mark.parametrize("unit", ["W", "D", "M"])
@pytest.mark.parametrize("engine", ["duckdb", "dask"])
def test_cdnow_sample_rfm_summary_mid_data(scheduler: str, engine: str, unit: str) -> None:
    # 1997-09-30 is the end of FHL's calibration period, in the middle of the sample's
    # 1997-01-01 … 1998-06-30: orders after it are left out and counted
    options: dict[str, Any] = {"as_of": "1997-09-30", "unit": unit}
    got, report = flat_call(rfm_summary_from_files, SAMPLE, **on(engine, scheduler), **options)
    want, numpy_report = flat_call(rfm_summary_from_files, SAMPLE, engine="numpy", **options)
    assert report.engine == engine
    if engine == "dask":
        assert int(report.settings["partitions"]) > 1  # the shuffle joined the partitions
    assert_same_summary(got, want, (engine, unit))
    assert report_counts(report) == report_counts(numpy_report)
    # tests/data/SOURCES.md: 2,357 customers, all first buying in Q1 1997; 6,919 orders
    assert len(got) == 2357
    assert got.orders_used + got.orders_after_as_of == 6919 and got.orders_after_as_of > 0


@pytest.mark.usefixtures("small_partitions")
@pytest.mark.parametrize("engine", ["numpy", "duckdb", "dask"])
def test_every_engine_gives_the_published_cdnow_summary(scheduler: str, engine: str) -> None:
    # FHL 2005: the sample in weeks at 1997-09-30 (tests/data/SOURCES.md); the file's ids
    # are CDNOW's, the published summary numbers customers as CDNOW_sample.txt does
    number = {}
    for line in (DATA / "CDNOW_sample.txt").read_text().splitlines():
        master, index, *_ = line.split()
        number[master] = int(index)
    got, _ = flat_call(rfm_summary_from_files, SAMPLE, **on(engine, scheduler), as_of="1997-09-30")
    with (DATA / "cdnow_customers_summary_with_transactions.csv").open() as handle:
        published = {int(row["ID"]): row for row in csv.DictReader(handle)}
    rows = [published[number[c]] for c in got.customer_ids.tolist()]
    assert len(rows) == len(published) == 2357
    assert got.frequency.tolist() == [float(row["x"]) for row in rows]
    # the published file rounds to 2 decimals: at most 0.005 apart
    for ours, column in ((got.recency, "t_x"), (got.age, "T"), (got.monetary, "zbar")):
        assert ours is not None
        theirs = np.array([float(row[column]) for row in rows])
        assert np.max(np.abs(ours - theirs)) <= 0.005 + 1e-9, column


@pytest.mark.usefixtures("small_partitions")
@pytest.mark.parametrize("engine", ["duckdb", "dask"])
def test_cdnow_sample_to_the_last_order_and_without_amounts(scheduler: str, engine: str) -> None:
    got, _ = flat_call(rfm_summary_from_files, SAMPLE, **on(engine, scheduler))
    want, _ = rfm_summary_from_files(SAMPLE, engine=EngineSettings(engine="numpy"))
    assert_same_summary(got, want, engine)
    assert got.as_of == dt.date(1998, 6, 30)  # R2: the last order day (SOURCES.md)
    got, _ = flat_call(rfm_summary_from_files, SAMPLE, amount_col=None, **on(engine, scheduler))
    want, _ = rfm_summary_from_files(
        SAMPLE,
        engine=EngineSettings(engine="numpy"),
        read=ReadSettings(amount_col=None),
    )
    assert got.monetary is None and got.revenue is None
    assert_same_summary(got, want, (engine, "no amounts"))


@pytest.mark.parametrize("engine", ["duckdb", "dask"])
def test_german_csv_rfm_summary(scheduler: str, engine: str) -> None:
    # cp1252, ';', DD.MM.YYYY, decimal comma with thousands points (tests/data/SOURCES.md)
    options: dict[str, Any] = {**GERMAN_COLUMNS, "as_of": "1997-06-30", "unit": "D"}
    got, report = flat_call(rfm_summary_from_files, GERMAN, **on(engine, scheduler), **options)
    want, numpy_report = flat_call(rfm_summary_from_files, GERMAN, engine="numpy", **options)
    assert_same_summary(got, want, engine)
    assert report_counts(report) == report_counts(numpy_report)
    assert report.rows_read == 970  # all 970 orders of the fixture (SOURCES.md)


@pytest.mark.parametrize("unit", ["W", "M"])
def test_cdnow_as_parquet_file_and_folder(scheduler: str, tmp_path: Path, unit: str) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    _sample_parquet(one, 1)
    _sample_parquet(two, 2)
    options: dict[str, Any] = {"as_of": "1997-12-31", "unit": unit}
    want, _ = flat_call(rfm_summary_from_files, SAMPLE, engine="numpy", **options)  # from the CSV
    for engine in ("numpy", "duckdb", "dask"):
        for source in (one / "part-0.parquet", two):
            got, report = flat_call(
                rfm_summary_from_files, source, **on(engine, scheduler), **options
            )
            assert report.files == (2 if source == two else 1)
            assert_same_summary(got, want, (engine, source))


def test_parquet_with_integer_ids(scheduler: str, tmp_path: Path) -> None:
    # R1: a typed whole-number id is the id as Excel shows it ("4", not "00004")
    _sample_parquet(tmp_path, 2, int_ids=True)
    want, _ = rfm_summary_from_files(
        tmp_path, engine=EngineSettings(engine="numpy"), as_of="1998-01-31"
    )
    ids = want.customer_ids.tolist()
    assert "4" in ids and not any(i.startswith("0") for i in ids)  # the sample's 00004
    for engine in ("duckdb", "dask"):
        got, _ = flat_call(
            rfm_summary_from_files, tmp_path, **on(engine, scheduler), as_of="1998-01-31"
        )
        assert_same_summary(got, want, engine)


# --- 2. forecasts --------------------------------------------------------------------------


@pytest.mark.usefixtures("small_partitions")
@pytest.mark.parametrize("engine", ["duckdb", "dask"])
def test_cdnow_sample_forecast(scheduler: str, engine: str) -> None:
    options: dict[str, Any] = {"holdout": 0.25, "unit": "W", "horizon": 52}
    got, report = flat_call(forecast_from_files, SAMPLE, **on(engine, scheduler), **options)
    want, _ = flat_call(forecast_from_files, SAMPLE, engine="numpy", **options)
    assert report.engine == engine
    assert got.tracking is not None and got.tracking.holdout_actual > 0
    assert got.clv is not None
    assert_same_forecast(got, want, engine)


# --- 3. random order logs ------------------------------------------------------------------

#: R1: " anna" is "anna", " 7 " and "7\xa0" are "7"; "007" is not "7"
IDS = ["anna", " anna", "bo b", "007", "7", " 7 ", "zoë", "7\u00a0"]
AMOUNTS = [0.0, 12.5, 25.0, 99.99, 1234.56, -5.0, -12.5, -40.0]


@st.composite
def order_logs(draw: st.DrawFn) -> dict[str, Any]:
    """Up to 25 orders of a few customers over a few days to a few months: same-day
    orders, refunds (before any purchase, of customers without one), and an as_of that may
    fall before the last order (or before every purchase)."""
    n = draw(st.integers(1, 25))
    start = draw(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2024, 12, 31)))
    spread = draw(st.sampled_from([2, 20, 120]))
    dates = [start + dt.timedelta(days=draw(st.integers(0, spread))) for _ in range(n)]
    last = max(dates)
    return {
        "ids": [draw(st.sampled_from(IDS)) for _ in range(n)],
        "dates": dates,
        "amounts": [draw(st.sampled_from(AMOUNTS)) for _ in range(n)],
        "hours": [draw(st.integers(0, 23)) for _ in range(n)],
        "format": draw(st.sampled_from(["csv", "csv_time", "csv_de"])),
        "as_of": draw(
            st.sampled_from(
                [None, None, last, last + dt.timedelta(days=10), start + dt.timedelta(spread // 2)]
            )
        ),
        "unit": draw(st.sampled_from(["W", "D", "M"])),
    }


def _write_orders(folder: Path, log: dict[str, Any]) -> Path:
    german = log["format"] == "csv_de"
    rows = []
    for who, when, amount, hour in zip(
        log["ids"], log["dates"], log["amounts"], log["hours"], strict=True
    ):
        if german:
            rows.append([who, when.strftime("%d.%m.%Y"), f"{amount:.2f}".replace(".", ",")])
        elif log["format"] == "csv_time":  # a time of day is ignored (R1)
            rows.append([who, f"{when.isoformat()} {hour:02d}:30:00", f"{amount:.2f}"])
        else:
            rows.append([who, when.isoformat(), f"{amount:.2f}"])
    header = ["customer_id", "order_date", "amount"]
    return write_csv(folder / "orders.csv", header, rows, sep=";" if german else ",")


def _summary_or_error(path: Path, engine: str, scheduler: str, log: dict[str, Any]) -> Any:
    """The summary, or the message of the InputError the engine raised."""
    try:
        summary, _ = flat_call(
            rfm_summary_from_files,
            path,
            **on(engine, scheduler),
            as_of=log["as_of"],
            unit=log["unit"],
        )
    except InputError as error:
        return str(error)
    return summary


def _check_random_log(folder: Path, log: dict[str, Any], engine: str, scheduler: str) -> None:
    path = _write_orders(folder, log)
    want = _summary_or_error(path, "numpy", scheduler, log)
    got = _summary_or_error(path, engine, scheduler, log)
    # and both are the summary of what was written: ids trimmed (R1), in memory
    try:
        written = rfm_summary(
            [text.strip() for text in log["ids"]],
            log["dates"],
            log["amounts"],
            as_of=log["as_of"],
            unit=log["unit"],
        )
    except InputError as error:  # no purchase up to as_of: every engine says so
        assert got == want == str(error), log
        return
    assert not isinstance(want, str) and not isinstance(got, str), (want, got, log)
    assert_same_summary(want, written, ("numpy", log))
    assert_same_summary(got, want, (engine, log))


@pytest.mark.slow  # ~2 s: 25 hypothesis order logs on DuckDB
@settings(max_examples=25, deadline=None)
@given(log=order_logs())
def test_random_order_logs_on_duckdb(
    tmp_path_factory: pytest.TempPathFactory, log: dict[str, Any]
) -> None:
    _check_random_log(tmp_path_factory.mktemp("orders"), log, "duckdb", "")


@settings(max_examples=8, deadline=None)
@given(log=order_logs())
def test_random_order_logs_on_dask(
    tmp_path_factory: pytest.TempPathFactory, scheduler: str, log: dict[str, Any]
) -> None:
    # a sample of the examples: every Dask run takes a few tenths of a second
    _check_random_log(tmp_path_factory.mktemp("orders"), log, "dask", scheduler)


def test_refunds_placed_and_unplaced_by_hand(scheduler: str, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "o.csv",
        ["customer_id", "order_date", "amount"],
        [
            ["a", "2024-01-01", "-5"],  # before a's first purchase: unplaced
            ["a", "2024-01-03", "40"],
            ["a", "2024-01-03", "10"],  # same day: one transaction of 50
            ["a", "2024-01-10", "-20"],  # lowers the first transaction (before the second)
            ["a", "2024-01-17", "30"],
            ["a", "2024-01-20", "-10"],  # lowers the second transaction to 20
            ["b", "2024-01-05", "-7"],  # b never buys: unplaced, b is no customer
            [" c ", "2024-01-24", "15"],
            ["c", "2024-01-24", "-5"],  # the day of c's first purchase: lowers it to 10
            ["c", "2024-02-01", "99"],  # after as_of
        ],
    )
    want, _ = rfm_summary_from_files(
        path,
        engine=EngineSettings(engine="numpy"),
        as_of="2024-01-31",
        unit="D",
    )
    # hand: a: first 01-03, second 01-17 (x = 1, t_x = 14 days, T = 28 days); repeat value
    # 30 − 10 = 20; revenue 50 − 20 + 30 − 10 = 50. c (trimmed): one purchase of 15 − 5,
    # T = 7 days.
    assert want.customer_ids.tolist() == ["a", "c"]
    assert want.frequency.tolist() == [1.0, 0.0] and want.recency.tolist() == [14.0, 0.0]
    assert want.age.tolist() == [28.0, 7.0]
    assert want.monetary is not None and want.revenue is not None
    assert want.monetary.tolist() == [20.0, 0.0] and want.revenue.tolist() == [50.0, 10.0]
    # hand: used = 4 purchases + 3 placed refunds; 1 order after as_of; 2 unplaced refunds
    assert (want.orders_used, want.orders_after_as_of, want.unplaced_refunds) == (7, 1, 2)
    for engine in ("duckdb", "dask"):
        got, _ = flat_call(
            rfm_summary_from_files, path, **on(engine, scheduler), as_of="2024-01-31", unit="D"
        )
        assert_same_summary(got, want, engine)


# --- 4. MRR movement tables ------------------------------------------------------------------

CONVENTIONS: list[dict[str, Any]] = [
    {},  # the defaults: M, start, count, 1, churn, 1.0
    {"period": "Q", "zero_mrr": "pause", "reactivation_gap": 3, "joined_and_left": "ignore"},
    {"period": "Q", "churn_denominator": "start_plus_new", "joined_and_left": "count"},
    {"period": "Y", "churn_denominator": "average", "gross_margin": 0.8},
    {"period": "M", "reactivation_gap": 3, "zero_mrr": "pause", "churn_denominator": "average"},
    {"period": "Y", "zero_mrr": "churn", "reactivation_gap": 1, "joined_and_left": "ignore"},
]


def _named(options: dict[str, Any]) -> str:
    return ",".join(map(str, options.values())) or "defaults"


@pytest.fixture(scope="module")
def generated_billing(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A made-up subscription business (retention_xl/subscriptions/sample.py: 150
    customers over 30 months, add-on rows) with zero-MRR rows added in random months, as
    CSV and as a folder of two Parquet files."""
    ids, days, mrr = sample_billing(150, 30, seed=5)
    rng = np.random.default_rng(5)
    zero = rng.choice(ids.size, 60, replace=False)  # a zero row in another month of theirs
    ids = np.concatenate([ids, ids[zero]])
    days = np.concatenate([days, days[zero] + rng.integers(31, 200, zero.size)])
    mrr = np.concatenate([mrr, np.zeros(zero.size)])
    folder = tmp_path_factory.mktemp("billing")
    csv_path = write_csv(
        folder / "billing.csv",
        ["customer_id", "period", "mrr"],
        [
            [c, str(d), f"{m:.2f}"]
            for c, d, m in zip(ids.tolist(), days.tolist(), mrr.tolist(), strict=True)
        ],
    )
    parquet = folder / "parquet"
    parquet.mkdir()
    half = ids.size // 2
    for number, rows in enumerate((slice(0, half), slice(half, None))):
        pq.write_table(
            pa.table(
                {
                    "customer_id": pa.array(ids[rows].tolist(), pa.string()),
                    "period": pa.array(days[rows], pa.date32()),
                    "mrr": pa.array(mrr[rows], pa.float64()),
                }
            ),
            parquet / f"part-{number}.parquet",
        )
    return {"csv": csv_path, "parquet": parquet}


@pytest.mark.usefixtures("small_partitions")
@pytest.mark.parametrize("options", CONVENTIONS, ids=_named)
def test_billing_fixture_on_every_engine(
    scheduler: str, monkeypatch: pytest.MonkeyPatch, options: dict[str, Any]
) -> None:
    monkeypatch.setattr(mrr_module, "BUCKET_CELLS", 2)  # 7 cells: 4 buckets of customers
    want, numpy_report = flat_call(mrr_movements_from_files, BILLING, engine="numpy", **options)
    # hand (tests/data/SOURCES.md): 8 rows; A Jan–Mar, B Jan–Feb, C Feb–Mar (2 rows in
    # March): 7 customer-months of 3 customers
    assert (want.rows, want.cells, want.customers) == (8, 7, 3)
    for engine in ("duckdb", "dask"):
        got, report = flat_call(
            mrr_movements_from_files, BILLING, **on(engine, scheduler), **options
        )
        assert report.engine == engine
        if engine == "duckdb":
            assert int(report.settings["buckets"]) > 1
        assert report_counts(report) == report_counts(numpy_report)
        assert_same_movements(got, want, (engine, options))


@pytest.mark.usefixtures("small_partitions")
@pytest.mark.parametrize("options", CONVENTIONS, ids=_named)
def test_generated_billing_on_every_engine(
    scheduler: str,
    monkeypatch: pytest.MonkeyPatch,
    generated_billing: dict[str, Path],
    options: dict[str, Any],
) -> None:
    monkeypatch.setattr(mrr_module, "BUCKET_CELLS", 500)
    path = generated_billing["csv"]
    want, numpy_report = flat_call(mrr_movements_from_files, path, engine="numpy", **options)
    assert want.customers == 150 and want.rows == numpy_report.rows_used
    assert want.churn.sum() > 0 and want.reactivation.sum() > 0 and want.expansion.sum() > 0
    if options.get("period", "M") != "M" and options.get("joined_and_left") != "ignore":
        assert want.passing_customers.sum() > 0  # some join and leave within a period
    for engine in ("duckdb", "dask"):
        got, report = flat_call(mrr_movements_from_files, path, **on(engine, scheduler), **options)
        if engine == "duckdb":
            assert int(report.settings["buckets"]) > 1
        else:
            assert int(report.settings["partitions"]) > 1
        assert report_counts(report) == report_counts(numpy_report)
        assert_same_movements(got, want, (engine, options))


def test_generated_billing_as_parquet_folder(
    scheduler: str, generated_billing: dict[str, Path]
) -> None:
    options: dict[str, Any] = {"period": "Q", "zero_mrr": "pause"}
    want, _ = flat_call(
        mrr_movements_from_files, generated_billing["csv"], engine="numpy", **options
    )
    for engine in ("numpy", "duckdb", "dask"):
        got, report = flat_call(
            mrr_movements_from_files,
            generated_billing["parquet"],
            **on(engine, scheduler),
            **options,
        )
        assert report.files == 2
        assert_same_movements(got, want, engine)


def test_half_cents_round_half_to_even_on_every_engine(scheduler: str, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "b.csv",
        ["customer_id", "period", "mrr"],
        [["a", "2024-01", "0.125"], ["a", "2024-01", "0.375"], ["b", "2024-01", "10.5"]],
    )
    # hand: 12.5 cents → 12 and 37.5 cents → 38 (half to even, each row; both exact in
    # binary), so a has 50 cents; b 1050 cents
    for engine in ("numpy", "duckdb", "dask"):
        table, _ = flat_call(mrr_movements_from_files, path, **on(engine, scheduler))
        assert table.mrr_end.tolist() == [1100], engine
        book, _ = flat_call(ledger_from_files, path, **on(engine, scheduler))
        assert sorted(book.table()[1:]) == [["a", "2024-01", 0.5], ["b", "2024-01", 10.5]]


#: customers as written (" A" and "A " are "A", R1), of a made-up subscription log
BILLING_IDS = ["A", "b 1", "007", "7", "zoë"]


@st.composite
def billing_logs(draw: st.DrawFn) -> dict[str, Any]:
    """A few customers over up to 28 months: per customer-month that has rows, a total
    (0 for a zero-MRR row) written as 1 to 3 rows that add up to it (a credit note row, an
    add-on, a zero row), months with gaps, rows shuffled, ids with spaces around."""
    base = draw(st.integers(600, 640))  # the first month, months since 1970-01
    customers = draw(st.lists(st.sampled_from(BILLING_IDS), min_size=1, max_size=4, unique=True))
    rows: list[tuple[str, int, int]] = []  # (id as written, month, cents)
    for customer in customers:
        months = draw(st.lists(st.integers(0, 27), min_size=1, max_size=10, unique=True))
        for month in months:
            total = draw(st.sampled_from([0, 0, 1900, 4900, 4900, 9900, 12345, 24900]))
            split = draw(st.sampled_from(["one", "credit", "addon"]))
            if split == "credit":
                credit = draw(st.sampled_from([1, 500, 1999]))
                parts = [total + credit, -credit]
            elif split == "addon":
                first = draw(st.integers(0, total))
                parts = [first, total - first, 0]
            else:
                parts = [total]
            for cents in parts:
                written = draw(st.sampled_from([customer, f" {customer}", f"{customer} "]))
                rows.append((written, base + month, cents))
    order = draw(st.permutations(range(len(rows))))
    return {
        "rows": [rows[i] for i in order],
        "days": [draw(st.integers(1, 28)) for _ in rows],
        "format": draw(st.sampled_from(["csv_month", "csv_date", "csv_de", "parquet"])),
        "conventions": draw(
            st.fixed_dictionaries(
                {
                    "period": st.sampled_from(["M", "Q", "Y"]),
                    "churn_denominator": st.sampled_from(["start", "start_plus_new", "average"]),
                    "joined_and_left": st.sampled_from(["count", "ignore"]),
                    "reactivation_gap": st.integers(1, 3),
                    "zero_mrr": st.sampled_from(["churn", "pause"]),
                    "gross_margin": st.sampled_from([1.0, 0.75]),
                }
            )
        ),
    }


def _label(month: int) -> str:
    return f"{1970 + month // 12:04d}-{month % 12 + 1:02d}"


def _write_billing(folder: Path, log: dict[str, Any]) -> Path:
    fmt = log["format"]
    dates = [
        dt.date(1970 + month // 12, month % 12 + 1, day)
        for (_, month, _), day in zip(log["rows"], log["days"], strict=True)
    ]
    if fmt == "parquet":
        path = folder / "billing.parquet"
        pq.write_table(
            pa.table(
                {
                    "customer_id": pa.array([r[0] for r in log["rows"]], pa.string()),
                    "period": pa.array(dates, pa.date32()),
                    "mrr": pa.array([r[2] / 100 for r in log["rows"]], pa.float64()),
                }
            ),
            path,
        )
        return path
    lines = []
    for (who, month, cents), when in zip(log["rows"], dates, strict=True):
        money = f"{cents / 100:.2f}"
        if fmt == "csv_de":
            lines.append([who, when.strftime("%d.%m.%Y"), money.replace(".", ",")])
        else:
            lines.append([who, _label(month) if fmt == "csv_month" else when.isoformat(), money])
    sep = ";" if fmt == "csv_de" else ","
    return write_csv(folder / "billing.csv", ["customer_id", "period", "mrr"], lines, sep=sep)


@pytest.mark.slow  # ~2 s: 25 hypothesis billing logs on DuckDB
@settings(max_examples=25, deadline=None)
@given(log=billing_logs())
def test_random_billing_logs_on_duckdb(
    tmp_path_factory: pytest.TempPathFactory, log: dict[str, Any]
) -> None:
    path = _write_billing(tmp_path_factory.mktemp("billing"), log)
    options = log["conventions"]
    want, numpy_report = flat_call(mrr_movements_from_files, path, engine="numpy", **options)
    with mock.patch.object(mrr_module, "BUCKET_CELLS", 3):  # several buckets of customers
        got, report = flat_call(mrr_movements_from_files, path, engine="duckdb", **options)
    assert report_counts(report) == report_counts(numpy_report)
    assert_same_movements(got, want, log)
    # and both are the table of what was written (the reference of
    # tests/subscription_reference.py, on the trimmed ids)
    rows = [(who.strip(), _label(month), cents) for who, month, cents in log["rows"]]
    expected = reference_movements(
        rows,
        period=options["period"],
        joined_and_left=options["joined_and_left"],
        reactivation_gap=options["reactivation_gap"],
        zero_mrr=options["zero_mrr"],
    )
    for key, values in expected.items():
        assert getattr(got, key).tolist() == values, key
    assert got.customers == len({row[0] for row in rows})


# --- 5. ledgers ------------------------------------------------------------------------------


@pytest.mark.usefixtures("small_partitions")
@pytest.mark.parametrize("which", ["fixture", "generated"])
def test_ledger_cells_on_every_engine(
    scheduler: str, generated_billing: dict[str, Path], which: str
) -> None:
    path = BILLING if which == "fixture" else generated_billing["csv"]
    want, numpy_report = ledger_from_files(path, engine=EngineSettings(engine="numpy"))
    for engine in ("duckdb", "dask"):
        got, report = flat_call(ledger_from_files, path, **on(engine, scheduler))
        assert report_counts(report) == report_counts(numpy_report)
        assert got.rows == want.rows and got.customers.size == want.customers.size
        assert got.table()[0] == want.table()[0]
        # the same cells (customer, month, MRR); the order is compared below
        assert sorted(got.table()[1:]) == sorted(want.table()[1:]), engine
    if which == "fixture":  # hand: the file's 8 rows, C's two March rows 30 + 5.50
        assert sorted(want.table()[1:]) == [
            ["A", "2024-01", 100.0],
            ["A", "2024-02", 120.0],
            ["A", "2024-03", 90.0],
            ["B", "2024-01", 50.0],
            ["B", "2024-02", 50.0],
            ["C", "2024-02", 30.0],
            ["C", "2024-03", 35.5],
        ]


def test_ledger_table_in_the_same_order_on_every_engine(scheduler: str, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "b.csv",
        ["customer_id", "period", "mrr"],
        [["zed", "2024-01", "10"], ["b", "2024-02", "5"], ["am", "2024-03", "4"]],
    )
    want, _ = ledger_from_files(path, engine=EngineSettings(engine="numpy"))
    # hand: customers in the order of their ids, whatever order the file has them in
    assert [row[0] for row in want.table()[1:]] == ["am", "b", "zed"]
    for engine in ("duckdb", "dask"):
        got, _ = flat_call(ledger_from_files, path, **on(engine, scheduler))
        assert got.table() == want.table(), engine


# --- 6. errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["numpy", "duckdb", "dask"])
def test_negative_mrr_month_names_customer_and_month(
    scheduler: str, tmp_path: Path, engine: str
) -> None:
    path = write_csv(
        tmp_path / "b.csv",
        ["customer_id", "period", "mrr"],
        [["a", "2024-01", "10"], ["b", "2024-02", "5"], ["b", "2024-02", "-7.50"]],
    )
    # hand: b's February rows add up to 5 − 7.50 = −2.50
    message = r"customer 'b' has -2\.50 in 2024-02 .*MRR cannot be negative"
    with pytest.raises(InputError, match=message):
        flat_call(mrr_movements_from_files, path, **on(engine, scheduler))
    with pytest.raises(InputError, match=message):
        flat_call(ledger_from_files, path, **on(engine, scheduler))


@pytest.mark.parametrize("engine", ["numpy", "duckdb", "dask"])
def test_huge_amount_is_refused(scheduler: str, tmp_path: Path, engine: str) -> None:
    path = write_csv(
        tmp_path / "b.csv",
        ["customer_id", "period", "mrr"],
        [["a", "2024-01", "10"], ["b", "2024-02", "100000000000"]],
    )
    # 1e11 is beyond the 9e10 up to which sums in cents stay exact (subscriptions/ledger.py)
    for function in (mrr_movements_from_files, ledger_from_files):
        with pytest.raises(InputError, match="up to 9e10"):
            flat_call(function, path, **on(engine, scheduler))


def test_huge_amount_message_on_duckdb(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "b.csv", ["customer_id", "period", "mrr"], [["b", "2024-02", "1e11"]]
    )
    with pytest.raises(
        InputError, match=r"b\.csv: 1 rows of the column 'mrr' .*\(one is 100000000000\.0\)"
    ):
        ledger_from_files(path, engine=EngineSettings(engine="duckdb"))


@pytest.mark.parametrize("engine", ["duckdb", "dask"])
def test_excel_files_are_for_numpy(scheduler: str, tmp_path: Path, engine: str) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["customer_id", "order_date", "amount", "period", "mrr"])
    sheet.append(["a", dt.date(2024, 1, 5), 10.0, "2024-01", 10.0])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    message = rf"engine='{engine}' reads CSV, gzip CSV and Parquet files.*engine='numpy'"
    functions: list[Callable[..., Any]] = [
        rfm_summary_from_files,
        forecast_from_files,
        mrr_movements_from_files,
        ledger_from_files,
    ]
    for function in functions:
        with pytest.raises(InputError, match=message):
            flat_call(function, path, **on(engine, scheduler))
    summary, _ = rfm_summary_from_files(
        path, engine=EngineSettings(engine="numpy")
    )  # numpy reads workbooks
    assert summary.customer_ids.tolist() == ["a"]


def test_unknown_settings_are_named_with_the_known_ones() -> None:
    # settings travel as objects; one made from a mapping names what it does not know
    listed = r"the read settings are customer_col, date_col, amount_col, .*on_error, lang"
    with pytest.raises(InputError, match=rf"unknown read setting date_column; {listed}"):
        ReadSettings.from_mapping({"date_column": "Datum"})
    with pytest.raises(InputError, match=r"unknown forecast setting horizont;"):
        ForecastSettings.from_mapping({"horizont": 12})
    with pytest.raises(InputError, match=r"unknown convention zero;"):
        SubscriptionConventions.from_mapping({"zero": "pause"})
    with pytest.raises(TypeError):  # a misspelt keyword of a door is Python's error
        rfm_summary_from_files(SAMPLE, date_column="Datum")  # type: ignore[call-arg]
    with pytest.raises(InputError, match="not the read settings' customer_col, date_col"):
        mrr_movements_from_files(
            BILLING,
            engine=EngineSettings(engine="duckdb"),
            read=ReadSettings(date_col="period"),
        )
    with pytest.raises(InputError, match="period must be M, Q or Y"):
        mrr_movements_from_files(
            BILLING, SubscriptionConventions(period="W"), engine=EngineSettings(engine="duckdb")
        )


def test_unknown_mrr_option_lists_the_conventions() -> None:
    with pytest.raises(InputError) as caught:
        SubscriptionConventions.from_mapping({"zero": "pause"})
    assert "zero_mrr" in str(caught.value)
    assert "date_col" not in str(caught.value)


@pytest.mark.parametrize("engine", ["numpy", "duckdb", "dask"])
def test_missing_mrr_column(scheduler: str, engine: str) -> None:
    # the fixture's columns are customer_id, period, mrr (tests/data/SOURCES.md)
    message = r"no column 'price'; found 'customer_id', 'period', 'mrr'"
    with pytest.raises(InputError, match=message):
        flat_call(mrr_movements_from_files, BILLING, mrr_col="price", **on(engine, scheduler))
    with pytest.raises(InputError, match=message):
        flat_call(ledger_from_files, BILLING, mrr_col="price", **on(engine, scheduler))


def test_bad_order_rows_skipped_alike(scheduler: str, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "o.csv",
        ["customer_id", "order_date", "amount"],
        [
            ["a", "2024-01-05", "10"],
            ["", "2024-01-06", "5"],  # no id
            ["b", "2024-02-30", "7"],  # no such day
            ["b", "2024-01-07", "x"],  # no amount
            ["a", "2024-01-20", "12.5"],
            ["c", "2024-01-21", "3"],
        ],
    )
    with pytest.raises(DataError, match="customer_id"):
        rfm_summary_from_files(path, engine=EngineSettings(engine="duckdb"))
    options: dict[str, Any] = {"on_error": "skip", "as_of": "2024-01-31", "unit": "D"}
    want, numpy_report = flat_call(rfm_summary_from_files, path, engine="numpy", **options)
    # hand: 3 of the 6 rows rejected; a (2 purchases) and c are left, b has no row
    assert report_counts(numpy_report)[:3] == (6, 3, 3)
    assert want.customer_ids.tolist() == ["a", "c"]
    for engine in ("duckdb", "dask"):
        got, report = flat_call(rfm_summary_from_files, path, **on(engine, scheduler), **options)
        assert report_counts(report) == report_counts(numpy_report), engine
        assert_same_summary(got, want, engine)


def test_bad_billing_rows_skipped_alike(scheduler: str, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "b.csv",
        ["customer_id", "period", "mrr"],
        [
            ["a", "2024-01", "10"],
            ["b", "2024-13", "7"],  # no such month
            ["b", "2024-02", "x"],  # no amount
            ["b", "2024-03", "4"],
            ["a", "2024-03", "12"],
        ],
    )
    with pytest.raises(DataError, match="period"):
        mrr_movements_from_files(path, engine=EngineSettings(engine="duckdb"))
    want, numpy_report = mrr_movements_from_files(
        path,
        engine=EngineSettings(engine="numpy"),
        read=ReadSettings(on_error="skip"),
    )
    # hand: 2 of the 5 rows rejected; a in January and March, b in March
    assert report_counts(numpy_report)[:3] == (5, 3, 2)
    assert (want.rows, want.cells, want.customers) == (3, 3, 2)
    for engine in ("duckdb", "dask"):
        got, report = flat_call(
            mrr_movements_from_files, path, **on(engine, scheduler), on_error="skip"
        )
        assert report_counts(report) == report_counts(numpy_report), engine
        assert_same_movements(got, want, engine)


def _rejected_rows(folder: Path, blank: bool) -> Path:
    rows = [
        ["a", "2024-01", "10"],
        ["d", "2024-13", "7"],  # d's only row: rejected (no such month)
        ["b", "2024-03", "4"],
    ]
    if blank:
        rows[1:1] = [["", "2024-02", "5"], ["", "", ""]]  # no id: rejected; a blank row
    return write_csv(folder / "b.csv", ["customer_id", "period", "mrr"], rows)


@pytest.mark.parametrize("engine", ["duckdb", "dask"])
def test_rejected_and_blank_billing_rows_leave_no_customer(
    scheduler: str, tmp_path: Path, engine: str
) -> None:
    path = _rejected_rows(tmp_path, blank=True)
    got, report = flat_call(
        mrr_movements_from_files, path, **on(engine, scheduler), on_error="skip"
    )
    # hand: a and b are the only customers; 2 rows rejected, 1 blank row skipped
    assert report_counts(report)[1:] == (2, 2, 1)
    assert (got.rows, got.cells, got.customers) == (2, 2, 2)


def test_a_customer_whose_rows_are_all_rejected_is_none_on_numpy(tmp_path: Path) -> None:
    path = _rejected_rows(tmp_path, blank=False)
    want, report = mrr_movements_from_files(
        path,
        engine=EngineSettings(engine="duckdb"),
        read=ReadSettings(on_error="skip"),
    )
    got, numpy_report = mrr_movements_from_files(
        path,
        engine=EngineSettings(engine="numpy"),
        read=ReadSettings(on_error="skip"),
    )
    assert report_counts(numpy_report) == report_counts(report)
    assert_same_movements(got, want)


def test_rows_without_id_on_numpy(tmp_path: Path) -> None:
    path = _rejected_rows(tmp_path, blank=True)
    want, report = mrr_movements_from_files(
        path,
        engine=EngineSettings(engine="duckdb"),
        read=ReadSettings(on_error="skip"),
    )
    got, numpy_report = mrr_movements_from_files(
        path,
        engine=EngineSettings(engine="numpy"),
        read=ReadSettings(on_error="skip"),
    )
    assert report_counts(numpy_report) == report_counts(report)
    assert_same_movements(got, want)


# --- 7. billing lines spread over their service period ---------------------------------


def _billing_lines(path: Path, seed: int) -> Path:
    """Invoice lines: 70 % with a service period (a day to two years, some of them credit
    notes), the rest without one (counted in the month of the invoice date)."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(1500):
        customer = f"c{rng.integers(250)}"
        day = np.datetime64("2023-01-01") + np.timedelta64(int(rng.integers(700)), "D")
        amount = float(np.round(rng.uniform(1, 1500), 2))
        if rng.random() < 0.7:
            length = int(rng.choice([1, 10, 30, 31, 90, 365, 366, 700]))
            end = day + np.timedelta64(length - 1, "D")
            credit = rng.random() < 0.05  # a credit note against a larger line of its own
            rows.append([customer, str(day), str(day), str(end), f"{amount:.2f}"])
            if credit:
                rows.append([customer, str(day), str(day), str(end), f"{-amount / 3:.2f}"])
        else:
            rows.append([customer, str(day), "", "", f"{amount:.2f}"])
    header = ["customer_id", "invoice_date", "start", "end", "amount"]
    return write_csv(path, header, rows)


LINES: dict[str, Any] = {
    "period_col": "invoice_date",
    "mrr_col": "amount",
    "service": ("start", "end"),
}


@pytest.mark.parametrize("spread", ["months", "days"])
def test_billing_lines_spread_alike_on_every_engine(
    scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spread: str
) -> None:
    """The movement table and the ledger of spread invoice lines are equal on the three
    engines (numpy: retention_xl.subscriptions.spread_ledger, checked by hand and against
    the plain-Python reference in tests/test_subscriptions.py), DuckDB in several buckets
    and Dask in several blocks."""
    path = _billing_lines(tmp_path / "lines.csv", seed=11)
    monkeypatch.setattr(mrr_module, "BUCKET_CELLS", 2000)
    monkeypatch.setattr(dask_module, "_BLOCK", SMALL_BLOCK)
    choices: list[dict[str, Any]] = [
        {},
        {"period": "Q", "zero_mrr": "pause", "reactivation_gap": 2},
    ]
    for options in choices:
        want, _ = flat_call(
            mrr_movements_from_files, path, engine="numpy", spread=spread, **LINES, **options
        )
        for engine in ("duckdb", "dask"):
            got, report = flat_call(
                mrr_movements_from_files,
                path,
                **on(engine, scheduler),
                spread=spread,
                **LINES,
                **options,
            )
            assert_same_movements(got, want, (engine, spread, options))
            if engine == "duckdb":
                assert int(report.settings["buckets"]) > 1
    book, _ = flat_call(ledger_from_files, path, engine="numpy", spread=spread, **LINES)
    assert book.spread == spread
    for engine in ("duckdb", "dask"):
        other, _ = flat_call(
            ledger_from_files, path, **on(engine, scheduler), spread=spread, **LINES
        )
        assert other.table() == book.table() and other.spread == spread, engine


@pytest.mark.parametrize("engine", ["numpy", "duckdb", "dask"])
def test_a_service_period_backwards_or_one_sided_is_refused(
    scheduler: str, tmp_path: Path, engine: str
) -> None:
    header = ["customer_id", "invoice_date", "start", "end", "amount"]
    backwards = write_csv(
        tmp_path / "backwards.csv", header, [["a", "2024-01-01", "2024-02-01", "2024-01-01", "9"]]
    )
    with pytest.raises(InputError, match=r"customer 'a'.*ends \(2024-01-01\) before it starts"):
        flat_call(mrr_movements_from_files, backwards, **on(engine, scheduler), **LINES)
    one_sided = write_csv(
        tmp_path / "one.csv", header, [["b", "2024-01-01", "2024-02-01", "", "9"]]
    )
    with pytest.raises(InputError, match=r"customer 'b'.* only one of"):
        flat_call(mrr_movements_from_files, one_sided, **on(engine, scheduler), **LINES)


# --- 8. billing exports (issue 15): the table ends where the export ends; spreading ---------
# --- is exact and quiet -----------------------------------------------------------------------


def _june_export(path: Path) -> Path:
    """A billing export made in June 2024 (hand-made; the cases of
    tests/test_subscriptions_billing.py): "monthly" pays 29.00 on the 1st for each month,
    January to June; "annual" paid 1,200.00 on 2024-03-15 for a year; "credited" was billed
    790.00 for a year and credited the same amount over the same service period; "renewed"
    pays 1,200.01 a year from 2023-06-01 and renewed on 2024-06-01 at the same price;
    "one-off" a line without a service period in September 2023."""
    rows = []
    for month in range(1, 7):
        first = dt.date(2024, month, 1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        rows.append(["monthly", "monthly", str(first), str(first), str(last), "29.00"])
    rows += [
        ["annual", "annual", "2024-03-15", "2024-03-15", "2025-03-14", "1200.00"],
        ["credited", "annual", "2024-02-01", "2024-02-01", "2025-01-31", "790.00"],
        ["credited", "annual", "2024-02-10", "2024-02-01", "2025-01-31", "-790.00"],
        ["renewed", "legacy", "2023-06-01", "2023-06-01", "2024-05-31", "1200.01"],
        ["renewed", "legacy", "2024-06-01", "2024-06-01", "2025-05-31", "1200.01"],
        ["one-off", "legacy", "2023-09-10", "", "", "15.00"],
    ]
    header = ["customer_id", "plan", "invoice_date", "start", "end", "amount"]
    return write_csv(path, header, rows)


def _random_export(path: Path, seed: int) -> Path:
    """Random plans of 1 to 24 calendar months at random cent amounts, renewed 1 to 3
    times at the same price, a tenth of them credited line by line, and one-off lines of
    other customers."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(300):
        customer = f"c{number}"
        cents = int(rng.integers(1, 500_000))
        length = int(rng.choice([1, 1, 3, 6, 12, 12, 24]))
        index = 2023 * 12 + int(rng.integers(0, 18))  # the first month
        credited = rng.random() < 0.1
        for _ in range(int(rng.integers(1, 4))):
            first = dt.date(index // 12, index % 12 + 1, 1)
            end = index + length
            last = dt.date(end // 12, end % 12 + 1, 1) - dt.timedelta(days=1)
            line = [customer, str(first), str(first), str(last)]
            rows.append([*line, f"{cents / 100:.2f}"])
            if credited:
                rows.append([*line, f"{-cents / 100:.2f}"])
            index = end
        if rng.random() < 0.2:
            day = dt.date(2023, 1, 1) + dt.timedelta(days=int(rng.integers(700)))
            one_off = [f"o{number}", str(day), "", "", f"{rng.integers(1, 9000) / 100:.2f}"]
            rows.append(one_off)  # a customer of its own: a plan's MRR stays unchanged
    return write_csv(path, ["customer_id", "invoice_date", "start", "end", "amount"], rows)


def test_a_billing_export_ends_in_its_last_month_on_every_engine(
    scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _june_export(tmp_path / "export.csv")
    monkeypatch.setattr(mrr_module, "BUCKET_CELLS", 10)
    monkeypatch.setattr(dask_module, "_BLOCK", 200)
    want, _ = flat_call(mrr_movements_from_files, path, engine="numpy", **LINES)
    # hand: June 2023 (renewed's first month) to June 2024, the month of the last invoice
    # (not May 2025, where the renewal's service ends)
    assert want.labels[0] == "2023-06" and want.labels[-1] == "2024-06"
    # hand: renewed 1,200.01 / 12 -> 100.00 every month of both years; one-off 15.00 in
    # September; monthly 29.00 from January; credited 790.00 - 790.00 = 0; annual
    # 1,200.00 / 12 = 100.00 from March
    mrr_end = [100.0] * 3 + [115.0] + [100.0] * 3 + [129.0] * 2 + [229.0] * 4
    assert (want.mrr_end / 100).tolist() == mrr_end
    assert want.expansion.sum() == 0 and want.contraction.sum() == 0  # hand: no plan changed
    # hand: only one-off churns (15.00 in October 2023); no churn in July 2024: not in the table
    assert (want.churn / 100).tolist() == [0.0] * 4 + [15.0] + [0.0] * 8
    assert want.customers_end.tolist()[-1] == 3  # hand: monthly, annual, renewed
    for options in ({}, {"as_of": "2024-04"}, {"as_of": "2024-09-30"}, {"period": "Q"}):
        expected, _ = flat_call(mrr_movements_from_files, path, engine="numpy", **LINES, **options)
        for engine in ("duckdb", "dask"):
            got, report = flat_call(
                mrr_movements_from_files, path, **on(engine, scheduler), **LINES, **options
            )
            assert_same_movements(got, expected, (engine, options))
            if engine == "duckdb":
                assert int(report.settings["buckets"]) > 1
    later, _ = flat_call(mrr_movements_from_files, path, engine="numpy", as_of="2024-09", **LINES)
    # hand: looking on to September, monthly (invoiced until June) churns 29.00 in July
    assert later.labels[-4:] == ["2024-06", "2024-07", "2024-08", "2024-09"]
    assert (later.churn / 100).tolist()[-3:] == [29.0, 0.0, 0.0]


@pytest.mark.parametrize("spread", ["months", "days"])
def test_billing_ledgers_cut_and_split_alike_on_every_engine(
    scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spread: str
) -> None:
    """The ledgers (amounts billed, MRR, the month the data ends), whole and per plan, and
    the subscription books made from them are equal on the three engines."""
    from retention_xl.engines import segment_ledgers_from_files
    from retention_xl.results import SubscriptionSettings, subscription_books_from_files
    from retention_xl.subscriptions import BillingSettings

    path = _june_export(tmp_path / "export.csv")
    monkeypatch.setattr(dask_module, "_BLOCK", 200)
    runs = {}
    for engine in ("numpy", "duckdb", "dask"):
        whole, _ = flat_call(
            ledger_from_files, path, **on(engine, scheduler), spread=spread, **LINES
        )
        plans, _ = flat_call(
            segment_ledgers_from_files,
            path,
            "plan",
            **on(engine, scheduler),
            spread=spread,
            **LINES,
        )
        runs[engine] = {"": whole, **{f"plan {k}": v for k, v in plans.items()}}
    for name, book in runs["numpy"].items():
        for engine in ("duckdb", "dask"):
            other = runs[engine][name]
            assert other.table() == book.table(), (engine, name)
            assert other.mrr.tolist() == book.mrr.tolist(), (engine, name)
            assert other.end_month == book.end_month, (engine, name)
    ends = {name: month_label(book.end_month) for name, book in runs["numpy"].items()}
    # hand: each plan ends in the month of its own last invoice: annual's is 2024-03-15
    assert ends == {
        "": "2024-06",
        "plan annual": "2024-03",
        "plan legacy": "2024-06",
        "plan monthly": "2024-06",
    }
    billing = BillingSettings(
        period_col="invoice_date", mrr_col="amount", start_col="start", end_col="end", spread=spread
    )
    books = {
        engine: subscription_books_from_files(
            path,
            "plan",
            SubscriptionSettings(billing=billing),
            engine=EngineSettings(engine, scheduler=scheduler if engine == "dask" else None),
        )[0]
        for engine in ("numpy", "duckdb", "dask")
    }
    for plan, book in books["numpy"].items():
        assert month_label(book.ledger.last_month) <= ends[f"plan {plan}"]
        for engine in ("duckdb", "dask"):
            assert_same_movements(books[engine][plan].movements, book.movements, (engine, plan))
            assert books[engine][plan].ledger.table() == book.ledger.table()


@pytest.mark.parametrize("spread", ["months", "days"])
def test_billing_renewals_and_exact_credit_notes_alike_on_every_engine(
    scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spread: str
) -> None:
    path = _random_export(tmp_path / "random.csv", seed=15)
    monkeypatch.setattr(mrr_module, "BUCKET_CELLS", 2000)
    monkeypatch.setattr(dask_module, "_BLOCK", SMALL_BLOCK)
    for options in ({}, {"as_of": "2024-01"}, {"period": "Q", "as_of": "2026-06"}):
        want, _ = flat_call(
            mrr_movements_from_files, path, engine="numpy", spread=spread, **LINES, **options
        )
        if spread == "months":  # hand: every plan keeps its price, credited plans are 0
            assert want.expansion.sum() == 0 and want.contraction.sum() == 0, options
        for engine in ("duckdb", "dask"):
            got, _ = flat_call(
                mrr_movements_from_files,
                path,
                **on(engine, scheduler),
                spread=spread,
                **LINES,
                **options,
            )
            assert_same_movements(got, want, (engine, spread, options))


@pytest.mark.parametrize("engine", ["numpy", "duckdb", "dask"])
def test_billing_as_of_before_the_export_is_refused_on_every_engine(
    scheduler: str, tmp_path: Path, engine: str
) -> None:
    path = _june_export(tmp_path / "export.csv")
    message = r"as_of 2023-05 is before the first month of the data \(2023-06\)"
    with pytest.raises(InputError, match=message):
        flat_call(mrr_movements_from_files, path, **on(engine, scheduler), as_of="2023-05", **LINES)
