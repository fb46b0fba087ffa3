"""The forecast workbook: LibreOffice opens it in English and German and shows the engine's
numbers — per customer, per segment (native formulas) and the model, which on the CDNOW
sample with the paper's calibration period shows the published BG/NBD fit."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from libreoffice import convert

from retention_xl.errors import TemplateError
from retention_xl.io import Orders, ReadReport
from retention_xl.models import SEGMENTS, ForecastSettings
from retention_xl.models.forecast import Forecast
from retention_xl.results import forecast_result
from retention_xl.workbook.forecast_template import (
    COLUMNS,
    write_forecast_workbook,
)

DATA = Path(__file__).parent / "data"
# the paper's setup: CDNOW 1/10 sample, weeks, 1997-01-01 … 1998-06-30; calibration to
# 1997-09-30 is half of those 545 days (holdout 0.5)
SETTINGS = ForecastSettings(holdout=0.5, horizon=39, unit="W")


def _cdnow() -> Orders:
    ids, days, amounts = [], [], []
    for line in (DATA / "CDNOW_sample.txt").read_text().splitlines():
        _, index, day, _, dollars = line.split()
        ids.append(f"C{int(index):04d}")
        days.append(f"{day[:4]}-{day[4:6]}-{day[6:]}")
        amounts.append(float(dollars))
    report = ReadReport("CDNOW_sample.txt", rows_read=len(ids), rows_used=len(ids))
    return Orders(np.array(ids), np.array(days, "datetime64[D]"), np.array(amounts), report)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Forecast]]:
    folder = tmp_path_factory.mktemp("forecast")
    orders = _cdnow()
    out: dict[str, tuple[Path, Forecast]] = {}
    written = []
    for lang in ("en", "de"):
        result = forecast_result(orders, SETTINGS)
        path = write_forecast_workbook(folder / f"forecast_{lang}.xlsx", lang, result)
        written.append(path)
        out[lang] = (path, result)
    recalculated = convert(written, folder / "recalculated")
    return {lang: (recalculated[i], out[lang][1]) for i, lang in enumerate(("en", "de"))}


def _customers(path: Path) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(path, data_only=True).worksheets[0]
    return list(sheet.iter_rows(min_row=2, values_only=True))


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["en", "de"])
def test_customers_sheet_shows_the_engine_numbers_sorted_by_clv(
    books: dict[str, tuple[Path, Forecast]], lang: str
) -> None:
    path, result = books[lang]
    rows = _customers(path)
    assert len(rows) == 2357  # every customer of the sample
    index = {cid: i for i, cid in enumerate(result.summary.customer_ids.tolist())}
    assert result.clv is not None and result.spend is not None
    keys = [key for key, *_ in COLUMNS]
    for row in rows:
        i = index[row[0]]
        shown = dict(zip(keys, row, strict=True))
        assert shown["segment"] == result.segments.names(lang)[i]
        assert shown["frequency"] == result.summary.frequency[i]
        assert shown["p_alive"] == pytest.approx(result.p_alive[i], rel=1e-12)
        assert shown["purchases"] == pytest.approx(result.purchases[i], rel=1e-12)
        assert shown["spend"] == pytest.approx(result.spend[i], rel=1e-12)
        assert shown["clv"] == pytest.approx(result.clv[i], rel=1e-12)
    clv = [float(row[keys.index("clv")]) for row in rows]  # type: ignore[arg-type]
    assert clv == sorted(clv, reverse=True)  # sorted by CLV, largest first


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["en", "de"])
def test_segments_sheet_formulas_agree_with_the_engine(
    books: dict[str, tuple[Path, Forecast]], lang: str
) -> None:
    path, result = books[lang]
    sheet = openpyxl.load_workbook(path, data_only=True).worksheets[1]
    counts = result.segments.counts()
    revenue = result.summary.revenue
    assert revenue is not None
    for r, key in enumerate(SEGMENTS, start=5):
        mask = result.segments.segments == key
        assert sheet.cell(r, 1).value == SEGMENTS[key][lang == "de"]
        assert sheet.cell(r, 2).value == counts[key]  # COUNTIF over the table
        assert sheet.cell(r, 4).value == pytest.approx(revenue[mask].sum(), rel=1e-9)
        if counts[key]:
            assert sheet.cell(r, 5).value == pytest.approx(result.p_alive[mask].mean(), rel=1e-9)
        else:
            assert sheet.cell(r, 5).value in (None, "")
    total = 5 + len(SEGMENTS)
    assert sheet.cell(total, 2).value == 2357
    assert sheet.cell(total, 5).value == pytest.approx(result.p_alive.mean(), rel=1e-9)


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["en", "de"])
def test_model_sheet_shows_the_published_fit_of_the_calibration_period(
    books: dict[str, tuple[Path, Forecast]], lang: str
) -> None:
    path, result = books[lang]
    sheet = openpyxl.load_workbook(path, data_only=True).worksheets[2]
    values: dict[str, tuple[object, ...]] = {}
    for row in sheet.iter_rows(values_only=True):
        if isinstance(row[0], str):
            values.setdefault(row[0], row[1:])  # the BG/NBD block comes first
    # FHL 2005: calibration to 1997-09-30 gives r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4
    for name, published in (("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426)):
        assert values[name][1] == pytest.approx(published, abs=5e-4)
        assert values[name][0] == pytest.approx(result.fit[name], rel=1e-12)
    assert values["log_likelihood" if lang == "en" else "Log-Likelihood"][1] == pytest.approx(
        -9582.4, abs=0.05
    )
    tracking = result.tracking
    assert tracking is not None and str(tracking.calibration_end) == "1997-09-30"
    # FH 2013: p 6.25, q 3.74, γ 15.44 are for the calibration period; the forecast refits
    # on all orders, so the sheet shows the engine's fit
    assert result.spend_fit is not None
    assert values["p"][0] == pytest.approx(result.spend_fit["p"], rel=1e-12)
    # the tracking table: actual and expected repeat purchases per week, as the engine has
    start = next(
        i
        for i, row in enumerate(sheet.iter_rows(values_only=True), 1)
        if row[0] in ("Period from", "Periode ab")
    )
    table = list(sheet.iter_rows(min_row=start + 1, max_row=start + 78, values_only=True))
    assert [row[1] for row in table] == tracking.actual.tolist()
    np.testing.assert_allclose([row[2] for row in table], tracking.expected, rtol=1e-12)
    assert sum(tracking.actual) == 4339  # repeat purchase days of the 2,357 customers


def test_workbook_structure_charts_and_print_setup(
    books: dict[str, tuple[Path, Forecast]], tmp_path: Path
) -> None:
    orders = _cdnow()
    path = write_forecast_workbook(tmp_path / "f.xlsx", "de", forecast_result(orders, SETTINGS))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Kunden", "Segmente", "Modell", "Anleitung"]
    table = book["Kunden"].tables["Kunden"]
    assert table.ref == "A1:N2358" and table.autoFilter.ref == "A1:N2358"
    for name in ("Segmente", "Modell", "Anleitung"):
        assert book[name].sheet_properties.pageSetUpPr.fitToPage
    with zipfile.ZipFile(path) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if "charts/chart" in n]
    assert len(charts) == 3  # segments bar chart, per-period and cumulative tracking
    for chart in charts:
        assert chart.count('<delete val="0" />') == 2  # both axes shown (LibreOffice)


@pytest.mark.slow  # ~4 s: writes forecast workbooks (model fits) several times
def test_hostile_ids_stay_text_and_files_are_never_overwritten_unasked(tmp_path: Path) -> None:
    ids = np.array(['=HYPERLINK("x")', '=HYPERLINK("x")', "+cmd", "@SUM(1)"])
    days = np.array(["2024-01-02", "2024-02-05", "2024-01-10", "2024-03-01"], "datetime64[D]")
    orders = Orders(ids, days, np.array([10.0, 20.0, 5.0, 7.0]), ReadReport("hostile"))
    result = forecast_result(orders, ForecastSettings(holdout=0))
    path = write_forecast_workbook(tmp_path / "h.xlsx", "en", result)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    shown = {sheet.cell(r, 1).value for r in range(2, 5)}
    assert shown == {'=HYPERLINK("x")', "+cmd", "@SUM(1)"}
    assert all(sheet.cell(r, 1).data_type == "s" for r in range(2, 5))
    with pytest.raises(TemplateError, match="already exists"):
        write_forecast_workbook(path, "en", result)
    with pytest.raises(TemplateError, match=r"\.xlsx"):
        write_forecast_workbook(tmp_path / "h.csv", "en", result)


def test_orders_without_amounts_give_no_spend_and_no_clv(tmp_path: Path) -> None:
    orders = _cdnow()
    plain = Orders(orders.customer_ids, orders.order_dates, None, ReadReport("no amounts"))
    result = forecast_result(plain, ForecastSettings(horizon=12))
    path = write_forecast_workbook(tmp_path / "n.xlsx", "en", result)
    rows = _customers(path)
    keys = [key for key, *_ in COLUMNS]
    assert all(row[keys.index("clv")] is None for row in rows)
    assert all(0 <= row[keys.index("p_alive")] <= 1 for row in rows)  # type: ignore[operator]


@pytest.mark.slow  # a forecast of 2,000 CDNOW orders through the command line
def test_forecast_command_reads_a_file(tmp_path: Path) -> None:
    from retention_xl.cli import main

    csv = tmp_path / "orders.csv"
    csv.write_text(
        "customer_id,order_date,amount\n"
        + "".join(
            f"{line.split()[0]},{d[:4]}-{d[4:6]}-{d[6:]},{line.split()[4]}\n"
            for line in (DATA / "CDNOW_sample.txt").read_text().splitlines()[:2000]
            for d in [line.split()[2]]
        )
    )
    path = tmp_path / "out.xlsx"
    argv = ["forecast", str(csv), "--out", str(path), "--holdout", "0.25", "--horizon", "12"]
    assert main([*argv, "--lang", "de"]) == 0
    assert openpyxl.load_workbook(path).sheetnames[0] == "Kunden"


@pytest.mark.slow  # ~3 s: two forecasts of the sample shop
def test_margin_is_a_share_of_0_to_1_or_a_percentage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # issue 15 item 12: --margin 40 gave a CLV 40 times the revenue without a word
    from retention_xl.cli import main

    sample = str(Path(__file__).resolve().parents[1] / "retention_xl/sample/shop_orders.csv")
    assert main(["forecast", sample, "--out", str(tmp_path / "a.xlsx"), "--margin", "40"]) == 2
    assert "gross_margin must be between 0 and 1; got 40" in capsys.readouterr().err
    out = tmp_path / "b.xlsx"
    assert main(["forecast", sample, "--out", str(out), "--margin", "40%", "--holdout", "0"]) == 0
    model = openpyxl.load_workbook(out).worksheets[2]
    shown = [row for row in model.iter_rows(values_only=True) if row and row[1] == 0.4]
    assert shown  # hand: 40 % is 0.4 on the Model sheet's settings


@pytest.mark.slow  # ~8 s: forecasts of the sample shop and CDNOW
def test_a_forecast_says_when_it_cannot_be_trusted() -> None:
    # issue 15 item 12: the sample shop's BG/NBD lands at a ≈ 4e6, b ≈ 4e7 and was reported
    # "converged": every customer then has the same dropout probability a / (a + b)
    from retention_xl import read_orders
    from retention_xl.samples import SHOP_ORDERS

    shop = forecast_result(read_orders(SHOP_ORDERS))
    (caveat,) = shop.caveats
    assert caveat.key == "one_dropout_rate"
    a, b = shop.fit.params["a"], shop.fit.params["b"]
    assert caveat.value("rate") == pytest.approx(a / (a + b))
    # CDNOW (FHL 2005): a well-identified fit, holdout within 12 % (1,653 expected, 1,882
    # actual repeat purchases), nothing to warn about
    assert forecast_result(_cdnow(), SETTINGS).caveats == ()
    # three customers, one repeat buyer: far below the 30 repeat buyers a fit needs
    ids = np.array(["a", "a", "b", "c"])
    days = np.array(["2024-01-02", "2024-03-05", "2024-01-10", "2024-02-01"], "datetime64[D]")
    tiny = Orders(ids, days, np.array([10.0, 20.0, 5.0, 7.0]), ReadReport("tiny"))
    keys = [c.key for c in forecast_result(tiny, ForecastSettings(holdout=0)).caveats]
    assert keys[0] == "few_repeat_buyers"


@pytest.mark.slow  # ~4 s: two forecasts of the sample shop
def test_the_forecast_command_says_its_caveats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from retention_xl.cli import main

    sample = str(Path(__file__).resolve().parents[1] / "retention_xl/sample/shop_orders.csv")
    for lang, word in (("en", "caution: the fit gives every customer"), ("de", "Vorsicht:")):
        out = tmp_path / f"f_{lang}.xlsx"
        assert main(["forecast", sample, "--out", str(out), "--lang", lang]) == 0
        assert word in capsys.readouterr().err  # the sample shop: one dropout rate (above)
