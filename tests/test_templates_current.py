"""The committed templates in workbook_templates/ are exactly what the generator writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from zipparts import parts

from retention_xl.workbook import (
    write_cohort_workbook,
    write_kpi_workbook,
    write_subscription_workbook,
)
from retention_xl.workbook.live_cohorts import write_live_cohort_workbook

TEMPLATES = Path(__file__).resolve().parents[1] / "workbook_templates"
WRITERS: dict[str, Callable[..., Path]] = {
    "kpis": write_kpi_workbook,
    "cohorts": write_cohort_workbook,
}


def _generate(kind: str, path: Path, lang: str, suffix: str) -> Path:
    if kind == "cohorts" and suffix == ".xlsx":  # the cohort template computes live (issue 8)
        return write_live_cohort_workbook(path, lang)
    return WRITERS[kind](path, lang, xlsm=suffix == ".xlsm")


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("kind", ["kpis", "cohorts"])
def test_committed_template_matches_the_generator(
    tmp_path: Path, kind: str, lang: str, suffix: str
) -> None:
    name = f"retention_{kind}_{lang}{suffix}"
    fresh = _generate(kind, tmp_path / name, lang, suffix)
    committed, generated = parts(TEMPLATES / name, normalise=True), parts(fresh, normalise=True)
    assert sorted(committed) == sorted(generated)
    stale = [part for part in committed if committed[part] != generated[part]]
    assert not stale, f"{name} is stale in {stale}: run `make templates` and commit"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_committed_subscription_template_matches_the_generator(tmp_path: Path, lang: str) -> None:
    name = f"retention_subscriptions_{lang}.xlsx"  # values and Checks formulas: no .xlsm
    fresh = write_subscription_workbook(tmp_path / name, lang)
    committed, generated = parts(TEMPLATES / name, normalise=True), parts(fresh, normalise=True)
    assert sorted(committed) == sorted(generated)
    stale = [part for part in committed if committed[part] != generated[part]]
    assert not stale, f"{name} is stale in {stale}: run `make templates` and commit"
