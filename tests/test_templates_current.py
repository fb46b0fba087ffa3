"""The committed templates in workbook_templates/ are exactly what the generator writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from zipparts import parts

from retention_xl.workbook import write_cohort_workbook, write_kpi_workbook

TEMPLATES = Path(__file__).resolve().parents[1] / "workbook_templates"
WRITERS = {"kpis": write_kpi_workbook, "cohorts": write_cohort_workbook}


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("kind", ["kpis", "cohorts"])
def test_committed_template_matches_the_generator(
    tmp_path: Path, kind: str, lang: str, suffix: str
) -> None:
    name = f"retention_{kind}_{lang}{suffix}"
    fresh = WRITERS[kind](tmp_path / name, lang, xlsm=suffix == ".xlsm")
    committed, generated = parts(TEMPLATES / name, normalise=True), parts(fresh, normalise=True)
    assert sorted(committed) == sorted(generated)
    stale = [part for part in committed if committed[part] != generated[part]]
    assert not stale, f"{name} is stale in {stale}: run `make templates` and commit"
