"""Workbooks: the only package that imports openpyxl; every writer renders a result it is
given (:mod:`retention_xl.results` computes them) and reads no file and fits no model.

- :mod:`.kpi_template` — the "KPI calculator" (inputs and every KPI, English and German,
  ``.xlsx`` with native formulas or ``.xlsm`` calling the Excel functions);
- :mod:`.cohort_template` — the cohort workbook (orders table, triangle with heatmap,
  retention curves, KPI summary, instructions);
- :mod:`.live_cohorts` (with :mod:`.live_formulas`, :mod:`.live_orders`) — the cohort
  workbook computed by native Excel 2019 formulas (paste orders, get the triangle);
- :mod:`.subscription_template` — the subscription revenue workbook (MRR movements, charts,
  revenue cohorts, a Checks sheet of native formulas, the data);
- :mod:`.xlsm` — the xlwings VBA base and spilling formulas for ``.xlsm`` files;
- :mod:`.forecast_template` — the forecast workbook (customers by CLV, RFM segments,
  the BG/NBD and Gamma-Gamma models with their holdout check);
- :mod:`.user_template` — your own workbook with cells named ``rx_…`` filled;
- :mod:`.files` — atomic saving that never overwrites unasked.
"""

from __future__ import annotations

from .cohort_template import cohort_workbook, write_cohort_workbook
from .files import save_atomically
from .forecast_template import forecast_workbook, write_forecast_workbook
from .kpi_template import EXAMPLE, INPUTS, compute_kpis, kpi_workbook, write_kpi_workbook
from .live_cohorts import live_cohort_workbook, write_live_cohort_workbook
from .subscription_template import subscription_workbook, write_subscription_workbook
from .user_template import write_user_workbook

__all__ = [
    "EXAMPLE",
    "INPUTS",
    "cohort_workbook",
    "compute_kpis",
    "forecast_workbook",
    "kpi_workbook",
    "live_cohort_workbook",
    "save_atomically",
    "subscription_workbook",
    "write_cohort_workbook",
    "write_forecast_workbook",
    "write_kpi_workbook",
    "write_live_cohort_workbook",
    "write_subscription_workbook",
    "write_user_workbook",
]
