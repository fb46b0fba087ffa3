"""`fill --engine duckdb`: workbooks from tables aggregated on the engine (no orders in
memory) show the same triangle and summary as the numpy fill of the same file."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_compare import write_csv
from flat import flat_fill
from openpyxl import load_workbook

from retention_xl import InputError, fill_many
from retention_xl.cli import main
from retention_xl.samples import SHOP_ORDERS


def _values(path: Path, sheet_index: int) -> list[list[object]]:
    book = load_workbook(path, read_only=True)
    rows = [list(row) for row in book.worksheets[sheet_index].iter_rows(values_only=True)]
    book.close()
    return rows


def _same(a: list[list[object]], b: list[list[object]]) -> None:
    assert len(a) == len(b)
    for row_a, row_b in zip(a, b, strict=True):
        for x, y in zip(row_a, row_b, strict=True):
            if isinstance(x, float) and isinstance(y, float):
                assert x == pytest.approx(y, rel=1e-12, abs=1e-12)
            elif isinstance(x, str) and "orders in the table" in x:
                continue  # names the data: the file on one side, the engine's label on the other
            else:
                assert x == y


@pytest.mark.slow  # ~1 s: cohort workbooks per store on numpy and DuckDB
def test_fill_on_duckdb_equals_the_numpy_fill(tmp_path: Path) -> None:
    on_numpy = fill_many([SHOP_ORDERS], by="store", out_dir=tmp_path / "numpy", jobs=1)
    on_duckdb = flat_fill(
        fill_many, [SHOP_ORDERS], by="store", out_dir=tmp_path / "duckdb", engine="duckdb"
    )
    assert [r.path.name for r in on_duckdb] == [r.path.name for r in on_numpy]  # type: ignore[union-attr]
    assert all(r.ok for r in on_duckdb) and len(on_duckdb) == 4  # four stores in the sample
    for a, b in zip(on_numpy, on_duckdb, strict=True):
        assert a.cohorts == b.cohorts and a.rows_used == b.rows_used
        assert a.path is not None and b.path is not None
        _same(_values(a.path, 0), _values(b.path, 0))  # the cohort sheet: triangle, averages
        _same(_values(a.path, 1), _values(b.path, 1))  # the summary: KPIs from the totals


def test_engine_fill_refuses_what_only_the_reader_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(InputError, match="--live"):
        flat_fill(fill_many, [SHOP_ORDERS], out_dir=tmp_path, engine="duckdb", live=True)
    args = ["fill", str(SHOP_ORDERS), "--engine", "duckdb", "--preset", "shopify"]
    assert main([*args, "--out-dir", str(tmp_path)]) == 2
    assert "--preset are read by the numpy engine only" in capsys.readouterr().err


BILLING = Path(__file__).parent / "data" / "subscriptions_billing.csv"


def _all_cells(path: Path) -> dict[tuple[str, str], object]:
    book = load_workbook(path)
    cells = {
        (sheet.title, cell.coordinate): cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    book.close()
    return cells


def _same_cells(a: Path, b: Path, rel: float) -> None:
    """Every cell of every sheet equal; numbers within ``rel`` (the engines sum money in
    another order, and the forecast's fits start from those sums)."""
    want, got = _all_cells(a), _all_cells(b)
    assert sorted(got) == sorted(want)
    for key, value in want.items():
        if isinstance(value, float):
            assert got[key] == pytest.approx(value, rel=rel, abs=1e-9), key
        else:
            assert got[key] == value, key


@pytest.mark.parametrize(
    ("template", "source", "options", "rel"),
    [
        # forecast: monetary values differ by < 1e-13 between engines (summing order); the
        # fitted Gamma-Gamma parameters and CLVs move by far less than 1e-6
        pytest.param(  # ~9 s: the forecast workbook, fitted on numpy and on DuckDB
            "forecast", SHOP_ORDERS, {"unit": "W"}, 1e-6, marks=pytest.mark.slow
        ),
        # subscriptions: integer cents on both engines, so every cell is equal
        ("subscriptions", BILLING, {"period": "M"}, 1e-15),
    ],
)
def test_forecast_and_subscription_fill_on_duckdb_equal_the_numpy_fill(
    tmp_path: Path, template: str, source: Path, options: dict[str, object], rel: float
) -> None:
    read = {"date_col": "period", "amount_col": "mrr"} if template == "subscriptions" else {}
    kwargs = {"template": template, "read_options": read, **options}
    on_numpy = flat_fill(fill_many, [source], out_dir=tmp_path / "numpy", jobs=1, **kwargs)  # type: ignore[arg-type]
    on_duckdb = flat_fill(
        fill_many, [source], out_dir=tmp_path / "duckdb", engine="duckdb", **kwargs
    )  # type: ignore[arg-type]
    assert all(r.ok for r in on_numpy + on_duckdb), [r.error for r in on_numpy + on_duckdb]
    a, b = on_numpy[0], on_duckdb[0]
    assert (a.rows_read, a.rows_used, a.cohorts) == (b.rows_read, b.rows_used, b.cohorts)
    assert a.path is not None and b.path is not None
    _same_cells(a.path, b.path, rel)


@pytest.mark.slow  # ~4 s: the forecast and subscriptions commands, each on numpy and DuckDB
def test_forecast_and_subscriptions_commands_on_duckdb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The commands print the same movement table and write the same forecast workbook on
    the numpy reader and on DuckDB (stderr says which engine ran)."""
    tables = {}
    for engine in ("numpy", "duckdb"):
        assert main(["subscriptions", str(BILLING), "--engine", engine, "--period", "Q"]) == 0
        out, err = capsys.readouterr()
        tables[engine] = out
        assert ("engine duckdb: asked for" in err) == (engine == "duckdb")
    assert tables["duckdb"] == tables["numpy"]
    for engine in ("numpy", "duckdb"):
        args = ["forecast", str(SHOP_ORDERS), "--out", str(tmp_path / f"{engine}.xlsx")]
        assert main([*args, "--engine", engine]) == 0
    capsys.readouterr()
    _same_cells(tmp_path / "numpy.xlsx", tmp_path / "duckdb.xlsx", 1e-6)


INVOICES = Path(__file__).parent / "data" / "subscriptions_invoices_de.csv"


@pytest.mark.parametrize("spread", ["months", "days"])
def test_billing_lines_spread_on_duckdb_as_on_numpy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spread: str
) -> None:
    """German invoice lines (an annual plan, monthly lines; tests/data/SOURCES.md) spread
    over their service periods: the same movement table from the command on both engines,
    and the same subscription workbook from fill."""
    args = [
        "subscriptions",
        str(INVOICES),
        "--customer-col",
        "Kunden-Nr",
        "--period-col",
        "Rechnungsdatum",
        "--mrr-col",
        "Betrag",
        "--start-col",
        "Leistung von",
        "--end-col",
        "Leistung bis",
        "--spread",
        spread,
    ]
    tables = {}
    for engine in ("numpy", "duckdb"):
        assert main([*args, "--engine", engine]) == 0
        tables[engine] = capsys.readouterr().out
    assert tables["duckdb"] == tables["numpy"]
    read = {
        "customer_col": "Kunden-Nr",
        "date_col": "Rechnungsdatum",
        "amount_col": "Betrag",
        "extra_dates": ("Leistung von", "Leistung bis"),  # as the command line reads them
    }
    kwargs = {
        "template": "subscriptions",
        "read_options": read,
        "service": ("Leistung von", "Leistung bis"),
    }
    on_numpy = flat_fill(fill_many, [INVOICES], out_dir=tmp_path / "numpy", jobs=1, **kwargs)  # type: ignore[arg-type]
    on_duckdb = flat_fill(
        fill_many, [INVOICES], out_dir=tmp_path / "duckdb", engine="duckdb", **kwargs
    )  # type: ignore[arg-type]
    assert all(r.ok for r in on_numpy + on_duckdb), [r.error for r in on_numpy + on_duckdb]
    assert on_numpy[0].path is not None and on_duckdb[0].path is not None
    _same_cells(on_numpy[0].path, on_duckdb[0].path, 1e-15)


@pytest.mark.slow  # ~8 s: forecast workbooks per store, fitted on numpy and on the engine
@pytest.mark.parametrize("engine", ["duckdb", "dask"])
def test_forecasts_split_by_store_on_the_engines_equal_the_numpy_fill(
    tmp_path: Path, engine: str
) -> None:
    """fill --by store --template forecast: one forecast workbook per store, each store an
    order log of its own, equal cell by cell to the numpy fill; a store whose orders are
    all refunds fails alone, with the numpy fill's message, on both."""
    rows = [row.split(",") for row in SHOP_ORDERS.read_text(encoding="utf-8").splitlines()]
    rows += [["R1", "2024-03-01", "-20.00", "Refunds only"]]  # no purchase: no forecast
    header = rows[0]
    assert header[:4] == ["customer_id", "order_date", "amount", "store"]
    path = tmp_path / "shop.csv"
    path.write_text("\n".join(",".join(row[:4]) for row in rows) + "\n", encoding="utf-8")
    kwargs = {"template": "forecast", "by": "store", "unit": "W"}
    on_numpy = flat_fill(fill_many, [path], out_dir=tmp_path / "numpy", jobs=1, **kwargs)  # type: ignore[arg-type]
    options = {"workers": 2} if engine == "dask" else {}
    on_engine = flat_fill(
        fill_many,
        [path],
        out_dir=tmp_path / engine,
        engine=engine,
        engine_options=options,
        **kwargs,  # type: ignore[arg-type]
    )
    assert [r.name for r in on_engine] == [r.name for r in on_numpy]
    for a, b in zip(on_numpy, on_engine, strict=True):
        assert a.status == b.status, a.name
        if a.ok:
            assert a.rows_used == b.rows_used, a.name
            assert a.path is not None and b.path is not None
            _same_cells(a.path, b.path, 1e-6)
        else:  # hand: the store "Refunds only" has no purchase to forecast from
            assert (
                a.name == "Refunds only" and "no purchase" in a.error and "no purchase" in b.error
            )


@pytest.mark.slow  # ~1 s: subscription workbooks per plan on numpy and DuckDB
def test_subscription_ledgers_split_by_plan_on_duckdb_equal_the_numpy_fill(tmp_path: Path) -> None:
    from retention_xl.subscriptions.sample import sample_billing

    ids, periods, money = sample_billing(300, 18)
    plans = ["basic", "pro", "team"]
    rows = [
        [c, p, f"{m:.2f}", plans[int(str(c)[1:]) % 3]]
        for c, p, m in zip(ids.tolist(), periods.tolist(), money.tolist(), strict=True)
    ]
    path = write_csv(tmp_path / "billing.csv", ["customer_id", "period", "mrr", "plan"], rows)
    read = {"date_col": "period", "amount_col": "mrr"}
    kwargs = {"template": "subscriptions", "by": "plan", "read_options": read}
    on_numpy = flat_fill(fill_many, [path], out_dir=tmp_path / "numpy", jobs=1, **kwargs)  # type: ignore[arg-type]
    on_duckdb = flat_fill(fill_many, [path], out_dir=tmp_path / "duckdb", engine="duckdb", **kwargs)  # type: ignore[arg-type]
    assert [r.name for r in on_duckdb] == [r.name for r in on_numpy] == plans
    for a, b in zip(on_numpy, on_duckdb, strict=True):
        assert a.ok and b.ok and (a.rows_used, a.cohorts) == (b.rows_used, b.cohorts)
        assert a.path is not None and b.path is not None
        _same_cells(a.path, b.path, 1e-15)


@pytest.mark.parametrize("engine", ["numpy", "duckdb"])
def test_a_missing_billing_column_names_the_commands_own_option(
    engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["subscriptions", str(BILLING), "--mrr-col", "umsatz", "--engine", engine]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "no column 'umsatz'" in err and "--mrr-col" in err and "--amount-col" not in err
