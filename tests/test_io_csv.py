"""Reading orders: German Excel CSV equals its UTF-8 twin; every kind of bad row gets its
precise message; skipped rows are counted, never silently dropped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retention_xl import DataError
from retention_xl.cohorts import cohort_table
from retention_xl.io import ReadSettings, orders_from_cells, read_orders

DATA = Path(__file__).parent / "data"


def test_german_csv_reads_to_the_same_table_as_its_utf8_twin() -> None:
    english = read_orders(DATA / "cdnow_300.csv")
    german = read_orders(
        DATA / "cdnow_300_de.csv",
        ReadSettings(customer_col="Kunden-Nr", date_col="Bestelldatum", amount_col="Betrag"),
    )
    assert english.report.encoding == "utf-8-sig" and english.report.delimiter == ","
    assert german.report.encoding == "cp1252" and german.report.delimiter == ";"
    assert german.report.decimal == ","
    assert len(english) == len(german) == 970  # tests/data/SOURCES.md
    np.testing.assert_array_equal(english.customer_ids, german.customer_ids)
    np.testing.assert_array_equal(english.order_dates, german.order_dates)
    np.testing.assert_allclose(english.amounts, german.amounts)
    a = cohort_table(english.customer_ids, english.order_dates, english.amounts, value="revenue")
    b = cohort_table(german.customer_ids, german.order_dates, german.amounts, value="revenue")
    np.testing.assert_array_equal(a.values, b.values)


def test_leading_zeros_of_ids_are_kept() -> None:
    orders = read_orders(DATA / "cdnow_300.csv")
    assert orders.customer_ids[0] == "00004"  # CDNOW ids are zero-padded text


def _write(tmp_path: Path, text: str, name: str = "orders.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("a,2024-01-31,10\n,2024-02-01,5\n", r"orders.csv:3: column 'customer_id' is empty"),
        (
            "a,2024-01-31,10\nb,31/01/2024,5\n",
            r"orders.csv:3: column 'order_date': '31/01/2024' could be day/month or month/day; "
            r"give the pattern with --date-format",
        ),
        ("a,2024-02-30,10\n", r"orders.csv:2: column 'order_date': cannot read '2024-02-30'"),
        ("a,2024-01-31,ten\n", r"orders.csv:2: column 'amount': cannot read 'ten' as an amount"),
        ("a,2024-01-31,\n", r"orders.csv:2: column 'amount': cannot read ''"),
        ("a,2024-01-31\n", r"orders.csv:2: has 2 fields; the header has 3"),
    ],
)
def test_each_kind_of_bad_row_has_its_precise_message(
    tmp_path: Path, body: str, message: str
) -> None:
    path = _write(tmp_path, "customer_id,order_date,amount\n" + body)
    with pytest.raises(DataError, match=message):
        read_orders(path)


def test_bad_rows_can_be_skipped_and_are_reported(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "customer_id,order_date,amount\na,2024-01-31,10\n\nb,someday,5\nc,45322,7\n"
    )
    orders = read_orders(path, ReadSettings(on_error="skip"))
    report = orders.report
    assert (report.rows_read, report.rows_used, report.rows_rejected) == (3, 2, 1)
    assert report.blank_rows == 1
    assert report.problems == [
        f"{path}:4: column 'order_date': cannot read 'someday' as a "
        "date; use YYYY-MM-DD (a time and offset may follow), DD.MM.YYYY, YYYY-MM or an Excel "
        "serial number"
    ]
    assert str(orders.order_dates[1]) == "2024-01-31"  # serial 45322 is 2024-01-31


def test_missing_column_names_the_header_and_the_option(tmp_path: Path) -> None:
    path = _write(tmp_path, "kunde;datum\nk;2024-01-01\n")
    with pytest.raises(
        DataError, match=r"no column 'customer_id'.*'kunde', 'datum'.*--customer-col"
    ):
        read_orders(path)


def test_missing_amount_column_means_no_amounts_unless_required(tmp_path: Path) -> None:
    path = _write(tmp_path, "customer_id,order_date\nk,2024-01-01\n")
    orders = read_orders(path)
    assert orders.amounts is None and not orders.report.has_amounts
    with pytest.raises(DataError, match="no column 'amount'"):
        read_orders(path, ReadSettings(require_amount=True))


def test_column_names_match_ignoring_case_and_separators(tmp_path: Path) -> None:
    path = _write(tmp_path, "Customer ID,Order-Date,AMOUNT\nk,2024-01-01,3.5\n")
    assert read_orders(path).amounts.tolist() == [3.5]  # type: ignore[union-attr]


def test_quoted_amounts_with_thousands_separators(tmp_path: Path) -> None:
    path = _write(
        tmp_path, 'customer_id,order_date,amount\nk,2024-01-01,"1,234.50"\nk,2024-01-02,-20\n'
    )
    assert read_orders(path).amounts.tolist() == [1234.5, -20.0]  # type: ignore[union-attr]


def test_empty_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="the file is empty"):
        read_orders(_write(tmp_path, ""))
    with pytest.raises(DataError, match="cannot read the file"):
        read_orders(tmp_path / "missing.csv")


def test_dataframe_reads_like_the_csv() -> None:
    import pandas  # an optional dependency of the package; the test extra installs it

    frame = pandas.read_csv(
        DATA / "cdnow_300.csv", dtype={"customer_id": str}, parse_dates=["order_date"]
    )
    from_frame = read_orders(frame)
    from_csv = read_orders(DATA / "cdnow_300.csv")
    np.testing.assert_array_equal(from_frame.customer_ids, from_csv.customer_ids)
    np.testing.assert_array_equal(from_frame.order_dates, from_csv.order_dates)
    np.testing.assert_allclose(from_frame.amounts, from_csv.amounts)  # type: ignore[arg-type]


def test_dataframe_bad_row_names_its_index() -> None:
    import pandas

    frame = pandas.DataFrame(
        {"customer_id": ["a", "b"], "order_date": ["2024-01-01", None], "amount": [1.0, 2.0]},
        index=[10, 11],
    )
    with pytest.raises(DataError, match="DataFrame row 11: column 'order_date'"):
        read_orders(frame)


def test_excel_cells_with_trailing_blank_rows() -> None:
    orders = orders_from_cells(
        ["a", 7.0, None, None], [45322.0, "01.02.2024", None, None], [10.0, "1.234,50", None, None]
    )
    assert orders.customer_ids.tolist() == ["a", "7"]
    assert [str(d) for d in orders.order_dates] == ["2024-01-31", "2024-02-01"]
    assert orders.amounts.tolist() == [10.0, 1234.5]  # type: ignore[union-attr]
    assert orders.report.blank_rows == 2
    with pytest.raises(DataError, match="row 2: order date 'soon' is not a date"):
        orders_from_cells(["a", "b"], [45322.0, "soon"], None)


def test_line_numbers_count_line_breaks_inside_quoted_fields(tmp_path: Path) -> None:
    path = _write(
        tmp_path, 'customer_id,order_date,amount\n"multi\nline",2024-01-31,1\nb,never,2\n'
    )
    with pytest.raises(DataError, match=r"orders.csv:4: column 'order_date'"):
        read_orders(path)


def test_blank_lines_are_counted_and_change_nothing(tmp_path: Path) -> None:
    clean = _write(
        tmp_path, "customer_id,order_date,amount\na,2024-01-31,1.5\nb,45322,2\n", "clean.csv"
    )
    blank = _write(
        tmp_path, "customer_id,order_date,amount\na,2024-01-31,1.5\n\nb,45322,2\n", "blank.csv"
    )
    fast, slow = read_orders(clean), read_orders(blank)
    assert slow.report.blank_rows == 1 and fast.report.blank_rows == 0
    np.testing.assert_array_equal(fast.customer_ids, slow.customer_ids)
    np.testing.assert_array_equal(fast.order_dates, slow.order_dates)
    np.testing.assert_array_equal(fast.amounts, slow.amounts)  # type: ignore[arg-type]
