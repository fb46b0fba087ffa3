"""Workbooks: the only package that imports openpyxl.

- :mod:`.kpi_template` — the "KPI calculator" (inputs and every KPI, English and German,
  ``.xlsx`` with native formulas or ``.xlsm`` calling the Excel functions);
- :mod:`.files` — atomic saving that never overwrites unasked.
"""

from __future__ import annotations

from .files import save_atomically
from .kpi_template import EXAMPLE, INPUTS, compute_kpis, kpi_workbook, write_kpi_workbook

__all__ = [
    "EXAMPLE",
    "INPUTS",
    "compute_kpis",
    "kpi_workbook",
    "save_atomically",
    "write_kpi_workbook",
]
