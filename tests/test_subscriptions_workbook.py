"""The subscription workbook and the KPI sheet's subscription rows, recalculated in
LibreOffice: the Checks sheet passes in English and German (and fails where a number was
tampered with), the sheets show the engine's numbers, the native NRR/GRR/quick-ratio
formulas agree with numpy."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from libreoffice import convert

from retention_xl import udfs
from retention_xl.errors import TemplateError
from retention_xl.results import (
    SubscriptionBook,
    SubscriptionSettings,
    subscription_book,
    subscription_result,
)
from retention_xl.subscriptions import (
    BillingSettings,
    SubscriptionConventions,
    ledger,
    movements_from_ledger,
    revenue_cohorts,
)
from retention_xl.subscriptions.movements import COLUMNS
from retention_xl.subscriptions.sample import sample_billing
from retention_xl.workbook.kpi_template import (
    EXAMPLE,
    SHEET_DEFINITIONS,
    compute_kpis,
    write_kpi_workbook,
)
from retention_xl.workbook.subscription_template import (
    CHECKS_ROW,
    HEADER_ROW,
    SHEETS,
    subscription_workbook,
    write_subscription_workbook,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = sample_billing(120, 18, seed=3)  # a made-up business (retention_xl.subscriptions.sample)
OPTIONS: dict[str, dict[str, Any]] = {
    "en": {},
    "de": {},
    "q_pause": {"period": "Q", "zero_mrr": "pause", "reactivation_gap": 2},
}


def _book() -> Any:
    return ledger(*SAMPLE, source="sample_billing.csv")


def _result(options: dict[str, Any] | None = None) -> SubscriptionBook:
    conventions = SubscriptionConventions(**(options or {}))
    return subscription_book(_book(), SubscriptionSettings(conventions))


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Filled, tampered and empty workbooks and the KPI sheets, recalculated in one
    LibreOffice run."""
    folder = tmp_path_factory.mktemp("subscriptions")
    files = []
    for name, options in OPTIONS.items():
        lang = "de" if name == "de" else "en"
        files.append(write_subscription_workbook(folder / f"{name}.xlsx", lang, _result(options)))
    # tampered: one New amount raised by 1 cent; the identity check of that period must fail
    tampered = openpyxl.load_workbook(files[0])
    sheet = tampered[SHEETS["movements"][0]]
    sheet.cell(HEADER_ROW + 3, 3).value += 0.01
    tampered.save(folder / "tampered.xlsx")
    files.append(folder / "tampered.xlsx")
    for lang in ("en", "de"):
        files.append(write_subscription_workbook(folder / f"empty_{lang}.xlsx", lang))
        files.append(write_kpi_workbook(folder / f"kpis_{lang}.xlsx", lang, EXAMPLE))
    return {p.stem: p for p in convert(files, folder / "recalculated")}


def _checks(path: Path, lang: str = "en") -> Any:
    return openpyxl.load_workbook(path, data_only=True)[SHEETS["checks"][lang == "de"]]


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(OPTIONS))
def test_checks_sheet_passes_in_libreoffice(recalculated: dict[str, Path], name: str) -> None:
    lang = "de" if name == "de" else "en"
    checks = _checks(recalculated[name], lang)
    m = movements_from_ledger(_book(), SubscriptionConventions(**OPTIONS[name]))
    n = len(m.labels)
    summary = [checks.cell(r, 2).value for r in range(5, 9)]
    assert summary == ["OK"] * 4, summary
    assert checks.cell(10, 2).value == "OK"  # all checks
    per_period = [[checks.cell(CHECKS_ROW + 1 + i, c).value for c in range(3, 8)] for i in range(n)]
    assert per_period == [["OK"] * 5] * n
    assert [checks.cell(CHECKS_ROW + 1 + i, 1).value for i in range(n)] == m.labels


@pytest.mark.libreoffice
def test_checks_sheet_fails_where_a_number_was_changed(recalculated: dict[str, Path]) -> None:
    checks = _checks(recalculated["tampered"])
    # New of the third period raised by 0.01: that period's identity fails, nothing else
    identity = [checks.cell(CHECKS_ROW + 1 + i, 3).value for i in range(5)]
    assert identity == ["OK", "OK", "FAIL", "OK", "OK"]
    assert checks.cell(8, 2).value == "FAIL"  # every per-period check
    assert checks.cell(10, 2).value == "FAIL"


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(OPTIONS))
def test_sheets_show_the_engine_numbers(recalculated: dict[str, Path], name: str) -> None:
    lang = "de" if name == "de" else "en"
    book = openpyxl.load_workbook(recalculated[name], data_only=True)
    m = movements_from_ledger(_book(), SubscriptionConventions(**OPTIONS[name]))
    expected = m.rows_table(lang)
    sheet = book[SHEETS["movements"][lang == "de"]]
    shown = [
        [sheet.cell(HEADER_ROW + i, c + 1).value for c in range(len(COLUMNS))]
        for i in range(len(expected))
    ]
    assert shown[0] == expected[0]
    for got, want in zip(shown[1:], expected[1:], strict=True):
        assert got == [pytest.approx(v) if isinstance(v, float) else v for v in want]
    overview = book[SHEETS["overview"][lang == "de"]]
    # the waterfall's last bar is the last period's MRR end; its first the window's start
    assert overview["J10"].value == pytest.approx(m.mrr_end[-1] / 100)
    window = max(0, len(m.labels) - 12)
    assert overview["J4"].value == pytest.approx(m.mrr_start[window] / 100)
    assert overview["B5"].value == pytest.approx(m.mrr_end[-1] / 100)
    cohorts = book[SHEETS["cohorts"][lang == "de"]]
    table = revenue_cohorts(_book(), SubscriptionConventions(**OPTIONS[name])).rows(lang)
    for i, row in enumerate(table[1:-1]):
        cells = [cohorts.cell(9 + i, c).value for c in range(1, len(row) + 1)]
        assert cells == [pytest.approx(v) if isinstance(v, float) else v for v in row]


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["en", "de"])
def test_empty_template_has_every_sheet_and_no_errors(
    recalculated: dict[str, Path], lang: str
) -> None:
    book = openpyxl.load_workbook(recalculated[f"empty_{lang}"], data_only=True)
    assert book.sheetnames == [titles[lang == "de"] for titles in SHEETS.values()]
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith("#") for v in row), row


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["en", "de"])
def test_kpi_sheet_native_twins_agree_with_numpy(recalculated: dict[str, Path], lang: str) -> None:
    expected = compute_kpis(EXAMPLE, SHEET_DEFINITIONS)
    sheet = openpyxl.load_workbook(recalculated[f"kpis_{lang}"], data_only=True).worksheets[0]
    shown = {d.name: sheet.cell(5 + i, 6).value for i, d in enumerate(SHEET_DEFINITIONS)}
    for name in ("NET_REVENUE_RETENTION", "GROSS_REVENUE_RETENTION", "QUICK_RATIO"):
        assert shown[name] == pytest.approx(expected[name], rel=1e-12), name
    # hand, EXAMPLE: (10000 + 500 - 500 - 500) / 10000, (10000 - 1000) / 10000,
    # (1000 + 500 + 0) / (500 + 500)
    assert expected["NET_REVENUE_RETENTION"] == pytest.approx(0.95)
    assert expected["GROSS_REVENUE_RETENTION"] == pytest.approx(0.90)
    assert expected["QUICK_RATIO"] == pytest.approx(1.5)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_committed_kpi_templates_carry_the_twins(lang: str) -> None:
    plain = openpyxl.load_workbook(ROOT / "workbook_templates" / f"retention_kpis_{lang}.xlsx")
    xlsm = openpyxl.load_workbook(
        ROOT / "workbook_templates" / f"retention_kpis_{lang}.xlsm", keep_vba=True
    )
    for i, definition in enumerate(SHEET_DEFINITIONS):
        if definition.name not in (
            "NET_REVENUE_RETENTION",
            "GROSS_REVENUE_RETENTION",
            "QUICK_RATIO",
        ):
            continue
        native = plain.worksheets[0].cell(5 + i, 6).value
        used = set(re.findall(r"([A-Z][A-Z0-9.]*)\(", native))
        assert used <= {"IF", "OR", "COUNT"}, native  # Excel 2019 / LibreOffice 7.4
        call = xlsm.worksheets[0].cell(5 + i, 6).value
        assert call.startswith(f"={definition.excel_name(lang)}(")
        assert hasattr(udfs, definition.excel_name(lang))


def test_data_sheet_holds_every_customer_month(tmp_path: Path) -> None:
    result = subscription_book(_book())
    path = write_subscription_workbook(tmp_path / "s.xlsx", "en", result)
    data = openpyxl.load_workbook(path)[SHEETS["data"][0]]
    assert data.max_row == result.months.codes.size + 1
    assert sum(data.cell(r, 3).value for r in range(2, data.max_row + 1)) == pytest.approx(
        result.ledger.cents.sum() / 100
    )  # every cent of the input is on the sheet


def test_data_rows_written_as_xml_equal_openpyxls(tmp_path: Path) -> None:
    fast = write_subscription_workbook(tmp_path / "fast.xlsx", "de", _result())
    slow = tmp_path / "slow.xlsx"
    subscription_workbook("de", _result()).save(slow)
    title = SHEETS["data"][1]
    rows = [
        list(openpyxl.load_workbook(path)[title].iter_rows(values_only=True))
        for path in (fast, slow)
    ]
    assert rows[0] == rows[1] and len(rows[0]) > 100


def test_untrusted_text_is_written_as_text(tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1)"]
    book = ledger(hostile, ["2024-01", "2024-01", "2024-02"], [1, 2, 3])
    path = write_subscription_workbook(
        tmp_path / "h.xlsx", "en", subscription_book(book), segment="=1+1"
    )
    workbook = openpyxl.load_workbook(path)
    data = workbook[SHEETS["data"][0]]
    cells = [data.cell(r, 1) for r in range(2, data.max_row + 1)]
    assert sorted(c.value for c in cells) == sorted(hostile)
    assert all(c.data_type in ("s", "inlineStr") for c in cells)
    title = workbook.worksheets[0]["A1"]
    assert title.data_type == "s" and title.value.endswith("=1+1")


def test_data_beyond_excels_columns_is_refused_before_writing(tmp_path: Path) -> None:
    # 1900-01 to 9999-12 are 97,200 months: more periods than the cohort sheet has columns
    book = ledger(["a", "b"], ["1900-01-01", "9999-12-01"], [1, 1])
    with pytest.raises(TemplateError, match="columns"):
        write_subscription_workbook(tmp_path / "wide.xlsx", "en", subscription_book(book))
    assert not list(tmp_path.iterdir())


def test_existing_file_wrong_suffix_and_language_are_refused(tmp_path: Path) -> None:
    target = tmp_path / "s.xlsx"
    target.write_bytes(b"precious")
    with pytest.raises(TemplateError, match="already exists"):
        write_subscription_workbook(target, "en", _result())
    assert target.read_bytes() == b"precious"
    with pytest.raises(TemplateError, match=r"\.xlsx"):
        write_subscription_workbook(tmp_path / "s.xlsm", "en")
    with pytest.raises(TemplateError, match="lang"):
        write_subscription_workbook(tmp_path / "t.xlsx", "fr")
    write_subscription_workbook(target, "en", _result(), overwrite=True)
    assert zipfile.is_zipfile(target)
    assert not list(tmp_path.glob("*.part"))


def test_billing_lines_with_service_period_from_orders(tmp_path: Path) -> None:
    from types import SimpleNamespace

    orders = SimpleNamespace(
        customer_ids=np.array(["a", "a", "b"]),
        order_dates=np.array(["2024-01-01", "2025-01-01", "2024-01-01"], dtype="datetime64[D]"),
        amounts=np.array([1200.0, 1200.0, 50.0]),
        report=SimpleNamespace(source="invoices.csv"),
        extra_dates={
            "from": np.array(["2024-01-01", "2025-01-01", "NaT"], dtype="datetime64[D]"),
            "to": np.array(["2024-12-31", "2025-12-31", "NaT"], dtype="datetime64[D]"),
        },
    )
    lines = SubscriptionSettings(billing=BillingSettings(start_col="from", end_col="to"))
    result = subscription_result(orders, lines)
    # hand: a's annual plan is 100 a month for 24 months: never churned; b's one-off 50 (no
    # service period) counts in January 2024 and churns in February
    assert (result.movements.churn / 100).tolist()[:2] == [0.0, 50.0]
    assert result.movements.churn[2:].sum() == 0
    path = write_subscription_workbook(tmp_path / "lines.xlsx", "de", result)
    assert openpyxl.load_workbook(path).sheetnames[1] == "MRR-Bewegungen"
