"""The words of the commands: the lines ``retention-xl`` prints on stderr (``cli.``), the
engine report (``engine.``) and the function reference (``reference.``, ``definitions.``).

The ``cli.`` texts are the fixed lines of :mod:`retention_xl.cli` in both languages, for the
command line to print in the language of ``--lang``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # retention-xl: what every command prints
    "cli.wrote": ("wrote {path}", "{path} geschrieben"),
    "cli.error": ("retention-xl: error: {error}", "retention-xl: Fehler: {error}"),
    # ... fill: the result, the failures, and the summary table's headings
    "cli.written": (
        "{written} of {total} workbooks written to {folder}",
        "{written} von {total} Arbeitsmappen nach {folder} geschrieben",
    ),
    "cli.failed": (
        "retention-xl: failed: {name}: {error}",
        "retention-xl: fehlgeschlagen: {name}: {error}",
    ),
    "cli.summary.workbook": ("workbook", "Arbeitsmappe"),
    "cli.summary.rows_read": ("rows read", "Zeilen gelesen"),
    "cli.summary.used": ("used", "verwendet"),
    "cli.summary.rejected": ("rejected", "abgelehnt"),
    "cli.summary.cohorts": ("cohorts", "Kohorten"),
    "cli.summary.status": ("status", "Status"),
    # ... the note when the order reader (the numpy engine) reads the file
    "cli.engine_numpy": ("engine numpy: auto, {reason}", "Engine numpy: auto, {reason}"),
    "cli.reason.reader_flag": (
        "a flag the order reader reads",
        "eine Option, die nur der Bestellungsleser kennt",
    ),
    "cli.reason.small_file": ("one file below {limit} MiB", "eine Datei unter {limit} MiB"),
    # ... cohorts: the orders left out of the triangle
    "cli.cohorts.left_out": (
        "{used} orders in the table; {after} after as_of, {unobserved} in periods not yet "
        "complete, {refunds} refunds without an earlier purchase",
        "{used} Bestellungen in der Tabelle; {after} nach as_of, {unobserved} in noch nicht "
        "vollständigen Perioden, {refunds} Erstattungen ohne früheren Kauf",
    ),
    # ... demo: the headings (printed after an empty line)
    "cli.demo.kpis": (
        "KPIs of the example numbers, computed with numpy (the workbooks show the same):",
        "Kennzahlen der Beispielzahlen, mit numpy berechnet (die Arbeitsmappen zeigen dieselben):",
    ),
    "cli.demo.cohorts": (
        "Cohorts of the sample shop ({summary}):",
        "Kohorten des Beispielshops ({summary}):",
    ),
    "cli.demo.by_store": (
        "One cohort workbook per store in {folder}:",
        "Eine Kohorten-Arbeitsmappe je Filiale in {folder}:",
    ),
    "cli.demo.forecast": (
        "Forecast of the sample shop (BG/NBD + Gamma-Gamma, holdout 25 %):",
        "Prognose des Beispielshops (BG/NBD + Gamma-Gamma, Holdout 25 %):",
    ),
    "cli.demo.subscriptions": (
        "MRR movements of a made-up subscription business (last 3 months):",
        "MRR-Bewegungen eines erfundenen Abo-Geschäfts (letzte 3 Monate):",
    ),
    # EngineReport: which engine ran and why (its rows are the reader's summary, reader.*)
    "engine.choice": ("engine {engine}: {reason}", "Engine {engine}: {reason}"),
    # reference.function_list: the header
    "reference.name": ("Excel function", "Excel-Funktion"),
    "reference.alias": ("German alias", "englischer Name"),
    "reference.summary": ("what it computes", "was sie berechnet"),
    # Definition.wizard_text: "<summary> Formula: <formula>"
    "definitions.formula": ("Formula", "Formel"),
}
