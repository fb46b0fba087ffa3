"""The command line, the generated function reference and the package's public surface."""

from __future__ import annotations

import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

import retention_xl
from retention_xl import kpis
from retention_xl.cli import main
from retention_xl.definitions import ALL_DEFINITIONS
from retention_xl.reference import markdown

ROOT = Path(__file__).resolve().parents[1]


def test_functions_lists_every_function_with_its_alias(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["functions"]) == 0
    lines = capsys.readouterr().out.splitlines()[2:]
    assert len(lines) == 13 + 1 + 11 + 4  # kpi-spec §1 KPIs, COHORT_TABLE, §3 models, §4 MRR
    for definition, line in zip(ALL_DEFINITIONS, lines, strict=True):
        assert line.split()[:2] == [definition.name, definition.alias]
        assert definition.summary_en in line


def test_functions_in_german(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["functions", "--lang", "de"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Excel-Funktion")
    assert "KUNDENBINDUNGSRATE" in out and "Anteil der in der Periode verlorenen Kunden." in out


def test_docs_functions_md_is_current() -> None:
    committed = (ROOT / "docs" / "functions.md").read_text(encoding="utf-8")
    assert committed == markdown(), "docs/functions.md is stale: run `make docs` and commit"


def test_template_command_writes_and_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "kpis_de.xlsx"
    assert main(["template", "kpis", "--lang", "de", "--out", str(out)]) == 0
    assert out.exists()
    assert main(["template", "kpis", "--lang", "de", "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["template", "kpis", "--out", str(out), "--overwrite"]) == 0


@pytest.mark.slow  # ~2 s: the demo writes every example workbook
def test_demo_writes_both_languages_and_prints_the_kpis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "retention_kpis_example_en.xlsx").exists()
    assert (tmp_path / "retention_kpis_example_de.xlsx").exists()
    assert re.search(r"RETENTION_RATE\s+KUNDENBINDUNGSRATE\s+60\.0%", out)  # guide example


def test_python_dash_m_runs_the_cli() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "retention_xl", "functions"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0 and "RETENTION_RATE" in run.stdout


def test_importing_the_package_loads_neither_xlwings_nor_openpyxl() -> None:
    code = (
        "import sys, retention_xl; "
        "print(sorted(m for m in ('xlwings', 'openpyxl') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_public_api_is_exactly_all() -> None:
    public = {
        name
        for name in dir(retention_xl)
        if not name.startswith("_")
        and name != "annotations"  # from __future__
        and not isinstance(getattr(retention_xl, name), types.ModuleType)
    }
    assert public == set(retention_xl.__all__) - {"__version__"}
    for name in kpis.__all__:
        if name.islower():
            assert name in retention_xl.__all__, f"{name} is missing from retention_xl"


def test_no_excel_name_reads_as_a_cell_reference() -> None:
    cell = re.compile(r"^([A-Z]{1,3}[0-9]+|R[0-9]*C[0-9]*)$")
    for definition in ALL_DEFINITIONS:
        for name in (definition.name, definition.alias):
            assert not cell.match(name) and name.isascii(), name


@pytest.mark.parametrize("written", ["\\t", "tab", "\t"])
def test_a_tab_delimiter_as_a_shell_passes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], written: str
) -> None:
    # issue 15 item 11: --delimiter '\t' arrives as a backslash and a t (a traceback before)
    path = tmp_path / "orders.tsv"
    path.write_text("customer_id\torder_date\na\t2024-01-05\nb\t2024-01-20\na\t2024-02-02\n")
    argv = ["cohorts", str(path), "--delimiter", written, "--as-of", "2024-02-29"]
    assert main(argv) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[1] == "2024-01,2,1.0,0.5"  # hand: a and b in January, a back in February
