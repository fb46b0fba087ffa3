"""Batch filling: every segment's workbook shows the engine's numbers in LibreOffice, and each
safety rule holds (text stays text, kills leave no partial file, no overwrite unasked, hostile
names stay inside the folder, one bad segment does not stop the others)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from flat import flat_fill
from libreoffice import convert

from retention_xl import read_orders
from retention_xl.batch import fill_many, fill_workbook
from retention_xl.cli import main
from retention_xl.cohorts import cohort_table
from retention_xl.io import Orders, ReadReport
from retention_xl.results import kpi_values
from retention_xl.samples import SHOP_ORDERS
from retention_xl.workbook.cohort_template import HEADER_ROW
from retention_xl.workbook.kpi_template import compute_kpis

HOSTILE = ['=HYPERLINK("http://x","click")', "+cmd|'/c calc'!A1", "@SUM(1)", "-2+3"]


def _orders(ids: list[str], days: list[str], segments: list[str] | None = None) -> Orders:
    return Orders(
        np.array(ids),
        np.array(days, dtype="datetime64[D]"),
        np.ones(len(ids)),
        ReadReport("test"),
        None if segments is None else np.array(segments),
    )


@pytest.fixture(scope="module")
def by_store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("by_store")
    cohorts = fill_many([SHOP_ORDERS], by="store", out_dir=folder / "cohorts", jobs=2)
    kpis = fill_many(
        [SHOP_ORDERS], by="store", out_dir=folder / "kpis", template="kpis", lang="de", jobs=1
    )
    assert all(r.ok for r in cohorts + kpis)
    paths = [r.path for r in cohorts + kpis if r.path is not None]
    out = {}
    for kind in ("cohorts", "kpis"):
        chosen = [p for p in paths if p.parent.name == kind]
        for p in convert(chosen, folder / f"recalculated-{kind}"):
            out[f"{kind}/{p.stem}"] = p
    return out


@pytest.mark.libreoffice
@pytest.mark.parametrize("store", ["Berlin", "Hamburg", "Köln", "München"])
def test_every_segment_shows_the_engines_numbers(by_store: dict[str, Path], store: str) -> None:
    shop = read_orders(SHOP_ORDERS, segment_col="store")
    mine = shop.select(shop.segments == store, store)  # type: ignore[operator]
    table = cohort_table(mine.customer_ids, mine.order_dates, mine.amounts)
    sheet = openpyxl.load_workbook(by_store[f"cohorts/{store}"], data_only=True).worksheets[0]
    assert sheet.title == f"Cohorts {store}"
    first = HEADER_ROW + 1
    n, width = len(table.labels), table.values.shape[1]
    shown = np.array(
        [
            [
                np.nan if sheet.cell(r, c).value in (None, "") else sheet.cell(r, c).value
                for c in range(3, width + 3)
            ]
            for r in range(first, first + n + 1)
        ],
        dtype=float,
    )
    np.testing.assert_allclose(shown[:n], table.values, rtol=1e-12)
    np.testing.assert_allclose(shown[n], table.weighted_average, rtol=1e-12)  # native formula


@pytest.mark.libreoffice
@pytest.mark.parametrize("store", ["Berlin", "Köln"])
def test_kpi_workbooks_per_segment_agree_with_numpy(by_store: dict[str, Path], store: str) -> None:
    shop = read_orders(SHOP_ORDERS, segment_col="store")
    expected = compute_kpis(kpi_values(shop.select(shop.segments == store, store)))  # type: ignore[operator]
    sheet = openpyxl.load_workbook(by_store[f"kpis/{store}"], data_only=True).worksheets[0]
    shown = {sheet.cell(r, 5).value: sheet.cell(r, 6).value for r in range(5, 18)}
    from retention_xl.definitions import DEFINITIONS

    for definition in DEFINITIONS:
        value, want = shown[definition.title("de")], expected[definition.name]
        if want is None:
            assert value in (None, ""), definition.name  # inputs orders cannot tell: blank
        else:
            assert value == pytest.approx(want, rel=1e-12), definition.name
    assert expected["AVERAGE_ORDER_VALUE"] is not None and expected["RETENTION_RATE"] is None


def test_formula_like_text_lands_as_text(tmp_path: Path) -> None:
    orders = _orders(HOSTILE, ["2024-01-05"] * 4, HOSTILE)
    results = fill_many([("hostile", orders)], by="segment", out_dir=tmp_path, jobs=1)
    assert all(r.ok for r in results), [r.error for r in results]
    for result in results:
        assert result.path is not None
        book = openpyxl.load_workbook(result.path)
        title = book.worksheets[0]["A1"]
        assert title.data_type == "s" and title.value.endswith(result.name)
        ids = book["Orders"]["A2"]
        assert ids.data_type == "s" and ids.value == result.name


@pytest.mark.libreoffice
def test_libreoffice_reads_formula_like_ids_back_as_text(tmp_path: Path) -> None:
    orders = _orders(HOSTILE, ["2024-01-05"] * 4)
    path = flat_fill(
        fill_workbook, orders, "cohorts", tmp_path / "ids.xlsx", as_of="2024-01-31"
    ).path
    assert path is not None
    (recalculated,) = convert([path], tmp_path / "out")
    sheet = openpyxl.load_workbook(recalculated, data_only=True)["Orders"]
    assert [sheet.cell(r, 1).value for r in range(2, 6)] == HOSTILE


def test_hostile_segment_names_become_safe_file_names(tmp_path: Path) -> None:
    names = ["../../evil", "CON", "a/b\\c", "x" * 300, "Berlin", "berlin", "  ", "nul.txt"]
    orders = _orders(["a"] * len(names), ["2024-01-05"] * len(names), names)
    out = tmp_path / "out"
    results = fill_many([("shop", orders)], by="segment", out_dir=out, jobs=1)
    assert all(r.ok for r in results), [r.error for r in results]
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == len(names)  # nothing overwritten by a name clash
    assert all(r.path is not None and r.path.parent == out for r in results)
    assert not list(tmp_path.glob("evil*")) and (out / "CON_.xlsx").exists()
    assert {"Berlin.xlsx", "berlin-2.xlsx", "a_b_c.xlsx", "nul_.txt.xlsx"} <= set(written)
    assert max(len(name) for name in written) <= 105  # 100-character stem + ".xlsx"
    titles = [openpyxl.load_workbook(r.path).sheetnames[0] for r in results if r.path]
    assert all(len(t) <= 31 and not set(t) & set("[]:*?/\\") for t in titles)


def test_existing_workbooks_are_not_overwritten_without_the_flag(tmp_path: Path) -> None:
    target = tmp_path / "Berlin.xlsx"
    target.write_bytes(b"the analyst's edited report")
    orders = _orders(["a"], ["2024-01-05"], ["Berlin"])
    (result,) = fill_many([("x", orders)], by="segment", out_dir=tmp_path, jobs=1)
    assert not result.ok and "already exists" in result.error
    assert target.read_bytes() == b"the analyst's edited report"
    (result,) = fill_many([("x", orders)], by="segment", out_dir=tmp_path, jobs=1, overwrite=True)
    assert result.ok and target.read_bytes()[:2] == b"PK"


_SLOW_FILL = textwrap.dedent(
    """
    import sys, numpy as np
    from retention_xl.batch import fill_workbook
    from retention_xl.io import Orders, ReadReport
    n = 400_000  # big enough that writing takes seconds
    rng = np.random.default_rng(1)
    orders = Orders(np.char.add("C", rng.integers(0, 50_000, n).astype(str)),
                    np.datetime64("2023-01-01") + rng.integers(0, 700, n).astype("timedelta64[D]"),
                    rng.random(n), ReadReport("slow"))
    print("start", flush=True)
    fill_workbook(orders, "cohorts", sys.argv[1], overwrite=True)
    print("done", flush=True)
    """
)


def test_a_kill_during_a_fill_leaves_no_partial_file_and_keeps_the_old_one(
    tmp_path: Path,
) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"last month's good report")
    with subprocess.Popen(
        [sys.executable, "-c", _SLOW_FILL, str(target)], stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None and child.stdout.readline().strip() == "start"
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".report-*.part")) and time.monotonic() < deadline:
            time.sleep(0.05)  # wait until the workbook is being written
        assert list(tmp_path.glob(".report-*.part")), "the fill never started writing"
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert target.read_bytes() == b"last month's good report"  # never half-replaced
    # the next run removes the killed run's temporary file and writes a complete workbook
    orders = _orders(["a"], ["2024-01-05"])
    (result,) = fill_many([("report", orders)], out_dir=tmp_path, jobs=1, overwrite=True)
    assert result.ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


def test_one_bad_segment_does_not_stop_the_others(tmp_path: Path) -> None:
    # "wide" spans 50 years of days: more periods than Excel has columns
    orders = _orders(
        ["a", "b", "c", "c"],
        ["2024-01-05", "2024-01-06", "1970-01-01", "2020-01-01"],
        ["ok1", "ok2", "wide", "wide"],
    )
    results = flat_fill(
        fill_many, [("shop", orders)], by="segment", out_dir=tmp_path, jobs=2, period="D"
    )
    status = {r.name: (r.status, r.error) for r in results}
    assert status["ok1"][0] == status["ok2"][0] == "written"
    assert status["wide"][0] == "failed" and "16,384 columns" in status["wide"][1]
    assert not (tmp_path / "wide.xlsx").exists()


def test_text_over_excels_cell_limit_is_refused_before_writing(tmp_path: Path) -> None:
    orders = _orders(["x" * 40_000], ["2024-01-05"])
    (result,) = fill_many([("long", orders)], out_dir=tmp_path, jobs=1)
    assert not result.ok and "32,767" in result.error
    assert not list(tmp_path.iterdir())


def test_unreadable_file_is_reported_and_the_others_are_filled(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,order_date\nk,someday\n", encoding="utf-8")
    results = fill_many([bad, SHOP_ORDERS], out_dir=tmp_path / "out", jobs=1)
    assert [r.status for r in results] == ["failed", "written"]
    assert "bad.csv:2" in results[0].error


@pytest.mark.slow  # ~2 s: a pool of worker processes (jobs=2)
def test_parallel_and_serial_runs_write_the_same_workbooks(tmp_path: Path) -> None:
    serial = fill_many([SHOP_ORDERS], by="store", out_dir=tmp_path / "one", jobs=1)
    parallel = fill_many([SHOP_ORDERS], by="store", out_dir=tmp_path / "two", jobs=2)
    assert [r.name for r in serial] == [r.name for r in parallel]
    for a, b in zip(serial, parallel, strict=True):
        assert a.path is not None and b.path is not None
        sheet_a = openpyxl.load_workbook(a.path).worksheets[0]
        sheet_b = openpyxl.load_workbook(b.path).worksheets[0]
        assert [[c.value for c in row] for row in sheet_a.iter_rows()] == [
            [c.value for c in row] for row in sheet_b.iter_rows()
        ]


def test_cli_fill_summary_and_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["fill", str(SHOP_ORDERS), "--by", "store", "--out-dir", str(out), "--jobs", "1"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "4 of 4 workbooks written" in captured.out
    assert "Berlin.xlsx" in captured.out and "written" in captured.out
    assert "\r[" not in captured.err  # no progress bar when stderr is not a terminal
    assert main(args) == 1  # the workbooks exist now
    captured = capsys.readouterr()
    assert "0 of 4 workbooks written" in captured.out
    assert "failed: Berlin" in captured.err and "--overwrite" in captured.err
    assert main([*args, "--overwrite", "--template", "kpis", "--lang", "de"]) == 0


def test_sources_can_be_named_arrays(tmp_path: Path) -> None:
    arrays = (["a", "a", "b"], ["2024-01-05", "2024-02-05", "2024-01-06"], [10.0, 5.0, 7.0])
    (result,) = flat_fill(
        fill_many, [("from arrays", arrays)], out_dir=tmp_path, jobs=1, as_of="2024-02-29"
    )
    assert (
        result.ok and result.cohorts == 2 and result.rows_used == 3
    )  # hand: Jan and Feb cohorts, 3 rows
    assert result.path == tmp_path / "from arrays.xlsx"


def test_cli_fill_with_a_users_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from test_user_template import make_template

    template = make_template(tmp_path / "mine.xlsx")
    out = tmp_path / "out"
    assert (
        main(
            [
                "fill",
                str(SHOP_ORDERS),
                "--by",
                "store",
                "--template",
                str(template),
                "--out-dir",
                str(out),
                "--jobs",
                "1",
            ]
        )
        == 0
    )
    assert "4 of 4 workbooks written" in capsys.readouterr().out
    book = openpyxl.load_workbook(out / "Köln.xlsx")
    assert book["Report"]["B1"].value == "Köln"
    assert main(["fill", str(SHOP_ORDERS), "--template", "nope.xlsx", "--out-dir", str(out)]) == 1
    assert "existing .xlsx/.xlsm" in capsys.readouterr().err


def test_segment_names_over_excels_cell_limit_fail_alone(tmp_path: Path) -> None:
    orders = _orders(["a", "b"], ["2024-01-05", "2024-01-06"], ["ok", "y" * 40_000])
    results = fill_many([("x", orders)], by="segment", out_dir=tmp_path, jobs=1)
    assert [r.status for r in results] == ["written", "failed"]
    assert "32,767" in results[1].error
