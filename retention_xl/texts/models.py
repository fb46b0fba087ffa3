"""The words of the customer models (:mod:`retention_xl.models`): the labels of a fitted
model's table, the RFM summary's header and the names of the RFM segments."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # FitResult.rows
    "fit.log_likelihood": ("log_likelihood", "Log-Likelihood"),
    "fit.converged": ("converged", "konvergiert"),
    "fit.message": ("message", "Meldung"),  # the forecast workbook's row of FitResult.message
    # RFMSummary.rows: the header
    "rfm.customer": ("Customer", "Kunde"),
    "rfm.frequency": ("Frequency", "Frequenz"),
    "rfm.recency": ("Recency", "Recency"),
    "rfm.age": ("Age (T)", "Alter (T)"),
    "rfm.monetary": ("Monetary", "Monetaerer Wert"),
    # RFMSegments.rows: the header (R, F, M and RFM are the same in both languages)
    "segments.customer": ("Customer", "Kunde"),
    "segments.segment": ("Segment", "Segment"),
    # the segment names, in display order (models.segments.SEGMENTS)
    "segment.champions": ("Champions", "Champions"),
    "segment.loyal": ("Loyal", "Treue Kunden"),
    "segment.potential_loyalist": ("Potential loyalist", "Potenziell treu"),
    "segment.new": ("New", "Neukunden"),
    "segment.promising": ("Promising", "Vielversprechend"),
    "segment.need_attention": ("Need attention", "Brauchen Aufmerksamkeit"),
    "segment.about_to_sleep": ("About to sleep", "Drohen einzuschlafen"),
    "segment.at_risk": ("At risk", "Gefährdet"),
    "segment.cant_lose": ("Can't lose", "Nicht verlieren"),
    "segment.hibernating": ("Hibernating", "Schlafend"),
    "segment.lost": ("Lost", "Verloren"),
}
