"""``--lang de``: the command line's stderr in German, line for line (issue 19 item 4).

Each command runs twice on the same input, in English and in German; every line it writes
to stderr must be another line in German (the texts of retention_xl.texts), never the
English one. File names and numbers stay as they are inside the lines.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retention_xl.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHOP = ROOT / "retention_xl" / "sample" / "shop_orders.csv"
BILLING = ROOT / "tests" / "data" / "subscriptions_billing.csv"


def _stderr(
    argv: list[str], lang: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str], list[str]]:
    code = main([*argv, "--lang", lang])
    captured = capsys.readouterr()
    return code, captured.err.splitlines(), captured.out.splitlines()


@pytest.mark.parametrize(
    "argv",
    [
        ["cohorts", str(SHOP), "--as-of", "2024-06-15"],  # report, engine, conventions, left out
        ["subscriptions", str(BILLING)],  # report, engine, conventions, counts
        ["cohorts", str(BILLING)],  # an error: a missing column
    ],
    ids=["cohorts", "subscriptions", "missing-column"],
)
def test_every_stderr_line_is_german(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code_en, english, _ = _stderr(argv, "en", capsys)
    code_de, german, _ = _stderr(argv, "de", capsys)
    assert code_en == code_de
    assert len(english) == len(german) >= 1
    assert set(german).isdisjoint(english), sorted(set(german) & set(english))


@pytest.mark.slow  # ~2 s: 8 cohort workbooks
def test_a_batch_reports_in_german(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["fill", str(SHOP), "--by", "store", "--out-dir", str(tmp_path / "out"), "--jobs", "1"]
    _, english, _ = _stderr(argv, "en", capsys)  # writes the workbooks
    _, german, out_de = _stderr(argv, "de", capsys)  # every one exists now: failures
    assert german and set(german).isdisjoint(english)
    assert any("fehlgeschlagen" in line and "gibt es schon" in line for line in german)
    assert out_de[0].split() == ["Arbeitsmappe", "Zeilen", "gelesen", "verwendet", "abgelehnt",
                                 "Kohorten", "Status"]  # fmt: skip
    assert out_de[-1].startswith("0 von 4 Arbeitsmappen")
    shutil.rmtree(tmp_path / "out")
