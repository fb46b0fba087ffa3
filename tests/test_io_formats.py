"""Every input format reads to the same table as its CSV twin; shop exports read to the
orders they were generated from; timestamps keep the day written; bad input ends in one
clear DataError (exit code 2 on the command line), in the language asked for."""

from __future__ import annotations

import datetime as dt
import gzip
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shop_exports
from openpyxl import Workbook
from openpyxl.worksheet.table import Table

from retention_xl import DataError
from retention_xl.cli import main
from retention_xl.io import Orders, ReadSettings, read_orders
from retention_xl.samples import SHOP_ORDERS


def _same(a: Orders, b: Orders) -> None:
    np.testing.assert_array_equal(a.customer_ids, b.customer_ids)
    np.testing.assert_array_equal(a.order_dates, b.order_dates)
    assert a.amounts is not None and b.amounts is not None
    np.testing.assert_array_equal(a.amounts, b.amounts)


@pytest.fixture(scope="module")
def shop() -> Orders:
    return read_orders(SHOP_ORDERS, segment_col="store")


def _shop_rows() -> list[list[str]]:
    lines = SHOP_ORDERS.read_text(encoding="utf-8").splitlines()
    return [line.split(",") for line in lines]


def test_sample_as_gzip_reads_like_the_csv(shop: Orders, tmp_path: Path) -> None:
    path = tmp_path / "shop.csv.gz"
    path.write_bytes(gzip.compress(SHOP_ORDERS.read_bytes()))
    twin = read_orders(path, segment_col="store")
    _same(twin, shop)
    np.testing.assert_array_equal(twin.segments, shop.segments)  # type: ignore[arg-type]


def test_sample_as_parquet_file_and_folder_reads_like_the_csv(shop: Orders, tmp_path: Path) -> None:
    rows = _shop_rows()[1:]
    table = pa.table(
        {
            "customer_id": [r[0] for r in rows],
            "order_date": pa.array([dt.date.fromisoformat(r[1]) for r in rows], pa.date32()),
            "amount": [float(r[2]) for r in rows],
            "store": [r[3] for r in rows],
        }
    )
    pq.write_table(table, tmp_path / "shop.parquet")
    _same(read_orders(tmp_path / "shop.parquet"), shop)
    folder = tmp_path / "parts"
    folder.mkdir()
    half = len(rows) // 2  # two files whose names sort in row order
    pq.write_table(table.slice(0, half), folder / "part-0.parquet")
    pq.write_table(table.slice(half), folder / "part-1.parquet")
    _same(read_orders(folder), shop)


@pytest.mark.slow  # ~1 s: writes and reads the shop sample as .xlsx
def test_sample_as_xlsx_with_a_title_row_reads_like_the_csv(shop: Orders, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Orders exported 2025-01-01"])  # a title above the header
    for i, row in enumerate(_shop_rows()):
        if i == 0:
            sheet.append(row)
        else:  # real dates and numbers, as Excel keeps them
            sheet.append([row[0], dt.date.fromisoformat(row[1]), float(row[2]), row[3]])
    book.save(tmp_path / "shop.xlsx")
    twin = read_orders(tmp_path / "shop.xlsx", segment_col="store")
    _same(twin, shop)
    assert twin.report.format == "xlsx"


def _table_book(path: Path) -> None:
    book = Workbook()
    book.active.title = "Notes"
    book.active["A1"] = "This sheet holds no orders."
    sheet = book.create_sheet("Orders")
    sheet.append(["customer_id", "order_date", "amount"])
    sheet.append([7.0, dt.datetime(2024, 1, 2, 23, 30), 12.5])  # a number id, a datetime
    sheet.append(["K2", dt.date(2024, 2, 1), "1.234,50"])  # an amount typed as German text
    sheet.append(["K3", "31.03.2024", 3])
    sheet.add_table(Table(displayName="Bestellungen", ref="A1:C4"))
    book.save(path)


def test_xlsx_table_on_another_sheet_is_found(tmp_path: Path) -> None:
    _table_book(tmp_path / "book.xlsx")
    orders = read_orders(tmp_path / "book.xlsx", ReadSettings(decimal=","))
    assert orders.customer_ids.tolist() == ["7", "K2", "K3"]  # 7.0 is the id "7"
    assert orders.order_dates.astype(str).tolist() == ["2024-01-02", "2024-02-01", "2024-03-31"]
    assert orders.amounts.tolist() == [12.5, 1234.5, 3.0]  # type: ignore[union-attr]


def test_wrong_sheet_lists_the_sheets(tmp_path: Path) -> None:
    _table_book(tmp_path / "book.xlsx")
    with pytest.raises(DataError, match=r"no sheet 'Orderz'; the workbook has 'Notes', 'Orders'"):
        read_orders(tmp_path / "book.xlsx", ReadSettings(sheet="Orderz"))


def test_xlsx_bad_cell_is_named_by_sheet_and_row(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Daten"
    book.active.append(["customer_id", "order_date"])
    book.active.append(["a", dt.date(2024, 1, 1)])
    book.active.append(["b", "soon"])
    book.save(tmp_path / "b.xlsx")
    with pytest.raises(DataError, match=r"b.xlsx, sheet 'Daten', row 3: column 'order_date'"):
        read_orders(tmp_path / "b.xlsx")


def test_dataframes_and_arrow_tables_read_like_the_csv(shop: Orders) -> None:
    import pandas as pd
    import polars as pl

    frame = pd.read_csv(SHOP_ORDERS, dtype={"customer_id": str})
    _same(read_orders(frame), shop)
    _same(read_orders(pl.from_pandas(frame)), shop)
    _same(read_orders(pa.Table.from_pandas(frame)), shop)


@pytest.mark.parametrize(
    ("name", "encoding"), [("shopify", "utf-8"), ("woocommerce", "cp1252"), ("shopware", "utf-8")]
)
def test_shop_export_reads_to_its_true_orders(name: str, encoding: str, tmp_path: Path) -> None:
    text, truth = getattr(shop_exports, name)()
    path = tmp_path / f"{name}.csv"
    path.write_bytes(text.encode(encoding))
    orders = read_orders(path, ReadSettings(preset=name))
    expected = shop_exports.kept(truth)  # the generated orders minus voided and cancelled
    found = sorted(
        zip(
            orders.customer_ids.tolist(),
            orders.order_dates.astype(str).tolist(),
            orders.amounts.tolist(),  # type: ignore[union-attr]
            strict=True,
        )
    )
    assert found == sorted((o.customer, o.day.isoformat(), o.total) for o in expected)
    report = orders.report
    assert sum(report.cancelled.values()) == len(truth) - len(expected) == 2
    # every row is accounted for: used, merged into its order, cancelled or rejected
    line_rows = sum(1 for line in text.splitlines()[1:] if line)
    cancelled_rows = report.rows_read - report.rows_used - report.merged_rows
    assert report.rows_read == line_rows and cancelled_rows == 2


def test_order_col_counts_an_order_once(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text(
        "order,customer_id,order_date,amount\n"
        "A1,k,2024-01-05,30\nA1,k,,\nA1,k,,\nA2,k,2024-02-01,10\n",
        encoding="utf-8",
    )
    orders = read_orders(path, ReadSettings(order_col="order"))
    assert len(orders) == 2 and orders.amounts.tolist() == [30.0, 10.0]  # type: ignore[union-attr]
    assert orders.report.merged_rows == 2


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-01-02 23:30:00 -0800", "2024-01-02"),  # 2024-01-03 07:30 in UTC: not moved
        ("2024-01-02T00:15:00+0100", "2024-01-02"),  # 2024-01-01 in UTC: not moved
        ("2024-01-02T15:20:00Z", "2024-01-02"),
        ("2024-01-02T15:20:00.123+01:00", "2024-01-02"),
        ("15.03.2024 14:23", "2024-03-15"),
        ("15.03.2024", "2024-03-15"),
        ("2024-03", "2024-03-01"),  # a billing period: the first of the month
        ("45366", "2024-03-15"),  # Excel serial: =DATE(2024,3,15) is 45366
    ],
)
def test_timestamps_keep_the_calendar_day_written(text: str, day: str, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"customer_id,order_date\nk,{text}\n", encoding="utf-8")
    assert str(read_orders(path).order_dates[0]) == day


def test_slash_dates_are_refused_unless_a_format_is_given(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("customer_id,order_date\nk,03/04/2024\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"s.csv:2: column 'order_date'.*--date-format"):
        read_orders(path)
    assert (
        str(read_orders(path, ReadSettings(date_format="%d/%m/%Y")).order_dates[0]) == "2024-04-03"
    )
    assert (
        str(read_orders(path, ReadSettings(date_format="%m/%d/%Y")).order_dates[0]) == "2024-03-04"
    )


def test_utf16_excel_unicode_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "u.txt"
    path.write_bytes("customer_id\torder_date\nMüller\t2024-01-02\n".encode("utf-16"))
    orders = read_orders(path)
    assert orders.customer_ids.tolist() == ["Müller"] and orders.report.delimiter == "\t"


def test_decimal_is_detected_from_the_amounts(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"  # semicolons, but decimal points (Shopware writes this)
    path.write_text("customer_id;order_date;amount\nk;2024-01-02;12.50\n", encoding="utf-8")
    orders = read_orders(path)
    assert orders.report.decimal == "." and orders.amounts.tolist() == [12.5]  # type: ignore[union-attr]


def test_ambiguous_thousands_are_refused_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("customer_id;order_date;amount\nk;2024-01-02;1.23,4\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"a.csv:2: column 'amount': cannot read '1.23,4'"):
        read_orders(path, ReadSettings(decimal=","))


def test_messages_follow_the_language(tmp_path: Path) -> None:
    path = tmp_path / "de.csv"
    path.write_text("customer_id,order_date\nk,2024-01-02\nk,bald\n", encoding="utf-8")
    orders = read_orders(path, ReadSettings(on_error="skip", lang="de"))
    assert orders.report.summary() == f"{path}: 2 Zeilen gelesen, 1 verwendet, 1 abgelehnt"
    assert orders.report.problems[0].startswith(f"{path}:3: Spalte 'order_date': 'bald' ist kein")
    with pytest.raises(DataError, match="keine Spalte 'kunde'"):
        read_orders(path, ReadSettings(customer_col="kunde", lang="de"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "not a table of orders"),
        (bytes(range(256)) * 4, "not a table of orders"),
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
        (b"PK\x03\x04garbage", "cannot read the workbook"),
        (b"PAR1garbage", "cannot read it as Parquet"),
        (b"\x1f\x8bnot really gzip", "gzip"),
        (b"kunde,datum\nk,2024-01-01\n", "no column 'customer_id'; found 'kunde', 'datum'"),
    ],
)
def test_bad_files_give_one_line_and_exit_code_2(
    content: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        read_orders(path)
    assert main(["cohorts", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message.split(";")[0] in err[0] and "Traceback" not in err[0]


def test_wrong_sheet_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _table_book(tmp_path / "book.xlsx")
    assert main(["cohorts", str(tmp_path / "book.xlsx"), "--sheet", "Nope"]) == 2
    assert "no sheet 'Nope'" in capsys.readouterr().err


def test_cohorts_command_reads_a_shop_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, _ = shop_exports.shopify()
    path = tmp_path / "orders_export.csv"
    path.write_text(text, encoding="utf-8")
    assert main(["cohorts", str(path), "--preset", "shopify", "--value", "customers"]) == 0
    captured = capsys.readouterr()
    assert "line-item rows merged" in captured.err and captured.out.startswith("Cohort,")


def test_package_and_excel_functions_import_without_pyarrow() -> None:
    """xlwings Lite runs in the browser without pyarrow: neither import may need it."""
    code = (
        "import sys; sys.modules['pyarrow'] = None; sys.modules['python_calamine'] = None\n"
        "import retention_xl, retention_xl.udfs\n"
        "print(retention_xl.udfs.COHORT_TABLE([['a'], ['a']], [[45300.0], [45340.0]])[1])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # one customer (2024-01-08, again 2024-02-15); February is not over by the last order
    # date (the default as_of), so only period 0 is observed
    assert done.stdout.strip() == "['2024-01', 1, 1.0]"


def test_fill_many_takes_polars_and_arrow_tables(shop: Orders, tmp_path: Path) -> None:
    import polars as pl

    from retention_xl import fill_many

    frame = pl.read_csv(SHOP_ORDERS, schema_overrides={"customer_id": pl.String})
    results = fill_many([frame, ("arrow", frame.to_arrow())], out_dir=tmp_path, jobs=1)
    assert [r.ok for r in results] == [True, True]
    assert [r.path.name for r in results] == ["table1.xlsx", "arrow.xlsx"]  # type: ignore[union-attr]
    assert results[0].rows_used == len(shop)


def test_reading_a_csv_never_imports_pandas(tmp_path: Path) -> None:
    """pyarrow imports pandas on numpy and Python conversions (0.15-0.3 s a process); the
    reader moves buffers itself, so `retention-xl cohorts FILE` never pays for it."""
    path = tmp_path / "o.csv"
    path.write_text(
        "customer_id;order_date;amount\nK1;02.01.2024 10:00;1.234,50 €\nK2;2024-03;7\n",
        encoding="cp1252",
    )
    code = (
        "import sys\nfrom retention_xl.cli import main\n"
        f"assert main(['cohorts', {str(path)!r}, '--value', 'revenue']) == 0\n"
        "print('pandas' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_reading_parquet_never_imports_pandas(tmp_path: Path) -> None:
    """pyarrow.dataset imports pandas; the reader reads Parquet files (and folders) with
    pyarrow.parquet, file by file."""
    folder = tmp_path / "orders"
    folder.mkdir()
    for name, day in (("a", "2024-01-05"), ("b", "2024-02-05")):
        table = pa.table({"customer_id": ["k1"], "order_date": [day], "amount": [9.5]})
        pq.write_table(table, folder / f"{name}.parquet")
    for source in (folder / "a.parquet", folder):
        code = (
            "import sys\nfrom retention_xl.io import read_orders\n"
            f"orders = read_orders({str(source)!r})\n"
            "print(len(orders), 'pandas' in sys.modules)"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        rows = 1 if source.is_file() else 2
        assert done.stdout.strip().splitlines()[-1] == f"{rows} False"


def test_order_col_without_amounts_and_with_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text(
        "order,customer_id,order_date\nA1,k,2024-01-05\n,,\nA1,k,\nA2,m,2024-02-01\n",
        encoding="utf-8",
    )
    orders = read_orders(path, ReadSettings(order_col="order"))
    # hand count: orders A1 (two rows) and A2; the row of empty cells is blank
    assert orders.customer_ids.tolist() == ["k", "m"] and orders.amounts is None
    assert (orders.report.merged_rows, orders.report.blank_rows) == (1, 1)


def test_a_parquet_folder_whose_files_disagree_is_refused(tmp_path: Path) -> None:
    """Files of one folder with the same column in incompatible types (whole numbers in
    one, text in the other) cannot be read as one table: one message names the folder."""
    folder = tmp_path / "orders"
    folder.mkdir()
    pq.write_table(
        pa.table({"customer_id": [1, 2], "order_date": ["2024-01-01"] * 2}), folder / "a.parquet"
    )
    pq.write_table(
        pa.table({"customer_id": ["x"], "order_date": ["2024-01-02"]}), folder / "b.parquet"
    )
    with pytest.raises(DataError, match=r"orders: cannot read it as Parquet .*customer_id"):
        read_orders(folder)
