"""The words of the generated workbooks (:mod:`retention_xl.workbook`): sheet names, titles,
labels and instructions of the cohort, live cohort, KPI, subscription and forecast workbooks,
and the lines they share (``workbook.``)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {}
