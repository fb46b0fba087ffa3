"""Workbooks: the only package that imports openpyxl.

- :mod:`.kpi_template` — the "KPI calculator" (inputs and every KPI, English and German,
  ``.xlsx`` with native formulas or ``.xlsm`` calling the Excel functions);
- :mod:`.cohort_template` — the cohort workbook (orders table, triangle with heatmap,
  retention curves, KPI summary, instructions);
- :mod:`.xlsm` — the xlwings VBA base and spilling formulas for ``.xlsm`` files;
- :mod:`.files` — atomic saving that never overwrites unasked.
"""

from __future__ import annotations

from .cohort_template import cohort_workbook, write_cohort_workbook
from .files import save_atomically
from .kpi_template import EXAMPLE, INPUTS, compute_kpis, kpi_workbook, write_kpi_workbook

__all__ = [
    "EXAMPLE",
    "INPUTS",
    "cohort_workbook",
    "compute_kpis",
    "kpi_workbook",
    "save_atomically",
    "write_cohort_workbook",
    "write_kpi_workbook",
]
