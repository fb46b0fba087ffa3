"""The words of the cohort analysis: the triangle's labels (:mod:`retention_xl.cohorts`), the
sentences stating its conventions, the names of the periods (:mod:`retention_xl.periods`),
and the separators of numbers in each language (``number.``)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # CohortTable.rows: the header and the average rows
    "cohorts.cohort": ("Cohort", "Kohorte"),
    "cohorts.customers": ("Customers", "Kunden"),
    "cohorts.average.weighted": ("Average", "Durchschnitt"),
    "cohorts.average.unweighted": ("Average (unweighted)", "Durchschnitt (ungewichtet)"),
    # describe_conventions: what "active in period k" means, by kind
    "cohorts.kind.on": ("active in exactly period k", "in genau Periode k aktiv"),
    "cohorts.kind.on_or_after": ("active in period k or later", "in Periode k oder später aktiv"),
    "cohorts.kind.rolling": ("active in every period 1 … k", "in jeder Periode 1 … k aktiv"),
    # ... what a cell shows, by value
    "cohorts.value.retention": (
        "share of the cohort's customers",
        "Anteil der Kunden der Kohorte",
    ),
    "cohorts.value.customers": ("number of distinct customers", "Anzahl verschiedener Kunden"),
    "cohorts.value.revenue": (
        "revenue in the period (refunds included)",
        "Umsatz der Periode (inkl. Erstattungen)",
    ),
    "cohorts.value.revenue_per_customer": (
        "cumulative revenue per cohort customer",
        "kumulierter Umsatz je Kunde der Kohorte",
    ),
    # ... and the sentences
    "cohorts.last_order": ("the last order", "zur letzten Bestellung"),
    "cohorts.periods": (
        "Periods: {unit}; cohort = period of the first purchase.",
        "Perioden: {unit}; Kohorte = Periode des ersten Kaufs.",
    ),
    "cohorts.values": (
        "Values: {value}; a customer counts when {kind}.",
        "Werte: {value}; gezählt wird, wer {kind} ist.",
    ),
    "cohorts.observed": (
        "Observed until {end}; blank cells are not yet fully observed (not 0).",
        "Beobachtet bis {end}; leere Zellen sind noch nicht vollständig beobachtet (nicht 0).",
    ),
    "cohorts.incomplete": (
        "The current, incomplete period is excluded.",
        "Die laufende, unvollständige Periode ist ausgeschlossen.",
    ),
    # Period.describe
    "periods.D": ("calendar days", "Kalendertage"),
    "periods.W": ("ISO weeks (Monday to Sunday)", "ISO-Wochen (Montag bis Sonntag)"),
    "periods.M": ("calendar months", "Kalendermonate"),
    "periods.Q": ("calendar quarters", "Kalenderquartale"),
    "periods.Y": ("calendar years", "Kalenderjahre"),
    "periods.rolling": (
        "{days}-day windows from each customer's first order",
        "{days}-Tage-Zeiträume ab der ersten Bestellung jedes Kunden",
    ),
    # numbers as each language writes them (1,234.5 and 1.234,5)
    "number.thousands": (",", "."),
    "number.decimal": (".", ","),
}
