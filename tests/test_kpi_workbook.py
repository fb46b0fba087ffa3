"""The KPI calculator workbook: LibreOffice recalculates it to the numpy results; the
committed templates are what the generator writes; the .xlsm is ready for classic xlwings."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from libreoffice import convert

from retention_xl import udfs
from retention_xl.definitions import DEFINITIONS
from retention_xl.errors import TemplateError
from retention_xl.workbook import EXAMPLE, compute_kpis, kpi_workbook, write_kpi_workbook

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "workbook_templates"


def _kpi_results(path: Path) -> dict[str, object]:
    """KPI name -> the value LibreOffice computed (column F, one row per definition)."""
    sheet = openpyxl.load_workbook(path, data_only=True).worksheets[0]
    return {d.name: sheet.cell(5 + i, 6).value for i, d in enumerate(DEFINITIONS)}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Example-filled and blank workbooks in both languages, recalculated by LibreOffice."""
    folder = tmp_path_factory.mktemp("kpi")
    files = []
    for lang in ("en", "de"):
        files.append(write_kpi_workbook(folder / f"example_{lang}.xlsx", lang, EXAMPLE))
        files.append(write_kpi_workbook(folder / f"blank_{lang}.xlsx", lang))
    outputs = convert(files, folder / "recalculated")
    return {p.stem: p for p in outputs}


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["en", "de"])
def test_libreoffice_agrees_with_numpy_on_every_kpi(
    recalculated: dict[str, Path], lang: str
) -> None:
    expected = compute_kpis(EXAMPLE)  # the numpy core on the same inputs and bindings
    shown = _kpi_results(recalculated[f"example_{lang}"])
    assert set(shown) == set(expected)
    for name, value in expected.items():
        assert shown[name] == pytest.approx(value, rel=1e-12), name


def test_example_numbers_give_the_guide_results() -> None:
    results = compute_kpis(EXAMPLE)
    assert results["RETENTION_RATE"] == pytest.approx(0.60)  # guide: S=1000, E=1100, N=500
    assert results["CHURN_RATE"] == pytest.approx(0.40)  # hand: 400 lost of 1000
    # hand: last orders 3, 45, 10, 89, 60, 15 and 1 days before as_of lie in the 90-day
    # window; 90, 95, 120, 200 and 400 days do not
    assert results["ACTIVE_CUSTOMERS"] == 7.0
    assert results["LOYAL_CUSTOMER_RATE"] == pytest.approx(5 / 12)  # hand: 2,5,3,2,4 of 12
    assert results["CLV"] == pytest.approx(50 * 4 * 0.4 - 30)  # hand: AOV 75000/1500 = 50
    assert results["RETENTION_BUDGET_SHARE"] == 0.60  # 12 a day: "more than 10 a day"


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["en", "de"])
def test_blank_template_shows_empty_kpis_not_errors(
    recalculated: dict[str, Path], lang: str
) -> None:
    shown = _kpi_results(recalculated[f"blank_{lang}"])
    assert all(value in (None, "") for value in shown.values()), shown


@pytest.mark.parametrize("lang", ["en", "de"])
def test_xlsm_template_is_ready_for_classic_xlwings(lang: str) -> None:
    path = TEMPLATES / f"retention_kpis_{lang}.xlsm"
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/vbaProject.bin").file_size > 0
    book = openpyxl.load_workbook(path, keep_vba=True)
    conf = book["xlwings.conf"]
    assert [[c.value for c in row] for row in conf.iter_rows()] == [
        ["UDF Modules", "retention_xl.udfs"]
    ]
    sheet = book.worksheets[0]
    calls = [sheet.cell(5 + i, 6).value for i in range(len(DEFINITIONS))]
    for definition, formula in zip(DEFINITIONS, calls, strict=True):
        name = definition.excel_name(lang)
        assert formula.startswith(f"={name}("), formula
        assert hasattr(udfs, name)  # the formula calls a function that udfs defines


def test_xlsx_template_uses_only_native_excel_2019_functions() -> None:
    sheet = openpyxl.load_workbook(TEMPLATES / "retention_kpis_en.xlsx").worksheets[0]
    allowed = {"IF", "OR", "COUNT", "COUNTIF", "COUNTIFS"}
    for i in range(len(DEFINITIONS)):
        formula = sheet.cell(5 + i, 6).value
        used = set(re.findall(r"([A-Z][A-Z0-9.]*)\(", formula))
        assert used <= allowed, (formula, used - allowed)


def test_untrusted_customer_ids_are_written_as_text(tmp_path: Path) -> None:
    values = dict(EXAMPLE, **{"list:customer": ['=HYPERLINK("http://x","click")', "+1", "@SUM(1)"]})
    path = write_kpi_workbook(tmp_path / "ids.xlsx", "en", values)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value in values["list:customer"]]
    assert len(cells) == 3 and all(c.data_type == "s" for c in cells)


def test_existing_file_is_not_overwritten_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "kpis.xlsx"
    target.write_bytes(b"precious")
    with pytest.raises(TemplateError, match="already exists"):
        write_kpi_workbook(target, "en")
    assert target.read_bytes() == b"precious"
    write_kpi_workbook(target, "en", overwrite=True)
    assert zipfile.is_zipfile(target)
    assert not list(tmp_path.glob("*.part"))  # no temporary file left behind


def test_failed_save_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retention_xl.workbook import files

    def crash(workbook: object, path: Path, edit: object = None) -> None:
        path.write_bytes(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(files, "write_workbook", crash)
    with pytest.raises(OSError, match="disk full"):
        files.save_atomically(kpi_workbook("en"), tmp_path / "kpis.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_bad_language_and_suffix_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="lang"):
        kpi_workbook("fr")
    with pytest.raises(TemplateError, match=r"\.xlsm"):
        write_kpi_workbook(tmp_path / "kpis.xlsx", "en", xlsm=True)


@pytest.mark.libreoffice
def test_libreoffice_opens_the_xlsm_templates(tmp_path: Path) -> None:
    # a structurally broken .xlsm would make LibreOffice write nothing (convert raises)
    sources = [TEMPLATES / f"retention_kpis_{lang}.xlsm" for lang in ("en", "de")]
    for output in convert(sources, tmp_path):
        book = openpyxl.load_workbook(output)
        assert book["xlwings.conf"]["B1"].value == "retention_xl.udfs"
