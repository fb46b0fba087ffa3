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
    # a forecast's caveats (models.forecast.Caveat), said on stderr
    "caveat.few_repeat_buyers": (
        "caution: only {repeat_buyers:.0f} customers bought again; the BG/NBD fit rests on "
        "them and needs a few dozen ({minimum:.0f} or more) to be trusted",
        "Vorsicht: nur {repeat_buyers:.0f} Kunden haben wieder gekauft; die BG/NBD-Anpassung "
        "beruht auf ihnen und braucht einige Dutzend ({minimum:.0f} oder mehr)",
    ),
    "caveat.not_converged": (
        "caution: the BG/NBD fit did not converge; read its forecasts with care",
        "Vorsicht: die BG/NBD-Anpassung ist nicht konvergiert; Prognosen mit Vorsicht lesen",
    ),
    "caveat.one_dropout_rate": (
        "caution: the fit gives every customer the same dropout probability ({rate:.1%} after "
        "each purchase; a = {a:.3g}, b = {b:.3g}): the data do not show customers who differ "
        "in how soon they leave, so P(alive) rests on that assumption",
        "Vorsicht: die Anpassung gibt jedem Kunden dieselbe Abwanderungswahrscheinlichkeit "
        "({rate:.1%} nach jedem Kauf; a = {a:.3g}, b = {b:.3g}): die Daten zeigen keine Kunden, "
        "die verschieden schnell gehen, P(aktiv) beruht auf dieser Annahme",
    ),
    "caveat.holdout_missed": (
        "caution: the holdout check missed by {error:.0%} ({expected:,.0f} repeat purchases "
        "expected, {actual:,.0f} made): the model does not describe these customers well",
        "Vorsicht: der Holdout-Test lag {error:.0%} daneben ({expected:,.0f} "
        "Wiederholungskäufe erwartet, {actual:,.0f} getätigt): das Modell beschreibt diese "
        "Kunden schlecht",
    ),
}
