"""Filling a user's own workbook through rx_ names: the named cells get the numbers, and
everything else — other sheets, charts, styles, VBA — stays byte for byte as it was; hostile
or broken files are refused before they are unpacked."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from libreoffice import convert
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from zipparts import parts

from retention_xl import TemplateError, read_orders
from retention_xl.batch import fill_many, fill_workbook
from retention_xl.cohorts import cohort_table
from retention_xl.io.zipcheck import MAX_RATIO
from retention_xl.samples import SHOP_ORDERS

NAMES = {
    "rx_segment": "Report!$B$1",
    "rx_customers": "Report!$B$2",
    "rx_retention_1": "Report!$E$2",
    "rx_triangle": "Report!$A$5",
    "rx_conventions": "'Notes & more'!$A$10",
}


def make_template(path: Path, names: dict[str, str] = NAMES) -> Path:
    """A user's report: styles, a formula using a name, a chart on another sheet."""
    book = openpyxl.Workbook()
    report = book.active
    report.title = "Report"
    report["A1"], report["A2"], report["D2"] = "Store", "Customers", "Month-1 retention"
    report["A1"].font = Font(bold=True, color="C00000")
    report["B2"].fill = PatternFill("solid", fgColor="DDEBF7")
    report["B2"].number_format = "#,##0"
    report["E2"].number_format = "0.0%"
    report["C2"] = "=rx_customers*2"
    report["H1"] = "kept as it was"
    notes = book.create_sheet("Notes & more")
    for r, (label, value) in enumerate([("a", 3), ("b", 5), ("c", 2)], start=1):
        notes.cell(r, 1, label)
        notes.cell(r, 2, value)
    chart = BarChart()
    chart.add_data(Reference(notes, min_col=2, min_row=1, max_row=3))
    notes.add_chart(chart, "D2")
    for name, ref in names.items():
        book.defined_names[name] = DefinedName(name, attr_text=ref)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def shop_berlin():  # type: ignore[no-untyped-def]
    shop = read_orders(SHOP_ORDERS, segment_col="store")
    return shop.select(shop.segments == "Berlin", "Berlin")  # type: ignore[operator]


def test_named_cells_are_filled_and_nothing_else_changes(tmp_path: Path, shop_berlin) -> None:  # type: ignore[no-untyped-def]
    template = make_template(tmp_path / "report.xlsx")
    out = tmp_path / "berlin.xlsx"
    fill_workbook(shop_berlin, template, out, segment="Berlin")
    before, after = parts(template), parts(out)
    assert set(before) == set(after)
    changed = {name for name in before if before[name] != after[name]}
    # the two sheets with named cells and workbook.xml (recalculate on open); nothing else
    assert changed == {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/workbook.xml"}
    table = cohort_table(shop_berlin.customer_ids, shop_berlin.order_dates, shop_berlin.amounts)
    filled = openpyxl.load_workbook(out)
    report = filled["Report"]
    assert report["B1"].value == "Berlin" and report["B1"].data_type == "s"
    assert report["B2"].value == int(table.sizes.sum())
    assert report["E2"].value == pytest.approx(table.weighted_average[1])
    rows = table.rows()
    shown = [
        [report.cell(5 + i, 1 + j).value for j in range(len(rows[0]))] for i in range(len(rows))
    ]
    for got, want in zip(shown, rows, strict=True):
        assert got == pytest.approx(want)
    # the user's own cells, styles and formula are untouched
    original = openpyxl.load_workbook(template)["Report"]
    for ref in ("A1", "A2", "D2", "C2", "H1"):
        assert report[ref].value == original[ref].value
    assert report["A1"].font.color.rgb == original["A1"].font.color.rgb
    assert report["B2"].fill.fgColor.rgb == original["B2"].fill.fgColor.rgb
    assert report["B2"].number_format == "#,##0" and report["E2"].number_format == "0.0%"
    notes = filled["Notes & more"]
    assert notes["A10"].value == table.conventions()[0]
    assert [notes.cell(r, 2).value for r in (1, 2, 3)] == [3, 5, 2]


@pytest.mark.libreoffice
def test_the_users_formulas_recalculate_with_the_filled_values(
    tmp_path: Path,
    shop_berlin,  # type: ignore[no-untyped-def]
) -> None:
    template = make_template(tmp_path / "report.xlsx")
    out = fill_workbook(shop_berlin, template, tmp_path / "berlin.xlsx").path
    assert out is not None
    (recalculated,) = convert([out], tmp_path / "lo")
    report = openpyxl.load_workbook(recalculated, data_only=True)["Report"]
    assert report["C2"].value == 2 * report["B2"].value  # the user's =rx_customers*2


def test_vba_of_an_xlsm_template_stays_byte_for_byte(tmp_path: Path, shop_berlin) -> None:  # type: ignore[no-untyped-def]
    import xlwings

    book = openpyxl.load_workbook(Path(xlwings.__file__).parent / "quickstart.xlsm", keep_vba=True)
    book.defined_names["rx_customers"] = DefinedName("rx_customers", attr_text="Sheet1!$B$2")
    template = tmp_path / "macro.xlsm"
    book.save(template)
    book.vba_archive.close()
    out = fill_workbook(shop_berlin, template, tmp_path / "filled.xlsm").path
    assert out is not None
    assert parts(out)["xl/vbaProject.bin"] == parts(template)["xl/vbaProject.bin"]
    filled = openpyxl.load_workbook(out, keep_vba=True)
    filled.vba_archive.close()
    assert filled["Sheet1"]["B2"].value > 0
    with pytest.raises(TemplateError, match=r"must end in \.xlsm"):
        fill_workbook(shop_berlin, template, tmp_path / "filled.xlsx")


def test_a_range_too_small_for_the_table_is_refused(tmp_path: Path, shop_berlin) -> None:  # type: ignore[no-untyped-def]
    template = make_template(tmp_path / "small.xlsx", {"rx_triangle": "Report!$A$5:$C$7"})
    with pytest.raises(TemplateError, match=r"holds 3×3 cells but the data needs \d+×\d+"):
        fill_workbook(shop_berlin, template, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_a_range_larger_than_the_data_is_emptied_beyond_it(tmp_path: Path, shop_berlin) -> None:  # type: ignore[no-untyped-def]
    template = make_template(tmp_path / "big.xlsx", {"rx_segment": "Report!$H$1:$H$3"})
    out = fill_workbook(shop_berlin, template, tmp_path / "out.xlsx", segment="B").path
    assert out is not None
    report = openpyxl.load_workbook(out)["Report"]
    assert [report[f"H{r}"].value for r in (1, 2, 3)] == ["B", None, None]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ({"rx_customer": "Report!$B$2"}, "unknown name 'rx_customer'"),
        ({}, "has no cells named rx_"),
        ({"rx_customers": "Nowhere!$B$2"}, "sheet 'Nowhere' that does not exist"),
    ],
)
def test_bad_names_are_explained(
    tmp_path: Path,
    shop_berlin,
    names: dict[str, str],  # type: ignore[no-untyped-def]
    message: str,
) -> None:
    template = make_template(tmp_path / "t.xlsx", names)
    with pytest.raises(TemplateError, match=message):
        fill_workbook(shop_berlin, template, tmp_path / "out.xlsx")


def test_not_a_workbook_is_refused(tmp_path: Path, shop_berlin) -> None:  # type: ignore[no-untyped-def]
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"this is not a zip file")
    with pytest.raises(TemplateError, match="is not an Excel workbook"):
        fill_workbook(shop_berlin, fake, tmp_path / "out.xlsx")
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(TemplateError, match="no Excel workbook"):
        fill_workbook(shop_berlin, other, tmp_path / "out.xlsx")


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path: Path, shop_berlin) -> None:  # type: ignore[no-untyped-def]
    template = make_template(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(template, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/zeros.bin", bytes(40 * 2**20))  # 40 MiB that pack to 40 KiB
    with pytest.raises(TemplateError, match="like a zip bomb"):
        fill_workbook(shop_berlin, template, tmp_path / "out.xlsx")
    assert MAX_RATIO >= 100  # ordinary workbooks compress far less than this


def test_an_xml_bomb_is_refused(tmp_path: Path, shop_berlin) -> None:  # type: ignore[no-untyped-def]
    template = make_template(tmp_path / "laughs.xlsx")
    members = parts(template)
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    body = members["xl/workbook.xml"]
    body = body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body
    members["xl/workbook.xml"] = laughs.encode() + body
    with zipfile.ZipFile(template, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(TemplateError, match="entities or DTDs"):
        fill_workbook(shop_berlin, template, tmp_path / "out.xlsx")


def test_fill_many_with_a_users_template(tmp_path: Path) -> None:
    template = make_template(tmp_path / "report.xlsx")
    results = fill_many(
        [SHOP_ORDERS], by="store", template=template, out_dir=tmp_path / "out", jobs=2
    )
    assert [r.status for r in results] == ["written"] * 4
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "Berlin.xlsx",
        "Hamburg.xlsx",
        "Köln.xlsx",
        "München.xlsx",
    ]
    values = [openpyxl.load_workbook(r.path)["Report"]["B1"].value for r in results if r.path]
    assert values == ["Berlin", "Hamburg", "Köln", "München"]
    with pytest.raises(TemplateError, match=r"existing \.xlsx/\.xlsm"):
        fill_many([SHOP_ORDERS], template=tmp_path / "missing.xlsx", out_dir=tmp_path)
    assert np.all(np.array([r.cohorts for r in results]) == 24)  # the shop spans 2023-01 … 2024-12
