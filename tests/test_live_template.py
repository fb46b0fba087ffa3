"""The live cohort workbook computes the engine's triangle by itself.

LibreOffice 7.4 opens the workbooks written by
:func:`retention_xl.workbook.live_cohorts.write_live_cohort_workbook`, recalculates every
native formula and saves the values; every triangle, size and average cell must equal
:func:`retention_xl.cohorts.cohort_table` (the expected numbers' source throughout: the
engine, kpi-spec §2) — for the bundled sample shop and for a random log with gaps, refunds,
same-day orders and awkward ids, in English and German, counting ``on`` and
``on_or_after``; and again after orders are added the way a user adds them.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from libreoffice import convert

from retention_xl import TemplateError, read_orders
from retention_xl.cohorts import CohortSpec, CohortTable, cohort_table
from retention_xl.io import Orders, ReadReport
from retention_xl.results import cohort_result
from retention_xl.samples import SHOP_ORDERS
from retention_xl.workbook.cohort_template import summary_rows
from retention_xl.workbook.live_cohorts import (
    FIRST_ROW,
    HEADER_ROW,
    write_live_cohort_workbook,
)
from retention_xl.workbook.live_formulas import HELPERS

# ---------------------------------------------------------------- data

KINDS = {"en": "on", "de": "on_or_after"}  #: how the random log's workbooks count, per language


def _random_log(seed: int) -> tuple[Orders, str]:
    """Orders a real export could hold, shuffled: 80 customers over 16 months with no order
    at all in 2023-05, same-day repeat orders, refunds (some before any purchase, one
    customer with refunds only), ids with wildcard characters and numeric ids, and orders
    after the as-of date. Returns the orders and the as-of date (mid-month, so the current
    month is incomplete)."""
    rng = np.random.default_rng(seed)
    months = [m for m in range(16) if m != 4]  # 2023-01 … 2024-04 without 2023-05
    ids: list[Any] = []
    dates: list[np.datetime64] = []
    amounts: list[float] = []
    names: list[Any] = [f"C{i:03d}" for i in range(72)]
    names += ["a*1", "a?1", "a~1", "a1", "=1+1", "<5"]  # MATCH wildcards, criteria look-alikes
    names += [1001, 1002]  # numeric ids
    for customer in names:
        first = int(rng.choice(months[:-2]))
        for month in months:
            if month < first or (month > first and rng.random() > 0.35):
                continue
            day = np.datetime64("2023-01-01", "M") + month
            date = day.astype("datetime64[D]") + int(rng.integers(0, 28))
            for _ in range(1 + int(rng.random() < 0.3)):  # same-day repeat orders
                ids.append(customer)
                dates.append(date)
                amounts.append(round(float(rng.gamma(2.0, 20.0)), 2))
            if rng.random() < 0.1:  # a refund a few days later
                ids.append(customer)
                dates.append(date + int(rng.integers(1, 5)))
                amounts.append(-amounts[-1])
    # a refund before the customer's first purchase, and a customer with refunds only
    ids += ["C000", "R-only", "R-only"]
    dates += [np.datetime64("2022-12-20"), np.datetime64("2023-03-03"), np.datetime64("2023-06-09")]
    amounts += [-15.0, -20.0, -5.0]
    # orders after the as-of date: left out by engine and sheet alike
    ids += ["C001", "late"]
    dates += [np.datetime64("2024-04-20"), np.datetime64("2024-04-25")]
    amounts += [30.0, 12.5]
    order = rng.permutation(len(ids))
    customer_ids = np.empty(len(ids), dtype=object)
    customer_ids[:] = ids
    return (
        Orders(
            customer_ids[order],
            np.array(dates, dtype="datetime64[D]")[order],
            np.array(amounts)[order],
            ReadReport(f"random log {seed}"),
        ),
        "2024-04-17",
    )


def _table(orders: Orders, **options: Any) -> CohortTable:
    return cohort_table(orders.customer_ids, orders.order_dates, orders.amounts, **options)


def _as_text(orders: Orders) -> Orders:
    """The same orders with every id as text (1001 → "1001": the same customer for the
    engine), for numpy code that sorts ids."""
    ids = np.array([str(c) for c in orders.customer_ids.tolist()])
    return Orders(ids, orders.order_dates, orders.amounts, orders.report)


def _concat(a: Orders, b: Orders) -> Orders:
    ids = np.empty(len(a) + len(b), dtype=object)
    ids[:] = [*a.customer_ids.tolist(), *b.customer_ids.tolist()]
    assert a.amounts is not None and b.amounts is not None
    return Orders(
        ids,
        np.concatenate([a.order_dates, b.order_dates]),
        np.concatenate([a.amounts, b.amounts]),
        ReadReport("both"),
    )


# ---------------------------------------------------------------- reading back


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _shown(path: Path) -> dict[str, Any]:
    """The cohort sheet as LibreOffice computed it: labels, sizes, triangle, averages."""
    book = openpyxl.load_workbook(path, data_only=True)
    sheet = book.worksheets[0]
    width = 0
    while isinstance(sheet.cell(HEADER_ROW, 3 + width).value, (int, float)):
        width += 1
    rows = []
    r = FIRST_ROW
    while isinstance(sheet.cell(r, 1).value, dt.datetime):
        rows.append(r)
        r += 1

    def grid(row: int) -> list[float]:
        cells = [sheet.cell(row, 3 + k).value for k in range(width)]
        return [np.nan if _blank(v) else float(v) for v in cells]

    last_observed = max(
        (k for row in [*rows, HEADER_ROW + 1] for k, v in enumerate(grid(row)) if v == v),
        default=-1,
    )
    cut = last_observed + 1  # the engine's width: periods observed for the oldest cohort
    return {
        "book": book,
        "status": sheet["A2"].value,
        "conventions": [sheet.cell(r, 1).value for r in range(5, 9)],
        "labels": [sheet.cell(r, 1).value.strftime("%Y-%m") for r in rows],
        "sizes": np.array([sheet.cell(r, 2).value for r in rows], dtype=float),
        "values": np.array([grid(r)[:cut] for r in rows], dtype=float).reshape(len(rows), cut),
        "weighted": np.array(grid(HEADER_ROW + 1)[:cut]),
        "unweighted": np.array(grid(HEADER_ROW + 2)[:cut]),
        "rest": [v for r in rows for v in grid(r)[cut:]],
    }


def _assert_engine(shown: dict[str, Any], table: CohortTable) -> None:
    """Every label, size, triangle cell (blank = NaN) and average cell equals the engine."""
    assert shown["labels"] == table.labels
    np.testing.assert_array_equal(shown["sizes"], table.sizes)
    assert shown["values"].shape == table.values.shape
    np.testing.assert_allclose(shown["values"], table.values, rtol=1e-12, atol=0)
    np.testing.assert_allclose(shown["weighted"], table.weighted_average, rtol=1e-12, atol=0)
    np.testing.assert_allclose(shown["unweighted"], table.unweighted_average, rtol=1e-12, atol=0)
    assert all(np.isnan(shown["rest"]))  # nothing beyond the engine's last period


# ---------------------------------------------------------------- adding orders like a user


def _add_orders(source: Path, target: Path, new: Orders, *, extend: bool) -> None:
    """Type ``new`` into the Orders table of ``source`` as a user does and save ``target``.

    The new rows go into the table's empty rows first; rows beyond them are pasted right
    below the table. With ``extend`` the table grows over them and their helper cells get
    the table's calculated-column formulas — what Excel does when one pastes below a table;
    without, they stay outside (as in LibreOffice, which does not grow tables by itself).
    """
    book = openpyxl.load_workbook(source)
    sheet = book.worksheets[2]
    (table,) = sheet.tables.values()
    first, last = (int(x) for x in re.findall(r"\d+", table.ref))
    row = next(r for r in range(first + 1, last + 1) if sheet.cell(r, 1).value is None)
    assert new.amounts is not None
    for cid, day, amount in zip(new.customer_ids, new.order_dates, new.amounts, strict=True):
        sheet.cell(row, 1, cid if isinstance(cid, str) else int(cid))
        sheet.cell(row, 2, day.astype(object)).number_format = "yyyy-mm-dd"
        sheet.cell(row, 3, float(amount))
        if row > last and extend:
            for col, column in enumerate(table.tableColumns[3:], start=4):
                sheet.cell(row, col, "=" + column.calculatedColumnFormula.attr_text)
        row += 1
    if extend and row - 1 > last:
        table.ref = re.sub(r"\d+$", str(row - 1), table.ref)
        table.autoFilter.ref = table.ref
    book.save(target)


# ---------------------------------------------------------------- the recalculated workbooks


@pytest.fixture(scope="module")
def shop() -> Orders:
    return read_orders(SHOP_ORDERS)


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory, shop: Orders) -> dict[str, Path]:
    """Every workbook of this module, recalculated in one LibreOffice run."""
    folder = tmp_path_factory.mktemp("live")
    log, as_of = _random_log(8)
    first, later = _random_log(9)[0], _random_log(10)[0]
    files = [
        write_live_cohort_workbook(folder / "shop_en.xlsx", "en", shop),
        write_live_cohort_workbook(folder / "shop_de.xlsx", "de", shop),
        write_live_cohort_workbook(
            folder / "random_en.xlsx", "en", log, spec=CohortSpec.of(as_of=as_of)
        ),
        write_live_cohort_workbook(
            folder / "random_de.xlsx", "de", log, spec=CohortSpec.of(as_of=as_of, kind=KINDS["de"])
        ),
        write_live_cohort_workbook(folder / "empty_en.xlsx", "en"),
        write_live_cohort_workbook(folder / "empty_de.xlsx", "de"),
        # a small sheet: 13 months for 16 months of data, capacity 50 orders
        write_live_cohort_workbook(
            folder / "small.xlsx",
            "en",
            log,
            spec=CohortSpec.of(as_of=as_of),
            months=13,
            capacity=50,
        ),
    ]
    base = write_live_cohort_workbook(folder / "base.xlsx", "en", first, spare_rows=5)
    _add_orders(base, folder / "added.xlsx", _late(later), extend=True)
    _add_orders(base, folder / "outside.xlsx", _late(later), extend=False)
    files += [base, folder / "added.xlsx", folder / "outside.xlsx"]
    return {p.stem: p for p in convert(files, folder / "recalculated")}


def _late(orders: Orders) -> Orders:
    """The next months' orders: ``orders`` moved 4 months on, ids partly new."""
    ids = np.empty(len(orders), dtype=object)  # ids keep their type: text or number
    ids[:] = [f"{c}-n" if i % 3 == 0 else c for i, c in enumerate(orders.customer_ids.tolist())]
    keep = np.arange(len(orders)) % 4 == 0  # a quarter of them: about a hundred rows
    return Orders(
        ids[keep],
        (orders.order_dates.astype("datetime64[M]") + 4).astype("datetime64[D]")[keep]
        + (orders.order_dates - orders.order_dates.astype("datetime64[M]"))[keep],
        None if orders.amounts is None else orders.amounts[keep],
        ReadReport("later"),
    )


# ---------------------------------------------------------------- the proofs


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["en", "de"])
def test_sample_shop_triangle_sizes_and_averages_equal_the_engine(
    recalculated: dict[str, Path], shop: Orders, lang: str
) -> None:
    table = _table(shop)
    shown = _shown(recalculated[f"shop_{lang}"])
    _assert_engine(shown, table)
    assert shown["conventions"] == table.conventions(lang)


@pytest.mark.libreoffice
@pytest.mark.parametrize(("lang", "kind"), KINDS.items())
def test_random_log_with_gaps_refunds_and_same_day_orders_equals_the_engine(
    recalculated: dict[str, Path], lang: str, kind: str
) -> None:
    log, as_of = _random_log(8)
    table = _table(log, as_of=as_of, kind=kind)
    assert np.isnan(table.values).any()  # a real triangle, with blanks
    assert table.labels[4] == "2023-05" and table.sizes[4] == 0  # the month without orders
    shown = _shown(recalculated[f"random_{lang}"])
    _assert_engine(shown, table)
    assert shown["conventions"] == table.conventions(lang)


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["en", "de"])
def test_summary_kpis_equal_the_engines(
    recalculated: dict[str, Path], shop: Orders, lang: str
) -> None:
    log, as_of = _random_log(8)
    for name, orders, spec in (
        (f"shop_{lang}", shop, CohortSpec.of()),
        (f"random_{lang}", _as_text(log), CohortSpec.of(as_of=as_of, kind=KINDS[lang])),
    ):
        # the value workbook's numpy summary
        expected = summary_rows(cohort_result(orders, spec).summary, lang)
        sheet = openpyxl.load_workbook(recalculated[name], data_only=True).worksheets[1]
        for r, row in enumerate(expected, start=4):
            assert sheet.cell(r, 1).value == row.label
            shown = sheet.cell(r, 2).value
            if row.value is None:
                assert _blank(shown), (name, row.key, shown)
            else:
                assert shown == pytest.approx(row.value, rel=1e-12), (name, row.key)


@pytest.mark.libreoffice
def test_orders_added_to_the_table_give_the_engines_new_triangle(
    recalculated: dict[str, Path],
) -> None:
    first, later = _random_log(9)[0], _late(_random_log(10)[0])
    assert len(later) > 5  # some rows fill the 5 empty table rows, the rest extend it
    before = _shown(recalculated["base"])
    _assert_engine(before, _table(first))
    after = _shown(recalculated["added"])
    _assert_engine(after, _table(_concat(first, later)))
    assert len(after["labels"]) > len(before["labels"])  # new months, new cohorts
    assert not after["status"].startswith("⚠")


@pytest.mark.libreoffice
def test_rows_pasted_below_the_table_are_named_and_left_out(
    recalculated: dict[str, Path],
) -> None:
    first, later = _random_log(9)[0], _late(_random_log(10)[0])
    shown = _shown(recalculated["outside"])
    inside = _concat(first, later.select(np.arange(5), "in the empty rows"))
    _assert_engine(shown, _table(inside))
    outside = len(later) - 5
    assert shown["status"].startswith("⚠")
    assert f"{outside} rows below the Orders table are not in it" in shown["status"]


@pytest.mark.libreoffice
def test_status_line_warns_above_capacity_and_beyond_the_sheets_months(
    recalculated: dict[str, Path],
) -> None:
    log, as_of = _random_log(8)
    table = _table(log, as_of=as_of)
    shown = _shown(recalculated["small"])
    status = shown["status"]
    assert status.startswith("⚠ More than 50 orders")  # capacity=50 < the log's orders
    assert "retention-xl fill" in status and ".xlsm" in status
    assert "More than 13 complete months" in status  # the log has 15 complete cohorts
    assert len(table.labels) > 13
    # the 13 cohorts the sheet holds are still right
    assert shown["labels"] == table.labels[:13]
    np.testing.assert_allclose(
        shown["values"], table.values[:13, : shown["values"].shape[1]], rtol=1e-12
    )


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["en", "de"])
def test_empty_template_recalculates_without_errors(
    recalculated: dict[str, Path], lang: str
) -> None:
    book = openpyxl.load_workbook(recalculated[f"empty_{lang}"], data_only=True)
    cohorts, summary = book.worksheets[0], book.worksheets[1]
    errors = [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in (cohorts, summary)
        for row in sheet.iter_rows(max_row=FIRST_ROW + 35)  # the chart's #N/A lie below
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("#")
    ]
    assert not errors
    assert cohorts["A2"].value.startswith("Paste orders" if lang == "en" else "Bestellungen")
    assert "the last order" in cohorts["A7"].value or "letzten Bestellung" in cohorts["A7"].value
    assert all(
        _blank(cohorts.cell(r, c).value)
        for r in range(FIRST_ROW, FIRST_ROW + 36)
        for c in range(1, 39)
    )
    assert summary["B4"].value == 0 and summary["B5"].value == 0  # customers, cohorts


# ---------------------------------------------------------------- structure (no LibreOffice)

#: Functions that Excel 2019, LibreOffice 7.4 and Google Sheets all have (no dynamic arrays).
EXCEL_2019 = {
    "AND", "AVERAGE", "COUNT", "COUNTA", "COUNTIF", "COUNTIFS", "DATE", "DAY", "EOMONTH",
    "FIXED", "IF", "INDEX", "INT", "ISERROR", "ISNUMBER", "ISTEXT", "LEFT", "LEN", "MATCH",
    "MAX", "MIN", "MONTH", "N", "NA", "NOT", "OR", "ROW", "ROWS", "SUBSTITUTE", "SUM",
    "SUMIFS", "SUMPRODUCT", "TEXT", "TRIM", "YEAR", "_xlfn.MAXIFS", "_xlfn.MINIFS",
}  # fmt: skip


def _formulas(path: Path) -> list[str]:
    """Every formula of the workbook: cells, table columns and defined names."""
    book = openpyxl.load_workbook(path)
    found = [
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    for sheet in book.worksheets:
        for table in sheet.tables.values():
            found += [
                c.calculatedColumnFormula.attr_text
                for c in table.tableColumns
                if c.calculatedColumnFormula is not None
            ]
    return found


@pytest.mark.parametrize("lang", ["en", "de"])
def test_only_functions_of_excel_2019_with_their_xlfn_prefix(tmp_path: Path, lang: str) -> None:
    formulas = _formulas(write_live_cohort_workbook(tmp_path / "t.xlsx", lang))
    used = {
        name
        for formula in formulas
        for name in re.findall(r"((?:_xlfn\.)?[A-Z][A-Z0-9.]*)\(", re.sub(r'"[^"]*"', "", formula))
    }
    assert used <= EXCEL_2019, used - EXCEL_2019
    assert {"_xlfn.MINIFS", "_xlfn.MAXIFS", "COUNTIFS", "MATCH"} <= used
    assert not any(re.search(r"(?<!_xlfn\.)\b(MINIFS|MAXIFS)\(", f) for f in formulas)
    assert not any("[@" in f for f in formulas)  # Excel 2019's file syntax is [#This Row]


def test_table_has_a_calculated_column_for_every_helper_and_rows_agree(tmp_path: Path) -> None:
    log, _ = _random_log(8)
    path = write_live_cohort_workbook(tmp_path / "t.xlsx", "en", log, spare_rows=3)
    sheet = openpyxl.load_workbook(path)["Orders"]
    table = sheet.tables["Orders"]
    assert table.ref == f"A1:L{len(log) + 3 + 1}"
    helpers = table.tableColumns[3:]
    assert [c.name for c in helpers] == list(HELPERS)
    for col, column in enumerate(helpers, start=4):
        expected = "=" + column.calculatedColumnFormula.attr_text
        cells = {sheet.cell(r, col).value for r in range(2, len(log) + 3 + 2)}
        assert cells == {expected}, column.name  # Excel flags rows that differ
    written = [sheet.cell(r, 1).value for r in range(2, len(log) + 2)]
    assert written == log.customer_ids.tolist()


def test_chart_draws_straight_segments_on_a_0_to_100_percent_axis(tmp_path: Path) -> None:
    path = write_live_cohort_workbook(tmp_path / "t.xlsx", "en")
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        xml = archive.read(charts[0]).decode()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert len(charts) == 1
    series = re.findall(r"<ser>.*?</ser>", xml)
    assert len(series) == 7  # the weighted average and the six newest cohorts
    assert all('<smooth val="0"' in s for s in series)
    scaling = re.search(r"<valAx>.*?<scaling>(.*?)</scaling>", xml)
    assert scaling is not None
    assert '<max val="1"' in scaling.group(1) and '<min val="0"' in scaling.group(1)
    assert '<dispBlanksAs val="gap"' in xml
    # every series ends one column after the last period, in an empty cell: LibreOffice
    # leaves gaps for #N/A only in charts whose data has an empty cell
    book = openpyxl.load_workbook(path)
    for ref in re.findall(r"<val><numRef><f>'Cohorts'!\$C\$(\d+):\$AM\$\1</f>", xml):
        assert book["Cohorts"][f"AL{ref}"].value is not None  # period 35
        assert book["Cohorts"][f"AM{ref}"].value is None
    assert len(re.findall(r"<val><numRef><f>'Cohorts'!\$C\$(\d+):\$AM\$\1</f>", xml)) == 7
    # the heatmap covers the whole triangle from period 1 on
    area = f"D{FIRST_ROW}:AL{FIRST_ROW + 35}"
    assert re.search(rf'<conditionalFormatting sqref="{area}"><cfRule type="colorScale"', sheet)


def test_hostile_ids_are_text_never_formulas(tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://x","click")', "+cmd|'/c calc'!A1", "@SUM(1)", "-2+3"]
    orders = Orders(
        np.array(hostile),
        np.array(["2024-01-05"] * 4, dtype="datetime64[D]"),
        np.array([1.0, 2.0, 3.0, 4.0]),
        ReadReport("hostile"),
    )
    path = write_live_cohort_workbook(tmp_path / "hostile.xlsx", "en", orders)
    cells = [openpyxl.load_workbook(path)["Orders"].cell(r, 1) for r in range(2, 6)]
    assert [c.value for c in cells] == hostile
    assert all(c.data_type in ("s", "inlineStr") for c in cells)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kind": "rolling"}, "kind must be one of on, on_or_after"),
        ({"period": "Q"}, "monthly retention"),
        ({"value": "revenue"}, "monthly retention"),
        ({"months": 12}, "months must be at least 13"),
        ({"months": 241}, "at most 240 months"),
        ({"spare_rows": 0}, "spare_rows must be at least 1"),
    ],
)
def test_conventions_the_formulas_do_not_compute_are_refused(
    tmp_path: Path, options: dict[str, Any], message: str
) -> None:
    target = tmp_path / "t.xlsx"
    with pytest.raises(TemplateError, match=message):
        spec = {k: v for k, v in options.items() if k in ("kind", "period", "value")}
        sizes = {k: v for k, v in options.items() if k not in spec}
        write_live_cohort_workbook(target, "en", spec=CohortSpec.of(**spec), **sizes)
    assert not target.exists()


def test_existing_file_is_kept_unless_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"precious")
    with pytest.raises(TemplateError, match="already exists"):
        write_live_cohort_workbook(target, "en")
    assert target.read_bytes() == b"precious"
    write_live_cohort_workbook(target, "en", overwrite=True)
    assert zipfile.is_zipfile(target)
    with pytest.raises(TemplateError, match=r"must end in \.xlsx"):
        write_live_cohort_workbook(tmp_path / "t.xlsm", "en")


def test_filled_sheet_has_room_for_its_months_and_a_year_more(tmp_path: Path) -> None:
    # first purchase 2020-01, last order 2023-04: 40 months (2020-01 … 2023-04) + 12 = 52
    orders = Orders(
        np.array(["a", "b", "a"]),
        np.array(["2020-01-15", "2021-06-01", "2023-04-30"], dtype="datetime64[D]"),
        np.array([10.0, 5.0, 7.0]),
        ReadReport("span"),
    )
    path = write_live_cohort_workbook(tmp_path / "t.xlsx", "en", orders)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = [sheet.cell(HEADER_ROW, c).value for c in range(3, 60)]
    assert header[:52] == list(range(52)) and header[52] is None
    assert isinstance(sheet.cell(FIRST_ROW + 51, 1).value, str)  # 52 cohort rows
    assert sheet.cell(FIRST_ROW + 52, 1).value is None
