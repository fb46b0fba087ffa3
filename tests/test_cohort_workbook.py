"""The cohort workbook: LibreOffice shows the engine's numbers; the committed templates are
what the generator writes; the .xlsm spills =COHORT_TABLE; Excel's limits are checked."""

from __future__ import annotations

import re
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from libreoffice import convert

from retention_xl import TemplateError, read_orders
from retention_xl.cohorts import CohortSpec, cohort_table
from retention_xl.io import Orders, ReadReport
from retention_xl.results import cohort_result
from retention_xl.samples import SHOP_ORDERS
from retention_xl.workbook import write_cohort_workbook
from retention_xl.workbook.cohort_template import HEADER_ROW, summary_rows

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "workbook_templates"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def shop() -> Orders:
    return read_orders(SHOP_ORDERS)


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory, shop: Orders) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cohorts")
    cdnow = read_orders(DATA / "cdnow_300.csv")
    files = [
        write_cohort_workbook(folder / "shop_en.xlsx", "en", cohort_result(shop)),
        write_cohort_workbook(folder / "shop_de.xlsx", "de", cohort_result(shop)),
        write_cohort_workbook(
            folder / "cdnow_revenue.xlsx",
            "en",
            cohort_result(
                cdnow,
                CohortSpec.of(period="Q", value="revenue_per_customer", kind="on_or_after"),
            ),
        ),
    ]
    return {p.stem: p for p in convert(files, folder / "recalculated")}


def _visible(path: Path, n_cohorts: int, width: int) -> dict[str, np.ndarray]:
    sheet = openpyxl.load_workbook(path, data_only=True).worksheets[0]
    first = HEADER_ROW + 1

    def grid(rows: range) -> np.ndarray:
        return np.array(
            [
                [
                    np.nan if sheet.cell(r, c).value in (None, "") else sheet.cell(r, c).value
                    for c in range(3, width + 3)
                ]
                for r in rows
            ],
            dtype=float,
        )

    return {
        "labels": np.array([sheet.cell(r, 1).value for r in range(first, first + n_cohorts)]),
        "sizes": np.array([sheet.cell(r, 2).value for r in range(first, first + n_cohorts)]),
        "values": grid(range(first, first + n_cohorts)),
        "averages": grid(range(first + n_cohorts, first + n_cohorts + 2)),
    }


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["en", "de"])
def test_libreoffice_shows_the_engines_triangle_and_averages(
    recalculated: dict[str, Path], shop: Orders, lang: str
) -> None:
    table = cohort_table(shop.customer_ids, shop.order_dates, shop.amounts)
    shown = _visible(recalculated[f"shop_{lang}"], len(table.labels), table.values.shape[1])
    assert shown["labels"].tolist() == table.labels
    np.testing.assert_array_equal(shown["sizes"], table.sizes)
    np.testing.assert_allclose(shown["values"], table.values, rtol=1e-12)  # blanks stay NaN
    # the average rows are native formulas that LibreOffice computed
    np.testing.assert_allclose(shown["averages"][0], table.weighted_average, rtol=1e-12)
    np.testing.assert_allclose(shown["averages"][1], table.unweighted_average, rtol=1e-12)


@pytest.mark.libreoffice
def test_libreoffice_shows_other_conventions_too(recalculated: dict[str, Path]) -> None:
    cdnow = read_orders(DATA / "cdnow_300.csv")
    table = cohort_table(
        cdnow.customer_ids,
        cdnow.order_dates,
        cdnow.amounts,
        period="Q",
        value="revenue_per_customer",
        kind="on_or_after",
    )
    shown = _visible(recalculated["cdnow_revenue"], len(table.labels), table.values.shape[1])
    np.testing.assert_allclose(shown["values"], table.values, rtol=1e-12)
    np.testing.assert_allclose(shown["averages"][0], table.weighted_average, rtol=1e-12)


@pytest.mark.libreoffice
def test_summary_sheet_shows_the_core_kpis(recalculated: dict[str, Path], shop: Orders) -> None:
    expected = summary_rows(cohort_result(shop).summary, "en")
    sheet = openpyxl.load_workbook(recalculated["shop_en"], data_only=True)["Summary"]
    for r, row in enumerate(expected, start=4):
        assert sheet.cell(r, 1).value == row.label
        assert sheet.cell(r, 2).value == pytest.approx(row.value)


def test_summary_kpis_by_hand() -> None:
    # two customers: a buys twice (10 + 30) and gets a refund of 5; b buys once (20)
    orders = Orders(
        np.array(["a", "a", "b", "a"]),
        np.array(["2024-01-05", "2024-02-05", "2024-01-07", "2024-02-09"], dtype="datetime64[D]"),
        np.array([10.0, 30.0, 20.0, -5.0]),
        ReadReport("hand"),
    )
    result = cohort_result(orders, CohortSpec.of(as_of="2024-02-29"))
    values = {row.label: row.value for row in summary_rows(result.summary, "en")}
    assert values["Repeat-customer rate"] == 0.5  # a of {a, b}
    assert values["Average order value"] == pytest.approx(55 / 3)  # (10+30+20-5) / 3 purchases
    assert values["Purchase frequency"] == 1.5  # 3 purchases / 2 customers
    assert values["Retention after 1 periods"] == 0.5  # a returned in February
    assert values["Retention after 3 periods"] is None  # not observed


@pytest.mark.parametrize("lang", ["en", "de"])
def test_xlsm_spills_cohort_table_from_the_orders_table(lang: str) -> None:
    path = TEMPLATES / f"retention_cohorts_{lang}.xlsm"
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        metadata = archive.read("xl/metadata.xml").decode()
        types = archive.read("[Content_Types].xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    name, table = (
        ("KOHORTENTABELLE", "Bestellungen") if lang == "de" else ("COHORT_TABLE", "Orders")
    )
    cell = re.search(rf'<c r="A{HEADER_ROW}"[^>]*>.*?</c>', sheet)
    assert cell is not None
    assert 'cm="1"' in cell.group(0) and 't="array"' in cell.group(0)
    assert f"{name}({table}[" in cell.group(0)
    assert "XLDAPR" in metadata and "fDynamic" in metadata
    assert "/xl/metadata.xml" in types and "sheetMetadata" in rels
    book = openpyxl.load_workbook(path, keep_vba=True)
    assert book["xlwings.conf"]["B1"].value == "retention_xl.udfs"
    assert table in book.worksheets[2].tables


@pytest.mark.libreoffice
def test_libreoffice_opens_the_cohort_templates(tmp_path: Path) -> None:
    sources = [
        TEMPLATES / f"retention_cohorts_{lang}{suffix}"
        for lang in ("en", "de")
        for suffix in (".xlsx", ".xlsm")
    ]
    for source in sources:  # one call per file: the names share stems
        (output,) = convert([source], tmp_path / source.suffix.strip("."))
        assert openpyxl.load_workbook(output).sheetnames[0] in ("Cohorts", "Kohorten")


def test_hostile_customer_ids_are_written_as_text(tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://x","click")', "+cmd|'/c calc'!A1", "@SUM(1)", "-2+3"]
    orders = Orders(
        np.array(hostile),
        np.array(["2024-01-05"] * 4, dtype="datetime64[D]"),
        None,
        ReadReport("hostile"),
    )
    path = write_cohort_workbook(
        tmp_path / "hostile.xlsx", "en", cohort_result(orders, CohortSpec.of(as_of="2024-01-31"))
    )
    sheet = openpyxl.load_workbook(path)["Orders"]
    cells = [sheet.cell(r, 1) for r in range(2, 6)]
    assert [c.value for c in cells] == hostile
    assert all(c.data_type == "s" for c in cells)


def test_more_orders_than_a_sheet_holds_is_refused_before_writing(tmp_path: Path) -> None:
    n = 1_048_576
    orders = Orders(
        np.zeros(n, dtype=np.int64),
        np.full(n, np.datetime64("2024-01-01")),
        None,
        ReadReport("big"),
    )
    target = tmp_path / "big.xlsx"
    with pytest.raises(TemplateError, match="do not fit on one sheet"):
        write_cohort_workbook(target, "en", cohort_result(orders))
    assert not target.exists()


def test_more_periods_than_columns_is_refused(tmp_path: Path) -> None:
    # daily periods over 50 years: about 18,000 columns > Excel's 16,384
    orders = Orders(
        np.array(["a", "a"]),
        np.array(["1970-01-01", "2020-01-01"], dtype="datetime64[D]"),
        None,
        ReadReport("x"),
    )
    with pytest.raises(TemplateError, match="more than Excel's 16,384 columns"):
        write_cohort_workbook(
            tmp_path / "wide.xlsx", "en", cohort_result(orders, CohortSpec.of(period="D"))
        )


@pytest.mark.libreoffice
def test_pictures_for_the_readme_render(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "docs"))
    from make_images import main as make_images

    for picture in make_images(tmp_path):
        data = picture.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert width > 1000 and height > 500
        committed = ROOT / "docs" / "images" / picture.name
        assert committed.exists(), f"run `make images` and commit {committed}"


@pytest.mark.slow  # ~3 s: the shop workbook built cell by cell with openpyxl
def test_rows_written_as_xml_equal_rows_written_by_openpyxl(tmp_path: Path, shop: Orders) -> None:
    # write_cohort_workbook writes most cohort and order rows straight as XML for speed;
    # cohort_workbook builds every cell with openpyxl: both must show the same cells
    from retention_xl.workbook import cohort_workbook

    fast = write_cohort_workbook(tmp_path / "fast.xlsx", "de", cohort_result(shop), segment="x")
    cohort_workbook("de", cohort_result(shop), segment="x").save(tmp_path / "slow.xlsx")
    a, b = openpyxl.load_workbook(fast), openpyxl.load_workbook(tmp_path / "slow.xlsx")
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        rows_a = [[c.value for c in row] for row in a[name].iter_rows()]
        rows_b = [[c.value for c in row] for row in b[name].iter_rows()]
        assert len(rows_a) == len(rows_b), name
        for x, y in zip(rows_a, rows_b, strict=True):
            for u, v in zip(x, y, strict=True):
                numbers = isinstance(u, (int, float)) and isinstance(v, (int, float))
                # openpyxl keeps 16 digits, the XML rows 17: equal to the last bit or nearly
                assert (u == pytest.approx(v, rel=1e-15)) if numbers else u == v, (name, u, v)
        styles_a = [c.number_format for row in a[name].iter_rows() for c in row]
        styles_b = [c.number_format for row in b[name].iter_rows() for c in row]
        assert styles_a == styles_b, name


@pytest.mark.libreoffice
def test_xlsm_summary_formulas_over_the_orders_table(tmp_path: Path) -> None:
    # the .xlsm's summary formulas that read only the Orders table, evaluated by LibreOffice
    # on a table checked by hand (the parts that read the spilled COHORT_TABLE need Excel)
    from openpyxl.worksheet.table import Table

    from retention_xl.workbook.cohort_template import _xlsm_summary

    formulas = {row.key: formula for row, formula in _xlsm_summary("en", "Cohorts")}
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Orders"
    sheet.append(["customer_id", "order_date", "amount"])
    for cid, amount in [("a", 10), ("a", 5), ("b", 3), ("b", -3), ("c", 1), ("d", -2)]:
        sheet.append([cid, 45300, amount])
    sheet.add_table(Table(displayName="Orders", ref="A1:C7"))
    repeat = formulas["repeat_customer_rate"]
    sheet["E1"] = repeat[: repeat.rindex("/")]  # customers with 2+ purchases, before "/ all"
    aov = formulas["average_order_value"]
    sheet["E2"] = aov
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    (recalculated,) = convert([path], tmp_path / "out")
    shown = openpyxl.load_workbook(recalculated, data_only=True)["Orders"]
    assert shown["E1"].value == 1  # hand: only a bought twice; b's second row is a refund
    assert shown["E2"].value == pytest.approx(14 / 4)  # hand: (10+5+3-3+1-2) / 4 purchases
